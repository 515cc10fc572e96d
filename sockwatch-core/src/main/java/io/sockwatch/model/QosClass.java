package io.sockwatch.model;

/**
 * The Kubernetes QoS class of a pod, read from the kubelet's cgroup layout: Burstable and
 * BestEffort pods sit under their own parent ({@code kubepods/burstable}, {@code
 * kubepods-besteffort.slice}), Guaranteed pods directly under {@code kubepods}. It tells which pods
 * the kernel reclaims memory from first, so it matters when their sockets misbehave under pressure.
 */
public enum QosClass {
  /** Requests equal limits for every container; no QoS level in the cgroup path. */
  GUARANTEED("guaranteed"),
  /** Some requests below limits. */
  BURSTABLE("burstable"),
  /** No requests or limits at all. */
  BEST_EFFORT("besteffort"),
  /** Not a Kubernetes pod. */
  NONE("none");

  private final String label;

  QosClass(String label) {
    this.label = label;
  }

  /** Lower-case name as the kubelet spells it in cgroup paths ({@code besteffort}). */
  public String label() {
    return label;
  }
}
