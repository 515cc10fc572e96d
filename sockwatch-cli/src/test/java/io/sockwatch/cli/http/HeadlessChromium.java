package io.sockwatch.cli.http;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * Debian's chromium, headless, driven by its chromedriver, with a fresh profile that {@link
 * #close()} deletes. Background networking, updates and sync are off, so the only requests the
 * browser makes are the pages' own.
 */
final class HeadlessChromium implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /**
   * Selenium warns on every start that it has no DevTools bindings for this chromium's version;
   * these tests use WebDriver only, never DevTools. (Held here: JUL forgets unreferenced loggers.)
   */
  private static final Logger CDP_VERSION_FINDER =
      Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
  }

  private final Path profile;
  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private HeadlessChromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
    this.profile = profile;
    this.service = service;
    this.driver = driver;
  }

  /**
   * Starts the browser; fails (does not skip) when it is not installed: the dashboard must be
   * tested wherever the suite runs.
   */
  static HeadlessChromium start() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      fail(
          "the dashboard's browser test needs Debian's chromium and chromedriver at "
              + CHROMIUM
              + " and "
              + CHROMEDRIVER
              + "; .ci/run installs them (apt-get install chromium chromium-driver)");
    }
    Path profile = Files.createTempDirectory("sockwatch-chromium-");
    ChromeDriverService service = null;
    try {
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
      return new HeadlessChromium(profile, service, new ChromeDriver(service, options));
    } catch (RuntimeException e) {
      if (service != null) {
        service.stop();
      }
      delete(profile);
      throw e;
    }
  }

  void open(String url) {
    driver.get(url);
  }

  /** Runs {@code script} in the page; its {@code return} value as Selenium converts it. */
  Object js(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Waits, bounded, for a condition on the page; on timeout the failure shows the page's text. */
  void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, bound, condition, () -> "page text:\n" + pageText());
  }

  String pageText() {
    try {
      return driver.findElement(By.tagName("body")).getText();
    } catch (RuntimeException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** Console messages at SEVERE: script errors, failed requests, CSP violations. */
  List<String> severeConsoleMessages() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /**
   * The whole page in one picture: the window grown until the page fits, then a wait until every
   * plot has been redrawn at its new width (the page resizes them on "resize").
   */
  void screenshotWholePage(Path file, Duration bound) throws IOException, InterruptedException {
    for (int i = 0; i < 3; i++) {
      long missing = (Long) js("return document.documentElement.scrollHeight - innerHeight;");
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
        bound,
        () ->
            (Boolean)
                js(
                    """
                    return [...document.querySelectorAll('.plot')].every(p => {
                      const wrap = p.querySelector('.u-wrap');
                      return !wrap || Math.abs(wrap.offsetWidth - p.clientWidth) <= 1;
                    });
                    """));
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try {
        service.stop();
      } finally {
        delete(profile);
      }
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
