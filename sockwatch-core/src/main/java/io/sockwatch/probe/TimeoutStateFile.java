package io.sockwatch.probe;

import io.sockwatch.model.IpAddress;
import io.sockwatch.model.finding.MeasuredTimeout;
import io.sockwatch.model.finding.MeasuredTimeouts;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small state file where {@code probe-idle} leaves what it measured and {@code doctor} and
 * {@code serve} pick it up: one line per probed host, newest measurement per host, plain text so an
 * operator can read or edit it:
 *
 * <pre>
 * # host port survived_s died_s measured_at_epoch_s
 * 10.51.2.2 7007 18.75 20 1795400000
 * </pre>
 *
 * <p>A missing file means nothing was measured; a line that does not parse is skipped and named in
 * {@link MeasuredTimeouts#problems()}, so one bad edit does not hide the other measurements. The
 * file is capped at {@link #MAX_ENTRIES} hosts (oldest dropped) and {@link #MAX_BYTES} read.
 */
public final class TimeoutStateFile {

  public static final int MAX_ENTRIES = 256;
  static final int MAX_BYTES = 1 << 20;
  private static final String HEADER =
      "# sockwatch middlebox idle timeouts, written by `sockwatch probe-idle`; newest per host\n"
          + "# host port survived_s died_s measured_at_epoch_s\n";

  private TimeoutStateFile() {}

  /**
   * Where the file lives unless {@code --state-file} says otherwise: {@code $SOCKWATCH_STATE_DIR},
   * else {@code $XDG_STATE_HOME/sockwatch}, else {@code ~/.local/state/sockwatch}, else {@code
   * /var/lib/sockwatch} (a service without a home).
   */
  public static Path defaultPath(Map<String, String> env) {
    String dir = env.get("SOCKWATCH_STATE_DIR");
    if (isSet(dir)) {
      return Path.of(dir, "middlebox-timeouts");
    }
    String xdg = env.get("XDG_STATE_HOME");
    if (isSet(xdg)) {
      return Path.of(xdg, "sockwatch", "middlebox-timeouts");
    }
    String home = env.get("HOME");
    if (isSet(home)) {
      return Path.of(home, ".local", "state", "sockwatch", "middlebox-timeouts");
    }
    return Path.of("/var/lib/sockwatch/middlebox-timeouts");
  }

  private static boolean isSet(String s) {
    return s != null && !s.isBlank();
  }

  /** Parses the file's text; pure. */
  public static MeasuredTimeouts parse(String text, String name) {
    Map<IpAddress, MeasuredTimeout> byHost = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        MeasuredTimeout m = parseLine(line);
        byHost.remove(m.host());
        byHost.put(m.host(), m);
      } catch (IllegalArgumentException e) {
        if (problems.size() < 10) {
          problems.add(name + " line " + lineNo + " skipped: " + e.getMessage());
        }
      }
    }
    return new MeasuredTimeouts(newest(byHost.values()), problems);
  }

  private static MeasuredTimeout parseLine(String line) {
    String[] f = line.split("\\s+");
    if (f.length < 5) {
      throw new IllegalArgumentException("expected 5 fields (host port survived died at)");
    }
    IpAddress host;
    try {
      host = IpAddress.parse(f[0]);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an IP address: '" + clip(f[0]) + "'");
    }
    int port = (int) number(f[1], "port", 1, 65535);
    double survived = number(f[2], "survived_s", 0, 1e9);
    double died = number(f[3], "died_s", 0, 1e9);
    long at = (long) number(f[4], "measured_at_epoch_s", 0, 1e13);
    if (!(died > survived)) {
      throw new IllegalArgumentException("died_s must be larger than survived_s");
    }
    return new MeasuredTimeout(host, port, survived, died, at);
  }

  private static double number(String text, String what, double min, double max) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a number: '" + clip(text) + "'");
    }
    char last = text.charAt(text.length() - 1);
    if (!(v >= min && v <= max) || !(Character.isDigit(last) || last == '.')) {
      throw new IllegalArgumentException(what + " out of range: '" + clip(text) + "'");
    }
    return v;
  }

  private static String clip(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }

  /** Formats entries as the file's text; pure. */
  public static String format(List<MeasuredTimeout> entries) {
    StringBuilder sb = new StringBuilder(HEADER);
    for (MeasuredTimeout m : entries) {
      sb.append(m.host())
          .append(' ')
          .append(m.port())
          .append(' ')
          .append(seconds(m.survivedSeconds()))
          .append(' ')
          .append(seconds(m.diedSeconds()))
          .append(' ')
          .append(m.measuredAtEpochSecond())
          .append('\n');
    }
    return sb.toString();
  }

  private static String seconds(double s) {
    // Plain and exact, so a file read back gives the same numbers.
    return s == Math.rint(s) ? Long.toString((long) s) : BigDecimal.valueOf(s).toPlainString();
  }

  /** Reads the file; a missing file is an empty result, an unreadable one a problem. */
  public static MeasuredTimeouts load(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        return new MeasuredTimeouts(
            List.of(), List.of(file + " ignored: larger than " + MAX_BYTES + " bytes"));
      }
      return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
    } catch (NoSuchFileException e) {
      return new MeasuredTimeouts(List.of(), List.of());
    } catch (AccessDeniedException e) {
      return new MeasuredTimeouts(List.of(), List.of(file + " not readable: permission denied"));
    } catch (IOException e) {
      return new MeasuredTimeouts(List.of(), List.of(file + " not readable: " + e.getMessage()));
    }
  }

  /**
   * Adds or replaces the measurement for {@code m}'s host, keeping the newest {@link #MAX_ENTRIES};
   * written to a temporary file and renamed, so a reader never sees half a file.
   *
   * @throws IOException when the directory or file cannot be written
   */
  public static void save(Path file, MeasuredTimeout m) throws IOException {
    List<MeasuredTimeout> entries = new ArrayList<>(load(file).entries());
    entries.removeIf(e -> e.host().equals(m.host()));
    entries.add(m);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".middlebox-timeouts", ".tmp");
    try {
      Files.writeString(tmp, format(newest(entries)));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The newest {@link #MAX_ENTRIES}, oldest first. */
  private static List<MeasuredTimeout> newest(Collection<MeasuredTimeout> all) {
    List<MeasuredTimeout> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparingLong(MeasuredTimeout::measuredAtEpochSecond));
    return sorted.size() <= MAX_ENTRIES
        ? sorted
        : sorted.subList(sorted.size() - MAX_ENTRIES, sorted.size());
  }
}
