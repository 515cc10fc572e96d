package io.sockwatch.kernel.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process and container names from a /proc and a cgroup v2 tree made of temporary directories (a
 * cgroup's id is its directory's inode, as on cgroupfs), with a clock the test moves.
 */
class ProcessLabelsTest {

  private static final long TTL = ProcessLabels.TTL_NANOS;
  private static final String ID_A =
      "4b0c1e7a9d2f3c5e6a8b9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c";
  private static final String ID_B =
      "26b43d5fcb278e5ff6a713ee792298175c1f3e1347bae1cd5d0a9f8e7d6c5b4a";
  private static final String POD = "8e0c140c-e93f-4620-9811-bb56d182ccfb";

  @TempDir Path proc;
  @TempDir Path cgroup;
  private final AtomicLong now = new AtomicLong(1_000);

  private ProcessLabels labels() {
    return new ProcessLabels(proc, cgroup, now::get);
  }

  @Test
  void namesAProcessByItsCommFile() throws IOException {
    comm(4242, "nginx\n");

    assertThat(labels().comm(4242, "worker-3")).isEqualTo("nginx");
  }

  @Test
  void fallsBackToTheThreadsNameWhenTheProcessIsGone() {
    ProcessLabels l = labels();

    assertThat(l.comm(4242, "curl")).isEqualTo("curl");
    assertThat(l.comm(0, "swapper")).isEqualTo("swapper");
    assertThat(l.comm(-1, "x")).isEqualTo("x");
  }

  @Test
  void readsANameAgainOnlyAfterTheTtl() throws IOException {
    ProcessLabels l = labels();
    comm(4242, "old\n");
    assertThat(l.comm(4242, "t")).isEqualTo("old");

    comm(4242, "new\n"); // the pid reused
    now.addAndGet(TTL);
    assertThat(l.comm(4242, "t")).isEqualTo("old");
    now.addAndGet(1);
    assertThat(l.comm(4242, "t")).isEqualTo("new");

    Files.delete(proc.resolve("4242/comm"));
    assertThat(l.comm(4242, "t")).isEqualTo("new");
    now.addAndGet(TTL + 1);
    assertThat(l.comm(4242, "t")).isEqualTo("t");
  }

  @Test
  void keepsAtMostMaxEntriesNames() throws IOException {
    ProcessLabels l = labels();
    comm(1, "first\n");
    assertThat(l.comm(1, "t")).isEqualTo("first");
    comm(1, "second\n");
    // Cached: the same name until the TTL, as long as it stays among the recent entries.
    assertThat(l.comm(1, "t")).isEqualTo("first");

    for (int pid = 2; pid <= ProcessLabels.MAX_ENTRIES + 1; pid++) {
      l.comm(pid, "t");
    }
    // Evicted, so read again.
    assertThat(l.comm(1, "t")).isEqualTo("second");
  }

  @Test
  void namesTheContainerOfADockerScope() throws IOException {
    long id = cgroupDir("system.slice/docker-" + ID_A + ".scope");

    assertThat(labels().container(id)).isEqualTo("docker " + ID_A.substring(0, 12));
  }

  @Test
  void namesThePodAndContainerOfAKubeletScope() throws IOException {
    long id =
        cgroupDir(
            "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
                + POD.replace('-', '_')
                + ".slice/cri-containerd-"
                + ID_B
                + ".scope");

    assertThat(labels().container(id))
        .isEqualTo("pod " + POD + " container " + ID_B.substring(0, 12));
  }

  @Test
  void givesNoLabelToCgroupsThatAreNoContainer() throws IOException {
    long service = cgroupDir("system.slice/nginx.service");
    long root = inode(cgroup);
    ProcessLabels l = labels();

    assertThat(l.container(service)).isEmpty();
    assertThat(l.container(root)).isEmpty();
    assertThat(l.container(0)).isEmpty();
    assertThat(l.container(123_456_789_012L)).isEmpty();
  }

  @Test
  void walksTheTreeAgainForAnUnknownIdOnlyAfterTheTtl() throws IOException {
    ProcessLabels l = labels();
    assertThat(l.container(42)).isEmpty(); // the first walk

    long id = cgroupDir("system.slice/docker-" + ID_A + ".scope");
    now.addAndGet(TTL);
    assertThat(l.container(id)).isEmpty();
    now.addAndGet(1);
    assertThat(l.container(id)).isEqualTo("docker " + ID_A.substring(0, 12));

    // Once named, the label stays while the cgroup goes.
    Files.delete(cgroup.resolve("system.slice/docker-" + ID_A + ".scope"));
    assertThat(l.container(id)).isEqualTo("docker " + ID_A.substring(0, 12));
  }

  @Test
  void walksNoDeeperThanTheDepthBound() throws IOException {
    // Fifteen plain levels, then a container at depth 16 (the bound) and one at depth 17.
    StringBuilder deep = new StringBuilder();
    for (int i = 1; i < ProcessLabels.MAX_CGROUP_DEPTH; i++) {
      deep.append("d").append(i).append('/');
    }
    long atBound = cgroupDir(deep + "docker-" + ID_A + ".scope");
    long below = cgroupDir(deep + "docker-" + ID_A + ".scope/docker-" + ID_B + ".scope");
    ProcessLabels l = labels();

    assertThat(l.container(atBound)).isEqualTo("docker " + ID_A.substring(0, 12));
    assertThat(l.container(below)).isEmpty();
    assertThat(l.dropped()).isZero();
  }

  private void comm(int pid, String text) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
    Files.writeString(dir.resolve("comm"), text);
  }

  private long cgroupDir(String relative) throws IOException {
    return inode(Files.createDirectories(cgroup.resolve(relative)));
  }

  private static long inode(Path dir) throws IOException {
    return ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
  }
}
