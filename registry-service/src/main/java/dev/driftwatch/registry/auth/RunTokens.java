package dev.driftwatch.registry.auth;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The retraining runs' own tokens: one issued for each part of a run when it is launched, given to
 * its trainer (and nobody else), stored as SHA-256 only, valid while the run is active and only for
 * reporting that run (see {@link AccessControl}). They start with {@value #PREFIX}.
 *
 * <pre>{@code
 * String secret = runTokens.issue(7, "training", "rr-7-training");   // DRIFTWATCH_REGISTRY_TOKEN of rr-7-training
 * Optional<RunToken> who = runTokens.authenticate(secret);
 * }</pre>
 */
public final class RunTokens {
    /** Every run token starts with this; person tokens never do. */
    public static final String PREFIX = "dwr_";

    private final Jdbi jdbi;
    private final Clock clock;

    public RunTokens(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * A new token for {@code part} ({@code training} or {@code validation}) of run {@code id},
     * whose training part is backend run {@code trainingRunId} (the {@code run_id} tag of its
     * candidate).
     */
    public String issue(long runId, String part, String trainingRunId) {
        String secret = PREFIX + TokenStore.newSecret().substring(3);
        jdbi.useExtension(
                RunTokenDao.class,
                d ->
                        d.insert(
                                TokenStore.sha256(secret),
                                runId,
                                part,
                                trainingRunId,
                                Instant.now(clock).atOffset(ZoneOffset.UTC)));
        return secret;
    }

    /** The run the token belongs to, while that run is active. */
    public Optional<RunToken> authenticate(String secret) {
        return jdbi.withExtension(RunTokenDao.class, d -> d.byHash(TokenStore.sha256(secret)));
    }
}
