package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.sockwatch.analysis.Detector;
import io.sockwatch.analysis.Detectors;
import io.sockwatch.analysis.DoctorConfig;
import io.sockwatch.cli.doctor.LeakServerMain;
import io.sockwatch.snapshot.SnapshotReader;
import io.sockwatch.snapshot.SourceChoice;
import io.sockwatch.watch.Sampler;
import io.sockwatch.watch.TrendDetectors;
import io.sockwatch.watch.WatchConfig;
import io.sockwatch.watch.WatchLoop;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The dashboard in a real browser (Debian's chromium, headless) against the real agent sampling
 * this host's kernel in-process: this test makes a real CLOSE_WAIT leak on loopback (a server that
 * never closes connections its clients closed), lowers only the minimum age the close-wait detector
 * waits for, and checks that the page shows that finding and draws plots from the agent's history,
 * and that it fetched nothing from anywhere but the agent (it must work offline).
 *
 * <p>The host is shared: other findings may be open too, and the test looks only for its own (its
 * id names this JVM's pid). Waits are bounded polls, generous for a busy 2-core machine.
 */
class DashboardBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Duration BOUND = Duration.ofSeconds(30);

  /** Leaked connections: more than any other CLOSE_WAIT this JVM might hold (its HTTP clients). */
  private static final int LEAKED = 4;

  /** A process name that is markup (no '/', at most 15 characters: the kernel's comm). */
  private static final String HOSTILE_COMM = "<s>leak";

  private final List<SocketChannel> accepted = new ArrayList<>();
  private final StringWriter agentLog = new StringWriter();
  private ServerSocketChannel listener;
  private WatchLoop loop;
  private ApiServer server;
  private ChromeDriverService service;
  private ChromeDriver driver;
  private Path profile;
  private Path leakerDir;
  private Process leaker;

  @AfterEach
  void cleanUp() throws IOException, InterruptedException {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (loop != null) {
      loop.close();
    }
    if (server != null) {
      server.close();
    }
    for (SocketChannel s : accepted) {
      s.close();
    }
    if (listener != null) {
      listener.close();
    }
    if (leaker != null) {
      leaker.destroyForcibly();
      leaker.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS);
    }
    delete(leakerDir);
    delete(profile);
  }

  private static void delete(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Test
  void showsARealFindingAndLivePlotsWithoutLeavingTheAgent() throws Exception {
    requireBrowser();
    int port = leakCloseWait();
    String self = Files.readString(Path.of("/proc/self/comm")).trim();
    String who = self + "(" + ProcessHandle.current().pid() + ")";

    Sampler sampler = sampler(Detectors.all());
    startAgent(sampler, new InetSocketAddress("127.0.0.1", 0));
    loop = WatchLoop.start(sampler, 1, e -> agentLog.append("tick failed: ").append(e.toString()));
    // Open the page once the agent has something to say, so that no request of it fails.
    await("the agent's first sample", () -> sampler.state().isPresent());
    String base = "http://127.0.0.1:" + server.address().getPort();

    startBrowser();
    driver.get(base + "/");

    // (a) A plot drawn with data: uPlot's canvas, and more than one time point drawn.
    await(
        "the sockets plot drawn with at least two points",
        () ->
            !driver.findElements(By.cssSelector("#plot-sockets canvas")).isEmpty()
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
          Map<String, String> c = card("#findings-open article.finding", id);
          shown.set(c);
          return c != null
              && title.matcher(c.get("title")).matches()
              && c.get("who").contains("on 127.0.0.1:" + port);
        });
    Map<String, String> finding = shown.get();
    assertThat(finding.get("badge")).isIn("WARNING", "CRITICAL");
    assertThat(finding.get("remedy")).startsWith("What to do: ").contains(who, "close()");
    assertThat(finding.get("docs")).isEqualTo("Read more: docs/detectors/close-wait.md");
    assertThat(finding.get("evidence")).contains("CLOSE_WAIT sockets past the minimum age");

    // Live: the plot keeps growing without a reload (a later tick's point arrives).
    int before = points("plot-sockets");
    await("the sockets plot updated in place", () -> points("plot-sockets") > before);
    await("no error banner", () -> !banner().isDisplayed());
    assertThat(driver.findElement(By.id("status")).getText())
        .contains("Last sample", "sampling every 1 s", "agent heap");

    // Offline: the page and everything it loaded or fetched came from the agent.
    @SuppressWarnings("unchecked")
    List<String> urls =
        (List<String>)
            js(
                "return [location.href].concat("
                    + "performance.getEntriesByType('resource').map(e => e.name));");
    assertThat(urls)
        .isNotEmpty()
        .allSatisfy(u -> assertThat(u).startsWith(base + "/"))
        .contains(base + "/ui/uPlot.iife.min.js", base + "/ui/dashboard.js")
        .anySatisfy(u -> assertThat(u).startsWith(base + "/api/history?series="));
    // No script errors, failed requests or Content-Security-Policy violations.
    List<String> severe =
        driver.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
            .map(LogEntry::getMessage)
            .toList();
    assertThat(severe).isEmpty();
    screenshot();

    // Fixed: the finding resolves and moves to the collapsed "recently resolved" list.
    for (SocketChannel s : accepted) {
      s.close();
    }
    await(
        "the finding " + id + " resolved",
        () ->
            card("#findings-open article.finding", id) == null
                && card("#resolved-list .resolved-item", id) != null);
    assertThat(driver.findElement(By.id("findings-resolved")).getAttribute("open")).isNull();
    assertThat(agentLog.toString()).isEmpty();
  }

  @Test
  void showsWhatTheNodeNamesItsProcessesAsTextNotMarkup() throws Exception {
    requireBrowser();
    // A process may be named anything: this one's name is markup, and it leaks CLOSE_WAIT.
    String[] ready = startLeaker().split(" ");
    int port = Integer.parseInt(ready[1]);
    String who = HOSTILE_COMM + "(" + ready[3] + ")";
    InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
    for (int i = 0; i < LEAKED; i++) {
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
        client.connect(server);
      }
    }
    Sampler sampler = sampler(Detectors.all());
    InetSocketAddress address = startAgent(sampler, new InetSocketAddress("127.0.0.1", 0));
    loop = WatchLoop.start(sampler, 1, e -> agentLog.append("tick failed: ").append(e.toString()));
    startBrowser();
    driver.get("http://127.0.0.1:" + address.getPort() + "/");

    String id = "close-wait/" + who;
    String title = who + " has not closed " + LEAKED + " connections its peers closed";
    await(
        "the finding " + id + " on the page",
        () -> {
          Map<String, String> c = card("#findings-open article.finding", id);
          return c != null && c.get("title").startsWith(title);
        });
    Map<String, String> finding = card("#findings-open article.finding", id);
    assertThat(finding.get("who")).isEqualTo(who + " on 127.0.0.1:" + port + " → 127.0.0.1");
    assertThat(finding.get("remedy")).contains(who + " must close()");
    // Had any of it been parsed as markup, the page would hold an <s> element.
    assertThat(js("return document.querySelectorAll('s').length;")).isEqualTo(0L);
  }

  @Test
  void saysAllClearAndShowsAgentTroubleInABannerWhilePollingOn() throws Exception {
    requireBrowser();
    // No detectors: this host's real condition cannot be known, "all clear" needs no findings.
    Sampler sampler = sampler(List.of());
    InetSocketAddress address = startAgent(sampler, new InetSocketAddress("127.0.0.1", 0));
    startBrowser();
    driver.get("http://127.0.0.1:" + address.getPort() + "/");

    // Before the first sample the API answers 503 with a reason: the page says so.
    await(
        "the 503 in the banner",
        () ->
            banner().isDisplayed()
                && banner()
                    .getText()
                    .contains("/api/findings: no sample yet; try again (HTTP 503)"));

    loop = WatchLoop.start(sampler, 1, e -> agentLog.append("tick failed: ").append(e.toString()));
    await(
        "all clear and no banner",
        () -> !banner().isDisplayed() && findingsText().startsWith("All clear."));

    // The agent goes away: a banner, the last findings stay, and polling goes on ...
    server.close();
    await(
        "the unreachable agent in the banner",
        () -> banner().isDisplayed() && banner().getText().contains("not reachable"));
    assertThat(findingsText()).startsWith("All clear.");
    // ... so that the page recovers by itself when it is back.
    startAgent(sampler, address);
    await("the banner gone", () -> !banner().isDisplayed());

    // Sampling stops while the server answers: the page says its numbers are old.
    loop.close();
    await(
        "the stale-data banner",
        () -> banner().isDisplayed() && banner().getText().contains("has taken no new sample"));
    assertThat(agentLog.toString()).isEmpty();
  }

  /** Fails (not skips): the dashboard must be tested wherever the suite runs. */
  private static void requireBrowser() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "this test needs Debian's chromium and chromedriver at "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + "; .ci/run installs them (apt-get install chromium chromium-driver)");
    }
  }

  /**
   * LEAKED loopback connections whose clients closed and whose server side this test never closes
   * (until cleanup): each accepted socket sits in CLOSE_WAIT, owned by this JVM. IPv4 sockets
   * explicitly: java.net sockets would be dual-stack IPv6 ones, listed as ::ffff:127.0.0.1.
   *
   * @return the listening port
   */
  private int leakCloseWait() throws IOException {
    listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
    listener.bind(new InetSocketAddress("127.0.0.1", 0), 50);
    InetSocketAddress address = (InetSocketAddress) listener.getLocalAddress();
    for (int i = 0; i < LEAKED; i++) {
      try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET)) {
        client.connect(address);
        accepted.add(listener.accept());
      }
    }
    return address.getPort();
  }

  /**
   * Starts {@link LeakServerMain} (accepts, never closes) in a child JVM whose process name is
   * {@link #HOSTILE_COMM}: the kernel names a process after the file it executed, here a symbolic
   * link to this JVM's java.
   *
   * @return its "port N pid P" line
   */
  private String startLeaker() throws Exception {
    leakerDir = Files.createTempDirectory("sockwatch-leaker-");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path named = Files.createSymbolicLink(leakerDir.resolve(HOSTILE_COMM), java);
    leaker =
        new ProcessBuilder(
                named.toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-Djava.net.preferIPv4Stack=true",
                "-cp",
                System.getProperty("java.class.path"),
                LeakServerMain.class.getName(),
                "127.0.0.1")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    BufferedReader out = leaker.inputReader(StandardCharsets.UTF_8);
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    return null;
                  }
                })
            .get(BOUND.toSeconds(), TimeUnit.SECONDS);
    assertThat(line).as("the leaking server's ready line").isNotNull().startsWith("port ");
    assertThat(Files.readString(Path.of("/proc", line.split(" ")[3], "comm")).trim())
        .isEqualTo(HOSTILE_COMM);
    return line;
  }

  /**
   * The agent as {@code sockwatch serve} builds it, on the live kernel, with three changes: the
   * whole CPU budget (so every tick scans even when the shared host's table is large), no minimum
   * age for CLOSE_WAIT (so the fresh leak counts now rather than in a minute) and findings that
   * resolve 2 s after their problem is gone (not 30 s).
   */
  private static Sampler sampler(List<Detector> detectors) {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    DoctorConfig doctor =
        new DoctorConfig(
            Map.of("close-wait.min-age", 0.0),
            DoctorConfig.DEFAULT_MIDDLEBOX_IDLE_SECONDS,
            Map.of());
    WatchConfig d = WatchConfig.DEFAULTS;
    WatchConfig config =
        new WatchConfig(
            1, 1.0, d.topN(), d.leakWindowSeconds(), d.openAfterTicks(), 2, d.history(), doctor);
    return new Sampler(
        SnapshotReader.forRoot(Path.of("/")),
        SourceChoice.AUTO,
        config,
        detectors,
        TrendDetectors.all(),
        Clock.systemUTC(),
        System::nanoTime,
        os::getProcessCpuTime);
  }

  /** Serves the agent's routes on {@code address}; returns the address bound. */
  private InetSocketAddress startAgent(Sampler sampler, InetSocketAddress address)
      throws IOException {
    server =
        AgentRoutes.start(address, sampler, Clock.systemUTC(), new PrintWriter(agentLog, true));
    return server.address();
  }

  private void startBrowser() throws IOException {
    profile = Files.createTempDirectory("sockwatch-chromium-");
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toString());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,1000",
        "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
    driver = new ChromeDriver(service, options);
  }

  private int points(String plotId) {
    Object n = js("return document.getElementById(arguments[0]).dataset.points;", plotId);
    return n == null ? 0 : Integer.parseInt(n.toString());
  }

  private Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * The texts of the open finding {@code id} as the page shows them, read in one script (the page
   * re-renders findings every poll, so elements found in one call may be gone by the next); null
   * while it is not shown.
   */
  @SuppressWarnings("unchecked")
  private Map<String, String> card(String selector, String id) {
    return (Map<String, String>)
        js(
            """
            const c = [...document.querySelectorAll(arguments[0])]
                .find(a => a.dataset.findingId === arguments[1]);
            if (!c) return null;
            const t = css => (c.querySelector(css) || {textContent: ''}).textContent;
            return {title: t('.finding-title'), badge: t('.badge'), who: t('.facts dd'),
                remedy: t('.remedy'), docs: t('.docs'), evidence: t('.evidence')};
            """,
            selector,
            id);
  }

  private WebElement banner() {
    return driver.findElement(By.id("banner"));
  }

  private String findingsText() {
    return (String) js("return document.getElementById('findings-open').textContent;");
  }

  /**
   * The whole page in one picture (for the README): the window grown until the page fits, then a
   * wait until every plot has been redrawn at its new width (the page resizes them on "resize").
   */
  private void screenshot() throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) {
      long missing =
          (Long) js("return document.documentElement.scrollHeight - window.innerHeight;");
      if (missing <= 0) {
        break;
      }
      Dimension now = driver.manage().window().getSize();
      driver
          .manage()
          .window()
          .setSize(new Dimension(now.getWidth(), (int) Math.min(now.getHeight() + missing, 6000)));
    }
    await(
        "the plots redrawn at the window's width",
        () ->
            (Boolean)
                js(
                    """
                    return [...document.querySelectorAll('.plot')].every(p => {
                      const wrap = p.querySelector('.u-wrap');
                      return !wrap || Math.abs(wrap.offsetWidth - p.clientWidth) <= 1;
                    });
                    """));
    Path shot = Path.of("target", "dashboard.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
  }

  /** Polls condition every 200 ms until it holds; fails after {@link #BOUND}. */
  private void await(String what, Supplier<Boolean> condition) throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        fail(
            "waited "
                + BOUND.toSeconds()
                + " s for "
                + what
                + (driver == null ? "" : "; page text:\n" + pageText())
                + "\nagent log: "
                + agentLog);
      }
      Thread.sleep(200);
    }
  }

  private String pageText() {
    try {
      return driver.findElement(By.tagName("body")).getText();
    } catch (RuntimeException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
