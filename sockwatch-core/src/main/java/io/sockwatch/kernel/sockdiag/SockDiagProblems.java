package io.sockwatch.kernel.sockdiag;

import io.sockwatch.model.Unavailable;
import java.util.ArrayList;
import java.util.List;

/**
 * What went wrong while reading one sock_diag dump, counted rather than thrown, so that a reply
 * with one bad message still yields every good socket and the user learns how many were lost. Not
 * thread-safe: one instance belongs to one dump.
 */
final class SockDiagProblems {

  private int truncatedMessages;
  private int truncatedAttributes;
  private int malformedMessages;
  private int unknownFamilies;
  private int oversizedReplies;
  private String failure;

  void truncatedMessage() {
    truncatedMessages++;
  }

  void truncatedAttribute() {
    truncatedAttributes++;
  }

  void malformedMessage() {
    malformedMessages++;
  }

  void unknownFamily() {
    unknownFamilies++;
  }

  void oversizedReply() {
    oversizedReplies++;
  }

  /** Records why the dump stopped early; the first reason wins because later ones follow it. */
  void fail(String reason) {
    if (failure == null) {
      failure = reason;
    }
  }

  /** Messages cut off by the end of a reply; the sockets they held are missing. */
  public int truncatedMessages() {
    return truncatedMessages;
  }

  /** Sockets whose attributes ran past their message; their details are absent. */
  public int truncatedAttributes() {
    return truncatedAttributes;
  }

  /** Messages too short for their own type, or with an impossible length. */
  public int malformedMessages() {
    return malformedMessages;
  }

  /** Socket messages of a family other than AF_INET / AF_INET6, skipped. */
  public int unknownFamilies() {
    return unknownFamilies;
  }

  /** Replies longer than the receive buffer; the kernel dropped their tail. */
  public int oversizedReplies() {
    return oversizedReplies;
  }

  /** Why the dump ended before its NLMSG_DONE, or null if it did not. */
  public String failure() {
    return failure;
  }

  public boolean isEmpty() {
    return truncatedMessages == 0
        && truncatedAttributes == 0
        && malformedMessages == 0
        && unknownFamilies == 0
        && oversizedReplies == 0
        && failure == null;
  }

  /** One entry per kind of problem, each naming {@code item} (e.g. "IPv6 sockets"). */
  public List<Unavailable> toUnavailable(String item) {
    List<Unavailable> out = new ArrayList<>();
    if (failure != null) {
      out.add(new Unavailable(item, failure));
    }
    count(out, item, truncatedMessages, "truncated netlink message", "sockets may be missing");
    count(out, item, oversizedReplies, "netlink reply longer than the buffer", "sockets missing");
    count(out, item, malformedMessages, "malformed netlink message", "skipped");
    count(out, item, unknownFamilies, "message with an unknown address family", "skipped");
    count(out, item, truncatedAttributes, "socket with attributes cut short", "details absent");
    return out;
  }

  private static void count(List<Unavailable> out, String item, int n, String what, String so) {
    if (n > 0) {
      out.add(new Unavailable(item, n + " × " + what + " (" + so + ")"));
    }
  }
}
