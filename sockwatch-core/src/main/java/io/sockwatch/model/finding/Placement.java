package io.sockwatch.model.finding;

import java.util.List;

/**
 * Where on the node a finding happened, once sockwatch reads more than one network namespace: the
 * namespace (each has its own socket table, port range and counters, so the same {@code
 * 127.0.0.1:8080} can be a different server in each) and the containers or pods of the processes
 * involved. Kept short and capped, since it becomes metric labels.
 *
 * @param netnsInode the namespace's inode, 0 when the finding is node-wide or only one namespace
 *     was read
 * @param netns what users call the namespace ({@code host}, an {@code ip netns} name or {@code
 *     net:[INODE]}); empty as above
 * @param containers container or pod labels of the processes involved, at most {@link
 *     #MAX_CONTAINERS}, sorted
 */
public record Placement(long netnsInode, String netns, List<String> containers) {

  /** Nothing to say: a single-namespace run, or a node-wide finding with no container. */
  public static final Placement NONE = new Placement(0, "", List.of());

  /** A pod's namespace holds a few containers; more than this is summarized by the first ones. */
  public static final int MAX_CONTAINERS = 4;

  public Placement {
    containers = containers.stream().distinct().sorted().limit(MAX_CONTAINERS).toList();
  }

  public boolean isNone() {
    return netns.isEmpty() && containers.isEmpty();
  }

  /** "netns web1, pod 1234... container 3f2a..." or empty. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    if (!netns.isEmpty()) {
      sb.append("netns ").append(netns);
    }
    for (String c : containers) {
      sb.append(sb.isEmpty() ? "" : ", ").append(c);
    }
    return sb.toString();
  }
}
