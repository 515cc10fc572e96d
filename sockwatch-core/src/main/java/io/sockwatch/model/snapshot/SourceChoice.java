package io.sockwatch.model.snapshot;

import java.util.Locale;

/** The {@code --source} option: which socket-table reader to use. */
public enum SourceChoice {
  /** netlink sock_diag, falling back to /proc/net/tcp with the reason stated. */
  AUTO,
  NETLINK,
  PROC;

  /** Parses {@code auto|netlink|proc}, case-insensitively. */
  public static SourceChoice parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--source must be auto, netlink or proc, not '" + text + "'");
    }
  }
}
