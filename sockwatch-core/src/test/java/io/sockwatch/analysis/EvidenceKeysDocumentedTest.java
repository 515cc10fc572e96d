package io.sockwatch.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.testkit.EvidenceContract;
import io.sockwatch.watch.TrendDetector;
import io.sockwatch.watch.TrendDetectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/doctor-json.md lists exactly the evidence keys each detector can emit: every key of every
 * doctor and trend detector ({@link Detector#evidenceKeys()}, the detector's enum, so a key of a
 * rare branch counts too) is well-formed and in its detector's table, and the tables list no key
 * that no detector has. What the detectors actually emit is held to the same tables by every
 * detector test that reads evidence ({@link Inputs#honoured}).
 */
class EvidenceKeysDocumentedTest {

  /** Detector id to the keys it declares: the 14 doctor detectors and serve's trend detectors. */
  private static Map<String, List<String>> declared() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Detector d : Detectors.all()) {
      out.put(d.id(), d.evidenceKeys());
    }
    for (TrendDetector d : TrendDetectors.all()) {
      out.put(d.id(), d.evidenceKeys());
    }
    return out;
  }

  @Test
  void everyDetectorsKeysAreWellFormedAndListedInTheDocAndNoOthers() {
    Map<String, List<String>> declared = declared();
    Map<String, Map<String, EvidenceContract.Row>> doc = EvidenceContract.documented();

    assertThat(declared).hasSize(19);
    assertThat(doc.keySet())
        .as("detectors with a table in %s", EvidenceContract.locate())
        .containsExactlyInAnyOrderElementsOf(declared.keySet());
    declared.forEach(
        (detector, keys) -> {
          assertThat(keys).as(detector + " declares its keys").isNotEmpty().doesNotHaveDuplicates();
          assertThat(keys)
              .as(detector + ": keys matching " + EvidenceContract.KEY_PATTERN)
              .allMatch(EvidenceContract::wellFormed);
          assertThat(doc.get(detector).keySet())
              .as("keys of " + detector + " in docs/doctor-json.md")
              .containsExactlyInAnyOrderElementsOf(keys);
        });
  }

  @Test
  void theContractRejectsAKeyAndMemberTwiceInAFinding() {
    Finding twice =
        finding(
            "close-wait",
            Evidence.of(key("peer_close_wait_sockets"), "with peer a", 2, "sockets")
                .withMember("10.0.0.2"),
            Evidence.of(key("peer_close_wait_sockets"), "with peer a", 3, "sockets")
                .withMember("10.0.0.2"));
    assertThatThrownBy(() -> Inputs.honoured(twice))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("peer_close_wait_sockets member 10.0.0.2: twice in the finding");

    Finding twoMembers =
        finding(
            "close-wait",
            Evidence.of(key("peer_close_wait_sockets"), "with peer a", 2, "sockets")
                .withMember("10.0.0.2"),
            Evidence.of(key("peer_close_wait_sockets"), "with peer b", 3, "sockets")
                .withMember("10.0.0.3"));
    assertThat(Inputs.honoured(twoMembers)).isSameAs(twoMembers);
  }

  @Test
  void theContractRejectsAnUnlistedKeyAWrongUnitAndAMissingMember() {
    Finding f =
        finding(
            "close-wait",
            Evidence.of(key("tcp_mem_max_pages"), "tcp_mem max", 1, "pages"),
            Evidence.of(key("oldest_close_wait_seconds"), "oldest", 1, "ms"),
            Evidence.of(key("peer_close_wait_sockets"), "with a peer", 1, "sockets"),
            Evidence.of(key("close_wait_sockets"), "old ones", 1, "sockets").withMember("x"));
    assertThatThrownBy(() -> Inputs.honoured(f))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("tcp_mem_max_pages: not listed for close-wait")
        .hasMessageContaining("oldest_close_wait_seconds: unit 'ms'")
        .hasMessageContaining("peer_close_wait_sockets: no member")
        .hasMessageContaining("close_wait_sockets member x: a member, the doc lists none");
  }

  @Test
  void aKeyThatIsNotSnakeCaseCannotBeMade() {
    for (String bad : List.of("", "Close_wait", "close-wait", "1st", "_x", "close wait")) {
      assertThatThrownBy(() -> new Evidence(bad, "n", 1, "", ""))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static EvidenceKey key(String key) {
    return () -> key.toUpperCase(java.util.Locale.ROOT);
  }

  private static Finding finding(String detector, Evidence... evidence) {
    return new Finding(
        detector,
        "k",
        Severity.WARNING,
        "t",
        Subject.NODE,
        List.of(evidence),
        Optional.empty(),
        "r");
  }
}
