package io.sockwatch.process;

import io.sockwatch.model.SocketOwners;
import io.sockwatch.model.Unavailable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Child process for {@link SocketOwnerScannerUnprivilegedTest}: opens a listener, scans the host
 * {@code /proc} with each walker and prints one line per walker: {@code walker=<name> sockets=<n>
 * processes=<n> denied=<n> selfListenerOwned=<bool>}, then one line per unavailable reason: {@code
 * unavailable=<item>: <reason>}. Any exception escapes as a stack trace and a non-zero exit, which
 * the test treats as failure.
 */
public final class ScanAsMain {
  private ScanAsMain() {}

  public static void main(String[] args) throws IOException {
    int self = (int) ProcessHandle.current().pid();
    // The JDK's first socket also creates its own helper socketpair; get that out of the way.
    new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).close();
    Set<Long> before = ownSocketInodes();
    try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Set<Long> added = new HashSet<>(ownSocketInodes());
      added.removeAll(before);
      if (added.size() != 1) {
        throw new IllegalStateException("expected one new socket descriptor, got " + added);
      }
      long inode = added.iterator().next();
      for (SocketOwnerScanner.Walker walker :
          new SocketOwnerScanner.Walker[] {
            SocketOwnerScanner.Walker.NATIVE, SocketOwnerScanner.Walker.NIO
          }) {
        SocketOwners owners =
            new SocketOwnerScanner(
                    Path.of("/"),
                    walker,
                    SocketOwnerScanner.DEFAULT_THREADS,
                    SocketOwners.MAX_DESCRIPTORS)
                .scan();
        boolean owned = owners.ownersOf(inode).stream().anyMatch(p -> p.pid() == self);
        System.out.println(
            "walker="
                + walker
                + " sockets="
                + owners.socketCount()
                + " processes="
                + owners.processCount()
                + " denied="
                + owners.counts().processesDenied()
                + " selfListenerOwned="
                + owned);
        for (Unavailable u : owners.unavailable()) {
          System.out.println("unavailable=" + u);
        }
      }
    }
  }

  /** Socket inodes of this process, read from its own fd links (which any user may read). */
  private static Set<Long> ownSocketInodes() throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (NoSuchFileException e) {
          // The directory stream's own descriptor, closed by now.
        }
      }
    }
    return inodes;
  }
}
