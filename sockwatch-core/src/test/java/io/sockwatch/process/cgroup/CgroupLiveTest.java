package io.sockwatch.process.cgroup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ContainerIdentity;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * This machine's own {@code /proc/self/cgroup} and {@code /proc/1/cgroup}, whatever shape they have
 * here: every line parses, the identity keeps a path that is really in the file, and each parsed
 * path names the cgroup directory (under the matching cgroupfs mount) that lists the process, so
 * the parser reads the kernel's paths and not a mangled copy of them.
 */
@Tag("live")
class CgroupLiveTest {

  @ParameterizedTest
  @ValueSource(strings = {"self", "1"})
  void theKernelsFileParsesCompletely(String pid) throws IOException {
    String text = readProc("/proc/" + pid + "/cgroup");
    long pidNumber = pid.equals("self") ? ProcessHandle.current().pid() : 1;
    CgroupFile file = CgroupFile.parse(text);

    assertThat(text).endsWith("\n");
    assertThat(file.skippedLines()).isZero();
    assertThat(file.lines()).hasSize((int) text.lines().count());
    List<String> rawPaths = text.lines().map(l -> l.split(":", 3)[2]).toList();
    assertThat(file.lines()).extracting(CgroupLine::path).containsExactlyElementsOf(rawPaths);

    ContainerIdentity id = file.identity();
    assertThat(rawPaths).contains(id.path());
    assertThat(id.label()).matches("[\\x20-\\x7e]{1,64}");

    List<Mount> mounts = cgroupMounts();
    int checked = 0;
    for (CgroupLine line : file.lines()) {
      for (Mount m : mounts) {
        if (m.serves(line) && m.root().equals("/")) {
          Path procs = Path.of(m.point() + line.path(), "cgroup.procs");
          assertThat(Files.readAllLines(procs)).as(procs.toString()).contains(pidNumber + "");
          checked++;
        }
      }
    }
    assertThat(checked).as("lines checked against a mounted hierarchy").isPositive();
  }

  /** A cgroup or cgroup2 mount from mountinfo: where, which subtree, which controllers. */
  private record Mount(String point, String root, boolean v2, Set<String> options) {
    boolean serves(CgroupLine line) {
      return line.unified() ? v2 : !v2 && options.containsAll(line.controllers());
    }
  }

  private static List<Mount> cgroupMounts() throws IOException {
    List<Mount> mounts = new ArrayList<>();
    for (String line : readProc("/proc/self/mountinfo").split("\n")) {
      String[] halves = line.split(" - ", 2);
      if (halves.length < 2) {
        continue;
      }
      String[] left = halves[0].split(" ");
      String[] right = halves[1].split(" ");
      if (right.length >= 3 && (right[0].equals("cgroup") || right[0].equals("cgroup2"))) {
        Set<String> options = Set.copyOf(Arrays.asList(right[2].split(",")));
        mounts.add(new Mount(left[4], left[3], right[0].equals("cgroup2"), options));
      }
    }
    return mounts;
  }

  private static String readProc(String file) throws IOException {
    try (FileInputStream in = new FileInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
