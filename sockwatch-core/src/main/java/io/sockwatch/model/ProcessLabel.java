package io.sockwatch.model;

/** How findings name a process: {@code comm(pid)}, as {@code ss -p} and the listings do. */
public final class ProcessLabel {
  private ProcessLabel() {}

  public static String of(ProcessInfo p) {
    return of(p.comm(), p.pid());
  }

  /** The label of a process known only by name and pid (a kernel event's). */
  public static String of(String comm, int pid) {
    return comm + "(" + pid + ")";
  }

  /** The pid in a label made by {@link #of}, or 0 when it is not one. */
  public static int pidOf(String label) {
    int open = label.lastIndexOf('(');
    if (open < 0 || !label.endsWith(")") || label.length() - open - 2 > 9) {
      return 0;
    }
    String digits = label.substring(open + 1, label.length() - 1);
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return 0;
    }
    return Integer.parseInt(digits);
  }
}
