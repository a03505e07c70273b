package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the shell steps a document shows, as written, with bash: {@code bin/driftwatch} is this
 * build's command line (a shell function running {@link Driftwatch} on the test classpath), and
 * {@code curl} fails on an HTTP error status instead of printing the error body only.
 */
final class DocSteps {
    /** The repository root (tests run in {@code cli/}). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern FENCE = Pattern.compile("(?s)```(\\w*)\\n(.*?)```");

    private DocSteps() {}

    /** The fenced blocks of a language ({@code bash}, {@code sql}) under a heading, in order. */
    static List<String> blocks(String document, String heading, String language)
            throws IOException {
        String text = Files.readString(ROOT.resolve(document), StandardCharsets.UTF_8);
        int start = text.indexOf("\n" + heading + "\n");
        assertThat(start).as(document + " has a section '" + heading + "'").isGreaterThan(-1);
        int level = heading.indexOf(' ');
        Matcher next =
                Pattern.compile("\\n#{1," + level + "} ")
                        .matcher(text)
                        .region(start + 1, text.length());
        int end = next.find() ? next.start() : text.length();
        List<String> out = new ArrayList<>();
        Matcher m = FENCE.matcher(text).region(start, end);
        while (m.find()) {
            if (m.group(1).equals(language)) {
                out.add(m.group(2));
            }
        }
        assertThat(out).as(document + " '" + heading + "' shows " + language).isNotEmpty();
        return out;
    }

    /**
     * Runs a script in {@code workDir}; returns its output, failing the test on a non-zero exit.
     */
    static String run(String script, Path workDir, Map<String, String> env) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String prelude =
                "set -euo pipefail\n"
                        + "function bin/driftwatch { '"
                        + java
                        + "' -cp '"
                        + System.getProperty("java.class.path")
                        + "' "
                        + Driftwatch.class.getName()
                        + " \"$@\"; }\n"
                        + "function curl { command curl --fail-with-body \"$@\"; echo; }\n";
        Path log = Files.createTempFile(workDir, "steps", ".log");
        ProcessBuilder pb =
                new ProcessBuilder("bash", "-c", prelude + script)
                        .directory(workDir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertThat(done).as("the steps finished within 3 min:%n%s%n%s", script, output).isTrue();
        assertThat(p.exitValue()).as("exit code of%n%s%noutput:%n%s", script, output).isZero();
        return output;
    }
}
