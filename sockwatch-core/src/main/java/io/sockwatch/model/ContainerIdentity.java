package io.sockwatch.model;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which container, pod or service a process belongs to, read from its cgroup path alone. The path
 * is the one place every runtime records this without an API call, each in its own shape:
 *
 * <ul>
 *   <li>kubelet, systemd cgroup driver: {@code
 *       /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<id>.scope}
 *       ({@code crio-<id>.scope} for CRI-O, {@code docker-<id>.scope} for cri-dockerd). systemd
 *       reads a dash in a slice name as nesting, so the kubelet writes the pod UID's dashes as
 *       underscores; Guaranteed pods have no QoS slice ({@code kubepods-pod<uid>.slice});
 *   <li>kubelet, cgroupfs driver: {@code /kubepods/burstable/pod<uid>/<id>}, the UID with its
 *       dashes, the container a bare id (CRI-O: {@code crio-<id>}), Guaranteed pods straight under
 *       {@code /kubepods};
 *   <li>Docker: {@code /docker/<id>} (cgroupfs driver, v1 and v2) or {@code
 *       /system.slice/docker-<id>.scope} (systemd driver);
 *   <li>Podman: {@code /machine.slice/libpod-<id>.scope}, on v2 with the workload one level down in
 *       {@code .../libpod-<id>.scope/container};
 *   <li>containerd without Kubernetes (nerdctl, ctr): {@code /<namespace>/<id>}, e.g. {@code
 *       /default/<id>}, or {@code nerdctl-<id>.scope} under systemd;
 *   <li>plain services and sessions: {@code /system.slice/nginx.service}, {@code
 *       /user.slice/user-1000.slice/session-3.scope}, {@code /init.scope}.
 * </ul>
 *
 * Inside a container with its own cgroup namespace the path is just {@code /}: nothing can be told,
 * so the identity is unknown. Shapes not listed stay unknown with the raw path kept.
 *
 * @param runtime what created the cgroup, {@link ContainerRuntime#UNKNOWN} when the path does not
 *     say
 * @param containerId the full container id, 64 lower-case hex digits, or empty
 * @param podUid the Kubernetes pod UID in its API form, or empty: canonical {@code 8-4-4-4-12}
 *     lower-case, or 32 hex digits for static pods, whose UID the kubelet derives from an MD5 hash
 *     of the manifest
 * @param qos the pod's QoS class, {@link QosClass#NONE} when not a pod
 * @param systemdUnit the systemd unit ({@code nginx.service}, {@code session-3.scope}) of a process
 *     outside any container, or empty
 * @param path the raw cgroup path, clipped to {@link #MAX_PATH_CHARS}
 */
public record ContainerIdentity(
    ContainerRuntime runtime,
    String containerId,
    String podUid,
    QosClass qos,
    String systemdUnit,
    String path) {

  /** Room for the deepest real paths (kubelet's are about 200 chars); bounds memory per process. */
  public static final int MAX_PATH_CHARS = 512;

  /** Upper bound of {@link #label()}: fits a pod UID and a short id, and a table column. */
  public static final int MAX_LABEL_CHARS = 64;

  /** Length of the short container id, as {@code docker ps} and {@code crictl ps} print it. */
  public static final int SHORT_ID_CHARS = 12;

  private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");

  private static final Pattern POD_UID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}");

  public ContainerIdentity {
    Objects.requireNonNull(runtime, "runtime");
    Objects.requireNonNull(qos, "qos");
    Objects.requireNonNull(systemdUnit, "systemdUnit");
    if (!containerId.isEmpty() && !isContainerId(containerId)) {
      throw new IllegalArgumentException("container id is not 64 lower-case hex digits");
    }
    if (!podUid.isEmpty() && !isPodUid(podUid)) {
      throw new IllegalArgumentException("pod UID is not in its API form");
    }
    path = clip(path);
  }

  /** Whether {@code s} is a full container id: 64 lower-case hex digits. */
  public static boolean isContainerId(String s) {
    return CONTAINER_ID.matcher(s).matches();
  }

  /** Whether {@code s} is a pod UID in its API form (or the 32 hex digits of a static pod). */
  public static boolean isPodUid(String s) {
    return POD_UID.matcher(s).matches();
  }

  /** An identity that only keeps the path. */
  public static ContainerIdentity unknown(String path) {
    return new ContainerIdentity(ContainerRuntime.UNKNOWN, "", "", QosClass.NONE, "", path);
  }

  /** The process runs in a container whose id is known. */
  public boolean isContainer() {
    return !containerId.isEmpty();
  }

  /** The first {@value #SHORT_ID_CHARS} hex digits of the container id, or empty. */
  public String shortId() {
    return isContainer() ? containerId.substring(0, SHORT_ID_CHARS) : "";
  }

  /**
   * A short human label for tables and metric labels, at most {@value #MAX_LABEL_CHARS} printable
   * ASCII characters: {@code pod <uid> container <short id>}, {@code docker <short id>}, {@code
   * nginx.service}, or the path, keeping its end (the most specific part) when it is too long.
   */
  public String label() {
    String text;
    if (!podUid.isEmpty()) {
      text = isContainer() ? "pod " + podUid + " container " + shortId() : "pod " + podUid;
    } else if (isContainer()) {
      String who = runtime == ContainerRuntime.UNKNOWN ? "container" : runtime.label();
      text = who + " " + shortId();
    } else if (!systemdUnit.isEmpty()) {
      text = systemdUnit;
    } else {
      text = path.isEmpty() ? "unknown" : path;
    }
    return bounded(text);
  }

  private static String clip(String path) {
    if (path.length() <= MAX_PATH_CHARS) {
      return path;
    }
    int end = MAX_PATH_CHARS;
    if (Character.isHighSurrogate(path.charAt(end - 1))) {
      end--; // keep the string well-formed UTF-16
    }
    return path.substring(0, end);
  }

  private static String bounded(String text) {
    String tail =
        text.length() <= MAX_LABEL_CHARS
            ? text
            : "..." + text.substring(text.length() - (MAX_LABEL_CHARS - 3));
    StringBuilder out = new StringBuilder(tail.length());
    for (int i = 0; i < tail.length(); i++) {
      char c = tail.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
