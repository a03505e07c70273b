package dev.driftwatch.cli.local;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.local.PrivateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the parts of a running local stack answer, as written to {@code DIR/endpoints.json} (it
 * holds the admin and ingest tokens and the database password, so the file is readable by its owner
 * only). {@code flink_task_manager_pids} is there in cluster mode only ({@code up
 * --task-managers}): the process ids of the TaskManagers.
 */
public record Endpoints(
        @JsonProperty("kafka_bootstrap_servers") String kafkaBootstrapServers,
        @JsonProperty("jdbc_url") String jdbcUrl,
        @JsonProperty("jdbc_user") String jdbcUser,
        @JsonProperty("jdbc_password") String jdbcPassword,
        @JsonProperty("flink_web_ui") String flinkWebUi,
        @JsonProperty("registry_url") String registryUrl,
        @JsonProperty("admin_token") String adminToken,
        @JsonProperty("ingest_url") String ingestUrl,
        @JsonProperty("ingest_token") String ingestToken,
        @JsonProperty("flink_task_manager_pids") @JsonInclude(JsonInclude.Include.NON_NULL)
                List<Long> flinkTaskManagerPids) {
    /** The file name in the data directory. */
    public static final String FILE = "endpoints.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Writes {@code dir/endpoints.json}, owner-only, replacing an older one atomically. */
    public Path writeTo(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        PrivateFiles.write(
                file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n");
        return file;
    }

    /** Reads {@code dir/endpoints.json}. */
    public static Endpoints readFrom(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(FILE).toFile(), Endpoints.class);
    }
}
