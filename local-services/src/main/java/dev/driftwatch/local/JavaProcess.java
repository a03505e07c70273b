package dev.driftwatch.local;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A JVM this program started as a separate process ({@code java -cp <this program's classpath>
 * MainClass args}), its output appended to a log file and its process id recorded in a pid file
 * under a directory of pid files, so that a later start can stop what a killed run left running:
 * {@link #stopLeftRunning} stops each recorded process by its pid when it is still the same process
 * (same start instant), never by name.
 *
 * <pre>{@code
 * JavaProcess jm = JavaProcess.start("jobmanager", List.of("-Xmx512m"),
 *         "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
 *         List.of("--configDir", conf.toString()), pids, logs.resolve("jobmanager.log"));
 * jm.close(); // SIGTERM, then SIGKILL after the grace period
 * }</pre>
 */
public final class JavaProcess implements AutoCloseable {
    /** How long a stopped process may take to exit before it is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path pidFile;
    private final Path log;

    private JavaProcess(String name, Process process, Path pidFile, Path log) {
        this.name = name;
        this.process = process;
        this.pidFile = pidFile;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} in a new JVM on this JVM's classpath, with {@code jvmOptions} before
     * the class and {@code args} after it; output goes to {@code log} (appended), the pid to {@code
     * pidDir/<name>.pid}.
     */
    public static JavaProcess start(
            String name,
            List<String> jvmOptions,
            String mainClass,
            List<String> args,
            Path pidDir,
            Path log)
            throws IOException {
        Files.createDirectories(pidDir);
        Files.createDirectories(log.toAbsolutePath().getParent());
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                        .start();
        Path pidFile = pidDir.resolve(name + ".pid");
        String started = process.info().startInstant().map(Instant::toString).orElse("unknown");
        Files.writeString(pidFile, process.pid() + " " + started + "\n", StandardCharsets.UTF_8);
        return new JavaProcess(name, process, pidFile, log);
    }

    /**
     * Stops every process recorded in {@code pidDir} that is still alive and is still the process
     * that was recorded (its start instant matches: a pid reused by an unrelated process is left
     * alone), and deletes the pid files. {@code notices} gets one line per process stopped.
     */
    public static void stopLeftRunning(Path pidDir, Consumer<String> notices) throws IOException {
        if (!Files.isDirectory(pidDir)) {
            return;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(pidDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".pid")).toList();
        }
        for (Path file : files) {
            recorded(file)
                    .ifPresent(
                            handle -> {
                                notices.accept(
                                        "stopping "
                                                + file.getFileName().toString().replace(".pid", "")
                                                + " (pid "
                                                + handle.pid()
                                                + ") left running by an earlier run in "
                                                + pidDir.getParent());
                                stop(handle);
                            });
            Files.deleteIfExists(file);
        }
    }

    /** The live process a pid file names, when it is still the one recorded there. */
    static Optional<ProcessHandle> recorded(Path pidFile) {
        String[] parts;
        try {
            parts = Files.readString(pidFile, StandardCharsets.UTF_8).strip().split(" ");
        } catch (IOException e) {
            return Optional.empty();
        }
        if (parts.length != 2) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(
                        h ->
                                h.info()
                                        .startInstant()
                                        .map(Instant::toString)
                                        .orElse("unknown")
                                        .equals(parts[1]));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The last {@code lines} lines of the process's log, for an error message. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would; the pid file stays. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** Stops the process: SIGTERM, then SIGKILL after {@link #STOP_GRACE}; deletes its pid file. */
    @Override
    public void close() throws IOException {
        stop(process.toHandle());
        Files.deleteIfExists(pidFile);
    }

    private static void stop(ProcessHandle handle) {
        handle.destroy();
        try {
            handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception notInTime) {
            handle.destroyForcibly();
            try {
                handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                // the operating system reaps it
            }
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(
                        System.getProperty("java.home")
                                + File.separator
                                + "bin"
                                + File.separator
                                + "java");
    }

    private static File nullFile() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
