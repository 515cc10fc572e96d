package io.sockwatch.process.cgroup;

import static io.sockwatch.process.cgroup.CgroupFixtures.DOCKER_V1_ID;
import static io.sockwatch.process.cgroup.CgroupFixtures.UID1;
import static io.sockwatch.process.cgroup.CgroupFixtures.escaped;
import static io.sockwatch.process.cgroup.CgroupFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ContainerRuntime;
import io.sockwatch.model.QosClass;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Line parsing, the choice between hierarchies, and what malformed files give. */
class CgroupFileTest {

  @Test
  void v1LinesKeepIdsControllersAndPathsInFileOrder() {
    CgroupFile file = CgroupFile.parse(read("v1-docker-cgroupfs.txt"));

    assertThat(file.lines()).hasSize(13);
    assertThat(file.skippedLines()).isZero();
    CgroupLine first = file.lines().getFirst();
    assertThat(first.hierarchyId()).isEqualTo(12);
    assertThat(first.controllers()).containsExactly("hugetlb");
    assertThat(first.path()).isEqualTo("/docker/" + DOCKER_V1_ID);
    assertThat(first.unified()).isFalse();
    assertThat(file.lines().get(4).controllers()).containsExactly("net_cls", "net_prio");
    assertThat(file.lines().get(11).has("name=systemd")).isTrue();
    CgroupLine last = file.lines().getLast();
    assertThat(last.unified()).isTrue();
    assertThat(last.controllers()).isEmpty();
    assertThat(last.path()).isEqualTo("/system.slice/containerd.service");
  }

  @Test
  void aContainerInV1WinsOverTheServiceTheUnifiedLineShows() {
    // Docker with the cgroupfs driver on a hybrid host leaves the unified hierarchy to
    // containerd's service: the v1 lines are the ones that know the container.
    ContainerIdentity id = CgroupFile.parse(read("v1-docker-cgroupfs.txt")).identity();

    assertThat(id.runtime()).isEqualTo(ContainerRuntime.DOCKER);
    assertThat(id.containerId()).isEqualTo(DOCKER_V1_ID);
  }

  @Test
  void tiesGoToTheUnifiedLineThenSystemdThenPidsMemoryCpu() {
    String text =
        """
        5:freezer:/a.service
        4:cpu,cpuacct:/b.service
        3:memory:/c.service
        2:pids:/d.service
        1:name=systemd:/e.service
        """;
    assertThat(CgroupFile.parse(text).identity().systemdUnit()).isEqualTo("e.service");
    assertThat(CgroupFile.parse(text + "0::/f.service\n").identity().systemdUnit())
        .isEqualTo("f.service");
    assertThat(CgroupFile.parse("5:freezer:/a.service\n4:cpu,cpuacct:/b.service\n").identity())
        .extracting(ContainerIdentity::systemdUnit)
        .isEqualTo("b.service");
  }

  @Test
  void aPathOutsideTheRootBeatsTheRoot() {
    ContainerIdentity id = CgroupFile.parse(read("v1-unknown-sandbox.txt")).identity();

    assertThat(id.runtime()).isEqualTo(ContainerRuntime.UNKNOWN);
    assertThat(id.path()).isEqualTo("/process_api/28622e7ea226038a1d7e5f12ca0ee24b");
  }

  @Test
  void theKernelsDeletedMarkIsSeparatedFromThePath() {
    CgroupLine line = CgroupFile.parse(read("v2-deleted.txt")).lines().getFirst();

    assertThat(line.deleted()).isTrue();
    assertThat(line.path()).isEqualTo("/system.slice/nginx.service");
  }

  @Test
  void colonsInsideThePathBelongToThePath() {
    CgroupLine line = CgroupFile.parse("0::/system.slice/a:b.service\n").lines().getFirst();

    assertThat(line.path()).isEqualTo("/system.slice/a:b.service");
  }

  @Test
  void emptyFileHasNoLinesAndAnUnknownIdentity() {
    CgroupFile file = CgroupFile.parse(read("malformed-empty.txt"));

    assertThat(file.lines()).isEmpty();
    assertThat(file.skippedLines()).isZero();
    assertThat(file.identity()).isEqualTo(ContainerIdentity.unknown(""));
    assertThat(file.identity().label()).isEqualTo("unknown");
  }

  @Test
  void linesWithoutColonsAreSkipped() {
    CgroupFile file = CgroupFile.parse(read("malformed-no-colons.txt"));

    assertThat(file.lines()).isEmpty();
    assertThat(file.skippedLines()).isEqualTo(2);
  }

  @Test
  void cutAndOddLinesAreSkipped() {
    // "12:hugetlb", "11:", ":", "::", "10:memory:", "0::kubepods", "x:pids:/...", "4:mem ory:/..."
    CgroupFile file = CgroupFile.parse(read("malformed-cut-lines.txt"));

    assertThat(file.lines()).isEmpty();
    assertThat(file.skippedLines()).isEqualTo(8);
    assertThat(file.identity().runtime()).isEqualTo(ContainerRuntime.UNKNOWN);
  }

  @Test
  void garbageBytesGiveNoIdentity() {
    CgroupFile file = CgroupFile.parse(read("malformed-garbage.bin"));

    assertThat(file.lines()).isEmpty();
    assertThat(file.skippedLines()).isPositive();
    assertThat(file.identity()).isEqualTo(ContainerIdentity.unknown(""));
  }

  @Test
  void aLineCutInsideTheIdKeepsThePodButNotAPartialId() {
    CgroupFile file = CgroupFile.parse(read("malformed-truncated.txt"));
    ContainerIdentity id = file.identity();

    assertThat(file.lines()).hasSize(1);
    assertThat(id.isContainer()).isFalse();
    assertThat(id.runtime()).isEqualTo(ContainerRuntime.UNKNOWN);
    assertThat(id.podUid()).isEqualTo(UID1);
    assertThat(id.qos()).isEqualTo(QosClass.BURSTABLE);
    assertThat(id.path()).contains("kubepods-burstable-pod" + escaped(UID1));
    assertThat(id.label()).isEqualTo("pod " + UID1);
  }

  @Test
  void idsOfTheWrongLengthOrCaseAreNotContainers() {
    for (String fixture : List.of("malformed-hex63.txt", "malformed-uppercase.txt")) {
      CgroupFile file = CgroupFile.parse(read(fixture));
      ContainerIdentity id = file.identity();

      assertThat(file.skippedLines()).as(fixture).isZero();
      assertThat(id.runtime()).as(fixture).isEqualTo(ContainerRuntime.UNKNOWN);
      assertThat(id.containerId()).as(fixture).isEmpty();
      assertThat(id.systemdUnit()).as(fixture).isEmpty();
      assertThat(id.path()).as(fixture).isEqualTo(file.lines().getLast().path());
    }
  }

  @Test
  void aPodUidOfTheWrongLengthIsNoPod() {
    ContainerIdentity id = CgroupFile.parse(read("malformed-pod-uid.txt")).identity();

    assertThat(id.podUid()).isEmpty();
    assertThat(id.containerId()).isEmpty();
    assertThat(id.qos()).isEqualTo(QosClass.NONE);
  }

  @Test
  void linesPastTheCapAreCountedNotKept() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < CgroupFile.MAX_LINES + 10; i++) {
      text.append(i).append(":c").append(i).append(":/\n");
    }
    CgroupFile file = CgroupFile.parse(text.toString());

    assertThat(file.lines()).hasSize(CgroupFile.MAX_LINES);
    assertThat(file.skippedLines()).isEqualTo(10);
  }

  @Test
  void aPathLongerThanPathMaxIsSkippedAndALongOneIsClippedInTheIdentity() {
    String deep = "/system.slice/" + "d".repeat(300) + "/" + "e".repeat(300) + "/x.service";
    String tooLong = "/" + "a".repeat(CgroupLine.MAX_PATH);
    CgroupFile file = CgroupFile.parse("1:name=systemd:" + tooLong + "\n0::" + deep + "\n");

    assertThat(file.skippedLines()).isEqualTo(1);
    assertThat(file.lines()).singleElement().extracting(CgroupLine::path).isEqualTo(deep);
    ContainerIdentity id = file.identity();
    assertThat(id.systemdUnit()).isEqualTo("x.service");
    assertThat(deep.length()).isGreaterThan(ContainerIdentity.MAX_PATH_CHARS);
    assertThat(id.path()).isEqualTo(deep.substring(0, ContainerIdentity.MAX_PATH_CHARS));
  }
}
