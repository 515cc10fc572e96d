package io.sockwatch.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.jar.JarFile;

/**
 * Whether a jar's compiled code mentions a string: a literal such as an environment variable's name
 * is a CONSTANT_Utf8 entry (tag 1, two length bytes, the bytes) in the constant pool of the class
 * that uses it.
 */
final class JarStrings {

  private JarStrings() {}

  static boolean anyClassMentions(Path jar, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] needle = new byte[utf8.length + 3];
    needle[0] = 1;
    needle[1] = (byte) (utf8.length >> 8);
    needle[2] = (byte) utf8.length;
    System.arraycopy(utf8, 0, needle, 3, utf8.length);
    try (JarFile j = new JarFile(jar.toFile())) {
      var entries = j.entries();
      while (entries.hasMoreElements()) {
        var e = entries.nextElement();
        if (e.getName().endsWith(".class")) {
          try (var in = j.getInputStream(e)) {
            if (contains(in.readAllBytes(), needle)) {
              return true;
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return false;
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int k = 0; k < needle.length; k++) {
        if (hay[i + k] != needle[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
