package io.sockwatch.cli.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.cli.Main;
import io.sockwatch.cli.doctor.DoctorProcess;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.cli.testing.ClosedPort;
import io.sockwatch.cli.testing.Closer;
import io.sockwatch.testkit.MiddleboxTopology;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every way the real {@code sockwatch probe-idle} (a child JVM, in a namespace where the case needs
 * one) can find a path or peer unusable, each built from real kernel state: a closed port, a
 * namespace without routes, a subnet where nobody answers ARP, an nftables rule dropping SYNs, a
 * firewall passing the handshake but dropping data, and peers that are not echo servers. Each ends
 * with exit 3, one stderr line naming the target and the cause (no exception, no stack frame), and
 * with {@code -o json} one JSON line whose error kind and message say the same.
 *
 * <p>Each case prints how long the run took; {@link #printDurations()} lists them all.
 */
@Tag("live")
class ProbePathProblemLiveTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");
  private static final List<String> DURATIONS = new ArrayList<>();
  private static final int PORT = 7007;

  private final Closer closer = new Closer();

  @AfterEach
  void tearDown() throws Exception {
    closer.close();
  }

  @AfterAll
  static void printDurations() {
    DURATIONS.forEach(d -> System.out.println("probe-idle path problem: " + d));
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    String target = "127.0.0.1:" + ClosedPort.loopback();
    Run json = probe("refused", null, target);
    json.assertProblem("refused", target, "refused the connection", "sockwatch echo --listen");
    // Without -o json: the same one line on stderr, nothing on stdout.
    Run text = Run.of(null, "probe-idle", "--target", target, "--no-save");
    assertThat(text.exitCode()).as(text.err()).isEqualTo(3);
    assertThat(text.err()).isEqualTo("sockwatch probe-idle: " + json.message() + "\n");
    assertThat(text.out()).isEmpty();
  }

  @Test
  void aNetworkWithoutARouteIsUnreachable() throws Exception {
    TestNetns ns = closer.keep(TestNetns.create("ppnet"));
    // Only lo is up: connect() fails at once with ENETUNREACH, long before the 10 s timeout.
    String target = "10.255.0.1:7";
    Run run = probe("network unreachable", ns, target, "--connect-timeout", "10s");
    run.assertProblem("unreachable", target, "no route to its network");
    assertThat(run.seconds()).isLessThan(10);
  }

  @Test
  void aHostThatDoesNotAnswerArpIsUnreachable() throws Exception {
    TestNetns ns = closer.keep(TestNetns.create("pparp"));
    // A subnet on a veth pair whose far end is nobody: ARP for any other address goes unanswered.
    ns.exec("ip", "link", "add", "pv0", "type", "veth", "peer", "name", "pv1");
    ns.exec("ip", "addr", "add", "10.254.3.1/24", "dev", "pv0");
    ns.exec("ip", "link", "set", "pv0", "up");
    ns.exec("ip", "link", "set", "pv1", "up");
    // The kernel's defaults, set explicitly: 3 solicitations 1 s apart, then EHOSTUNREACH.
    ns.sysctl("net.ipv4.neigh.pv0.mcast_solicit", "3");
    ns.sysctl("net.ipv4.neigh.pv0.retrans_time_ms", "1000");
    String target = "10.254.3.9:" + PORT;
    Run run = probe("host down (ARP)", ns, target, "--connect-timeout", "10s");
    run.assertProblem("unreachable", target, "no route to host");
    // ARP gave up (about 3 s), well before the connect timeout.
    assertThat(run.seconds()).isBetween(2.5, 10.0);
    assertThat(ns.exec("ip", "neigh", "show", "10.254.3.9")).contains("FAILED");
  }

  @Test
  void droppedSynsAreUnansweredWithinTheConnectTimeout() throws Exception {
    TestNetns ns = closer.keep(TestNetns.create("ppsyn"));
    String target = "127.0.0.1:" + PORT;
    startEcho(ns, target);
    ns.exec("nft", "add", "table", "inet", "ppsyn");
    ns.exec("nft", "add", "chain", "inet", "ppsyn", "in", "{ type filter hook input priority 0; }");
    ns.exec(
        "nft",
        "add",
        "rule",
        "inet",
        "ppsyn",
        "in",
        "tcp",
        "dport",
        Integer.toString(PORT),
        "tcp",
        "flags",
        "&",
        "(syn|ack)",
        "==",
        "syn",
        "counter",
        "drop");
    Run run = probe("SYN unanswered", ns, target, "--connect-timeout", "2s");
    run.assertProblem("syn_unanswered", target, "no answer to the handshake", "within 2 s");
    assertThat(run.seconds()).isGreaterThanOrEqualTo(2);
    // The SYN and its retransmission after 1 s both met the rule, although echo listens there.
    assertThat(packets(ns.exec("nft", "list", "chain", "inet", "ppsyn", "in")))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void dataDroppedAfterTheHandshakeIsUnanswered() throws Exception {
    MiddleboxTopology t = closer.keep(MiddleboxTopology.create("ppdata", 600));
    String target = t.serverAddress() + ":" + PORT;
    startEcho(t.server(), target);
    // The handshake passes the firewall; the probe's first line (72 bytes and more) does not.
    t.dropDataTo(PORT);
    Run run =
        probe(
            "data unanswered",
            t.client(),
            target,
            "--connect-timeout",
            "2s",
            "--reply-timeout",
            "2s");
    run.assertProblem(
        "data_unanswered", target, "the handshake with", "no echo within 2 s", "dropped");
    assertThat(run.seconds()).isGreaterThanOrEqualTo(2);
    String chain =
        t.firewall().exec("nft", "list", "chain", "inet", MiddleboxTopology.TABLE, "forward");
    assertThat(packets(chain)).as(chain).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aPeerAnsweringSomethingElseIsNotAnEcho() throws Exception {
    String target = answering("HTTP/1.0 400 Bad Request\r\n\r\n");
    Run run = probe("not echo (HTTP)", null, target, "--reply-timeout", "10s");
    run.assertProblem("not_echo", target, "answered 'HTTP/1.0 400 Bad Request' instead of");
    assertThat(run.seconds()).isLessThan(10);
  }

  @Test
  void strangeAnswersAreNamedOnOneCleanLine() throws Exception {
    // A terminal escape and a carriage return would rewrite the operator's line: shown as '?'.
    String escapes = answering("\u001b[2Jwiped\rX\u0000\n");
    Run run = probe("not echo (escapes)", null, escapes, "--reply-timeout", "10s");
    run.assertProblem("not_echo", escapes, "answered '?[2Jwiped?X?' instead of");
    assertThat(run.err().strip().chars().filter(c -> c < 0x20 || c == 0x7f)).isEmpty();
    // More than a probe line can be, with no line end: the answer is too long, not a break.
    String flood = answering("x".repeat(600));
    Run longer = probe("not echo (flood)", null, flood, "--reply-timeout", "10s");
    longer.assertProblem("not_echo", flood, "answered a line longer than 512 bytes instead of");
  }

  @Test
  void aPeerThatClosesAtOnceIsNotAnEcho() throws Exception {
    ServerSocket rude = closer.keep(loopbackServer());
    Thread.ofVirtual().start(() -> serve(rude, s -> {}));
    String target = "127.0.0.1:" + rude.getLocalPort();
    Run run = probe("not echo (closes)", null, target, "--reply-timeout", "10s");
    // FIN, or a reset if the probe's line arrives after the close: either way not an echo peer.
    run.assertProblem("not_echo", target, "instead of echoing");
    assertThat(run.seconds()).isLessThan(10);
  }

  /** A loopback server that reads one line per connection and answers {@code answer}. */
  private String answering(String answer) throws IOException {
    ServerSocket server = closer.keep(loopbackServer());
    byte[] bytes = answer.getBytes(StandardCharsets.ISO_8859_1);
    Thread.ofVirtual()
        .start(
            () ->
                serve(
                    server,
                    s -> {
                      readLine(s.getInputStream());
                      s.getOutputStream().write(bytes);
                      s.getOutputStream().flush();
                    }));
    return "127.0.0.1:" + server.getLocalPort();
  }

  private void startEcho(TestNetns ns, String listen) throws IOException, InterruptedException {
    ChildJvm echo =
        closer.keep(ChildJvm.launcher().netns(ns).start(Main.class, "echo", "--listen", listen));
    echo.awaitLine("sockwatch echo: listening on " + listen, Duration.ofSeconds(30));
  }

  /** Runs {@code probe-idle --target TARGET -o json --no-save EXTRA} and records its duration. */
  private static Run probe(String what, TestNetns ns, String target, String... extra)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("probe-idle", "--target", target, "-o", "json", "--no-save"));
    args.addAll(List.of(extra));
    Run run = Run.of(ns, args.toArray(String[]::new));
    DURATIONS.add(String.format(Locale.ROOT, "%-20s %5.2f s", what, run.seconds()));
    return run;
  }

  /** One finished child run, with its wall time (JVM start included). */
  private record Run(int exitCode, String out, String err, double seconds) {

    static Run of(TestNetns ns, String... args) throws IOException, InterruptedException {
      long t0 = System.nanoTime();
      DoctorProcess p = DoctorProcess.run(ns, args);
      return new Run(p.exitCode(), p.out(), p.err(), (System.nanoTime() - t0) / 1e9);
    }

    /** The stderr message without its {@code sockwatch probe-idle: } prefix. */
    String message() {
      return err.strip().substring("sockwatch probe-idle: ".length());
    }

    void assertProblem(String kind, String target, String... says) {
      String all = "stdout: " + out + "\nstderr: " + err;
      assertThat(exitCode).as(all).isEqualTo(3);
      assertThat(err.lines().toList()).as(all).hasSize(1);
      assertThat(err).as(all).startsWith("sockwatch probe-idle: ").contains(target);
      assertThat(err).as(all).contains(says).doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(out.lines().toList()).as(all).hasSize(1);
      JsonNode j = JSON.readTree(out);
      assertThat(j.get("schema").asString()).isEqualTo("sockwatch.probe-idle/v1");
      assertThat(j.get("target").asString()).isEqualTo(target);
      assertThat(j.get("error").get("kind").asString()).as(all).isEqualTo(kind);
      String message = j.get("error").get("message").asString();
      assertThat(message).isEqualTo(message()).doesNotContain("\n");
    }
  }

  private interface Handler {
    void handle(Socket s) throws IOException;
  }

  private static ServerSocket loopbackServer() throws IOException {
    return new ServerSocket(0, 8, InetAddress.getByName("127.0.0.1"));
  }

  /** Accepts until the server socket is closed, handling one connection at a time. */
  private static void serve(ServerSocket server, Handler handler) {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(10_000);
        handler.handle(s);
      } catch (IOException e) {
        // closed by the test, or the prober left: accept the next or stop
      }
    }
  }

  /** Reads up to a newline (bounded by the socket timeout and 1 KiB). */
  private static void readLine(InputStream in) throws IOException {
    for (int i = 0, b = in.read(); b >= 0 && b != '\n' && i < 1024; i++, b = in.read()) {
      // skip
    }
  }

  private static long packets(String nftList) {
    Matcher m = PACKETS.matcher(nftList);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }
}
