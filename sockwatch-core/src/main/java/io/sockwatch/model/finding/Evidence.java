package io.sockwatch.model.finding;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One number behind a finding, e.g. {@code ("time_wait_sockets", "TIME_WAIT sockets", 1100, "",
 * "")}.
 *
 * <p>Programs (tests, the dashboard, alert rules, later Kubernetes conditions) find a number by its
 * {@code key}, and where a finding repeats an item per member (per peer, per process) by key and
 * member; the {@code name} is for people and may be reworded without breaking them. The keys of
 * every detector are listed in docs/doctor-json.md.
 *
 * @param key what was measured, for programs: stable snake_case ({@value #KEY_PATTERN}), with the
 *     unit in it where that helps ({@code oldest_close_wait_seconds}); unique within a finding
 *     together with {@code member}
 * @param name what was measured, in plain words, the member included where there is one
 * @param value the measurement
 * @param unit unit of the value ("s", "pages", "%", "/s") or empty
 * @param member which member an item repeated per member is about (the peer {@code 10.0.0.7:443},
 *     the process {@code java(4242)}); empty for items about the finding as a whole
 */
public record Evidence(String key, String name, double value, String unit, String member) {

  /** What every key matches: lower-case snake_case starting with a letter. */
  public static final String KEY_PATTERN = "^[a-z][a-z0-9_]*$";

  private static final Pattern KEY = Pattern.compile(KEY_PATTERN);

  public Evidence {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(member, "member");
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("evidence key " + key + " does not match " + KEY_PATTERN);
    }
  }

  /** An item about the finding as a whole (no member). */
  public static Evidence of(EvidenceKey key, String name, double value, String unit) {
    return new Evidence(key.key(), name, value, unit, "");
  }

  /** This item about one member of several (its label, e.g. {@code java(4242)}). */
  public Evidence withMember(String member) {
    return new Evidence(key, name, value, unit, member);
  }

  /** The value as people read it: integers without a decimal point. */
  public String formatted() {
    String v =
        value == Math.rint(value) && Math.abs(value) < 1e15
            ? Long.toString((long) value)
            : String.format(java.util.Locale.ROOT, "%.2f", value);
    return unit.isEmpty() ? v : v + " " + unit;
  }
}
