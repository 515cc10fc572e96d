package io.sockwatch.model.finding;

/**
 * One number behind a finding, with its unit, e.g. {@code ("TIME_WAIT sockets", 1100, "")}.
 *
 * @param name what was measured, in plain words
 * @param value the measurement
 * @param unit unit of the value ("s", "pages", "%", "sockets/s") or empty
 */
public record Evidence(String name, double value, String unit) {

  /** The value as people read it: integers without a decimal point. */
  public String formatted() {
    String v =
        value == Math.rint(value) && Math.abs(value) < 1e15
            ? Long.toString((long) value)
            : String.format(java.util.Locale.ROOT, "%.2f", value);
    return unit.isEmpty() ? v : v + " " + unit;
  }
}
