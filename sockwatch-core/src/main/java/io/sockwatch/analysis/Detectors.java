package io.sockwatch.analysis;

import io.sockwatch.model.finding.Threshold;
import java.util.ArrayList;
import java.util.List;

/** Every detector sockwatch has, in the order their findings are explained in the docs. */
public final class Detectors {
  private Detectors() {}

  public static List<Detector> all() {
    return List.of(
        new ConntrackDetector(),
        new EphemeralPortDetector(),
        new TimeWaitDetector(),
        new CloseWaitDetector(),
        new OrphanDetector(),
        new TcpMemoryDetector(),
        new IdleConnectionDetector(),
        new HeartbeatDetector(),
        new SynSentDetector(),
        new FirstDataLostDetector(),
        new SynRecvDetector(),
        new ListenQueueDetector(),
        new RetransmissionDetector());
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
