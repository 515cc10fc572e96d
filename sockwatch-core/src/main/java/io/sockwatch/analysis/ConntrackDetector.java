package io.sockwatch.analysis;

import io.sockwatch.model.KernelTunables;
import io.sockwatch.model.finding.Evidence;
import io.sockwatch.model.finding.EvidenceKey;
import io.sockwatch.model.finding.Finding;
import io.sockwatch.model.finding.Headroom;
import io.sockwatch.model.finding.Severity;
import io.sockwatch.model.finding.Subject;
import io.sockwatch.model.finding.Threshold;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Connection-tracking table fill: {@code nf_conntrack_count} against {@code nf_conntrack_max}. A
 * full table drops new connections ("nf_conntrack: table full, dropping packet") for every process
 * on the node, TCP or not. Absent when the module is not loaded.
 */
final class ConntrackDetector implements Detector, Configurable {

  static final Threshold WARNING =
      new Threshold("conntrack.warning", 0.75, "%", "Warn when the conntrack table is this full.");
  static final Threshold CRITICAL =
      new Threshold(
          "conntrack.critical", 0.90, "%", "Critical when the conntrack table is this full.");

  /** nf_conntrack_max bounds one table that every namespace shares. */
  @Override
  public boolean nodeWide() {
    return true;
  }

  @Override
  public String id() {
    return "conntrack";
  }

  /**
   * The evidence this detector gives, by key; docs/doctor-json.md lists each with unit and meaning.
   */
  private enum Keys implements EvidenceKey {
    NF_CONNTRACK_COUNT,
    NF_CONNTRACK_MAX
  }

  @Override
  public List<String> evidenceKeys() {
    return EvidenceKey.keysOf(Keys.class);
  }

  @Override
  public List<Threshold> thresholds() {
    return List.of(WARNING, CRITICAL);
  }

  /**
   * Never missing: the conntrack files exist only while {@code nf_conntrack} is loaded, and without
   * the module there is no table to fill, so its absence is a judged "no pressure", not "unknown".
   */
  @Override
  public Optional<String> missingInput(DoctorInput input) {
    return Optional.empty();
  }

  @Override
  public List<Finding> detect(DoctorInput input) {
    KernelTunables t = input.node().tunables();
    if (t.conntrackCount().isEmpty()
        || t.conntrackMax().isEmpty()
        || t.conntrackMax().getAsLong() <= 0) {
      return List.of();
    }
    long count = t.conntrackCount().getAsLong();
    long max = t.conntrackMax().getAsLong();
    double fill = (double) count / max;
    Optional<Severity> level =
        Severity.ofFill(fill, input.config().value(WARNING), input.config().value(CRITICAL));
    if (level.isEmpty()) {
      return List.of();
    }
    Severity severity = level.get();
    OptionalDouble rate = input.perSecond(input.nodeDelta(n -> n.tunables().conntrackCount()));
    return List.of(
        new Finding(
            id(),
            "",
            severity,
            String.format(
                java.util.Locale.ROOT, "The connection-tracking table is %.0f%% full", 100 * fill),
            Subject.NODE,
            List.of(
                Evidence.of(Keys.NF_CONNTRACK_COUNT, "nf_conntrack_count", count, "entries"),
                Evidence.of(Keys.NF_CONNTRACK_MAX, "nf_conntrack_max", max, "entries")),
            Optional.of(
                Headroom.growing(
                    "conntrack entries", count, max, "entries", rate.orElse(Double.NaN))),
            "Raise net.netfilter.nf_conntrack_max (each entry costs ~300 bytes), shorten"
                + " nf_conntrack_tcp_timeout_time_wait / _established, or exempt high-churn"
                + " traffic from tracking (nftables 'notrack')."));
  }
}
