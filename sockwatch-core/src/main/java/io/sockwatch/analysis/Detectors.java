package io.sockwatch.analysis;

import io.sockwatch.model.finding.Threshold;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Every detector sockwatch has, in the order their findings are explained in the docs. */
public final class Detectors {
  private Detectors() {}

  public static List<Detector> all() {
    return List.of(
        new ConntrackDetector(),
        new EphemeralPortDetector(),
        new TimeWaitDetector(),
        new HerdDetector(),
        new CloseWaitDetector(),
        new OrphanDetector(),
        new TcpMemoryDetector(),
        new IdleConnectionDetector(),
        new HeartbeatDetector(),
        new SynSentDetector(),
        new FirstDataLostDetector(),
        new SynRecvDetector(),
        new ListenQueueDetector(),
        new RetransmissionDetector(),
        new StalledDetector(),
        new PeerStuckDetector());
  }

  /**
   * The detectors whose ids are {@code ids}, in the order of {@code ids}; ids of no detector here
   * (the agent's trend detectors, which need history) are skipped.
   */
  public static List<Detector> only(Collection<String> ids) {
    List<Detector> all = all();
    List<Detector> out = new ArrayList<>();
    for (String id : ids) {
      all.stream().filter(d -> d.id().equals(id)).findFirst().ifPresent(out::add);
    }
    return out;
  }

  /**
   * The {@link io.sockwatch.model.Unavailable#item()} under which a detector that threw is reported
   * (its reason starts with "failed: "), so that a caller asking about that detector can tell it
   * did not judge.
   */
  public static String failureItem(String detectorId) {
    return "detector " + detectorId;
  }

  /** The id of every detector, in the order of {@link #all()}. */
  public static List<String> ids() {
    return all().stream().map(Detector::id).toList();
  }

  /** Every threshold of every detector, for {@code doctor --list-thresholds} and validation. */
  public static List<Threshold> thresholds() {
    List<Threshold> out = new ArrayList<>();
    for (Detector d : all()) {
      if (d instanceof Configurable c) {
        out.addAll(c.thresholds());
      }
    }
    return out;
  }
}
