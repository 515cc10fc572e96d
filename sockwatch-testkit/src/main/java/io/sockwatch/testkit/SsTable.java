package io.sockwatch.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Ground truth: the TCP socket table as {@code ss -tanH} reports it, parsed into normalised {@link
 * SsEntry} rows. Tests compare sockwatch's view against this, so it deliberately relies on an
 * independent implementation (iproute2) rather than on any sockwatch code.
 *
 * <p>ss's output is read as a byte stream and parsed line by line, so a table of a million sockets
 * takes one pass and no intermediate copy of the whole output.
 */
public final class SsTable {

  /** How long ss may run before it is killed; a full table of 1M sockets takes about 2 s. */
  static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static final int MAX_LINE = 64 * 1024;

  private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}");

  private final List<SsEntry> entries;
  private final int ignoredLines;

  private SsTable(List<SsEntry> entries, int ignoredLines) {
    this.entries = Collections.unmodifiableList(entries);
    this.ignoredLines = ignoredLines;
  }

  /**
   * Runs {@code ss -tanH [filter...]} in the current network namespace.
   *
   * @param filter an optional ss filter expression, one word per argument (e.g. {@code "src",
   *     "127.77.0.0/16"}); it is applied in the kernel, which makes a filtered read cheap even when
   *     the machine holds a million other sockets
   * @throws IOException when ss cannot be run, fails, or takes longer than two minutes
   */
  public static SsTable read(String... filter) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ss", "-tanH"));
    cmd.addAll(Arrays.asList(filter));
    return run(cmd);
  }

  /** Runs {@code ip netns exec NETNS ss -tanH [filter...]}; see {@link #read(String...)}. */
  public static SsTable readInNetns(String netns, String... filter) throws IOException {
    requireNetnsName(netns);
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "ss", "-tanH"));
    cmd.addAll(Arrays.asList(filter));
    return run(cmd);
  }

  /**
   * Accepts the network namespace names this testkit uses: letters, digits, {@code _ . -}, not
   * starting with a dot (so never a path, and safe to print in JSON).
   *
   * @throws IllegalArgumentException for anything else
   */
  static String requireNetnsName(String name) {
    if (!NETNS_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a network namespace name: '" + name + "'");
    }
    return name;
  }

  /** Parses recorded {@code ss -tanH} output; lines that are not sockets are counted, not kept. */
  public static SsTable parse(InputStream in) throws IOException {
    SsLineParser parser = new SsLineParser();
    List<SsEntry> rows = new ArrayList<>();
    int ignored = 0;
    byte[] buf = new byte[1 << 16];
    int start = 0;
    int end = 0;
    boolean skipping = false;
    while (true) {
      int nl = indexOfNewline(buf, start, end);
      if (nl < 0) {
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          start = 0;
        }
        if (end == buf.length) {
          if (buf.length < MAX_LINE) {
            buf = Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
          } else {
            // An absurdly long line is not a socket; drop what we have and skip to its end.
            ignored += skipping ? 0 : 1;
            skipping = true;
            end = 0;
          }
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
          if (end > start && !skipping) {
            ignored += parseInto(parser, rows, buf, start, end);
          }
          return new SsTable(rows, ignored);
        }
        end += n;
        continue;
      }
      if (skipping) {
        skipping = false;
      } else if (nl > start) {
        ignored += parseInto(parser, rows, buf, start, nl);
      }
      start = nl + 1;
    }
  }

  /** Parses recorded {@code ss -tanH} output given as text. */
  public static SsTable parse(String text) {
    try {
      return parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory cannot fail", e);
    }
  }

  /** Adds the line's entry to {@code rows}; returns 1 if a non-blank line was ignored, else 0. */
  private static int parseInto(
      SsLineParser parser, List<SsEntry> rows, byte[] buf, int from, int to) {
    SsEntry e = parser.parse(buf, from, to);
    if (e != null) {
      rows.add(e);
      return 0;
    }
    return isBlankLine(buf, from, to) ? 0 : 1;
  }

  private static boolean isBlankLine(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private static int indexOfNewline(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static SsTable run(List<String> cmd) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).start();
    } catch (IOException e) {
      throw new IOException(
          "cannot run " + cmd.getFirst() + " (is iproute2 installed?): " + e.getMessage(), e);
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread errDrain = Thread.ofVirtual().start(() -> drain(p.getErrorStream(), err));
    AtomicBoolean killed = new AtomicBoolean();
    Thread watchdog = Thread.ofVirtual().start(() -> killWhenLate(p, killed));
    SsTable table;
    try (InputStream out = p.getInputStream()) {
      table = parse(out);
    } catch (IOException | RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
    try {
      int code = p.waitFor();
      watchdog.join();
      errDrain.join();
      if (killed.get()) {
        throw new IOException(String.join(" ", cmd) + " did not finish within " + TIMEOUT);
      }
      if (code != 0) {
        throw new IOException(
            String.join(" ", cmd)
                + " exited with status "
                + code
                + ": "
                + err.toString(StandardCharsets.UTF_8).strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + cmd.getFirst(), e);
    }
    return table;
  }

  private static void killWhenLate(Process p, AtomicBoolean killed) {
    try {
      if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        killed.set(true);
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
    }
  }

  private static void drain(InputStream in, ByteArrayOutputStream sink) {
    try (in) {
      byte[] b = new byte[4096];
      for (int n; (n = in.read(b)) >= 0; ) {
        if (sink.size() < 16 * 1024) {
          sink.write(b, 0, n);
        }
      }
    } catch (IOException e) {
      // The process is gone; whatever it wrote so far is all the message we get.
    }
  }

  /** The sockets, in ss's order. */
  public List<SsEntry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  /** Non-blank lines that were not a TCP socket in the expected layout (0 for real ss output). */
  public int ignoredLines() {
    return ignoredLines;
  }

  /** The rows matching {@code predicate}, e.g. {@code table.filter(population::owns)}. */
  public SsTable filter(Predicate<? super SsEntry> predicate) {
    List<SsEntry> kept = new ArrayList<>();
    for (SsEntry e : entries) {
      if (predicate.test(e)) {
        kept.add(e);
      }
    }
    return new SsTable(kept, ignoredLines);
  }

  /** Number of sockets per ss state name, only states that occur, sorted by name. */
  public Map<String, Integer> countsByState() {
    Map<String, int[]> counts = new HashMap<>();
    for (SsEntry e : entries) {
      counts.computeIfAbsent(e.state(), s -> new int[1])[0]++;
    }
    Map<String, Integer> out = new TreeMap<>();
    counts.forEach((state, n) -> out.put(state, n[0]));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The table as a multiset of {@code STATE LOCAL PEER} keys (TIME-WAIT sockets can repeat a key
   * only in theory, but a multiset makes a duplicate visible instead of hiding it).
   */
  public Map<String, Integer> tupleKeys() {
    Map<String, Integer> keys = HashMap.newHashMap(entries.size());
    for (SsEntry e : entries) {
      keys.merge(e.key(), 1, Integer::sum);
    }
    return Collections.unmodifiableMap(keys);
  }
}
