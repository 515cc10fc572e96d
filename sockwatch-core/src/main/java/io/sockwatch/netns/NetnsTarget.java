package io.sockwatch.netns;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A network namespace to read, as the readers need it.
 *
 * @param label what users call it ({@code host}, an {@code ip netns} name, {@code net:[N]})
 * @param inode its nsfs inode: after entering, the thread checks it landed there, so that a pid
 *     reused by a process elsewhere cannot silently redirect the read
 * @param wayIn the file to open and {@code setns} into ({@code /run/netns/NAME} or {@code
 *     /proc/PID/ns/net})
 * @param procNetDirectory {@code /proc/PID/net} of a process in it, readable without entering (the
 *     fallback when entering is not permitted); empty when no process is known
 */
public record NetnsTarget(String label, long inode, Path wayIn, Optional<Path> procNetDirectory) {

  /** {@code swt-a (net:[4026532522])}, or just {@code net:[N]} when that is the label. */
  public String describe() {
    String id = "net:[" + inode + "]";
    return label.equals(id)
        ? "network namespace " + id
        : "network namespace " + label + " (" + id + ")";
  }
}
