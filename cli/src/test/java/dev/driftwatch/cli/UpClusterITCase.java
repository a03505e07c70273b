package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.cli.local.ClusterJobs;
import dev.driftwatch.cli.local.Endpoints;
import dev.driftwatch.cli.local.FlinkCluster;
import dev.driftwatch.cli.local.FlinkRest;
import dev.driftwatch.cli.local.LocalStack;
import dev.driftwatch.local.JavaProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --task-managers 2}, the cluster mode: Kafka as a broker process, a Flink standalone
 * session cluster of a JobManager and two TaskManager processes, the drift and performance jobs
 * submitted as the thin job jar. With traffic flowing and windows open, a TaskManager running the
 * drift job is killed with {@code kill -9}; the jobs restart from their latest checkpoint on the
 * TaskManager left. Then both jobs are stopped with a savepoint at parallelism 1 and restarted from
 * it at parallelism 2, with windows open, alerts firing and labels waiting for their predictions.
 * The drift rows, performance rows, alerts and dead letters at the end equal those of a
 * failure-free run of the same traffic in the single-process default of {@code up}, and the alerts
 * topic holds no record twice.
 *
 * <p>Short form (CI): one TaskManager killed. Full form ({@code -Ddriftwatch.cluster.full=true}): a
 * TaskManager killed three times (a new one started after each), the Kafka broker process restarted
 * once and PostgreSQL restarted once. Prints the figures as lines starting {@code cluster
 * failover:}.
 */
class UpClusterITCase {
    private static final boolean FULL = Boolean.getBoolean("driftwatch.cluster.full");
    private static final String LABELS = "driftwatch.labels";

    @TempDir Path dir;

    /** A fault applied between two slices of the traffic. */
    private enum Fault {
        KILL_TASK_MANAGER,
        RESTART_KAFKA,
        RESTART_POSTGRES,
        RESCALE_TO_2
    }

    @Test
    void killedTaskManagersAndARescaleEndAsAFailureFreeRun() throws Exception {
        List<String> predictions = StackTraffic.traffic();
        List<String> labels = Files.readAllLines(DocSteps.ROOT.resolve("examples/labels.jsonl"));
        List<Fault> faults =
                FULL
                        ? List.of(
                                Fault.KILL_TASK_MANAGER,
                                Fault.RESTART_KAFKA,
                                Fault.KILL_TASK_MANAGER,
                                Fault.RESTART_POSTGRES,
                                Fault.RESCALE_TO_2,
                                Fault.KILL_TASK_MANAGER)
                        : List.of(Fault.KILL_TASK_MANAGER, Fault.RESCALE_TO_2);
        int slices = faults.size() + 1;

        // the failure-free run (the single-process default of up) runs meanwhile, in its own
        // directory: it needs the cluster run for nothing until the comparison
        ExecutorService background = Executors.newSingleThreadExecutor();
        Future<FailureFree> failureFree =
                background.submit(() -> failureFree(predictions, labels, slices));
        background.shutdown();

        StringWriter log = new StringWriter();
        List<String> figures = new ArrayList<>();
        long expectedAlertRecords;
        StackTraffic.Outcome outcome;
        long startedAt = System.nanoTime();
        try (LocalStack stack =
                StackTraffic.startInProcess(
                        dir.resolve("cluster"),
                        List.of("--task-managers", "2"),
                        new PrintWriter(log, true))) {
            figures.add(
                    "up --task-managers 2 started (Kafka process, PostgreSQL, registry,"
                            + " JobManager, 2 TaskManagers, both jobs RUNNING) in "
                            + StackTraffic.millisSince(startedAt)
                            + " ms");
            Endpoints e = stack.endpoints();
            FlinkCluster cluster = stack.flinkCluster();
            FlinkRest rest = cluster.rest();
            ClusterJobs jobs = stack.clusterJobs();
            assertThat(Endpoints.readFrom(dir.resolve("cluster")).flinkTaskManagerPids())
                    .hasSize(2)
                    .allMatch(
                            pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertThat(e.flinkWebUi()).isEqualTo(rest.baseUrl());
            assertWebUiShowsBothJobsOnTheTaskManagers(rest, jobs, 2);

            StackTraffic.publishProfile(dir, e);
            for (int i = 0; i <= slices; i++) {
                send(e, predictions, labels, i, slices);
                if (i >= faults.size()) {
                    continue;
                }
                StackTraffic.awaitCheckpointed(e, (long) predictions.size() * (i + 1) / slices);
                figures.add(apply(faults.get(i), stack));
            }
            FailureFree reference = failureFree.get();
            StackTraffic.Outcome expected = reference.outcome();
            expectedAlertRecords = reference.alertRecords();
            assertThat(expected.drift()).hasSizeGreaterThan(10);
            assertThat(expected.alerts()).isNotEmpty();
            assertThat(expected.deadLetters()).hasSize(2);
            assertThat(expected.performance()).isNotEmpty();
            outcome = expected;
            Endpoints last = e;
            await("the cluster run's rows, alerts and dead letters equal the failure-free run's")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(
                            () ->
                                    StackTraffic.assertSameOutcome(
                                            StackTraffic.outcome(last), expected, 1e-12));
            List<String> alertRecords = StackTraffic.committedRecords(e, StackTraffic.ALERTS);
            assertThat(alertRecords)
                    .as("alert records on Kafka")
                    .hasSize((int) expectedAlertRecords);
            assertThat(new HashSet<>(alertRecords))
                    .as("no alert record twice")
                    .hasSize(alertRecords.size());
            assertWebUiShowsBothJobsOnTheTaskManagers(rest, jobs, cluster.taskManagerPids().size());
            for (String job : jobs.jobIds()) {
                figures.add(checkpointFigures(rest, job));
            }
        } catch (AssertionError | Exception failed) {
            System.out.println("cluster failover: the stack's output:\n" + log);
            throw failed;
        }
        StackTraffic.Outcome expected = outcome;
        for (String f : figures) {
            System.out.println("cluster failover: " + f);
        }
        System.out.printf(
                "cluster failover: compared %d drift rows, %d performance rows, %d alerts (%d alert"
                        + " records on Kafka, none twice), %d dead letters: equal (events lost 0:"
                        + " every window's sample_count equal; duplicate alerts 0; duplicate dead"
                        + " letters 0)%n",
                expected.drift().size(),
                expected.performance().size(),
                expected.alerts().size(),
                expectedAlertRecords,
                expected.deadLetters().size());
    }

    /** What the failure-free run left, and its number of alert records on Kafka. */
    private record FailureFree(StackTraffic.Outcome outcome, long alertRecords) {}

    private FailureFree failureFree(List<String> predictions, List<String> labels, int slices)
            throws Exception {
        try (LocalStack reference =
                StackTraffic.startInProcess(
                        dir.resolve("failure-free"),
                        List.of(),
                        new PrintWriter(new StringWriter(), true))) {
            Endpoints e = reference.endpoints();
            StackTraffic.publishProfile(dir, e);
            for (int i = 0; i <= slices; i++) {
                send(e, predictions, labels, i, slices);
            }
            StackTraffic.awaitComplete(e, predictions.size(), 2);
            awaitLabelsCheckpointed(e, labels.size());
            return new FailureFree(
                    StackTraffic.outcome(e),
                    StackTraffic.committedRecords(e, StackTraffic.ALERTS).size());
        }
    }

    /** Applies a fault and waits until both jobs run again; returns what it measured. */
    private static String apply(Fault fault, LocalStack stack) throws Exception {
        FlinkCluster cluster = stack.flinkCluster();
        FlinkRest rest = cluster.rest();
        ClusterJobs jobs = stack.clusterJobs();
        switch (fault) {
            case KILL_TASK_MANAGER -> {
                String driftJob = jobs.jobId(ClusterJobs.Kind.DRIFT);
                String victim = taskManagersOf(rest, driftJob).iterator().next();
                JavaProcess tm = cluster.taskManagers().get(victim);
                Map<String, Long> restoredBefore = restoreTimes(rest, jobs);
                long killed = System.nanoTime();
                tm.kill(); // SIGKILL, as kill -9 PID
                // a new TaskManager takes its place at once, as a supervisor would start one
                cluster.startTaskManager();
                await("the jobs restored and running after the kill of " + victim)
                        .atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(
                                () ->
                                        restoreTimes(rest, jobs).get(driftJob)
                                                        > restoredBefore.get(driftJob)
                                                && allRunning(rest, jobs));
                long toRunning = StackTraffic.millisSince(killed);
                cluster.awaitTaskManagers(2);
                stack.rewriteEndpoints();
                return "kill -9 of "
                        + victim
                        + " (pid "
                        + tm.pid()
                        + ", running the drift job) until both jobs were RUNNING again: "
                        + toRunning
                        + " ms";
            }
            case RESTART_KAFKA -> {
                long started = System.nanoTime();
                stack.kafkaProcess().restart();
                long restarted = StackTraffic.millisSince(started);
                jobs.awaitRunning();
                return "Kafka broker process restarted (SIGTERM, start, answering) in "
                        + restarted
                        + " ms; both jobs RUNNING "
                        + StackTraffic.millisSince(started)
                        + " ms after the stop";
            }
            case RESTART_POSTGRES -> {
                long started = System.nanoTime();
                stack.postgres().restart();
                long restarted = StackTraffic.millisSince(started);
                jobs.awaitRunning();
                return "PostgreSQL restarted (fast shutdown, start) in "
                        + restarted
                        + " ms; both jobs RUNNING "
                        + StackTraffic.millisSince(started)
                        + " ms after the stop";
            }
            case RESCALE_TO_2 -> {
                long started = System.nanoTime();
                Map<ClusterJobs.Kind, String> savepoints =
                        jobs.rescale(2, stack.dataDir().resolve(LocalStack.SAVEPOINTS));
                long took = StackTraffic.millisSince(started);
                for (String job : jobs.jobIds()) {
                    JsonNode j = rest.get("/jobs/" + job);
                    for (JsonNode v : j.path("vertices")) {
                        assertThat(v.path("parallelism").asInt())
                                .as(v.path("name").asText())
                                .isEqualTo(2);
                    }
                }
                return "stop with savepoint at parallelism 1 and run from it at parallelism 2: "
                        + took
                        + " ms ("
                        + savepoints.values()
                        + ")";
            }
            default -> throw new IllegalArgumentException(fault.toString());
        }
    }

    /**
     * What the web UI shows: both jobs RUNNING under their names, and the TaskManagers registered,
     * every task of the jobs on one of them.
     */
    private static void assertWebUiShowsBothJobsOnTheTaskManagers(
            FlinkRest rest, ClusterJobs jobs, int taskManagers) throws Exception {
        Map<String, String> running = new LinkedHashMap<>();
        for (JsonNode j : rest.get("/jobs/overview").path("jobs")) {
            if (j.path("state").asText().equals("RUNNING")) {
                running.put(j.path("jid").asText(), j.path("name").asText());
            }
        }
        assertThat(running)
                .containsEntry(jobs.jobId(ClusterJobs.Kind.DRIFT), "driftwatch-drift-job")
                .containsEntry(
                        jobs.jobId(ClusterJobs.Kind.PERFORMANCE), "driftwatch-performance-job");
        Set<String> registered = new HashSet<>();
        for (JsonNode tm : rest.get("/taskmanagers").path("taskmanagers")) {
            registered.add(tm.path("id").asText());
        }
        assertThat(registered).hasSize(taskManagers);
        for (String job : jobs.jobIds()) {
            assertThat(registered).containsAll(taskManagersOf(rest, job));
        }
    }

    /** The TaskManagers (resource ids) that run a task of the job. */
    private static Set<String> taskManagersOf(FlinkRest rest, String job) throws Exception {
        Set<String> ids = new java.util.LinkedHashSet<>();
        for (JsonNode v : rest.get("/jobs/" + job).path("vertices")) {
            JsonNode tms =
                    rest.get(
                            "/jobs/"
                                    + job
                                    + "/vertices/"
                                    + v.path("id").asText()
                                    + "/taskmanagers");
            for (JsonNode tm : tms.path("taskmanagers")) {
                ids.add(tm.path("taskmanager-id").asText());
            }
        }
        return ids;
    }

    /** When each job last restored from a checkpoint (0: never), by job id. */
    private static Map<String, Long> restoreTimes(FlinkRest rest, ClusterJobs jobs)
            throws Exception {
        Map<String, Long> times = new LinkedHashMap<>();
        for (String job : jobs.jobIds()) {
            times.put(
                    job,
                    rest.checkpoints(job)
                            .path("latest")
                            .path("restored")
                            .path("restore_timestamp")
                            .asLong(0));
        }
        return times;
    }

    private static boolean allRunning(FlinkRest rest, ClusterJobs jobs) throws Exception {
        for (String job : jobs.jobIds()) {
            if (!rest.isRunning(job)) {
                return false;
            }
        }
        return true;
    }

    /** The checkpoint figures of a job: count, the latest one's size and duration, the maxima. */
    private static String checkpointFigures(FlinkRest rest, String job) throws Exception {
        JsonNode c = rest.checkpoints(job);
        JsonNode latest = c.path("latest").path("completed");
        JsonNode summary = c.path("summary");
        return String.format(
                "job %s: %d checkpoints completed; latest: %d bytes checkpointed (state %d bytes),"
                        + " %d ms end to end; max %d bytes, %d ms",
                rest.get("/jobs/" + job).path("name").asText(),
                c.path("counts").path("completed").asLong(),
                latest.path("checkpointed_size").asLong(),
                latest.path("state_size").asLong(),
                latest.path("end_to_end_duration").asLong(),
                summary.path("checkpointed_size").path("max").asLong(),
                summary.path("end_to_end_duration").path("max").asLong());
    }

    /**
     * Waits until the performance job has checkpointed past every label: its rows of them are
     * written (its sink writes at each checkpoint).
     */
    private static void awaitLabelsCheckpointed(Endpoints e, long labels) {
        await("a checkpoint past " + labels + " labels")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> StackTraffic.minCommitted(e, LABELS) >= labels);
    }

    /**
     * Sends slice {@code i} of the predictions and slice {@code i - 1} of their labels: the labels
     * trail by a slice, so predictions wait for their labels across each fault (pending joins in
     * the performance job's state). Slice {@code slices} is the last slice's labels alone.
     */
    private static void send(
            Endpoints e, List<String> predictions, List<String> labels, int i, int slices)
            throws Exception {
        if (i < slices) {
            StackTraffic.send(e, slice(predictions, i, slices));
        }
        if (i > 0) {
            StackTraffic.send(e, LABELS, slice(labels, i - 1, slices));
        }
    }

    private static List<String> slice(List<String> all, int i, int slices) {
        return all.subList(all.size() * i / slices, all.size() * (i + 1) / slices);
    }
}
