package io.sockwatch.bench;

import java.util.Arrays;

/** Wall-clock samples of one contender, summarised by the median (robust to a noisy 2-core VM). */
final class Timed {
  final String name;
  private final double[] seconds;
  private int n;

  Timed(String name, int capacity) {
    this.name = name;
    this.seconds = new double[capacity];
  }

  void add(double s) {
    seconds[n++] = s;
  }

  double median() {
    double[] s = Arrays.copyOf(seconds, n);
    Arrays.sort(s);
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  double min() {
    return Arrays.stream(seconds, 0, n).min().orElse(Double.NaN);
  }

  double max() {
    return Arrays.stream(seconds, 0, n).max().orElse(Double.NaN);
  }
}
