package io.sockwatch.analysis;

import java.util.Locale;

/** Durations in finding titles, in the unit people think in: "4.5 s", "90 s", "25 min", "2.0 h". */
public final class HumanDuration {
  private HumanDuration() {}

  public static String of(double seconds) {
    if (seconds < 10) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.0f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
