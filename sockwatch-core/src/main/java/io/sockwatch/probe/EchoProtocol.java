package io.sockwatch.probe;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The echo protocol between {@code probe-idle} and {@code echo}: the prober sends a line, the echo
 * server sends the same line back. Lines are ASCII and at most {@link #MAX_LINE} bytes, so a stray
 * client (an HTTP request, a port scanner) cannot make the server buffer without bound, and the
 * prober recognises a peer that is not an echo server by the answer.
 */
public final class EchoProtocol {

  public static final int MAX_LINE = 512;

  /** The message of the exception {@link #readLine} throws for a longer line. */
  public static final String TOO_LONG = "line longer than " + MAX_LINE + " bytes";

  private EchoProtocol() {}

  /** The line a probe sends: unique per connection and send, so a stale echo is not mistaken. */
  public static String ping(int connection, int send) {
    return "sockwatch-probe " + connection + " " + send;
  }

  /**
   * Reads one line (without its {@code \n}) of at most {@link #MAX_LINE} bytes.
   *
   * @throws EOFException when the stream ends first
   * @throws IOException when the line is too long, or on the stream's own errors
   */
  public static String readLine(InputStream in) throws IOException {
    byte[] buf = new byte[MAX_LINE];
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed");
      }
      if (b == '\n') {
        int end = n > 0 && buf[n - 1] == '\r' ? n - 1 : n;
        return new String(buf, 0, end, StandardCharsets.US_ASCII);
      }
      if (n == MAX_LINE) {
        throw new IOException(TOO_LONG);
      }
      buf[n++] = (byte) b;
    }
  }
}
