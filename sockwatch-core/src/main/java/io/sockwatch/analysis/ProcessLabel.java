package io.sockwatch.analysis;

import io.sockwatch.process.ProcessInfo;

/** How findings name a process: {@code comm(pid)}, as {@code ss -p} and the listings do. */
final class ProcessLabel {
  private ProcessLabel() {}

  static String of(ProcessInfo p) {
    return p.comm() + "(" + p.pid() + ")";
  }
}
