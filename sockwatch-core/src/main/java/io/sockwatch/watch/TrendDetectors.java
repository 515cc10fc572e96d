package io.sockwatch.watch;

import io.sockwatch.analysis.Configurable;
import io.sockwatch.model.finding.Threshold;
import java.util.ArrayList;
import java.util.List;

/** Every detector over history that the agent runs, after the instant ones. */
public final class TrendDetectors {
  private TrendDetectors() {}

  public static List<TrendDetector> all() {
    return List.of(new ChurnDetector(), new SocketLeakDetector(), new NodeLeakDetector());
  }

  /** Every threshold of every trend detector, for {@code --set} and {@code --list-thresholds}. */
  public static List<Threshold> thresholds() {
    List<Threshold> out = new ArrayList<>();
    for (TrendDetector d : all()) {
      if (d instanceof Configurable c) {
        out.addAll(c.thresholds());
      }
    }
    return out;
  }
}
