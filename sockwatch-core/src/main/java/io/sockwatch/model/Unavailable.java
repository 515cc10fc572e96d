package io.sockwatch.model;

/**
 * Something sockwatch wanted to read but could not, with the reason in plain words (missing file,
 * permission, older kernel, not supported by the chosen source). Every result carries a list of
 * these so that an absent number is never mistaken for a zero.
 *
 * @param item what could not be read, e.g. {@code /proc/net/netstat} or {@code tcp_info}
 * @param reason why, e.g. {@code permission denied} or {@code proc source has no tcp_info}
 */
public record Unavailable(String item, String reason) {
  @Override
  public String toString() {
    return item + ": " + reason;
  }
}
