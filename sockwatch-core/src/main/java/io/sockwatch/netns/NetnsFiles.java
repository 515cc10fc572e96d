package io.sockwatch.netns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * The file-system reads an inventory makes, kept behind an interface so that the grouping logic
 * above it is plain data work. Errors are the usual NIO exceptions: {@link
 * java.nio.file.NoSuchFileException} for a process that is gone, {@link
 * java.nio.file.AccessDeniedException} for one the caller may not inspect.
 */
interface NetnsFiles {

  /** The process ids listed in the proc directory. */
  int[] pids() throws IOException;

  /** The target text of {@code /proc/PID/ns/net}, e.g. {@code net:[4026531840]}. */
  String netLink(int pid) throws IOException;

  /** The command name of a process ({@code /proc/PID/comm}, without the newline). */
  String comm(int pid) throws IOException;

  /** The target text of the inventory-taking process's own {@code ns/net} link. */
  String ownNetLink() throws IOException;

  /** The path of {@code /proc/PID/ns/net}, for opening later. */
  Path netLinkPath(int pid);

  /** The path of {@code /proc/PID/net}. */
  Path procNetDirectory(int pid);

  /** The names under {@code /run/netns}, empty when there is no such directory. */
  List<String> names() throws IOException;

  /** The path of {@code /run/netns/NAME}. */
  Path namedPath(String name);

  /**
   * Inode and device of what {@code /run/netns/NAME} leads to: a mounted namespace shows the
   * namespace's inode on the nsfs device.
   */
  long[] statNamed(String name) throws IOException;

  /** The nsfs device number, to tell a mounted name from a stale empty file; empty if unknown. */
  OptionalLong nsfsDevice();
}
