package io.sockwatch.process.cgroup;

import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ContainerRuntime;
import io.sockwatch.model.QosClass;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape rules behind {@link #classify}: split the path into its directory names, find the pod
 * directory the kubelet made, then the deepest container directory below it, else the deepest
 * systemd unit. Directories are matched one by one, so prefixes added by a kubelet {@code
 * --cgroup-root}, by a kind node running inside Docker, or by a cgroup namespace ({@code /..}) do
 * not hide what lies below them.
 */
public final class CgroupPaths {

  /** Longest directory name the kernel allows; longer ones cannot be real and are not matched. */
  private static final int NAME_MAX = 255;

  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  /** Runtime prefixes on container directories, with or without systemd's {@code .scope}. */
  private static final Pattern PREFIXED =
      Pattern.compile("(docker|cri-containerd|crio|libpod|nerdctl)-([0-9a-f]{64})(?:\\.scope)?");

  private static final Map<String, ContainerRuntime> PREFIXES =
      Map.of(
          "docker", ContainerRuntime.DOCKER,
          "cri-containerd", ContainerRuntime.CONTAINERD,
          "crio", ContainerRuntime.CRIO,
          "libpod", ContainerRuntime.PODMAN,
          "nerdctl", ContainerRuntime.CONTAINERD);

  /**
   * A scope that names a runtime but not a valid container: malformed, not a plain systemd unit.
   * Also covers {@code libpod-conmon-<id>.scope}, the monitor process beside a Podman container.
   */
  private static final Pattern RUNTIME_SCOPE =
      Pattern.compile("(?:docker|cri-containerd|crio|libpod|nerdctl)-.*");

  /**
   * Pod slice of the systemd driver; the optional prefix is a {@code --cgroup-root} such as kind's
   * {@code kubelet-kubepods-...}. The UID has underscores for dashes.
   */
  private static final Pattern SYSTEMD_POD =
      Pattern.compile(
          "(?:[^/]*-)?kubepods(?:-(burstable|besteffort))?-pod([0-9a-f_]{32,36})\\.slice");

  private static final Pattern CGROUPFS_POD = Pattern.compile("pod([0-9a-f-]{32,36})");

  /**
   * A containerd namespace name (nerdctl's {@code default}, {@code buildkit}, ...), as containerd
   * validates it, but not a systemd unit: top-level {@code .slice}/{@code .scope}/{@code .service}
   * directories are systemd's.
   */
  private static final Pattern NAMESPACE =
      Pattern.compile("(?![^/]*\\.(?:slice|scope|service)$)[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*");

  private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.@\\\\-]+\\.(?:service|scope)");

  private CgroupPaths() {}

  /** Classifies one cgroup path (the path field of a {@link CgroupLine}); never throws. */
  public static ContainerIdentity classify(String path) {
    if (path.length() > CgroupLine.MAX_PATH) {
      return ContainerIdentity.unknown(path);
    }
    List<String> dirs = Arrays.stream(path.split("/")).filter(d -> !d.isEmpty()).toList();
    Pod pod = pod(dirs);
    int below = pod == null ? 0 : pod.index() + 1;
    for (int i = dirs.size() - 1; i >= below; i--) {
      Container c = container(dirs, i, pod);
      if (c != null) {
        return pod == null
            ? new ContainerIdentity(c.runtime(), c.id(), "", QosClass.NONE, "", path)
            : new ContainerIdentity(c.runtime(), c.id(), pod.uid(), pod.qos(), "", path);
      }
    }
    if (pod != null) {
      return new ContainerIdentity(ContainerRuntime.UNKNOWN, "", pod.uid(), pod.qos(), "", path);
    }
    for (int i = dirs.size() - 1; i >= 0; i--) {
      String dir = dirs.get(i);
      if (fits(dir) && UNIT.matcher(dir).matches() && !RUNTIME_SCOPE.matcher(dir).matches()) {
        return new ContainerIdentity(ContainerRuntime.SYSTEMD, "", "", QosClass.NONE, dir, path);
      }
    }
    return ContainerIdentity.unknown(path);
  }

  private record Pod(int index, String uid, QosClass qos) {}

  private record Container(ContainerRuntime runtime, String id) {}

  /** The deepest pod directory, of either driver, or null. */
  private static Pod pod(List<String> dirs) {
    for (int i = dirs.size() - 1; i >= 0; i--) {
      String dir = dirs.get(i);
      if (!fits(dir)) {
        continue;
      }
      Matcher slice = SYSTEMD_POD.matcher(dir);
      if (slice.matches()) {
        String uid = slice.group(2).replace('_', '-');
        if (ContainerIdentity.isPodUid(uid)) {
          return new Pod(i, uid, qos(slice.group(1)));
        }
        continue;
      }
      Matcher plain = CGROUPFS_POD.matcher(dir);
      if (plain.matches() && ContainerIdentity.isPodUid(plain.group(1)) && i > 0) {
        String parent = dirs.get(i - 1);
        if (parent.equals("kubepods")) {
          return new Pod(i, plain.group(1), QosClass.GUARANTEED);
        }
        if (i > 1 && dirs.get(i - 2).equals("kubepods") && qos(parent) != QosClass.NONE) {
          return new Pod(i, plain.group(1), qos(parent));
        }
      }
    }
    return null;
  }

  /**
   * The QoS class a level word names; null (a pod slice without a level) is Guaranteed, a word that
   * is no level gives NONE.
   */
  private static QosClass qos(String level) {
    if (level == null) {
      return QosClass.GUARANTEED;
    }
    return switch (level) {
      case "burstable" -> QosClass.BURSTABLE;
      case "besteffort" -> QosClass.BEST_EFFORT;
      default -> QosClass.NONE;
    };
  }

  /**
   * The container directory at {@code i}, or null. A bare id is only a container where a runtime
   * puts bare ids: under Docker's {@code docker} parent, in a kubelet pod directory (runtime not
   * named), or directly under a top-level containerd namespace.
   */
  private static Container container(List<String> dirs, int i, Pod pod) {
    String dir = dirs.get(i);
    if (!fits(dir)) {
      return null;
    }
    Matcher prefixed = PREFIXED.matcher(dir);
    if (prefixed.matches()) {
      return new Container(PREFIXES.get(prefixed.group(1)), prefixed.group(2));
    }
    if (i == 0 || !HEX64.matcher(dir).matches()) {
      return null;
    }
    String parent = dirs.get(i - 1);
    if (parent.equals("docker")) {
      return new Container(ContainerRuntime.DOCKER, dir);
    }
    if (pod != null && pod.index() == i - 1) {
      return new Container(ContainerRuntime.UNKNOWN, dir);
    }
    if (i == 1 && !parent.equals("kubepods") && NAMESPACE.matcher(parent).matches()) {
      return new Container(ContainerRuntime.CONTAINERD, dir);
    }
    return null;
  }

  private static boolean fits(String dir) {
    return dir.length() <= NAME_MAX;
  }
}
