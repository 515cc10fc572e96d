package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockwatch.NodeReader;
import io.sockwatch.ReadSettings;
import io.sockwatch.Watch;
import io.sockwatch.cli.doctor.LeakServerMain;
import io.sockwatch.cli.testing.ChildJvm;
import io.sockwatch.model.finding.DoctorConfig;
import io.sockwatch.model.snapshot.NetnsChoice;
import io.sockwatch.model.watch.WatchConfig;
import io.sockwatch.testkit.TestCgroup;
import io.sockwatch.testkit.TestNetns;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The dashboard in a real browser (Debian's chromium, headless) against the real agent sampling
 * this host's kernel in-process. Findings come from real sockets: a CLOSE_WAIT leak on loopback (a
 * server that never closes connections its clients closed), with only the close-wait detector's
 * minimum age lowered so that a fresh leak counts. The tests check that the page shows the finding
 * in words and draws live plots from the agent's history, that it fetched nothing from anywhere but
 * the agent (it must work offline), that what the node names (here a process) reaches the page as
 * text and never as markup, and that agent trouble shows in a banner while polling goes on.
 *
 * <p>The host is shared: other findings may be open too, and the tests look only for their own (by
 * an id naming a pid of theirs). Waits are bounded polls, generous for a busy 2-core machine.
 */
@Tag("live")
class DashboardBrowserTest {

  private static final Duration BOUND = Duration.ofSeconds(30);

  /** Leaked connections: more than any other CLOSE_WAIT this JVM might hold (its HTTP clients). */
  private static final int LEAKED = 4;

  /** The page's lists of open and of recently resolved findings. */
  private static final String OPEN = "findings-open";

  private static final String RESOLVED = "resolved-list";

  private static final Set<String> ALL_DETECTORS = Set.copyOf(Watch.detectorIds());

  private final StringWriter agentLog = new StringWriter();

  /** What to close after each test, last opened first. */
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  private ApiServer server;
  private Watch.Ticking loop;
  private HeadlessChromium browser;

  @AfterEach
  void closeAll() throws Exception {
    Exception first = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Test
  void showsARealFindingAndLivePlotsWithoutLeavingTheAgent() throws Exception {
    List<SocketChannel> leaked = leakCloseWait();
    int port = ((InetSocketAddress) leaked.getFirst().getLocalAddress()).getPort();
    String who =
        Files.readString(Path.of("/proc/self/comm")).trim()
            + "("
            + ProcessHandle.current().pid()
            + ")";
    Watch sampler = sampler(ALL_DETECTORS);
    startAgent(sampler, new InetSocketAddress("127.0.0.1", 0));
    startSampling(sampler);
    // Open the page once the agent has something to say, so that none of its requests fail.
    Await.until(
        "the agent's first sample", BOUND, () -> sampler.state().isPresent(), () -> "" + agentLog);
    String base = "http://127.0.0.1:" + server.address().getPort();
    openPage(base + "/");

    // (a) A plot drawn with data: uPlot's canvas, and more than one time point drawn.
    await(
        "the sockets plot drawn with at least two points",
        () ->
            (Boolean) browser.js("return !!document.querySelector('#plot-sockets canvas');")
                && points("plot-sockets") > 1);

    // (b) This test's own finding, by id, with its title and who in plain words.
    String id = "close-wait/" + who;
    Pattern title =
        Pattern.compile(
            Pattern.quote(who)
                + " has not closed \\d+ connections its peers closed \\(CLOSE_WAIT.*\\).*");
    AtomicReference<Map<String, String>> shown = new AtomicReference<>();
    await(
        "the finding " + id + " on the page",
        () -> {
          Map<String, String> c = card(OPEN, id);
          shown.set(c);
          return c != null
              && title.matcher(c.get("title")).matches()
              && c.get("who").contains("on 127.0.0.1:" + port);
        });
    Map<String, String> finding = shown.get();
    assertThat(finding.get("badge")).isIn("WARNING", "CRITICAL");
    assertThat(finding.get("remedy")).startsWith("What to do: ").contains(who, "close()");
    assertThat(finding.get("docs")).isEqualTo("Read more: docs/detectors/close-wait.md");
    // The evidence row of key close_wait_sockets: its label for people and its number.
    assertThat(finding.get("evidence:close_wait_sockets"))
        .matches("CLOSE_WAIT sockets past the minimum age \\| [1-9]\\d* sockets");

    // Live: the plot keeps growing without a reload (a later tick's point arrives).
    int before = points("plot-sockets");
    await("the sockets plot updated in place", () -> points("plot-sockets") > before);
    await("no error banner", () -> !bannerShown());
    assertThat(text("status")).contains("Last sample", "sampling every 1 s", "agent heap");

    // Offline: the page and everything it loaded or fetched came from the agent.
    @SuppressWarnings("unchecked")
    List<String> urls =
        (List<String>)
            browser.js(
                "return [location.href].concat("
                    + "performance.getEntriesByType('resource').map(e => e.name));");
    assertThat(urls)
        .allSatisfy(u -> assertThat(u).startsWith(base + "/"))
        .contains(base + "/ui/uPlot.iife.min.js", base + "/ui/dashboard.js")
        .anySatisfy(u -> assertThat(u).startsWith(base + "/api/history?series="));
    // No script errors, failed requests or Content-Security-Policy violations.
    assertThat(browser.severeConsoleMessages()).isEmpty();
    browser.screenshotWholePage(Path.of("target", "dashboard.png"), BOUND);

    // Fixed: the finding resolves and moves to the collapsed "recently resolved" list.
    for (SocketChannel s : leaked) {
      s.close();
    }
    await(
        "the finding " + id + " resolved",
        () -> card(OPEN, id) == null && card(RESOLVED, id) != null);
    assertThat(browser.js("return document.getElementById('findings-resolved').open;"))
        .isEqualTo(false);
    assertThat(agentLog.toString()).isEmpty();
  }

  @Test
  void showsWhatTheNodeNamesAsTextNeverAsMarkup() throws Exception {
    // A process may be named anything: this one's name is markup, and it leaks CLOSE_WAIT.
    String name = "<s>leak";
    RenamedLeakServer leaker = RenamedLeakServer.start(name, BOUND);
    opened.push(leaker);
    for (int i = 0; i < LEAKED; i++) {
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
        client.connect(new InetSocketAddress("127.0.0.1", leaker.port()));
      }
    }
    Watch sampler = sampler(ALL_DETECTORS);
    InetSocketAddress address = startAgent(sampler, new InetSocketAddress("127.0.0.1", 0));
    startSampling(sampler);
    openPage("http://127.0.0.1:" + address.getPort() + "/");

    String who = name + "(" + leaker.pid() + ")";
    String id = "close-wait/" + who;
    String title = who + " has not closed " + LEAKED + " connections its peers closed";
    await(
        "the finding " + id + " on the page",
        () -> {
          Map<String, String> c = card(OPEN, id);
          return c != null && c.get("title").startsWith(title);
        });
    Map<String, String> finding = card(OPEN, id);
    assertThat(finding.get("who"))
        .isEqualTo(who + " on 127.0.0.1:" + leaker.port() + " → 127.0.0.1");
    assertThat(finding.get("remedy")).contains(who + " must close()");
    // Had any of it been parsed as markup, the page would hold an <s> element.
    assertThat(browser.js("return document.querySelectorAll('s').length;")).isEqualTo(0L);
  }

  /**
   * An agent reading every namespace: a leak inside a namespace of the test's own, by a server in a
   * cgroup of the kubelet's shape, is shown with its namespace and pod container.
   */
  @Test
  void showsTheNamespaceAndContainerOfAFinding() throws Exception {
    TestNetns ns = TestNetns.create("swdash");
    opened.push(ns);
    ChildJvm server =
        ChildJvm.launcher()
            .netns(ns)
            .heap("64m")
            .flags("-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true")
            .start(LeakServerMain.class, "127.0.0.1");
    opened.push(server);
    String[] ready = server.awaitLine("port ", BOUND).split(" "); // port N pid P
    long pid = Long.parseLong(ready[3]);
    String uid = "5b6c7d8e-9f01-4a2b-8c3d-4e5f60718293";
    TestCgroup cgroup = TestCgroup.kubeletContainer(uid, "ab".repeat(32));
    opened.push(cgroup);
    cgroup.add(pid);
    // bash connects inside the namespace and closes at once: the server keeps CLOSE_WAIT.
    ns.exec(
        "bash",
        "-c",
        "for i in $(seq "
            + LEAKED
            + "); do exec 3<>/dev/tcp/127.0.0.1/"
            + ready[1]
            + "; exec 3>&-; done");
    Watch sampler = sampler(NetnsChoice.ALL, ALL_DETECTORS);
    InetSocketAddress address = startAgent(sampler, new InetSocketAddress("127.0.0.1", 0));
    startSampling(sampler);
    openPage("http://127.0.0.1:" + address.getPort() + "/");

    String inode = ns.exec("stat", "-L", "-c", "%i", "/run/netns/" + ns.name()).strip();
    String id = "close-wait/java(" + pid + ")@netns:" + inode;
    await("the finding " + id + " on the page", () -> card(OPEN, id) != null);
    assertThat(card(OPEN, id).get("who"))
        .isEqualTo(
            "java("
                + pid
                + ") on 127.0.0.1:"
                + ready[1]
                + " → 127.0.0.1 [netns "
                + ns.name()
                + ", pod "
                + uid
                + " container abababababab]");
  }

  @Test
  void saysAllClearAndShowsAgentTroubleInABannerWhilePollingOn() throws Exception {
    // No detectors: this shared host's real condition is unknown, and "all clear" needs none.
    Watch sampler = sampler(Set.of());
    InetSocketAddress address = startAgent(sampler, new InetSocketAddress("127.0.0.1", 0));
    openPage("http://127.0.0.1:" + address.getPort() + "/");

    // Before the first sample the API answers 503 with a reason: the page says so.
    await(
        "the 503 in the banner",
        () ->
            bannerShown()
                && text("banner").contains("/api/findings: no sample yet; try again (HTTP 503)"));
    startSampling(sampler);
    await("all clear and no banner", () -> !bannerShown() && text(OPEN).startsWith("All clear."));

    // The agent goes away: a banner, the last findings stay, and polling goes on ...
    closeNow(server);
    await(
        "the unreachable agent in the banner",
        () -> bannerShown() && text("banner").contains("the agent is not reachable"));
    assertThat(text(OPEN)).startsWith("All clear.");
    // ... so that the page recovers by itself once the agent is back.
    startAgent(sampler, address);
    await("the banner gone", () -> !bannerShown());

    // Sampling stops while the server answers: the page says its numbers are old.
    closeNow(loop);
    await(
        "the stale-data banner",
        () -> bannerShown() && text("banner").contains("has taken no new sample"));
    assertThat(agentLog.toString()).isEmpty();
  }

  /**
   * LEAKED IPv4 loopback connections whose clients closed and whose server side stays open until
   * the test closes it: each returned socket sits in CLOSE_WAIT, owned by this JVM. (java.net
   * sockets would be dual-stack IPv6 ones, listed as ::ffff:127.0.0.1.)
   */
  private List<SocketChannel> leakCloseWait() throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    opened.push(listener);
    listener.bind(new InetSocketAddress("127.0.0.1", 0), 50);
    List<SocketChannel> accepted = new ArrayList<>();
    for (int i = 0; i < LEAKED; i++) {
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
        client.connect(listener.getLocalAddress());
        SocketChannel s = listener.accept();
        opened.push(s);
        accepted.add(s);
      }
    }
    return accepted;
  }

  /**
   * The agent as {@code sockwatch serve} builds it, on the live kernel, with three changes: the
   * whole CPU budget (so every tick scans even when the shared host's table is large), no minimum
   * age for CLOSE_WAIT (so a fresh leak counts now rather than in a minute) and findings that
   * resolve 2 s after their problem is gone (not 30 s).
   */
  private Watch sampler(Set<String> detectors) {
    return sampler(NetnsChoice.SELF, detectors);
  }

  private Watch sampler(NetnsChoice netns, Set<String> detectors) {
    DoctorConfig doctor =
        new DoctorConfig(
            Map.of("close-wait.min-age", 0.0),
            DoctorConfig.DEFAULT_MIDDLEBOX_IDLE_SECONDS,
            Map.of());
    WatchConfig d = WatchConfig.DEFAULTS;
    WatchConfig config =
        new WatchConfig(
            1, 1.0, d.topN(), d.leakWindowSeconds(), d.openAfterTicks(), 2, d.history(), doctor);
    NodeReader reader = NodeReader.open(ReadSettings.live(netns));
    opened.push(reader);
    return Watch.builder(reader, config).detectors(detectors).build();
  }

  /** Serves the agent's routes on {@code address}; returns the address bound. */
  private InetSocketAddress startAgent(Watch sampler, InetSocketAddress address)
      throws IOException {
    server =
        AgentRoutes.start(address, sampler, Clock.systemUTC(), new PrintWriter(agentLog, true));
    opened.push(server);
    return server.address();
  }

  /** Ticks every second, as {@code serve} does. */
  private void startSampling(Watch sampler) {
    loop = sampler.startTicking(e -> agentLog.append("tick failed: ").append(e.toString()));
    opened.push(loop);
  }

  /** Closes {@code c} now (not again after the test). */
  private void closeNow(AutoCloseable c) throws Exception {
    opened.remove(c);
    c.close();
  }

  private void openPage(String url) throws IOException {
    browser = HeadlessChromium.start();
    opened.push(browser);
    browser.open(url);
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    browser.await(what, BOUND, condition);
  }

  /** The plot's test hook: time points uPlot last drew. */
  private int points(String plotId) {
    Object n = browser.js("return document.getElementById(arguments[0]).dataset.points;", plotId);
    return n == null ? 0 : Integer.parseInt(n.toString());
  }

  private String text(String id) {
    return (String) browser.js("return document.getElementById(arguments[0]).textContent;", id);
  }

  private boolean bannerShown() {
    return (Boolean) browser.js("return !document.getElementById('banner').hidden;");
  }

  /**
   * The texts of finding {@code id} in the list {@code listId} as the page shows them (each
   * evidence row also as {@code evidence:KEY[:MEMBER]}: "label | value"), read in one script (the
   * page re-renders findings every poll, so an element found in one call may be gone by the next);
   * null while it is not shown.
   */
  @SuppressWarnings("unchecked")
  private Map<String, String> card(String listId, String id) {
    return (Map<String, String>)
        browser.js(
            """
            const c = [...document.getElementById(arguments[0]).children]
                .find(a => a.dataset.findingId === arguments[1]);
            if (!c) return null;
            const t = css => (c.querySelector(css) || {textContent: ''}).textContent;
            const shown = {title: t('.finding-title'), badge: t('.badge'), who: t('.facts dd'),
                remedy: t('.remedy'), docs: t('.docs'), evidence: t('.evidence')};
            for (const r of c.querySelectorAll('.evidence tr[data-key]')) {
              shown['evidence:' + r.dataset.key + (r.dataset.member ? ':' + r.dataset.member : '')] =
                  r.querySelector('th').textContent + ' | ' + r.querySelector('td').textContent;
            }
            return shown;
            """,
            listId,
            id);
  }
}
