package io.sockwatch.kernel.procfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads whole /proc files and turns read failures into the short reasons users see.
 *
 * <p>/proc files report size 0, so a file is read until EOF into a buffer that doubles as needed.
 * The kernel hands out a consistent view line by line, not of the whole file; whatever came is what
 * gets parsed.
 */
final class ProcFiles {

  private static final int INITIAL_BUFFER = 16 * 1024;

  private ProcFiles() {}

  /**
   * The bytes of a file: the first {@code length} bytes of {@code bytes}, which may be longer so
   * that a 150 MB socket table is not copied once more just to trim it.
   */
  record Content(byte[] bytes, int length) {
    String text() {
      // Latin-1 maps every byte to one char, so garbage stays garbage instead of failing.
      return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
  }

  /** Reads the file until EOF, reusing {@code buffer} when it is large enough (it may be empty). */
  static Content read(Path file, byte[] buffer) throws IOException {
    byte[] buf = buffer.length > 0 ? buffer : new byte[INITIAL_BUFFER];
    int n = 0;
    try (InputStream in = Files.newInputStream(file)) {
      while (true) {
        if (n == buf.length) {
          if (buf.length == Integer.MAX_VALUE - 8) {
            throw new IOException("file larger than 2 GB");
          }
          buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, Integer.MAX_VALUE - 8));
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          return new Content(buf, n);
        }
        n += r;
      }
    }
  }

  /** Reads a small file (counters, sysctls) as text. */
  static String readText(Path file) throws IOException {
    return read(file, new byte[0]).text();
  }

  /** The reason shown for a failed read: {@code missing}, {@code permission denied}, ... */
  static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "missing";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    // A FileSystemException's message starts with the path; its reason alone is what we want.
    String message = e instanceof FileSystemException fse ? fse.getReason() : e.getMessage();
    if (message == null || message.isBlank()) {
      return "read error: " + e.getClass().getSimpleName();
    }
    // "Is a directory" -> "read error: is a directory"
    return "read error: " + message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
  }
}
