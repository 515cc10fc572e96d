package io.sockwatch.netns;

import java.io.IOException;
import java.util.OptionalLong;

/**
 * The host's network namespace: pid 1's, or, when a sandbox hides pid 1's link even from root, that
 * of kthreadd (pid 2), since kernel threads always live in the initial namespace. Inside a pid
 * namespace pid 2 is an ordinary process, so it is trusted only when its name is kthreadd. The one
 * place this rule lives: the inventory marks the host with it and the chooser's fast path asks it.
 */
final class HostNamespace {

  private static final int INIT = 1;
  private static final int KTHREADD = 2;

  private HostNamespace() {}

  /** The host namespace's inode, or empty when neither link is readable (not root?). */
  static OptionalLong inode(NetnsFiles files) {
    OptionalLong init = linkInode(files, INIT);
    if (init.isPresent()) {
      return init;
    }
    try {
      return files.comm(KTHREADD).equals("kthreadd")
          ? linkInode(files, KTHREADD)
          : OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The inode of the caller's own namespace, or empty when unreadable. */
  static OptionalLong own(NetnsFiles files) {
    try {
      return positive(NetnsLinkText.inodeOf(files.ownNetLink()));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalLong linkInode(NetnsFiles files, int pid) {
    try {
      return positive(NetnsLinkText.inodeOf(files.netLink(pid)));
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalLong positive(long inode) {
    return inode > 0 ? OptionalLong.of(inode) : OptionalLong.empty();
  }
}
