package io.sockwatch.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ContainerRuntime;
import io.sockwatch.model.ProcessInfo;
import io.sockwatch.model.QosClass;
import io.sockwatch.process.cgroup.CgroupFile;
import io.sockwatch.process.cgroup.CgroupLine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessInfoReaderContainerTest {

  private static final String POD_UID = "8e0c140c-e93f-4620-9811-bb56d182ccfb";
  private static final String CONTAINERD_ID =
      "26b43d5fcb278e5ff6a713ee792298175c1f3e1347bae1cd5dda45ac1a5855ea";
  private static final String DOCKER_ID =
      "b9b4b71fd2f272e9077d167d2bab42a447115619e527a6dd4f67eecc6c42afbc";

  @TempDir Path proc;

  /** A recorded /proc/PID/cgroup sample from the cgroup package's fixtures. */
  private static String fixture(String name) throws IOException {
    try (InputStream in =
        ProcessInfoReaderContainerTest.class.getResourceAsStream(
            "/io/sockwatch/process/cgroup/fixtures/" + name)) {
      assertThat(in).as("fixture " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * A fake /proc/PID with comm, cmdline and limits; a cgroup file unless {@code cgroup} is null.
   */
  private Path process(int pid, String comm, byte[] cgroup) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(dir.resolve("comm"), comm + "\n");
    Files.write(
        dir.resolve("cmdline"), (comm + "\0--port\0" + "8080\0").getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dir.resolve("limits"),
        "Limit                     Soft Limit           Hard Limit           Units     \n"
            + "Max open files            1024                 524288               files     \n");
    if (cgroup != null) {
      Files.write(dir.resolve("cgroup"), cgroup);
    }
    return dir;
  }

  private ProcessInfo read(int pid) {
    return new ProcessInfoReader(proc).read(pid, 9);
  }

  @Test
  void aKubeletPodOnCgroupV2IsNamedByPodAndContainer() throws IOException {
    process(
        100,
        "server",
        fixture("v2-kubepods-systemd-burstable-containerd.txt").getBytes(StandardCharsets.UTF_8));

    ProcessInfo p = read(100);

    assertThat(p.comm()).isEqualTo("server");
    assertThat(p.cmdline()).isEqualTo("server --port 8080");
    assertThat(p.openFiles()).isEqualTo(9);
    assertThat(p.maxOpenFiles()).isEqualTo(1024);
    ContainerIdentity c = p.container();
    assertThat(c.runtime()).isEqualTo(ContainerRuntime.CONTAINERD);
    assertThat(c.containerId()).isEqualTo(CONTAINERD_ID);
    assertThat(c.podUid()).isEqualTo(POD_UID);
    assertThat(c.qos()).isEqualTo(QosClass.BURSTABLE);
    assertThat(p.containerLabel()).contains("pod " + POD_UID + " container 26b43d5fcb27");
  }

  @Test
  void aDockerContainerOnCgroupV1IsFoundAmongItsManyLines() throws IOException {
    // Twelve v1 hierarchies, and a unified line that names containerd's service, not the container.
    process(200, "nginx", fixture("v1-docker-cgroupfs.txt").getBytes(StandardCharsets.UTF_8));

    ProcessInfo p = read(200);

    assertThat(p.container().runtime()).isEqualTo(ContainerRuntime.DOCKER);
    assertThat(p.container().containerId()).isEqualTo(DOCKER_ID);
    assertThat(p.container().path()).isEqualTo("/docker/" + DOCKER_ID);
    assertThat(p.containerLabel()).contains("docker b9b4b71fd2f2");
  }

  @Test
  void aMissingCgroupFileLeavesTheProcessWithoutAContainer() throws IOException {
    process(300, "old-kernel", null);

    ProcessInfo p = read(300);

    assertThat(p).isNotNull();
    assertThat(p.comm()).isEqualTo("old-kernel");
    assertThat(p.maxOpenFiles()).isEqualTo(1024);
    assertThat(p.container()).isSameAs(ProcessInfo.NO_CONTAINER);
    assertThat(p.containerLabel()).isEmpty();
  }

  @Test
  void aHugeGarbageCgroupFileIsReadOnlyInItsFirstPart() throws IOException {
    // 100 KiB of random bytes, then a well-formed Docker line that only an unbounded read sees.
    byte[] garbage = new byte[100 * 1024];
    new Random(7).nextBytes(garbage);
    byte[] tail = ("\n0::/docker/" + DOCKER_ID + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] file = new byte[garbage.length + tail.length];
    System.arraycopy(garbage, 0, file, 0, garbage.length);
    System.arraycopy(tail, 0, file, garbage.length, tail.length);
    process(400, "noisy", file);

    ProcessInfo p = read(400);

    assertThat(p).isNotNull();
    assertThat(p.comm()).isEqualTo("noisy");
    assertThat(p.container().isContainer()).as("the line past the bound is not read").isFalse();
    assertThat(p.containerLabel()).isEmpty();
    assertThat(p.container().path().length()).isLessThanOrEqualTo(ContainerIdentity.MAX_PATH_CHARS);
  }

  @Tag("live")
  @Test
  void thisJvmsOwnCgroupIsWhatItsCgroupFileSays() throws IOException {
    Path self = Path.of("/proc/self/cgroup");
    String text = Files.readString(self);
    CgroupFile file = CgroupFile.parse(text);
    int pid = (int) ProcessHandle.current().pid();

    ProcessInfo p = new ProcessInfoReader(Path.of("/proc")).read(pid, 0);

    assertThat(p.comm()).isNotEmpty();
    assertThat(p.container()).isEqualTo(file.identity());
    // The identity comes from one of the file's lines: the unified one on a pure v2 host; on a
    // hybrid host a more specific v1 line wins (a container, pod, unit or any non-root path).
    assertThat(file.lines()).extracting(CgroupLine::path).contains(p.container().path());
    if (file.lines().size() == 1 && file.lines().getFirst().unified()) {
      assertThat(p.container().path()).isEqualTo(text.strip().substring("0::".length()));
    }
  }
}
