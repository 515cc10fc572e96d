package io.sockwatch.kernel.sockdiag;

import io.sockwatch.kernel.ScanRequest;
import io.sockwatch.model.SourceUnavailableException;
import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link NetlinkSockDiagSourceFailureTest}: uses up every file descriptor,
 * then reads, so that socket() really fails. Prints the exception's message, or "no exception".
 */
public final class FdExhaustionProbe {

  public static void main(String[] args) throws Exception {
    NetlinkSockDiagSource source = new NetlinkSockDiagSource();
    // Load, while files can still be opened, every class the failing read will need.
    source.read(ScanRequest.all());
    Errno.describe(Errno.EPERM);
    Class.forName(SourceUnavailableException.class.getName());
    List<FileInputStream> held = new ArrayList<>();
    String result;
    try {
      try {
        while (true) {
          held.add(new FileInputStream("/dev/null"));
        }
      } catch (IOException exhausted) {
        // Every descriptor is in use now.
      }
      try {
        source.read(ScanRequest.all());
        result = "no exception";
      } catch (SourceUnavailableException e) {
        result = e.getMessage();
      }
    } finally {
      for (FileInputStream f : held) {
        f.close();
      }
    }
    System.out.println(result);
  }
}
