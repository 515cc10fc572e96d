package io.sockwatch.model.finding;

/**
 * A named, documented detector threshold. Detectors declare theirs; users override any of them with
 * {@code doctor --set NAME=VALUE} (durations accept {@code 30s}, {@code 5m}, {@code 1h}).
 *
 * @param name dotted name, prefixed by the detector id ({@code close-wait.min-age})
 * @param defaultValue value when not overridden, in {@code unit}
 * @param unit "s" for durations, "%" for fractions shown as percent (stored as 0..1), "" for counts
 * @param description what it bounds, one line
 */
public record Threshold(String name, double defaultValue, String unit, String description) {}
