package io.sockwatch.cli.doctor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node-wide sysctl a test changes for a short window and puts back. {@code tcp_mem} and {@code
 * tcp_max_orphans} exist only in the initial network namespace and bind every namespace, so a test
 * that needs the kernel's own limits near what it built has to change the host's value: this keeps
 * the original, restores it in {@link #close()} (tests use try-with-resources, so failures restore
 * too) and, should the JVM be stopped first, in a shutdown hook. A JVM killed with SIGKILL cannot
 * restore anything; the original is printed to stderr when the value is changed so it can be put
 * back by hand.
 */
final class GlobalSysctl implements AutoCloseable {

  private final Path file;
  private final String original;
  private final Thread hook;
  private boolean restored;

  private GlobalSysctl(Path file, String original) {
    this.file = file;
    this.original = original;
    this.hook = new Thread(this::restoreQuietly, "sysctl-restore-" + file.getFileName());
  }

  /** The sysctl's {@code /proc/sys} file, e.g. {@code net/ipv4/tcp_mem}. */
  static Path file(String relative) {
    return Path.of("/proc/sys").resolve(relative);
  }

  /** Whether this process may change it: the file exists here (initial netns) and is writable. */
  static boolean changeable(String relative) {
    Path f = file(relative);
    return Files.isRegularFile(f) && Files.isWritable(f);
  }

  /**
   * Current value, whitespace-normalised ({@code "287901 383869 575802"}). Read in one go: a sysctl
   * file answers a read at a non-zero offset with end-of-file, so readers that probe with a small
   * first read ({@code Files.readString} does) see only its first byte.
   */
  static String read(String relative) throws IOException {
    return normalise(readFile(file(relative)));
  }

  /** The value as {@code sysctl -n} prints it, normalised: a second opinion before any change. */
  private static String bySysctlTool(String relative) throws IOException {
    Process p = new ProcessBuilder("sysctl", "-n", relative.replace('/', '.')).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    try {
      return p.waitFor() == 0 ? normalise(out) : "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static String readFile(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  /**
   * Remembers the current value, then sets {@code value}. Refuses unless the current value has the
   * same shape as the new one (as many numbers), so a misread original can never be "restored".
   */
  static GlobalSysctl set(String relative, String value) throws IOException {
    String original = read(relative);
    if (!original.matches("\\d+( \\d+)*")
        || original.split(" ").length != normalise(value).split(" ").length
        || !original.equals(bySysctlTool(relative))) {
      throw new IOException(
          "refusing to change "
              + relative
              + ": value read '"
              + original
              + "' is not what sysctl -n shows or not shaped like '"
              + value
              + "'");
    }
    GlobalSysctl s = new GlobalSysctl(file(relative), original);
    Runtime.getRuntime().addShutdownHook(s.hook);
    System.err.println(
        "GlobalSysctl: " + relative + " changed from '" + s.original + "' to '" + value + "'");
    Files.writeString(s.file, value);
    return s;
  }

  String original() {
    return original;
  }

  private static String normalise(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  private synchronized void restoreQuietly() {
    try {
      restore();
    } catch (IOException e) {
      System.err.println(
          "GlobalSysctl: could not restore " + file + " to '" + original + "': " + e);
    }
  }

  private synchronized void restore() throws IOException {
    if (!restored) {
      Files.writeString(file, original);
      restored = true;
    }
  }

  /** Restores the original value and checks it took. */
  @Override
  public void close() throws IOException {
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // shutting down: the hook finds it restored
    }
    String now = normalise(readFile(file));
    if (!now.equals(original)) {
      throw new IOException(file + " is '" + now + "' after restoring '" + original + "'");
    }
  }
}
