package io.sockwatch.cli.doctor;

import java.io.IOException;
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

  /** Current value, whitespace-normalised ({@code "287901 383869 575802"}). */
  static String read(String relative) throws IOException {
    return normalise(Files.readString(file(relative)));
  }

  /** Remembers the current value, then sets {@code value}. */
  static GlobalSysctl set(String relative, String value) throws IOException {
    GlobalSysctl s = new GlobalSysctl(file(relative), read(relative));
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
    String now = normalise(Files.readString(file));
    if (!now.equals(original)) {
      throw new IOException(file + " is '" + now + "' after restoring '" + original + "'");
    }
  }
}
