package io.sockwatch.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.charset.StandardCharsets;
import jdk.net.ExtendedSocketOptions;

/**
 * A line echo server and a client driven line by line through stdin, to run in test namespaces (see
 * {@link EchoProcess}). Unlike the one-shot answers of {@link ScenarioMain}, a long-lived
 * connection can be used, left idle and used again, which is what middlebox idle timeouts need:
 *
 * <ul>
 *   <li>{@code server ADDR:PORT}: echoes every line on every connection back;
 *   <li>{@code client ADDR:PORT [KEEPIDLE_S KEEPINTVL_S]}: one connection (with TCP keepalive only
 *       if its idle and interval times are given), prints {@code READY <pid> <local port>}, sends
 *       each stdin line and prints {@code ECHO <line>} for each line coming back.
 * </ul>
 */
public final class EchoMain {
  private EchoMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || !(args[0].equals("server") || args[0].equals("client"))) {
      System.err.println(
          "usage: EchoMain server ADDR:PORT | client ADDR:PORT [KEEPIDLE KEEPINTVL]");
      System.exit(2);
    }
    int colon = args[1].lastIndexOf(':');
    if (colon < 0) {
      System.err.println("expected ADDR:PORT, not " + args[1]);
      System.exit(2);
    }
    InetSocketAddress target =
        new InetSocketAddress(
            InetAddress.getByName(args[1].substring(0, colon)),
            Integer.parseInt(args[1].substring(colon + 1)));
    long pid = ProcessHandle.current().pid();
    if (args[0].equals("server")) {
      try (ServerSocket server = new ServerSocket()) {
        server.bind(target, 64);
        System.out.println("READY " + pid);
        System.out.flush();
        while (true) {
          Socket s = server.accept();
          Thread.ofVirtual().start(() -> echo(s));
        }
      }
    }
    try (Socket s = new Socket()) {
      if (args.length > 3) {
        s.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, Integer.parseInt(args[2]));
        s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, Integer.parseInt(args[3]));
      }
      s.connect(target, 3000);
      PrintStream out = System.out;
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try {
                  var in = reader(s);
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    out.println("ECHO " + line);
                    out.flush();
                  }
                } catch (IOException e) {
                  out.println("ERROR " + e.getMessage());
                  out.flush();
                }
              });
      out.println("READY " + pid + " " + s.getLocalPort());
      out.flush();
      Writer w = writer(s);
      var stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = stdin.readLine(); line != null; line = stdin.readLine()) {
        w.write(line + "\n");
        w.flush();
      }
    }
  }

  private static void echo(Socket s) {
    try (s) {
      var in = reader(s);
      Writer w = writer(s);
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        w.write(line + "\n");
        w.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static BufferedReader reader(Socket s) throws IOException {
    return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
  }

  private static Writer writer(Socket s) throws IOException {
    return new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8);
  }
}
