package io.sockwatch.model.snapshot;

/**
 * Which network namespaces to read, as {@code --netns} says it: {@code all}, {@code host} (pid
 * 1's), {@code self} (the reader's own), an inode, an {@code ip netns} name or {@code pid:PID}.
 *
 * @param kind how the namespace is named
 * @param inode the inode for {@link Kind#INODE}
 * @param name the name for {@link Kind#NAME}
 * @param pid the process for {@link Kind#PID}
 */
public record NetnsChoice(Kind kind, long inode, String name, int pid) {

  /** How {@code --netns} names its namespaces. */
  public enum Kind {
    ALL,
    HOST,
    SELF,
    INODE,
    NAME,
    PID
  }

  public static final NetnsChoice ALL = new NetnsChoice(Kind.ALL, 0, "", 0);
  public static final NetnsChoice HOST = new NetnsChoice(Kind.HOST, 0, "", 0);
  public static final NetnsChoice SELF = new NetnsChoice(Kind.SELF, 0, "", 0);

  /**
   * Reads the option's text.
   *
   * @throws IllegalArgumentException with a message for people when it names nothing sensible
   */
  public static NetnsChoice parse(String text) {
    String t = text.trim();
    switch (t) {
      case "all":
        return ALL;
      case "host":
        return HOST;
      case "self":
        return SELF;
      default:
        break;
    }
    if (t.startsWith("pid:")) {
      String digits = t.substring(4);
      if (!isDigits(digits) || digits.length() > 9 || Integer.parseInt(digits) <= 0) {
        throw new IllegalArgumentException("pid:PID takes a process id, not '" + t + "'");
      }
      return new NetnsChoice(Kind.PID, 0, "", Integer.parseInt(digits));
    }
    if (isDigits(t)) {
      if (t.length() > 18) {
        throw new IllegalArgumentException("'" + t + "' is too large for a namespace inode");
      }
      long inode = Long.parseLong(t);
      if (inode == 0) {
        throw new IllegalArgumentException("0 is no namespace inode");
      }
      return new NetnsChoice(Kind.INODE, inode, "", 0);
    }
    if (t.isEmpty() || t.length() > 255 || t.contains("/") || t.equals(".") || t.equals("..")) {
      throw new IllegalArgumentException(
          "'" + t + "' is neither all, host, self, an inode, pid:PID nor an ip-netns name");
    }
    return new NetnsChoice(Kind.NAME, 0, t, 0);
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  public boolean isAll() {
    return kind == Kind.ALL;
  }

  /** The option's text back, for messages. */
  public String describe() {
    return switch (kind) {
      case ALL -> "all";
      case HOST -> "host";
      case SELF -> "self";
      case INODE -> Long.toString(inode);
      case NAME -> name;
      case PID -> "pid:" + pid;
    };
  }
}
