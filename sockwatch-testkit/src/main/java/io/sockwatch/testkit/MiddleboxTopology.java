package io.sockwatch.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Client, firewall and server in three network namespaces, the client and server reaching each
 * other only through a stateful firewall whose conntrack entries expire after a short idle time:
 * the incident where a middlebox silently forgets an idle connection and the next send is
 * retransmitted into a black hole.
 *
 * <p>The namespaces are joined by two veth pairs created directly inside them, so nothing appears
 * in the host namespace: client {@code 10.X.1.2/24} &lt;-&gt; firewall {@code 10.X.1.1/24},
 * firewall {@code 10.X.2.1/24} &lt;-&gt; server {@code 10.X.2.2/24}. The addresses exist only
 * inside these namespaces, so they cannot clash with the host's; {@code X} still varies per
 * topology so that two topologies are told apart at a glance in {@code ss} or packet captures.
 *
 * <p>{@link #close()} deletes all three namespaces (also after a set-up that failed half-way), and
 * each {@link TestNetns} registers a shutdown hook for the case the JVM dies first.
 */
public final class MiddleboxTopology implements AutoCloseable {

  /** The nftables table in the firewall namespace; {@link #invalidDrops()} reads its counter. */
  public static final String TABLE = "sockwatch_mbox";

  /** The named counter on the rule that drops packets conntrack cannot match to a connection. */
  public static final String INVALID_COUNTER = "invalid_drops";

  /** {@code retrans:CURRENT/TOTAL} in {@code ss -i} output. */
  private static final Pattern RETRANS = Pattern.compile("\\bretrans:(\\d+)/(\\d+)");

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");

  private final List<TestNetns> created = new ArrayList<>(3);
  private final int octet;
  private final int establishedTimeoutSeconds;
  private TestNetns client;
  private TestNetns firewall;
  private TestNetns server;

  private MiddleboxTopology(int octet, int establishedTimeoutSeconds) {
    this.octet = octet;
    this.establishedTimeoutSeconds = establishedTimeoutSeconds;
  }

  /**
   * Builds the topology; the firewall forgets an established TCP connection after {@code
   * establishedTimeoutSeconds} without a packet. Needs root, {@code ip}, {@code nft} and
   * nf_conntrack.
   *
   * @throws IOException when any step fails (the namespaces created so far are deleted)
   */
  public static MiddleboxTopology create(String prefix, int establishedTimeoutSeconds)
      throws IOException {
    if (establishedTimeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "established timeout must be at least 1 s, not " + establishedTimeoutSeconds);
    }
    int octet = (int) ((ProcessHandle.current().pid() + SEQ.incrementAndGet()) % 200) + 20;
    MiddleboxTopology t = new MiddleboxTopology(octet, establishedTimeoutSeconds);
    try {
      t.build(prefix);
      return t;
    } catch (IOException | RuntimeException e) {
      t.close();
      throw e;
    }
  }

  private void build(String prefix) throws IOException {
    client = track(TestNetns.create(prefix + "-cl"));
    firewall = track(TestNetns.create(prefix + "-fw"));
    server = track(TestNetns.create(prefix + "-sv"));
    link(client, "c-fw", clientAddress(), firewall, "fw-c", net(1) + ".1");
    link(firewall, "fw-s", net(2) + ".1", server, "s-fw", serverAddress());
    // Each end host knows only its own subnet: everything else goes via the firewall, so the
    // client-server path necessarily crosses the forward hook and its conntrack.
    client.exec("ip", "route", "add", "default", "via", net(1) + ".1");
    server.exec("ip", "route", "add", "default", "via", net(2) + ".1");
    // A namespace starts with forwarding off: without it the firewall is a dead end, not a router.
    firewall.sysctl("net.ipv4.ip_forward", "1");
    // Load the ruleset first: its ct expressions enable conntrack in this namespace, which is
    // what makes the net.netfilter.nf_conntrack_* sysctls below exist and take effect here.
    nft(ruleset());
    // Loose tracking off: a mid-stream packet of a connection conntrack has forgotten is then
    // INVALID instead of silently adopted as a new ESTABLISHED entry, as stateful middleboxes do.
    firewall.sysctl("net.netfilter.nf_conntrack_tcp_loose", "0");
    // The point of the topology: a per-namespace idle timeout for established TCP entries, short
    // so a test can outlast it in seconds instead of the default five days.
    firewall.sysctl(
        "net.netfilter.nf_conntrack_tcp_timeout_established",
        Integer.toString(establishedTimeoutSeconds));
  }

  /**
   * The firewall's rules (forward chain only: the firewall itself runs nothing):
   *
   * <ul>
   *   <li>{@code ct state invalid} is counted and dropped first, so a send on a forgotten
   *       connection shows up in {@link #invalidDrops()} rather than in the policy drop;
   *   <li>{@code ct state established,related} is accepted: both directions of a known connection
   *       (and ICMP errors about it) pass, and each packet refreshes the idle timeout;
   *   <li>{@code ct state new} is accepted only for a bare TCP SYN arriving from the client side:
   *       connections can be opened client to server, never the other way and never mid-stream;
   *   <li>everything else meets the chain's {@code policy drop}.
   * </ul>
   */
  private static String ruleset() {
    return """
    table inet %1$s {
      counter %2$s { }
      chain forward {
        type filter hook forward priority filter; policy drop;
        ct state invalid counter name "%2$s" drop
        ct state established,related accept
        iifname "fw-c" tcp flags & (fin | syn | rst | ack) == syn ct state new accept
      }
    }
    """
        .formatted(TABLE, INVALID_COUNTER);
  }

  private void nft(String rules) throws IOException {
    List<String> cmd = new ArrayList<>(firewall.prefix());
    cmd.addAll(List.of("nft", "-f", "-"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(rules.getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("nft -f - timed out in " + firewall.name());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted loading nft rules", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException("nft -f - exited " + p.exitValue() + ": " + out.strip());
    }
  }

  /** One veth pair, created inside {@code a} with its peer moved straight into {@code b}. */
  private static void link(
      TestNetns a, String aDev, String aAddr, TestNetns b, String bDev, String bAddr)
      throws IOException {
    a.exec("ip", "link", "add", aDev, "type", "veth", "peer", "name", bDev, "netns", b.name());
    a.exec("ip", "addr", "add", aAddr + "/24", "dev", aDev);
    b.exec("ip", "addr", "add", bAddr + "/24", "dev", bDev);
    a.exec("ip", "link", "set", aDev, "up");
    b.exec("ip", "link", "set", bDev, "up");
  }

  private TestNetns track(TestNetns ns) {
    created.add(ns);
    return ns;
  }

  private String net(int subnet) {
    return "10." + octet + "." + subnet;
  }

  public TestNetns client() {
    return client;
  }

  public TestNetns firewall() {
    return firewall;
  }

  public TestNetns server() {
    return server;
  }

  public String clientNamespace() {
    return client.name();
  }

  public String firewallNamespace() {
    return firewall.name();
  }

  public String serverNamespace() {
    return server.name();
  }

  /** The client's address, as the firewall and server see it (no NAT). */
  public String clientAddress() {
    return net(1) + ".2";
  }

  /** The address servers in {@link #server()} bind to and clients connect to. */
  public String serverAddress() {
    return net(2) + ".2";
  }

  public int establishedTimeoutSeconds() {
    return establishedTimeoutSeconds;
  }

  /** Packets dropped so far because conntrack did not know their connection. */
  public long invalidDrops() throws IOException {
    String out = firewall.exec("nft", "list", "counter", "inet", TABLE, INVALID_COUNTER);
    Matcher m = PACKETS.matcher(out);
    if (!m.find()) {
      throw new IOException("no packet count in nft output: " + out.strip());
    }
    return Long.parseLong(m.group(1));
  }

  /**
   * Makes the firewall lose every client packet longer than 60 bytes to {@code port}, ahead of the
   * rule accepting established connections: the SYN (60 bytes) and the handshake's last ACK (52)
   * pass, the first data does not. A path whose handshake works and whose data vanishes.
   */
  public void dropDataTo(int port) throws IOException {
    firewall.exec(
        "nft",
        "insert",
        "rule",
        "inet",
        TABLE,
        "forward",
        "tcp",
        "dport",
        Integer.toString(port),
        "ip",
        "length",
        ">",
        "60",
        "counter",
        "drop");
  }

  /**
   * {@code ss -tni} in the client namespace for its established socket on {@code clientPort}, once
   * it shows at least {@code retransmits} retransmissions of its unacknowledged data, or the last
   * output seen when {@code timeout} passes first (for the caller's assertion to show).
   */
  public String awaitClientRetransmits(int clientPort, int retransmits, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String info;
    do {
      info = client.exec("ss", "-tni", "state", "established", "sport", "=", ":" + clientPort);
      Matcher m = RETRANS.matcher(info);
      if (m.find() && Integer.parseInt(m.group(2)) >= retransmits) {
        return info;
      }
      Thread.sleep(100);
    } while (System.nanoTime() < deadline);
    return info;
  }

  /**
   * The firewall's conntrack table, one entry per line as in {@code /proc/net/nf_conntrack} (read
   * inside the firewall namespace, so only this topology's connections appear).
   */
  public List<String> conntrackEntries() throws IOException {
    return firewall.exec("cat", "/proc/net/nf_conntrack").lines().toList();
  }

  @Override
  public void close() {
    for (TestNetns ns : created.reversed()) {
      ns.close();
    }
  }
}
