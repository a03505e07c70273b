package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input gives a one-line error naming the file (and line, column), exit code 2, no trace.
 */
class BadInputTest {
    @TempDir Path dir;

    private Path file(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private Path good() throws IOException {
        return file("good.csv", "x,c\n1.5,A\n2.5,B\n3.5,A\n");
    }

    private static CliRun compare(Path ref, Path cur, String... extra) {
        String[] base = {"compare", "--reference", ref.toString(), "--current", cur.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    private static void assertUsageError(CliRun run, String... fragments) {
        assertThat(run.exitCode()).as("exit code; stderr: %s", run.err()).isEqualTo(2);
        assertThat(run.err().strip().lines().count()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains(fragments);
        assertThat(run.err()).doesNotContain("Exception", "\tat ");
    }

    @Test
    void missingFile() throws IOException {
        assertUsageError(compare(dir.resolve("nope.csv"), good()), "nope.csv", "file not found");
    }

    @Test
    void emptyFile() throws IOException {
        assertUsageError(compare(file("empty.csv", ""), good()), "empty.csv", "file is empty");
    }

    @Test
    void headerOnly() throws IOException {
        assertUsageError(compare(good(), file("h.csv", "x,c\n")), "h.csv", "no data rows");
    }

    @Test
    void raggedRow() throws IOException {
        Path ragged = file("ragged.csv", "x,c\n1,A\n2\n3,B\n");
        assertUsageError(
                compare(good(), ragged), "ragged.csv", "line 3", "expected 2 fields, found 1");
    }

    @Test
    void unknownFeaturesColumn() throws IOException {
        assertUsageError(
                compare(good(), good(), "--features", "x,zzz"), "good.csv", "line 1", "'zzz'");
    }

    @Test
    void columnAbsentFromCurrent() throws IOException {
        Path cur = file("cur.csv", "x\n1\n2\n");
        assertUsageError(compare(good(), cur), "cur.csv", "line 1", "column 'c'", "absent");
    }

    @Test
    void columnEntirelyMissing() throws IOException {
        Path ref = file("ref.csv", "x,c\nNaN,A\n,B\nNA,A\n");
        assertUsageError(compare(ref, good()), "ref.csv", "column 'x'", "entirely missing");
        Path cur = file("cur.csv", "x,c\n1,\n2,\n");
        assertUsageError(compare(good(), cur), "cur.csv", "column 'c'", "entirely missing");
    }

    @Test
    void invalidUtf8() throws IOException {
        Path bad = dir.resolve("latin1.csv");
        byte[] head = "x,c\n1,A\n2,".getBytes(StandardCharsets.UTF_8);
        byte[] tail = {(byte) 0xE9, 't', 'e', '\n'};
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        Files.write(bad, all);
        assertUsageError(compare(good(), bad), "latin1.csv", "line 3", "invalid UTF-8");
    }

    @Test
    void badOptions() throws IOException {
        assertThat(CliRun.of("compare", "--current", good().toString()).exitCode()).isEqualTo(2);
        CliRun both =
                CliRun.of(
                        "compare",
                        "--reference",
                        good().toString(),
                        "--reference-profile",
                        good().toString(),
                        "--current",
                        good().toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertUsageError(
                compare(good(), good(), "--bins", "1"), "--bins must be between 2 and 1000");
        assertThat(compare(good(), good(), "--format", "xml").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(2);
    }

    @Test
    void badProfile() throws IOException {
        Path profile = file("p.json", "{\"format_version\": 1}");
        CliRun run =
                CliRun.of(
                        "compare",
                        "--reference-profile",
                        profile.toString(),
                        "--current",
                        good().toString());
        assertUsageError(run, "p.json", "model_name is required");
    }

    @Test
    void quotedFieldsFollowRfc4180() throws IOException {
        Path ref =
                file(
                        "q.csv",
                        "x,c\n1,\"A, with comma\"\n2,\"say \"\"hi\"\"\"\n3,\"multi\nline\"\n");
        CliRun run = compare(ref, ref, "--format", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("\"psi\" : 0.0");
    }
}
