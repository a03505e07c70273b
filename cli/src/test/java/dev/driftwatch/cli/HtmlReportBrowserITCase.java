package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.testsupport.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

/**
 * The HTML report in a real browser (headless Chromium): sections, order, charts, the highlighted
 * new category, the search box, no console error and no request; screenshots for docs/report.md.
 *
 * <p>Screenshots go to {@code target/screenshots/}; with {@code -Dscreenshots.update=true} they are
 * also copied to {@code docs/images/}.
 */
class HtmlReportBrowserITCase {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path DOC_IMAGES = Path.of("..", "docs", "images");

    @TempDir static Path dir;
    static HeadlessChromium chromium;
    static ReportFixtures small;
    static ReportFixtures large;
    static Path smallReport;
    static Path largeReport;

    @BeforeAll
    static void writeReportsAndStartTheBrowser() throws IOException {
        long t0 = System.nanoTime();
        small = ReportFixtures.write(dir.resolve("small"), 10);
        large = ReportFixtures.write(dir.resolve("large"), 500);
        smallReport = dir.resolve("small/report.html");
        largeReport = dir.resolve("large/report.html");
        for (Map.Entry<ReportFixtures, Path> e :
                Map.of(small, smallReport, large, largeReport).entrySet()) {
            CliRun run = HtmlReportTest.compare(e.getKey(), e.getValue());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        long t1 = System.nanoTime();
        chromium = HeadlessChromium.start();
        System.out.printf(
                "reports written in %d ms, browser started in %d ms%n",
                (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
    }

    @AfterAll
    static void stopTheBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @Test
    void tenFeatures() throws IOException {
        chromium.resize(HeadlessChromium.WIDTH, HeadlessChromium.HEIGHT);
        chromium.open(smallReport);
        assertSectionsAndOrder(small);

        // every numeric chart: two series (reference, current) of one bar per bin, 10 bins
        List<WebElement> histograms =
                chromium.driver().findElements(By.cssSelector("svg.histogram"));
        assertThat(histograms).hasSize(10);
        for (WebElement h : histograms) {
            List<WebElement> series = h.findElements(By.cssSelector("g.series"));
            assertThat(series).hasSize(2);
            assertThat(series.get(0).getAttribute("data-series")).isEqualTo("reference");
            assertThat(series.get(1).getAttribute("data-series")).isEqualTo("current");
            for (WebElement s : series) {
                assertThat(s.findElements(By.cssSelector("rect.bar"))).hasSize(10);
            }
            assertThat(h.findElements(By.cssSelector("line.edge"))).hasSize(9);
        }
        // the categorical chart: the new category highlighted, the others not
        List<WebElement> highlighted =
                chromium.driver()
                        .findElements(By.cssSelector("svg.categories g.category.highlighted"));
        assertThat(highlighted).hasSize(1);
        assertThat(highlighted.get(0).getText()).contains(ReportFixtures.NEW_CATEGORY + " (new)");
        assertThat(highlighted.get(0).findElements(By.cssSelector("rect.highlight"))).hasSize(1);
        assertThat(chromium.driver().findElements(By.cssSelector("svg.categories g.category")))
                .hasSize(5);

        assertNoErrorAndNoRequest();
        screenshots();

        // the search box filters the index and the sections
        WebElement filter = chromium.driver().findElement(By.id("filter"));
        filter.sendKeys("feature_00");
        assertThat(visibleSections()).isEqualTo(10);
        assertThat(chromium.driver().findElement(By.id("shown")).getText())
                .isEqualTo("10 of 11 features");
        filter.clear();
        filter.sendKeys("COUNTRY");
        assertThat(visibleSections()).isEqualTo(1);
        assertThat(
                        chromium.driver()
                                .findElement(By.cssSelector("details[data-name='country']"))
                                .isDisplayed())
                .isTrue();
        assertThat(
                        chromium.script(
                                "return document.querySelectorAll('#index tr[data-name]:not([hidden])').length"))
                .isEqualTo(1L);
        filter.sendKeys("-nothing-like-it");
        assertThat(visibleSections()).isZero();
        filter.clear();
        filter.sendKeys(" ");
        filter.sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
        assertThat(visibleSections()).isEqualTo(11);
        assertNoErrorAndNoRequest();
    }

    @Test
    void fiveHundredFeatures() {
        chromium.resize(HeadlessChromium.WIDTH, HeadlessChromium.HEIGHT);
        long start = System.nanoTime();
        chromium.open(largeReport);
        long loadMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("500-feature report loaded in %d ms%n", loadMillis);
        assertSectionsAndOrder(large);
        assertThat(chromium.driver().findElements(By.cssSelector("svg.histogram"))).hasSize(500);
        assertThat(chromium.driver().findElements(By.cssSelector("#index tr[data-name]")))
                .hasSize(501);

        WebElement filter = chromium.driver().findElement(By.id("filter"));
        filter.sendKeys("feature_49");
        assertThat(visibleSections()).isEqualTo(10);
        assertThat(chromium.driver().findElement(By.id("shown")).getText())
                .isEqualTo("10 of 501 features");
        filter.clear();
        filter.sendKeys("feature_123");
        assertThat(visibleSections()).isEqualTo(1);
        assertNoErrorAndNoRequest();
    }

    /** Every feature has a section; the drifted ones come first and are the only ones open. */
    @SuppressWarnings("unchecked")
    private static void assertSectionsAndOrder(ReportFixtures f) {
        List<Map<String, Object>> sections =
                (List<Map<String, Object>>)
                        chromium.script(
                                "return Array.from(document.querySelectorAll('details.feature'))"
                                        + ".map(function(d){return {name: d.dataset.name, open:"
                                        + " d.open, drifted: d.classList.contains('drifted')};});");
        assertThat(sections).hasSize(f.features());
        for (int i = 0; i < sections.size(); i++) {
            Map<String, Object> s = sections.get(i);
            boolean shouldDrift = i < f.drifted();
            assertThat(s.get("drifted"))
                    .as("section %d %s", i, s.get("name"))
                    .isEqualTo(shouldDrift);
            assertThat(s.get("open")).as("section %d %s", i, s.get("name")).isEqualTo(shouldDrift);
            String name = (String) s.get("name");
            boolean expected =
                    name.equals("country")
                            || ReportFixtures.shifted(Integer.parseInt(name.substring(8)));
            assertThat(expected).as("%s drifted", name).isEqualTo(shouldDrift);
        }
        assertThat(chromium.driver().findElement(By.id("drifted-count")).getText())
                .isEqualTo(Integer.toString(f.drifted()));
    }

    /** Sections the browser lays out (one script call: no round trip per section). */
    private static long visibleSections() {
        return (Long)
                chromium.script(
                        "return Array.from(document.querySelectorAll('details.feature'))"
                                + ".filter(function(d){return d.getClientRects().length > 0;})"
                                + ".length;");
    }

    private static void assertNoErrorAndNoRequest() {
        assertThat(chromium.consoleErrors()).isEmpty();
        assertThat(chromium.resourceRequests()).isEmpty();
    }

    /** The top of the page and one expanded numeric and categorical feature. */
    private static void screenshots() throws IOException {
        chromium.script("window.scrollTo(0, 0);");
        save("report-top.png", chromium.screenshot());
        for (String feature : List.of("feature_000", "country")) {
            WebElement section =
                    chromium.driver()
                            .findElement(By.cssSelector("details[data-name='" + feature + "']"));
            chromium.script("arguments[0].scrollIntoView();", section);
            save(
                    "report-" + (feature.equals("country") ? "categorical" : "numeric") + ".png",
                    section.getScreenshotAs(OutputType.BYTES));
        }
        chromium.script("window.scrollTo(0, 0);");
    }

    private static void save(String name, byte[] png) throws IOException {
        assertThat(png).hasSizeGreaterThan(1000);
        Files.createDirectories(SCREENSHOTS);
        Path file = Files.write(SCREENSHOTS.resolve(name), png);
        if (Boolean.getBoolean("screenshots.update")) {
            Files.createDirectories(DOC_IMAGES);
            Files.copy(file, DOC_IMAGES.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
