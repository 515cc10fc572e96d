package io.sockwatch.kernel.sockdiag;

/**
 * Linux errno numbers as words. A fixed table rather than a {@code strerror} downcall: the text
 * must be the same in tests and in messages, and the parser (which reports kernel errors from
 * NLMSG_ERROR) must stay free of native calls. Only the errors sock_diag and entering a network
 * namespace can produce are named.
 */
public final class Errno {

  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EINVAL = 22;
  static final int EAFNOSUPPORT = 97;
  static final int EPROTONOSUPPORT = 93;

  private Errno() {}

  /** {@code "Operation not permitted (EPERM)"}, or {@code "errno 123"} for unnamed numbers. */
  public static String describe(int errno) {
    String text =
        switch (errno) {
          case EPERM -> "Operation not permitted (EPERM)";
          case ENOENT -> "No such file or directory (ENOENT)";
          case EINTR -> "Interrupted system call (EINTR)";
          case 9 -> "Bad file descriptor (EBADF)";
          case EAGAIN -> "Resource temporarily unavailable (EAGAIN)";
          case 12 -> "Cannot allocate memory (ENOMEM)";
          case EACCES -> "Permission denied (EACCES)";
          case 16 -> "Device or resource busy (EBUSY)";
          case EINVAL -> "Invalid argument (EINVAL)";
          case 23 -> "Too many open files in system (ENFILE)";
          case 24 -> "Too many open files (EMFILE)";
          case 38 -> "Function not implemented (ENOSYS)";
          case EPROTONOSUPPORT -> "Protocol not supported (EPROTONOSUPPORT)";
          case 95 -> "Operation not supported (EOPNOTSUPP)";
          case EAFNOSUPPORT -> "Address family not supported by protocol (EAFNOSUPPORT)";
          case 105 -> "No buffer space available (ENOBUFS)";
          default -> null;
        };
    return text != null ? text : "errno " + errno;
  }
}
