package io.sockwatch.process.cgroup;

import io.sockwatch.model.ContainerIdentity;
import io.sockwatch.model.ContainerRuntime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The parsed content of {@code /proc/<pid>/cgroup}. Pure, so it is fuzzed apart from the file read:
 * lines the kernel would not write are counted and skipped, never thrown on, because the agent
 * reads this file for every process on a node and one odd process must not stop the scan.
 *
 * @param lines the well-formed lines in file order, at most {@link #MAX_LINES}
 * @param skippedLines malformed lines, blank lines and lines beyond {@link #MAX_LINES}
 */
public record CgroupFile(List<CgroupLine> lines, int skippedLines) {

  /**
   * A v1 host has one line per hierarchy: about a dozen controllers plus named hierarchies, far
   * below this.
   */
  static final int MAX_LINES = 64;

  /**
   * Lines that carry the container path, best first. On v2 and hybrid hosts it is the unified line;
   * on v1 the systemd and pids/memory/cpu hierarchies are the ones every runtime places the
   * container in, while others (rdma, net_cls, ...) often stay at {@code /}.
   */
  private static final List<String> PREFERRED = List.of("name=systemd", "pids", "memory", "cpu");

  public CgroupFile {
    lines = List.copyOf(lines);
  }

  /** Parses the whole file; a missing final newline is accepted. */
  public static CgroupFile parse(String text) {
    List<CgroupLine> lines = new ArrayList<>();
    int skipped = 0;
    int start = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      if (end < 0) {
        end = text.length();
      }
      var line = CgroupLine.parse(text.substring(start, end));
      if (line.isPresent() && lines.size() < MAX_LINES) {
        lines.add(line.get());
      } else {
        skipped++;
      }
      start = end + 1;
    }
    return new CgroupFile(lines, skipped);
  }

  /**
   * The identity the file's lines reveal. Hybrid hosts disagree between hierarchies (a Docker
   * container with the cgroupfs driver shows {@code /docker/<id>} in v1 but often {@code
   * /system.slice/containerd.service} in the unified line, which Docker leaves alone), so the most
   * specific answer wins: a container, then a pod, then a systemd unit, then any non-root path;
   * ties go to the preferred line. An empty file gives an unknown identity with an empty path.
   */
  public ContainerIdentity identity() {
    ContainerIdentity best = CgroupPaths.classify("");
    int bestRank = -1;
    for (CgroupLine line :
        lines.stream().sorted(Comparator.comparingInt(CgroupFile::order)).toList()) {
      ContainerIdentity candidate = CgroupPaths.classify(line.path());
      int rank = specificity(candidate);
      if (rank > bestRank) {
        best = candidate;
        bestRank = rank;
      }
    }
    return best;
  }

  private static int order(CgroupLine line) {
    if (line.unified()) {
      return 0;
    }
    for (int i = 0; i < PREFERRED.size(); i++) {
      if (line.has(PREFERRED.get(i))) {
        return i + 1;
      }
    }
    return PREFERRED.size() + 1;
  }

  private static int specificity(ContainerIdentity id) {
    if (id.isContainer()) {
      return 4;
    }
    if (!id.podUid().isEmpty()) {
      return 3;
    }
    if (id.runtime() == ContainerRuntime.SYSTEMD) {
      return 2;
    }
    return id.path().equals("/") ? 0 : 1;
  }
}
