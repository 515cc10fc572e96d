package io.sockwatch.model.finding;

import java.util.List;
import java.util.Optional;

/**
 * Something wrong (or risky), said in plain words with the numbers behind it, who causes it, how
 * close the limit is and what to change.
 *
 * @param detector id of the detector that raised it ({@code ephemeral-ports}), also the name of its
 *     page under {@code docs/detectors/}
 * @param key what makes it distinct within the detector (e.g. the destination), so the same problem
 *     keeps one identity across runs
 * @param severity how urgent
 * @param title one sentence in plain words
 * @param subject who or what it is about
 * @param evidence the numbers, in the order they explain the title
 * @param headroom how close the limit is, where there is one
 * @param remediation the concrete change to make
 */
public record Finding(
    String detector,
    String key,
    Severity severity,
    String title,
    Subject subject,
    List<Evidence> evidence,
    Optional<Headroom> headroom,
    String remediation) {

  public Finding {
    evidence = List.copyOf(evidence);
  }

  /**
   * This finding placed in a namespace: the subject says where, and outside the host's namespace
   * the key gains {@code @netns:INODE}, so that the same problem in two pods stays two findings
   * while a host's finding keeps the identity it has in a single-namespace run.
   */
  public Finding placedIn(Placement placement, boolean host) {
    String placedKey =
        host || placement.netnsInode() == 0
            ? key
            : (key.isEmpty() ? "" : key + "@") + "netns:" + placement.netnsInode();
    return new Finding(
        detector,
        placedKey,
        severity,
        title,
        subject.withPlacement(placement),
        evidence,
        headroom,
        remediation);
  }

  /** Stable identity: {@code detector/key}. */
  public String id() {
    return key.isEmpty() ? detector : detector + "/" + key;
  }

  /** Where the detector's documentation lives, relative to the project root. */
  public String docPath() {
    return "docs/detectors/" + detector + ".md";
  }
}
