package io.sockwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Guards {@code ./test --unit}, which runs every test without JUnit's {@code live} tag: a test
 * class named as a live test ({@code ...LiveTest}, {@code ...BrowserTest}, {@code
 * ...UnprivilegedTest}) must carry {@code @Tag("live")}, or it would run, and fail, where there is
 * no root, no namespaces and none of the system packages. Each module's tests call {@link
 * #untaggedLiveTests} from one small test.
 *
 * <p>JUnit is not a dependency of this module's main code (benchmarks use it too), so the tag is
 * read by the annotation's name: {@code @Tag} directly, or several in its {@code @Tags} container.
 */
public final class LiveTags {

  /** The tag {@code ./test --unit} excludes. */
  public static final String LIVE = "live";

  /** Endings of the class names that say a test is live. */
  public static final List<String> LIVE_NAME_ENDINGS =
      List.of("LiveTest", "BrowserTest", "UnprivilegedTest");

  private static final String TAG = "org.junit.jupiter.api.Tag";
  private static final String TAGS = "org.junit.jupiter.api.Tags";

  private LiveTags() {}

  /**
   * The top-level test classes compiled beside {@code anchor} (its module's test classes directory)
   * whose names end like a live test's but that do not carry the {@code live} tag, by fully
   * qualified name, sorted. Classes are loaded without being initialised.
   */
  public static List<String> untaggedLiveTests(Class<?> anchor) {
    Path root;
    try {
      root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the test classes of " + anchor, e);
    }
    if (!Files.isDirectory(root)) {
      throw new IllegalStateException(anchor + " was not loaded from a classes directory: " + root);
    }
    List<String> untagged = new ArrayList<>();
    for (String name : liveNamedClasses(root)) {
      Class<?> c;
      try {
        c = Class.forName(name, false, anchor.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("cannot load " + name, e);
      }
      if (!tags(c).contains(LIVE)) {
        untagged.add(name);
      }
    }
    return untagged;
  }

  /** The top-level classes under {@code root} whose simple names end like a live test's. */
  static List<String> liveNamedClasses(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".class"))
          .map(p -> root.relativize(p).toString())
          .map(r -> r.substring(0, r.length() - ".class".length()).replace('/', '.'))
          .filter(n -> !n.contains("$"))
          .filter(n -> LIVE_NAME_ENDINGS.stream().anyMatch(n::endsWith))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JUnit tags on class {@code c}, its own and inherited ones. */
  static List<String> tags(Class<?> c) {
    List<String> tags = new ArrayList<>();
    for (Annotation a : c.getAnnotations()) {
      String type = a.annotationType().getName();
      if (type.equals(TAG)) {
        tags.add((String) value(a));
      } else if (type.equals(TAGS)) {
        for (Annotation tag : (Annotation[]) value(a)) {
          tags.add((String) value(tag));
        }
      }
    }
    return tags;
  }

  private static Object value(Annotation a) {
    try {
      return a.annotationType().getMethod("value").invoke(a);
    } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + a, e);
    }
  }
}
