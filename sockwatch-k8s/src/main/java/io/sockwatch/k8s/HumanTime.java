package io.sockwatch.k8s;

/** Durations in messages: the coarsest unit that still says something. */
final class HumanTime {

  private HumanTime() {}

  /** 45 s, 12 min, 3 h, 2 d. */
  static String seconds(double s) {
    if (s < 120) {
      return Math.round(s) + " s";
    }
    if (s < 7200) {
      return Math.round(s / 60) + " min";
    }
    if (s < 172800) {
      return Math.round(s / 3600) + " h";
    }
    return Math.round(s / 86400) + " d";
  }
}
