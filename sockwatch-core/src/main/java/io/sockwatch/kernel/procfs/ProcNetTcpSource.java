package io.sockwatch.kernel.procfs;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.kernel.SocketTableSource;
import io.sockwatch.model.AddressFamily;
import io.sockwatch.model.SocketRecord;
import io.sockwatch.model.SocketTable;
import io.sockwatch.model.SourceUnavailableException;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fallback socket source: {@code /proc/net/tcp} and {@code /proc/net/tcp6}. It needs no
 * privilege and works where netlink sock_diag is blocked, but it has no tcp_info, socket memory,
 * congestion algorithm or cookie, and says so in every table when details were asked for.
 *
 * <p>States are filtered while parsing (the kernel cannot do it for this file), so unwanted rows
 * cost no allocation. A missing {@code tcp6} means IPv6 is disabled and is reported, not fatal;
 * only when neither file can be read does {@link #read} throw.
 */
public final class ProcNetTcpSource implements SocketTableSource {

  private static final String DETAILS_ITEM = "tcp_info, skmem, congestion, cookie";
  private static final String DETAILS_REASON =
      "the /proc/net/tcp source does not carry them; use --source netlink";

  private final Path netDirectory;

  /** Reads the calling process's network namespace through {@code /proc/net}. */
  public ProcNetTcpSource() {
    this(Path.of("/proc/net"));
  }

  private ProcNetTcpSource(Path netDirectory) {
    this.netDirectory = netDirectory;
  }

  /** Reads {@code <root>/proc/net}; tests pass a recorded tree as {@code root}. */
  public static ProcNetTcpSource ofRoot(Path root) {
    return new ProcNetTcpSource(root.resolve("proc/net"));
  }

  /**
   * Reads {@code tcp} and {@code tcp6} from {@code netDirectory} itself, e.g. {@code
   * /proc/<pid>/net} for the network namespace of another process.
   */
  public static ProcNetTcpSource ofNetDirectory(Path netDirectory) {
    return new ProcNetTcpSource(netDirectory);
  }

  @Override
  public String name() {
    return "proc";
  }

  @Override
  public SocketTable read(ScanRequest request) throws SourceUnavailableException {
    List<SocketRecord> sockets = new ArrayList<>();
    List<Unavailable> unavailable = new ArrayList<>();
    int mask = request.kernelStateMask();
    Path tcp = netDirectory.resolve("tcp");
    Path tcp6 = netDirectory.resolve("tcp6");
    byte[] buffer = new byte[0];

    String v4Failure = null;
    try {
      buffer = readTable(tcp, AddressFamily.INET, mask, buffer, sockets, unavailable);
    } catch (IOException e) {
      v4Failure = ProcFiles.reason(e);
    }
    String v6Failure = null;
    try {
      readTable(tcp6, AddressFamily.INET6, mask, buffer, sockets, unavailable);
    } catch (NoSuchFileException e) {
      v6Failure = "missing (IPv6 disabled?)";
    } catch (IOException e) {
      v6Failure = ProcFiles.reason(e);
    }

    if (v4Failure != null && v6Failure != null) {
      throw new SourceUnavailableException(
          "Cannot read the TCP socket table from /proc: "
              + tcp
              + " is "
              + v4Failure
              + " and "
              + tcp6
              + " is "
              + v6Failure
              + ".");
    }
    if (v4Failure != null) {
      unavailable.add(new Unavailable(tcp.toString(), v4Failure));
    }
    if (v6Failure != null) {
      unavailable.add(new Unavailable(tcp6.toString(), v6Failure));
    }
    if (request.details()) {
      unavailable.add(new Unavailable(DETAILS_ITEM, DETAILS_REASON));
    }
    return new SocketTable(name(), sockets, unavailable);
  }

  /** Reads and parses one file; returns the buffer so the second file can reuse it. */
  private static byte[] readTable(
      Path file,
      AddressFamily family,
      int mask,
      byte[] buffer,
      List<SocketRecord> sockets,
      List<Unavailable> unavailable)
      throws IOException {
    ProcFiles.Content content = ProcFiles.read(file, buffer);
    ProcNetTcpParser.Result result =
        ProcNetTcpParser.parse(content.bytes(), content.length(), family, mask, sockets);
    if (result.badLines() > 0) {
      unavailable.add(
          new Unavailable(
              file.toString(),
              "unrecognised format: "
                  + result.badLines()
                  + (result.badLines() == 1 ? " line" : " lines")
                  + " skipped, first at line "
                  + result.firstBadLine()));
    }
    if (result.truncated()) {
      unavailable.add(new Unavailable(file.toString(), "truncated: last line incomplete"));
    }
    return content.bytes();
  }
}
