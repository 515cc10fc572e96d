package io.sockwatch;

import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.snapshot.SourceChoice;
import java.nio.file.Path;

/**
 * What a {@link NodeReader} reads, and the bounds that keep a long-running agent cheap.
 *
 * @param root the tree /proc lives under: {@code /} for the live node, a recorded tree in tests
 * @param source which socket-table reader
 * @param netns which network namespaces; a recorded tree holds only one
 * @param heapLimitBytes refuse, with the reason, a socket table that would not fit twice in this
 *     many bytes of heap (0: no limit); the agent keeps the last table while it reads the next
 * @param attributionCpuShare above 0: remember processes from one read to the next and spend at
 *     most this share of one core on full walks of every process's descriptors (the agent); 0: walk
 *     every process on every read (one-shot commands)
 * @param connectionEvents trace every connection as it opens and closes with the kernel's events
 *     (eBPF), so each scan carries the window's {@link
 *     io.sockwatch.model.events.ConnectionActivity}; where that cannot run, the scan says why among
 *     its unavailable items and everything else works as without
 */
public record ReadSettings(
    Path root,
    SourceChoice source,
    NetnsChoice netns,
    long heapLimitBytes,
    double attributionCpuShare,
    boolean connectionEvents) {

  public ReadSettings {
    if (heapLimitBytes < 0 || !(attributionCpuShare >= 0) || attributionCpuShare > 1) {
      throw new IllegalArgumentException("heap limit and CPU share must not be negative");
    }
  }

  /** The live node's namespaces {@code netns} names, read with netlink (or /proc as fallback). */
  public static ReadSettings live(NetnsChoice netns) {
    return new ReadSettings(Path.of("/"), SourceChoice.AUTO, netns, 0, 0, false);
  }

  /** Whether /proc is the live one rather than a recorded tree. */
  public boolean liveRoot() {
    return root.toAbsolutePath().normalize().equals(Path.of("/"));
  }

  public ReadSettings withRoot(Path r) {
    return new ReadSettings(
        r, source, netns, heapLimitBytes, attributionCpuShare, connectionEvents);
  }

  public ReadSettings withSource(SourceChoice s) {
    return new ReadSettings(root, s, netns, heapLimitBytes, attributionCpuShare, connectionEvents);
  }

  public ReadSettings withHeapLimit(long bytes) {
    return new ReadSettings(root, source, netns, bytes, attributionCpuShare, connectionEvents);
  }

  public ReadSettings withIncrementalAttribution(double cpuShare) {
    return new ReadSettings(root, source, netns, heapLimitBytes, cpuShare, connectionEvents);
  }

  /** These settings with connection events traced ({@code true}) or not. */
  public ReadSettings withConnectionEvents(boolean on) {
    return new ReadSettings(root, source, netns, heapLimitBytes, attributionCpuShare, on);
  }
}
