package dev.driftwatch.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.jobs.ClusterConfiguration;
import dev.driftwatch.local.JavaProcess;
import dev.driftwatch.local.ListenAddress;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A Flink standalone session cluster on this machine: one JobManager process ({@code
 * StandaloneSessionClusterEntrypoint}) and N TaskManager processes ({@code TaskManagerRunner}),
 * each a JVM started from this program's own classpath with {@code --configDir} of the {@code
 * config.yaml} written here: {@link ClusterConfiguration}'s settings (RocksDB, incremental
 * checkpoints, restart strategy, maximum parallelism) plus the local ones (ports, memory sizes,
 * checkpoint and savepoint directories that every process shares). The memory flags of each JVM are
 * the ones Flink's start scripts compute ({@code BashJavaUtils}), from the same classes.
 *
 * <p>Layout under its home ({@code DIR/flink}): {@code conf/config.yaml}, {@code log/<process>.log}
 * (also what the web UI's log tab shows), {@code uploads/} (jars sent to the REST API), {@code
 * tmp/}. The pid of each process is in {@code DIR/pids}. TaskManager {@code i} has the resource id
 * {@code taskmanager-i}, the id the REST API and the web UI show.
 *
 * <pre>{@code
 * try (FlinkCluster cluster = FlinkCluster.start(options, notices)) {
 *     FlinkRest rest = cluster.rest();
 * }
 * }</pre>
 */
public final class FlinkCluster implements AutoCloseable {
    /** TaskManager slots, each TaskManager: both jobs fit on one at parallelism 1. */
    public static final int SLOTS_PER_TASK_MANAGER = 2;

    /** The memory of each TaskManager process (heap, RocksDB's managed memory, network). */
    public static final String TASK_MANAGER_MEMORY = "1024m";

    /** The memory of the JobManager process. */
    public static final String JOB_MANAGER_MEMORY = "1024m";

    private static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final Duration START_WITHIN = Duration.ofMinutes(3);

    /**
     * The JVM flags Flink's own scripts give every process on Java 17 ({@code
     * env.java.default-opts.all} of Flink's distribution): Flink and Kryo reach into these
     * packages.
     */
    static final List<String> MODULE_FLAGS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /**
     * Where and how to run: the home directory ({@code DIR/flink}), the shared checkpoint and
     * savepoint directories, the pid directory, the port of the web UI and REST API (on 127.0.0.1:
     * it takes jar uploads, so only this machine may reach it), and the number of TaskManagers.
     */
    public record Options(
            Path home,
            Path checkpoints,
            Path savepoints,
            Path pids,
            int restPort,
            int taskManagers) {}

    private final Options options;
    private final Path confDir;
    private final Configuration config;
    private final FlinkRest rest;
    private final JavaProcess jobManager;
    private final Map<String, JavaProcess> taskManagers = new LinkedHashMap<>();
    private int nextTaskManager = 1;

    private FlinkCluster(
            Options options, Path confDir, Configuration config, JavaProcess jobManager) {
        this.options = options;
        this.confDir = confDir;
        this.config = config;
        this.jobManager = jobManager;
        this.rest =
                new FlinkRest(
                        "http://" + ListenAddress.LOOPBACK.bindHost() + ":" + options.restPort());
    }

    /**
     * Writes the configuration, starts the JobManager and the TaskManagers, and returns once the
     * REST API answers with every TaskManager registered.
     */
    public static FlinkCluster start(Options options) throws Exception {
        Path home = options.home().toAbsolutePath();
        Path confDir = writeConfig(options).getParent();
        Files.createDirectories(home.resolve("log"));
        Files.createDirectories(options.checkpoints());
        Files.createDirectories(options.savepoints());
        Configuration config = GlobalConfiguration.loadConfiguration(confDir.toString());

        JobManagerProcessSpec jmSpec = JobManagerProcessUtils.processSpecFromConfig(config);
        List<String> jvm = new ArrayList<>(MODULE_FLAGS);
        jvm.addAll(words(JobManagerProcessUtils.generateJvmParametersStr(jmSpec, config)));
        jvm.add("-Dlog.file=" + home.resolve("log/jobmanager.log"));
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(words(JobManagerProcessUtils.generateDynamicConfigsStr(jmSpec)));
        JavaProcess jm =
                JavaProcess.start(
                        "jobmanager",
                        jvm,
                        JOB_MANAGER_MAIN,
                        args,
                        options.pids(),
                        home.resolve("log/jobmanager.log"));
        FlinkCluster cluster = new FlinkCluster(options, confDir, config, jm);
        try {
            for (int i = 0; i < options.taskManagers(); i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(options.taskManagers());
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The configuration the processes run with: the shared settings and the local ones. */
    static Map<String, String> settings(Options options, Path home) throws IOException {
        String loopback = ListenAddress.LOOPBACK.bindHost();
        Map<String, String> s = new LinkedHashMap<>(ClusterConfiguration.flinkConfiguration());
        s.put(
                "execution.checkpointing.dir",
                options.checkpoints().toAbsolutePath().toUri().toString());
        s.put(
                "execution.checkpointing.savepoint-dir",
                options.savepoints().toAbsolutePath().toUri().toString());
        // Flink's own endpoints on the loopback interface; the web UI and REST API on the address
        s.put("jobmanager.rpc.address", loopback);
        s.put("jobmanager.rpc.port", Integer.toString(freePort()));
        s.put("jobmanager.bind-host", loopback);
        s.put("taskmanager.host", loopback);
        s.put("taskmanager.bind-host", loopback);
        // jobs are submitted as a jar through the REST API (as `flink run` does): whoever reaches
        // it can run code, so it listens on the loopback interface whatever the stack's address
        s.put("rest.port", Integer.toString(options.restPort()));
        s.put("rest.bind-address", loopback);
        s.put("rest.address", loopback);
        s.put("web.submit.enable", "true");
        s.put("web.cancel.enable", "false");
        s.put("web.upload.dir", home.resolve("uploads").toString());
        s.put("io.tmp.dirs", home.resolve("tmp").toString());
        s.put("state.backend.rocksdb.log.dir", home.resolve("log/rocksdb").toString());
        s.put("jobmanager.memory.process.size", JOB_MANAGER_MEMORY);
        s.put("taskmanager.memory.process.size", TASK_MANAGER_MEMORY);
        s.put("taskmanager.memory.jvm-metaspace.size", "192m");
        s.put("taskmanager.memory.jvm-overhead.min", "128m");
        s.put("taskmanager.memory.managed.fraction", "0.2");
        s.put("taskmanager.numberOfTaskSlots", Integer.toString(SLOTS_PER_TASK_MANAGER));
        // a TaskManager that is gone is noticed within seconds: its heartbeat RPCs fail at once
        s.put("heartbeat.interval", "2s");
        s.put("heartbeat.timeout", "30s");
        // a job's main() calling System.exit (a bad option) fails the submission, not the
        // JobManager
        s.put("cluster.intercept-user-system-exit", "THROW");
        // the processes run on this program's classpath, which also holds the Kafka client: the
        // connector (a Flink class, loaded parent-first) and the client must come from one place
        s.put("classloader.parent-first-patterns.additional", "org.apache.kafka.");
        return s;
    }

    /**
     * Writes {@code home/conf/config.yaml}, the configuration every process of the cluster runs
     * with, and creates the directories it names; returns the file.
     */
    public static Path writeConfig(Options options) throws IOException {
        Path home = options.home().toAbsolutePath();
        Path confDir = home.resolve("conf");
        Files.createDirectories(confDir);
        Files.createDirectories(home.resolve("uploads"));
        Files.createDirectories(home.resolve("tmp"));
        Path file = confDir.resolve("config.yaml");
        writeConfig(file, settings(options, home));
        return file;
    }

    /** Writes the settings as Flink's {@code config.yaml} (flat keys, quoted values). */
    private static void writeConfig(Path file, Map<String, String> settings) throws IOException {
        StringBuilder yaml =
                new StringBuilder(
                        "# Written by driftwatch up --task-managers at every start: the"
                                + " configuration of the local Flink cluster.\n");
        settings.forEach(
                (k, v) ->
                        yaml.append(k)
                                .append(": \"")
                                .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                                .append("\"\n"));
        Files.writeString(file, yaml.toString(), StandardCharsets.UTF_8);
    }

    /** Starts one more TaskManager ({@code taskmanager-<n>}); returns its process. */
    public synchronized JavaProcess startTaskManager() throws IOException {
        String id = "taskmanager-" + nextTaskManager++;
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(config);
        List<String> jvm = new ArrayList<>(MODULE_FLAGS);
        jvm.addAll(words(ProcessMemoryUtils.generateJvmParametersStr(spec)));
        Path log = options.home().toAbsolutePath().resolve("log/" + id + ".log");
        jvm.add("-Dlog.file=" + log);
        List<String> args = new ArrayList<>(List.of("--configDir", confDir.toString()));
        args.addAll(words(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        args.addAll(List.of("-D", "taskmanager.resource-id=" + id));
        JavaProcess tm = JavaProcess.start(id, jvm, TASK_MANAGER_MAIN, args, options.pids(), log);
        taskManagers.put(id, tm);
        return tm;
    }

    /** Waits until the REST API answers with {@code count} TaskManagers registered. */
    public void awaitTaskManagers(int count) throws Exception {
        long deadline = System.nanoTime() + START_WITHIN.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException(
                        "the Flink JobManager exited; the end of "
                                + jobManager.log()
                                + ":\n"
                                + jobManager.logTail(20));
            }
            try {
                JsonNode overview = rest.get("/overview");
                last = overview.toString();
                if (overview.path("taskmanagers").asInt() >= count) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.getMessage();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "the Flink cluster at "
                        + rest.baseUrl()
                        + " does not have "
                        + count
                        + " TaskManagers after "
                        + START_WITHIN.toSeconds()
                        + " s: "
                        + last);
    }

    public FlinkRest rest() {
        return rest;
    }

    /** The web UI and REST API (on 127.0.0.1 only: it takes jar uploads). */
    public String webUi() {
        return rest.baseUrl();
    }

    public JavaProcess jobManager() {
        return jobManager;
    }

    /** The TaskManagers started, by resource id, alive or not. */
    public synchronized Map<String, JavaProcess> taskManagers() {
        return new LinkedHashMap<>(taskManagers);
    }

    /** The pids of the TaskManager processes that are alive. */
    public synchronized List<Long> taskManagerPids() {
        return taskManagers.values().stream()
                .filter(JavaProcess::isAlive)
                .map(JavaProcess::pid)
                .toList();
    }

    /** The path of the generated {@code config.yaml}. */
    public Path configFile() {
        return confDir.resolve("config.yaml");
    }

    /** Stops the TaskManagers, then the JobManager (SIGTERM each, SIGKILL after a grace period). */
    @Override
    public synchronized void close() {
        for (JavaProcess tm : taskManagers.values()) {
            try {
                tm.close();
            } catch (IOException ignored) {
                // stopping the others anyway
            }
        }
        try {
            jobManager.close();
        } catch (IOException ignored) {
            // its pid file is removed at the next start
        }
    }

    private static List<String> words(String flags) {
        return Arrays.stream(flags.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
