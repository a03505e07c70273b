package dev.driftwatch.registry.auth;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code run_tokens} (hashes only). */
@RegisterConstructorMapper(RunToken.class)
public interface RunTokenDao {
    @SqlUpdate(
            """
            INSERT INTO run_tokens (token_sha256, run_id, part, training_run_id, created_at)
            VALUES (:hash, :runId, :part, :trainingRunId, :now)
            """)
    void insert(String hash, long runId, String part, String trainingRunId, OffsetDateTime now);

    /** The token's run, while the run is active (a final run's tokens are expired). */
    @SqlQuery(
            """
            SELECT t.run_id, t.part, r.model_name, t.training_run_id
            FROM run_tokens t JOIN retrain_runs r ON r.id = t.run_id
            WHERE t.token_sha256 = :hash
              AND r.state NOT IN ('rejected', 'promoted', 'failed', 'cancelled')
            """)
    Optional<RunToken> byHash(String hash);

    /** Expires the run's tokens (it ended). */
    @SqlUpdate("DELETE FROM run_tokens WHERE run_id = :runId")
    int deleteOfRun(long runId);
}
