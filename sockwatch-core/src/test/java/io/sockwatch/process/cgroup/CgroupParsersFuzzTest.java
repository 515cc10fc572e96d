package io.sockwatch.process.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ContainerRuntime;
import io.sockwatch.model.QosClass;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the cgroup parsers with arbitrary bytes: none may throw, and what they return must be
 * plausible (ids in their canonical form, bounded paths and labels). Runs the seeds in {@code
 * CgroupParsersFuzzTestInputs/} in a normal build; {@code JAZZER_FUZZ=1} fuzzes.
 */
class CgroupParsersFuzzTest {

  @FuzzTest
  void cgroupFile(byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    CgroupFile file = CgroupFile.parse(text);

    assertThat(file.lines().size()).isLessThanOrEqualTo(CgroupFile.MAX_LINES);
    assertThat(file.skippedLines()).isNotNegative();
    for (CgroupLine line : file.lines()) {
      assertThat(line.hierarchyId()).isNotNegative();
      assertThat(line.path()).startsWith("/").doesNotContain("\n");
      assertThat(line.path().length()).isLessThanOrEqualTo(CgroupLine.MAX_PATH);
      assertThat(line.controllers()).allMatch(c -> !c.isEmpty() && !c.contains(","));
    }
    ContainerIdentity id = file.identity();
    assertPlausible(id);
    assertThat(file.lines().isEmpty() || file.lines().stream().anyMatch(l -> kept(l, id))).isTrue();
  }

  @FuzzTest
  void containerPath(byte[] data) {
    String path = new String(data, StandardCharsets.UTF_8);
    ContainerIdentity id = CgroupPaths.classify(path);

    assertPlausible(id);
    assertThat(path).startsWith(id.path());
  }

  private static boolean kept(CgroupLine line, ContainerIdentity id) {
    return line.path().startsWith(id.path())
        && (line.path().length() > ContainerIdentity.MAX_PATH_CHARS
            || line.path().equals(id.path()));
  }

  private static void assertPlausible(ContainerIdentity id) {
    assertThat(id.containerId()).matches("|[0-9a-f]{64}");
    assertThat(id.shortId()).matches("|[0-9a-f]{12}");
    assertThat(id.podUid())
        .matches("|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}");
    assertThat(id.qos() == QosClass.NONE).isEqualTo(id.podUid().isEmpty());
    assertThat(id.systemdUnit().isEmpty()).isEqualTo(id.runtime() != ContainerRuntime.SYSTEMD);
    if (id.runtime() != ContainerRuntime.UNKNOWN && id.runtime() != ContainerRuntime.SYSTEMD) {
      assertThat(id.isContainer()).isTrue();
    }
    assertThat(id.path().length()).isLessThanOrEqualTo(ContainerIdentity.MAX_PATH_CHARS);
    assertThat(id.label()).matches("[\\x20-\\x7e]{1,64}");
  }
}
