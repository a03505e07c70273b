package dev.driftwatch.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A client of the REST API of a Flink JobManager, for what {@code flink run} and the Kubernetes
 * operator do with it: upload a jar ({@code POST /jars/upload}), run an entry class of it ({@code
 * POST /jars/ID/run}), read job states and checkpoint statistics, cancel, and stop a job with a
 * savepoint ({@code POST /jobs/ID/stop}).
 *
 * <pre>{@code
 * FlinkRest rest = new FlinkRest("http://127.0.0.1:8081");
 * String jar = rest.uploadJar(Path.of("jobs-jar/target/driftwatch-jobs.jar"));
 * String job = rest.run(jar, "dev.driftwatch.jobs.DriftJobMain", args, 1, Optional.empty());
 * }</pre>
 */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String baseUrl;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client of the REST API at {@code baseUrl} (e.g. {@code http://127.0.0.1:8081}). */
    public FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** {@code GET path}, its JSON answer; an error answer throws with Flink's message. */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** Uploads a jar; returns its id on the JobManager. */
    public String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "driftwatch-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(
                ("--"
                                + boundary
                                + "\r\nContent-Disposition: form-data; name=\"jarfile\";"
                                + " filename=\""
                                + jar.getFileName()
                                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                        .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer =
                send(
                        HttpRequest.newBuilder(uri("/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = answer.path("filename").asText();
        if (file.isEmpty()) {
            throw new IOException("the JobManager did not take the jar " + jar + ": " + answer);
        }
        return Path.of(file).getFileName().toString();
    }

    /**
     * Runs {@code entryClass} of an uploaded jar with {@code args} at {@code parallelism},
     * restoring from {@code savepoint} when given; returns the job id.
     */
    public String run(
            String jarId,
            String entryClass,
            List<String> args,
            int parallelism,
            Optional<String> savepoint)
            throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode();
        request.put("entryClass", entryClass);
        request.set("programArgsList", JSON.valueToTree(args));
        request.put("parallelism", parallelism);
        savepoint.ifPresent(
                s -> {
                    request.put("savepointPath", s);
                    request.put("allowNonRestoredState", false);
                });
        JsonNode answer = post("/jars/" + jarId + "/run", request);
        return answer.path("jobid").asText();
    }

    /** The job's state: CREATED, RUNNING, RESTARTING, FAILED, CANCELED, FINISHED, ... */
    public String state(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** The job is RUNNING and so is every task of it (deployed and initialized). */
    public boolean isRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = get("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            int running = vertex.path("tasks").path("RUNNING").asInt();
            if (running != vertex.path("parallelism").asInt()) {
                return false;
            }
        }
        return true;
    }

    /** Waits until {@link #isRunning}; throws with the job's state after {@code timeout}. */
    public void awaitRunning(String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "unknown";
        while (System.nanoTime() < deadline) {
            try {
                if (isRunning(jobId)) {
                    return;
                }
                state = state(jobId);
                if (state.equals("FAILED") || state.equals("CANCELED")) {
                    break;
                }
            } catch (IOException notYet) {
                state = notYet.getMessage();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(
                "the job " + jobId + " is not running after " + timeout + ": " + state);
    }

    /** {@code GET /jobs/ID/checkpoints}: counts, the latest completed one, its size and time. */
    public JsonNode checkpoints(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId + "/checkpoints");
    }

    /** Cancels the job ({@code PATCH /jobs/ID?mode=cancel}); its retained checkpoints stay. */
    public void cancel(String jobId) throws IOException, InterruptedException {
        send(
                HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                        .method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /**
     * Stops the job with a savepoint in {@code directory} (without draining: windows stay open in
     * the savepoint) and returns the savepoint's path once it is written.
     */
    public String stopWithSavepoint(String jobId, Path directory, Duration timeout)
            throws Exception {
        ObjectNode request = JSON.createObjectNode();
        request.put("targetDirectory", directory.toAbsolutePath().toUri().toString());
        request.put("drain", false);
        String trigger = post("/jobs/" + jobId + "/stop", request).path("request-id").asText();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + trigger);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IllegalStateException(
                            "the savepoint of "
                                    + jobId
                                    + " failed: "
                                    + operation.path("failure-cause").path("class").asText()
                                    + " "
                                    + operation
                                            .path("failure-cause")
                                            .path("stack-trace")
                                            .asText()
                                            .lines()
                                            .findFirst()
                                            .orElse(""));
                }
                return operation.path("location").asText();
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no savepoint of " + jobId + " after " + timeout);
    }

    private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(
                HttpRequest.newBuilder(uri(path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> answer =
                http.send(
                        request.timeout(REQUEST_TIMEOUT).build(),
                        HttpResponse.BodyHandlers.ofString());
        JsonNode body =
                answer.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(answer.body());
        if (answer.statusCode() >= 300) {
            throw new IOException(
                    "Flink REST "
                            + answer.request().method()
                            + " "
                            + answer.request().uri().getPath()
                            + " answered "
                            + answer.statusCode()
                            + ": "
                            + firstLines(body.path("errors")));
        }
        return body;
    }

    /** Flink's error list, each error cut to its first lines (they hold whole stack traces). */
    private static String firstLines(JsonNode errors) {
        StringBuilder out = new StringBuilder();
        for (JsonNode e : errors) {
            e.asText()
                    .lines()
                    .filter(l -> !l.startsWith("\tat ") && !l.isBlank())
                    .limit(12)
                    .forEach(l -> out.append(l).append(" | "));
        }
        return out.toString();
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }
}
