package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare --format html}: the page's content and order, its size, and bad arguments. */
class HtmlReportTest {
    private static final Pattern SECTION =
            Pattern.compile(
                    "<details class=\"feature (drifted|stable)\" id=\"f\\d+\" data-name=\"([^\"]*)\"( open)?>");

    @TempDir Path dir;

    /** Two numeric features and {@code country}: the fixture of the argument tests, built once. */
    static ReportFixtures small;

    @BeforeAll
    static void writeSmallFixture(@TempDir Path fixtures) throws IOException {
        small = ReportFixtures.write(fixtures, 2);
    }

    /** {@code compare --format html --output OUTPUT} of the fixture's two CSVs. */
    static CliRun compare(ReportFixtures f, Path output, String... more) {
        return compare(f, "html", output, more);
    }

    /** {@code compare --format FORMAT} of the fixture's two CSVs, to {@code output} unless null. */
    static CliRun compare(ReportFixtures f, String format, Path output, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "compare",
                                "--reference",
                                f.reference().toString(),
                                "--current",
                                f.current().toString(),
                                "--categorical",
                                "country",
                                "--format",
                                format));
        if (output != null) {
            args.addAll(List.of("--output", output.toString()));
        }
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void writesOneSelfContainedPageWithTheDriftedFeaturesFirstAndOpen() throws IOException {
        ReportFixtures f = ReportFixtures.write(dir, 10);
        Path out = dir.resolve("report.html");
        CliRun run = compare(f, out);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("3 of 11 features drifted");
        String html = Files.readString(out, StandardCharsets.UTF_8);

        Matcher m = SECTION.matcher(html);
        List<String> names = new ArrayList<>();
        List<Boolean> open = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(2));
            open.add(m.group(3) != null);
            assertThat(m.group(1).equals("drifted")).isEqualTo(m.group(3) != null);
        }
        assertThat(names).hasSize(f.features());
        assertThat(open.subList(0, f.drifted())).containsOnly(true);
        assertThat(open.subList(f.drifted(), names.size())).containsOnly(false);
        assertThat(names.subList(0, f.drifted()))
                .containsExactlyInAnyOrder("feature_000", "feature_005", "country");

        // the summary: features drifted, the dataset decision, the rule that decided
        assertThat(html)
                .contains("<b id=\"drifted-count\">3</b> of 11 features drifted")
                .contains("No dataset drift")
                .contains(
                        "rule <code>two_sample_test</code>, <code>ks</code>: drift when Simes'"
                                + " combination of the ks_statistic (less its error bound),"
                                + " rank-sum, Ansari-Bradley and pooled chi-square p-values,"
                                + " Benjamini-Hochberg adjusted, is &le; 0.01 and the"
                                + " ks_statistic less its error bound is &ge; 0.03")
                .contains("rule <code>two_sample_test</code>, <code>chi_square_two_sample</code>:")
                .contains("guard quantile 0.99");
        // a numeric chart per numeric feature, category bars with the new category highlighted
        assertThat(
                        count(
                                html,
                                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart histogram\""))
                .isEqualTo(10);
        assertThat(count(html, "class=\"chart categories\"")).isEqualTo(1);
        assertThat(html).contains("<g class=\"category highlighted\">").contains("XX (new)");
        // statistics with error bounds, and the decision with its reason
        assertThat(html).contains("<td>ks_statistic</td>").contains("exact");
        assertThat(html).contains("<b>Decision:</b> drift (");
        // self-contained: nothing loaded from anywhere
        assertThat(html)
                .doesNotContain("src=")
                .doesNotContain("<link")
                .doesNotContain("url(")
                .doesNotContain("@import")
                .contains("default-src 'none'");
        assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
                .doesNotContain("http:")
                .doesNotContain("https:");
        // reproducible: the same inputs give the same bytes, and no directory leaks
        Path again = dir.resolve("again.html");
        assertThat(compare(f, again).exitCode()).isZero();
        assertThat(Files.readString(again, StandardCharsets.UTF_8)).isEqualTo(html);
        assertThat(html).doesNotContain(dir.toString());
    }

    @Test
    void theDocumentedCommandWritesTheReport() throws Exception {
        String step = DocSteps.blocks("docs/report.md", "## Writing one", "bash").get(0);
        Path out = dir.resolve("doc-report.html");
        // run where the document's relative paths resolve, without writing into the repository
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.createSymbolicLink(work.resolve("examples"), DocSteps.ROOT.resolve("examples"));
        String output =
                DocSteps.run(step.replace("/tmp/report.html", out.toString()), work, Map.of());
        assertThat(output).contains("wrote " + out + ": ");
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(html).contains("data-name=\"amount\"").contains("data-name=\"country\"");
    }

    @Test
    void staysSmallAt500Features() throws IOException {
        ReportFixtures f = ReportFixtures.write(dir, 500);
        Path out = dir.resolve("report.html");
        CliRun run = compare(f, out);
        assertThat(run.exitCode()).as(run.err()).isZero();
        long size = Files.size(out);
        System.out.printf("HTML report of %d features: %,d bytes%n", f.features(), size);
        assertThat(size).isLessThan(5_000_000L);
        assertThat(count(Files.readString(out, StandardCharsets.UTF_8), "<details class=\"feature"))
                .isEqualTo(501);
    }

    @Test
    void hostileFeatureNamesAreEscaped() throws IOException {
        String header =
                "\"<script>alert(1)</script>\",\"q\"\"uote'&amp\"," + "x".repeat(10_000) + "\n";
        StringBuilder ref = new StringBuilder(header);
        StringBuilder cur = new StringBuilder(header);
        for (int r = 0; r < 200; r++) {
            ref.append(r).append(',').append(r % 7).append(',').append(r % 5).append('\n');
            cur.append(r + 50).append(',').append(r % 7).append(',').append(r % 5).append('\n');
        }
        Path refCsv = Files.writeString(dir.resolve("ref.csv"), ref);
        Path curCsv = Files.writeString(dir.resolve("cur.csv"), cur);
        Path out = dir.resolve("hostile.html");
        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference",
                        refCsv.toString(),
                        "--current",
                        curCsv.toString(),
                        "--format",
                        "html",
                        "--output",
                        out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(count(html, "<script>")).as("only the search box's script").isEqualTo(1);
        assertThat(html)
                .contains("data-name=\"&lt;script&gt;alert(1)&lt;/script&gt;\"")
                .contains("data-name=\"q&quot;uote&#39;&amp;amp\"")
                .doesNotContain("q\"uote");
        assertThat(count(html, "<details class=\"feature")).isEqualTo(3);
    }

    @Test
    void htmlWithoutOutputIsAnError() throws IOException {
        ReportFixtures f = small;
        CliRun run = compare(f, "html", null);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("driftwatch compare: error: --format html needs --output FILE");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnwritableOutputIsAnError() throws IOException {
        ReportFixtures f = small;
        CliRun missingDir = compare(f, dir.resolve("no/such/dir/report.html"));
        assertThat(missingDir.exitCode()).isEqualTo(2);
        assertThat(missingDir.err())
                .startsWith("driftwatch compare: error: --output ")
                .contains("no such directory");
        assertThat(missingDir.err().strip().lines()).hasSize(1);

        CliRun underAFile = compare(f, f.reference().resolve("report.html"));
        assertThat(underAFile.exitCode()).isEqualTo(2);
        assertThat(underAFile.err()).startsWith("driftwatch compare: error: --output ");

        CliRun aDirectory = compare(f, dir);
        assertThat(aDirectory.exitCode()).isEqualTo(2);
        assertThat(aDirectory.err()).contains("is a directory");
    }

    @Test
    void outputAlsoTakesTheOtherFormats() throws IOException {
        ReportFixtures f = small;
        Path out = dir.resolve("report.json");
        CliRun run = compare(f, "json", out);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(out)).startsWith("{").contains("\"features\"");
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
