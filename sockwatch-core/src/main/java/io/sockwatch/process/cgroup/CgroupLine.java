package io.sockwatch.process.cgroup;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One line of {@code /proc/<pid>/cgroup}: {@code hierarchy-ID:controller-list:path}. cgroup v1
 * writes one line per mounted hierarchy ({@code 4:memory:/docker/<id>}, {@code
 * 1:name=systemd:/...}); cgroup v2 writes the single line {@code 0::/path} (hierarchy 0, no
 * controllers); hybrid hosts write both.
 *
 * @param hierarchyId the hierarchy number, 0 for the v2 (unified) hierarchy
 * @param controllers the controllers bound to the hierarchy ({@code cpu}, {@code cpuacct}, {@code
 *     name=systemd}); empty for v2
 * @param path the cgroup path relative to the reader's cgroup namespace root, without the kernel's
 *     {@code " (deleted)"} suffix; starts with {@code /} (or {@code /..} for a cgroup outside the
 *     reader's namespace)
 * @param deleted the kernel marked the v2 cgroup as removed (a zombie whose cgroup was rmdir'ed)
 */
public record CgroupLine(int hierarchyId, List<String> controllers, String path, boolean deleted) {

  /** The kernel formats the path into a PATH_MAX buffer; a longer one is not its output. */
  static final int MAX_PATH = 4096;

  /** Room for the id and a long controller list on top of {@link #MAX_PATH}. */
  private static final int MAX_LINE = MAX_PATH + 512;

  private static final String DELETED = " (deleted)";
  private static final Pattern ID = Pattern.compile("0|[1-9][0-9]{0,8}");
  private static final Pattern CONTROLLER = Pattern.compile("[\\x21-\\x7e&&[^,:]]+");

  public CgroupLine {
    Objects.requireNonNull(path, "path");
    controllers = List.copyOf(controllers);
  }

  /** The v2 line, the one that carries the path on cgroup v2 and hybrid hosts. */
  public boolean unified() {
    return hierarchyId == 0 && controllers.isEmpty();
  }

  /** Whether {@code controller} (e.g. {@code memory}, {@code name=systemd}) is on this line. */
  public boolean has(String controller) {
    return controllers.contains(controller);
  }

  /**
   * One line without its newline, or empty when it is not what the kernel writes: too long, no two
   * colons, a non-numeric id, a blank or odd controller name, a path not starting with {@code /}.
   */
  static Optional<CgroupLine> parse(String line) {
    if (line.length() > MAX_LINE) {
      return Optional.empty();
    }
    int first = line.indexOf(':');
    int second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (second < 0 || !ID.matcher(line.substring(0, first)).matches()) {
      return Optional.empty();
    }
    String list = line.substring(first + 1, second);
    List<String> controllers = list.isEmpty() ? List.of() : List.of(list.split(",", -1));
    if (!controllers.stream().allMatch(c -> CONTROLLER.matcher(c).matches())) {
      return Optional.empty();
    }
    String path = line.substring(second + 1);
    boolean deleted = path.endsWith(DELETED);
    if (deleted) {
      path = path.substring(0, path.length() - DELETED.length());
    }
    if (!path.startsWith("/") || path.length() > MAX_PATH) {
      return Optional.empty();
    }
    int id = Integer.parseInt(line.substring(0, first));
    return Optional.of(new CgroupLine(id, controllers, path, deleted));
  }
}
