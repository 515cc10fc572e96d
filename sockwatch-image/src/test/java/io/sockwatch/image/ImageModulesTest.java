package io.sockwatch.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The image's jlink runtime has exactly the JDK modules the shaded jar uses, as jdeps finds them:
 * none missing (a class would fail to load in the pod, perhaps only on a rare path), none extra.
 */
class ImageModulesTest {

  /**
   * Modules jdeps reports that the image leaves out on purpose, each with its reason. Empty today;
   * e.g. Jackson's optional java.desktop (java.beans annotations) and java.sql types, loaded only
   * when present, would go here if a dependency brought them.
   */
  /**
   * What jdeps lists but the image leaves out: java.desktop only for Jackson's java.beans
   * annotation support, which it loads only when the module is present (serve --kubernetes in the
   * image, ImageLiveTest, reads and writes Nodes without it). java.sql stays in: fabric8's JDK
   * types module and Jackson's optional handlers fail without it and the java.xml it brings.
   */
  private static final Set<String> LEFT_OUT = Set.of("java.desktop");

  @Test
  void runtimeModulesAreWhatTheJarUses() {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "--ignore-missing-deps",
            "--multi-release",
            "25",
            "--print-module-deps",
            Repo.shadedJar().toString());
    assertThat(code).as(err.toString()).isZero();
    Set<String> used = new TreeSet<>(Arrays.asList(out.toString().strip().split(",")));
    used.removeAll(LEFT_OUT);
    Set<String> image =
        new TreeSet<>(Arrays.asList(Repo.property("sockwatch.image.modules").split(",")));
    // jdeps lists the modules needed directly; java.management comes with jdk.management.
    Set<String> expected = new TreeSet<>(used);
    if (expected.contains("jdk.management")) {
      expected.add("java.management");
    }
    assertThat(image)
        .as("image.modules in sockwatch-image/pom.xml against jdeps of the shaded jar")
        .isEqualTo(expected);
  }
}
