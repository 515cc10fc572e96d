package io.sockwatch.model;

/**
 * Who created the cgroup a process lives in, as far as its path tells. Each runtime names its
 * cgroups its own way (see {@link ContainerIdentity}), which is the only runtime-neutral way a node
 * agent can map a socket's process to a container without talking to every runtime's API.
 */
public enum ContainerRuntime {
  /** Docker ({@code /docker/<id>}, {@code docker-<id>.scope}), also cri-dockerd under kubelet. */
  DOCKER("docker"),
  /** containerd: the CRI plugin ({@code cri-containerd-<id>.scope}) or nerdctl/ctr. */
  CONTAINERD("containerd"),
  /** CRI-O ({@code crio-<id>.scope}). */
  CRIO("cri-o"),
  /** Podman ({@code libpod-<id>.scope}). */
  PODMAN("podman"),
  /** No container: a systemd service or scope ({@code nginx.service}, {@code session-3.scope}). */
  SYSTEMD("systemd"),
  /**
   * The path does not name a runtime: an unrecognised shape, the root cgroup, or a Kubernetes pod
   * with the cgroupfs driver, whose container directories are bare ids that containerd and
   * cri-dockerd write alike.
   */
  UNKNOWN("unknown");

  private final String label;

  ContainerRuntime(String label) {
    this.label = label;
  }

  /** Lower-case name for output and metric labels ({@code cri-o}, {@code docker}, ...). */
  public String label() {
    return label;
  }
}
