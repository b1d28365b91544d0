package dev.nexus.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.UnexpectedAlertBehaviour;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver (never a downloaded one), with
 * helpers to wait for the page and to take screenshots when NEXUS_SCREENSHOTS_DIR (or the system
 * property {@code nexus.screenshots.dir}) names a directory.
 */
final class BrowserSession implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  final ChromeDriver driver;
  private final Path profile;
  private final Optional<Path> screenshots;

  private BrowserSession(ChromeDriver driver, Path profile, Optional<Path> screenshots) {
    this.driver = driver;
    this.profile = profile;
    this.screenshots = screenshots;
  }

  /** Why the browser tests cannot run here, or empty when Chromium and its driver exist. */
  static Optional<String> missing() {
    if (!Files.isExecutable(CHROMIUM)) {
      return Optional.of(CHROMIUM + " is missing (install the Debian package chromium)");
    }
    if (!Files.isExecutable(CHROMEDRIVER)) {
      return Optional.of(CHROMEDRIVER + " is missing (install the Debian package chromium-driver)");
    }
    return Optional.empty();
  }

  static BrowserSession start() {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    System.setProperty("SE_AVOID_STATS", "true");
    try {
      Path profile = Files.createTempDirectory("nexus-chromium-");
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--window-size=1280,900",
          "--user-data-dir=" + profile);
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      // A confirm() stays open until the test answers it (see acceptConfirm).
      options.setUnhandledPromptBehaviour(UnexpectedAlertBehaviour.IGNORE);
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
              .usingAnyFreePort()
              .build();
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
      String dir =
          Optional.ofNullable(System.getProperty("nexus.screenshots.dir"))
              .orElse(System.getenv("NEXUS_SCREENSHOTS_DIR"));
      Optional<Path> screenshots =
          dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
      return new BrowserSession(driver, profile, screenshots);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  WebDriverWait waiting() {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Waits until the element with this CSS selector is visible and returns it. */
  WebElement visible(String css) {
    return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
  }

  /** Waits until the element's text contains {@code text}. */
  void textIn(String css, String text) {
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(css), text));
  }

  /** Waits for the page's {@code confirm()} dialog, accepts it and returns its question. */
  String acceptConfirm() {
    Alert dialog = waiting().until(ExpectedConditions.alertIsPresent());
    String question = dialog.getText();
    dialog.accept();
    return question;
  }

  List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /** Opens the page afresh, signed out. */
  void openSignedOut(String base) {
    driver.get(base + "/");
    ((JavascriptExecutor) driver).executeScript("sessionStorage.clear(); localStorage.clear();");
    driver.get(base + "/#signin");
    driver.navigate().refresh();
    waiting()
        .until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
  }

  void resize(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Writes a PNG of the window to the screenshot directory, when one is configured. */
  void screenshot(String name) {
    if (screenshots.isEmpty()) {
      return;
    }
    try {
      Files.createDirectories(screenshots.get());
      Files.write(
          screenshots.get().resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Browser console lines that report a Content-Security-Policy violation. */
  List<String> policyViolations() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .map(LogEntry::getMessage)
        .filter(m -> m.contains("Content Security Policy") || m.contains("Refused to"))
        .toList();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary profile left behind is harmless
      }
    }
  }
}
