package dev.driftwatch.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium driven through ChromeDriver (Debian's {@code chromium} and {@code
 * chromium-driver} packages) for tests that check pages in a real browser.
 *
 * <p>{@link #start()} fails, with a message naming the packages, when either binary is missing: the
 * browser tests never skip silently ({@code .ci/run} installs both). The browser runs with a fixed
 * window size and device scale so that screenshots are reproducible; {@link #close()} quits it and
 * stops the driver process. One instance per test class is enough: pages load in milliseconds.
 *
 * <p>Selenium is an optional dependency of test-support: a module using this class declares {@code
 * org.seleniumhq.selenium:selenium-chrome-driver} at test scope (its version is pinned in the
 * parent pom).
 */
public final class HeadlessChromium implements AutoCloseable {
    /** Where Debian's {@code chromium} package puts the browser. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** Where Debian's {@code chromium-driver} package puts ChromeDriver. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    /** The window's size in CSS pixels, at device scale 1. */
    public static final int WIDTH = 1100;

    public static final int HEIGHT = 900;

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profileDir;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver, Path profileDir) {
        this.service = service;
        this.driver = driver;
        this.profileDir = profileDir;
    }

    /**
     * Starts ChromeDriver and a headless Chromium.
     *
     * @throws AssertionError when Chromium or ChromeDriver is not installed
     */
    public static HeadlessChromium start() {
        return start(CHROMIUM, CHROMEDRIVER);
    }

    /**
     * Starts the given ChromeDriver and Chromium binaries.
     *
     * @throws AssertionError when either is not an executable file
     */
    static HeadlessChromium start(Path chromium, Path chromedriver) {
        for (Path binary : List.of(chromium, chromedriver)) {
            if (!Files.isExecutable(binary)) {
                throw new AssertionError(
                        binary
                                + " is missing: the browser tests need Debian's chromium and"
                                + " chromium-driver packages (.ci/run installs them: apt-get"
                                + " install -y chromium chromium-driver)");
            }
        }
        Path profileDir;
        try {
            profileDir = Files.createTempDirectory("driftwatch-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(chromedriver.toFile())
                        .usingAnyFreePort()
                        .withLogOutput(java.io.OutputStream.nullOutputStream())
                        .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-extensions",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--disable-features=Translate,OptimizationHints,MediaRouter",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--font-render-hinting=none",
                "--window-size=" + WIDTH + "," + HEIGHT,
                "--user-data-dir=" + profileDir);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        try {
            service.start();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().window().setSize(new Dimension(WIDTH, HEIGHT));
            return new HeadlessChromium(service, driver, profileDir);
        } catch (IOException | RuntimeException e) {
            service.stop();
            deleteQuietly(profileDir);
            throw new IllegalStateException("could not start headless Chromium: " + e, e);
        }
    }

    /** The driver, to navigate and find elements. */
    public WebDriver driver() {
        return driver;
    }

    /** Opens a local file ({@code file://} URL). */
    public void open(Path file) {
        driver.get(file.toAbsolutePath().toUri().toString());
    }

    /** Runs a script in the page and returns its result. */
    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /**
     * The browser console's messages at level SEVERE (errors, failed loads, Content-Security-Policy
     * violations) since the last call.
     */
    public List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                errors.add(e.getMessage());
            }
        }
        return errors;
    }

    /**
     * The URLs of every resource the page requested after its document ({@code
     * performance.getEntriesByType('resource')}).
     */
    @SuppressWarnings("unchecked")
    public List<String> resourceRequests() {
        Object r =
                script(
                        "return performance.getEntriesByType('resource').map(function(e){return"
                                + " e.name;});");
        return r == null ? List.of() : List.copyOf((List<String>) r);
    }

    /** A PNG of the visible window. */
    public byte[] screenshot() {
        return ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    }

    /** Resizes the window (CSS pixels). */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Quits the browser and stops ChromeDriver. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profileDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .map(Path::toFile)
                    .forEach(File::delete);
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory left behind is not worth failing a test for
        }
    }
}
