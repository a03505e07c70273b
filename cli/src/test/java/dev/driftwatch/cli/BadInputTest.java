package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input gives a one-line error naming the file (and line, column), exit code 2, no trace;
 * every command reports a bad argument as one line {@code driftwatch <command>: error: ...} with
 * exit code 2 and no usage, before it starts anything.
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
        assertThat(run.err()).doesNotContain("Exception", "\tat ", "Usage:");
        assertThat(run.out()).as("no usage unless asked for").isEmpty();
    }

    /** {@code driftwatch <args>} fails with one line {@code <prefix>: error: ...<fragments>}. */
    private static void assertCommandError(String prefix, String[] args, String... fragments) {
        CliRun run = CliRun.of(args);
        assertUsageError(run, fragments);
        assertThat(run.err()).startsWith(prefix + ": error: ");
    }

    private static String[] args(String... args) {
        return args;
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

    // ---- every command: one line, exit code 2, nothing started ----

    @Test
    void theTopLevelCommand() {
        assertCommandError("driftwatch", args(), "a command is required", "compare", "up");
        assertCommandError("driftwatch", args("frobnicate"), "unknown command 'frobnicate'");
        assertCommandError("driftwatch", args("--frob"), "Unknown option: '--frob'");
        assertCommandError("driftwatch", args("help", "nope"), "'nope'");
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: driftwatch");
    }

    @Test
    void profile() throws IOException {
        assertCommandError("driftwatch profile", args("profile"), "Missing required option");
        assertCommandError(
                "driftwatch profile",
                args(
                        "profile",
                        "--input",
                        good().toString(),
                        "--output",
                        dir.toString(),
                        "--model",
                        "m",
                        "--version",
                        "1"),
                "is a directory");
        assertCommandError(
                "driftwatch profile",
                args(
                        "profile",
                        "--input",
                        good().toString(),
                        "--output",
                        dir.resolve("p.json").toString(),
                        "--model",
                        "m",
                        "--version",
                        "1",
                        "--bins",
                        "x"),
                "'x' is not an int");
    }

    @Test
    void compare() throws IOException {
        assertCommandError(
                "driftwatch compare",
                args("compare", "--current", good().toString()),
                "--reference");
        assertCommandError(
                "driftwatch compare",
                args("compare", "--reference", good().toString(), "--current", "nope.csv"),
                "nope.csv",
                "file not found");
    }

    /** up checks every value, and that its ports are free, before it starts Kafka or PostgreSQL. */
    @Test
    void up() throws IOException {
        Path data = dir.resolve("stack");
        String d = data.toString();
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--registry-port", "99999"),
                "--registry-port must be between 0 and 65535, was 99999");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--web-ui-port", "abc"),
                "'abc' is not an int");
        assertCommandError(
                "driftwatch up", args("up", "--data-dir", d, "--window", "0s"), "--window");
        assertCommandError(
                "driftwatch up", args("up", "--data-dir", d, "--wndow", "5min"), "--wndow");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--bootstrap-servers", "localhost:9092"),
                "runs its own Kafka broker");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--bind-address", "example.org"),
                "--bind-address 'example.org' is not an IP address");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", good().toString()),
                "is a file, not a directory");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--web-ui-port", "8099", "--registry-port", "8099"),
                "must differ");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--parallelism", "2"),
                "--parallelism is for the cluster mode: give --task-managers N too");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--task-managers", "17"),
                "--task-managers must be between 0 and 16, was 17");
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--task-managers", "1", "--parallelism", "2"),
                "--parallelism must be between 1 and --task-managers (1)");
        assertCommandError(
                "driftwatch up",
                args(
                        "up",
                        "--data-dir",
                        d,
                        "--task-managers",
                        "1",
                        "--job-jar",
                        dir.resolve("missing.jar").toString()),
                "missing.jar does not exist; build it with");
        try (ServerSocket taken = new ServerSocket(0)) {
            assertCommandError(
                    "driftwatch up",
                    args(
                            "up",
                            "--data-dir",
                            d,
                            "--registry-port",
                            Integer.toString(taken.getLocalPort())),
                    "--registry-port " + taken.getLocalPort() + " is in use");
        }
        assertCommandError(
                "driftwatch up",
                args("up", "--data-dir", d, "--jdbc-url", "jdbc:postgresql://localhost:1/x"),
                "cannot connect to PostgreSQL at jdbc:postgresql://localhost:1/x");
        assertThat(data).as("nothing was started").doesNotExist();
    }

    @Test
    void demo() {
        Path data = dir.resolve("demo");
        String d = data.toString();
        assertCommandError(
                "driftwatch demo",
                args("demo", "--data-dir", d, "--shift-after", "5"),
                "--shift-after must be at least 10");
        assertCommandError(
                "driftwatch demo",
                args("demo", "--data-dir", d, "--events-per-second", "9999"),
                "--events-per-second must be between 10 and 5000");
        assertCommandError(
                "driftwatch demo",
                args("demo", "--data-dir", d, "--timeout", "0"),
                "--timeout must be at least 1");
        assertCommandError(
                "driftwatch demo",
                args("demo", "--data-dir", d, "--registry-port", "99999"),
                "--registry-port");
        assertCommandError(
                "driftwatch demo", args("demo", "--data-dir", d, "--window", "1min"), "--window");
        assertThat(data).as("nothing was started").doesNotExist();
    }

    @Test
    void driftJobAndPerformanceJob() {
        for (String command : new String[] {"drift-job", "performance-job"}) {
            String prefix = "driftwatch " + command;
            assertCommandError(
                    prefix,
                    args(command, "--web-ui-port", "0"),
                    "--web-ui-port must be between 1 and 65535");
            assertCommandError(
                    prefix, args(command, "--window", "nonsense"), "bad value 'nonsense'");
            assertCommandError(prefix, args(command, "--label-ttl"), "--label-ttl needs a value");
            assertCommandError(
                    prefix,
                    args(command, "--bootstrap-servers", "no-port"),
                    "--bootstrap-servers must be a comma-separated list of HOST:PORT");
            assertCommandError(
                    prefix,
                    args(command, "--jdbc-url", "jdbc:postgresql://localhost:1/x"),
                    "cannot connect to PostgreSQL at jdbc:postgresql://localhost:1/x");
        }
    }

    @Test
    void publishProfile() throws IOException {
        String prefix = "driftwatch publish-profile";
        Path profile = file("p.json", "{\"format_version\": 1}");
        assertCommandError(
                prefix,
                args("publish-profile", "--file", profile.toString()),
                "--bootstrap-servers");
        assertCommandError(
                prefix,
                args(
                        "publish-profile",
                        "--file",
                        "nope.json",
                        "--bootstrap-servers",
                        "localhost:1"),
                "nope.json: file not found");
        assertCommandError(
                prefix,
                args(
                        "publish-profile",
                        "--file",
                        profile.toString(),
                        "--bootstrap-servers",
                        "localhost:1"),
                "model_name is required");
    }

    /** A dead broker is reported as such, not as a missing topic. */
    @Test
    void produce() throws IOException {
        String prefix = "driftwatch produce";
        Path events = file("e.jsonl", "{\"prediction_id\": \"a\"}\n");
        assertCommandError(
                prefix,
                args(
                        "produce",
                        "--topic",
                        "t",
                        "--file",
                        "nope.jsonl",
                        "--bootstrap-servers",
                        "h:1"),
                "nope.jsonl: file not found");
        assertCommandError(
                prefix,
                args(
                        "produce",
                        "--topic",
                        "",
                        "--file",
                        events.toString(),
                        "--bootstrap-servers",
                        "h:1"),
                "--topic must be a non-empty name");
        assertCommandError(
                prefix,
                args(
                        "produce",
                        "--topic",
                        "t",
                        "--file",
                        events.toString(),
                        "--bootstrap-servers",
                        "localhost:99999"),
                "--bootstrap-servers must be a comma-separated list of HOST:PORT");
        assertCommandError(
                prefix,
                args(
                        "produce",
                        "--topic",
                        "t",
                        "--file",
                        events.toString(),
                        "--bootstrap-servers",
                        "h:1",
                        "--restamp"),
                "--restamp found no record with a timestamp");
        assertCommandError(
                prefix,
                args(
                        "produce",
                        "--topic",
                        "driftwatch.predictions",
                        "--file",
                        events.toString(),
                        "--bootstrap-servers",
                        "localhost:1"),
                "no Kafka broker answers at localhost:1");
    }

    @Test
    void registry() {
        String prefix = "driftwatch registry";
        assertCommandError(
                prefix,
                args("registry", "--port", "99999"),
                "--port must be between 0 and 65535, was 99999");
        assertCommandError(
                prefix,
                args("registry", "--jdbc-url", "mysql://x"),
                "--jdbc-url must be a PostgreSQL JDBC URL");
        assertCommandError(
                prefix,
                args("registry", "--jdbc-user", "u"),
                "--jdbc-user and --jdbc-password need --jdbc-url");
        assertCommandError(
                prefix,
                args("registry", "--bootstrap-servers", "nohost"),
                "--bootstrap-servers must be a comma-separated list of HOST:PORT");
        assertCommandError(
                prefix,
                args("registry", "--jdbc-url", "jdbc:postgresql://localhost:1/x"),
                "cannot connect to PostgreSQL at jdbc:postgresql://localhost:1/x");
    }
}
