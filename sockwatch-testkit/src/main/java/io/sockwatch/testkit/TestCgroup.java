package io.sockwatch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cgroup a test creates in the path shape the kubelet gives a pod's container (cgroupfs driver:
 * {@code /kubepods/burstable/pod<uid>/<container id>}), so that a process moved into it looks, in
 * its {@code /proc/PID/cgroup}, exactly like a container of a Kubernetes pod. It is made in the
 * cgroup v1 {@code pids} hierarchy (no resource effect) or, without one, the v2 root. {@link
 * #close()} moves remaining processes back to the root and removes the directories.
 */
public final class TestCgroup implements AutoCloseable {

  private static final List<Path> ROOTS =
      List.of(Path.of("/sys/fs/cgroup/pids"), Path.of("/sys/fs/cgroup"));

  private final Path root;
  private final List<Path> made;
  private final Path leaf;

  private TestCgroup(Path root, List<Path> made, Path leaf) {
    this.root = root;
    this.made = made;
    this.leaf = leaf;
  }

  /**
   * Creates {@code kubepods/burstable/pod<podUid>/<containerId>} under the first writable
   * hierarchy. Needs root.
   *
   * @throws IOException when no hierarchy takes it (read-only cgroupfs), naming what was tried
   */
  public static TestCgroup kubeletContainer(String podUid, String containerId) throws IOException {
    List<String> tried = new ArrayList<>();
    for (Path root : ROOTS) {
      if (!Files.isRegularFile(root.resolve("cgroup.procs"))) {
        tried.add(root + ": no cgroup.procs");
        continue;
      }
      List<Path> made = new ArrayList<>();
      Path dir = root;
      try {
        for (String part : List.of("kubepods", "burstable", "pod" + podUid, containerId)) {
          dir = dir.resolve(part);
          if (!Files.isDirectory(dir)) {
            Files.createDirectory(dir);
            made.add(dir);
          }
        }
        return new TestCgroup(root, made, dir);
      } catch (IOException e) {
        tried.add(dir + ": " + e);
        removeAll(made);
      }
    }
    throw new IOException("no writable cgroup hierarchy for a test cgroup: " + tried);
  }

  /** Moves process {@code pid} (all its threads) into the cgroup. */
  public void add(long pid) throws IOException {
    Files.writeString(leaf.resolve("cgroup.procs"), Long.toString(pid), StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    for (String pid : Files.readAllLines(leaf.resolve("cgroup.procs"))) {
      try {
        Files.writeString(root.resolve("cgroup.procs"), pid.strip(), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        // it exited meanwhile
      }
    }
    removeAll(made);
  }

  private static void removeAll(List<Path> made) {
    for (int i = made.size() - 1; i >= 0; i--) {
      try {
        Files.deleteIfExists(made.get(i));
      } catch (IOException e) {
        // a cgroup with a process left; nothing more to do here
      }
    }
  }
}
