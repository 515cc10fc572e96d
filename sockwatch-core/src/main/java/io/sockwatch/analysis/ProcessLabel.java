package io.sockwatch.analysis;

import io.sockwatch.process.ProcessInfo;

/** How findings name a process: {@code comm(pid)}, as {@code ss -p} and the listings do. */
public final class ProcessLabel {
  private ProcessLabel() {}

  public static String of(ProcessInfo p) {
    return p.comm() + "(" + p.pid() + ")";
  }
}
