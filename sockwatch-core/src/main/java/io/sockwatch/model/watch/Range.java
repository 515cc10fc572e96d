package io.sockwatch.model.watch;

/**
 * Result of {@link History#range}: one point per non-empty step, oldest first. Gaps are absent
 * points, never zeros. For 1 s data at a 1 s step min and max equal the value.
 *
 * @param resolutionSeconds width of the tier the points came from (1, 10 or 60)
 * @param stepSeconds width of each returned point, a multiple of the resolution
 * @param timestamps start second of each point
 * @param values mean of the samples in each point
 * @param min smallest sample in each point
 * @param max largest sample in each point
 * @param last newest sample in each point
 */
public record Range(
    int resolutionSeconds,
    int stepSeconds,
    long[] timestamps,
    double[] values,
    double[] min,
    double[] max,
    double[] last) {

  public static Range empty() {
    return new Range(1, 1, new long[0], new double[0], new double[0], new double[0], new double[0]);
  }

  /** Number of points. */
  public int size() {
    return timestamps.length;
  }
}
