package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.model.ModelRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The models' retrain policies: stored as they were given (after {@link RetrainPolicy#parse}
 * accepted them and their template choices fit the {@link TrainingTemplates}), one per model.
 *
 * <pre>{@code
 * policies.put("fraud", body);
 * Optional<RetrainPolicy> p = policies.find("fraud");
 * }</pre>
 */
public final class RetrainPolicies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final Clock clock;
    private final ModelRegistry registry;
    private final TrainingTemplates templates;

    RetrainPolicies(Jdbi jdbi, Clock clock, ModelRegistry registry, TrainingTemplates templates) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.registry = registry;
        this.templates = templates;
    }

    /**
     * Checks and stores the model's policy (the model must exist; the templates it names must exist
     * and declare the parameters it sets).
     */
    public RetrainPolicy put(String model, JsonNode spec) {
        RetrainPolicy policy = RetrainPolicy.parse(spec);
        registry.getModel(model);
        templates.resolve(policy);
        jdbi.useExtension(
                RetrainDao.class,
                d ->
                        d.upsertPolicy(
                                model,
                                spec.toString(),
                                Instant.now(clock).atOffset(ZoneOffset.UTC)));
        return policy;
    }

    /** The policy as it was given. */
    public JsonNode json(String model) {
        registry.getModel(model);
        return read(
                jdbi.withExtension(RetrainDao.class, d -> d.policy(model))
                        .orElseThrow(() -> noPolicy(model)));
    }

    public void delete(String model) {
        if (jdbi.withExtension(RetrainDao.class, d -> d.deletePolicy(model)) == 0) {
            throw noPolicy(model);
        }
    }

    /** The model's policy, or empty when it has none. */
    public Optional<RetrainPolicy> find(String model) {
        return jdbi.withExtension(RetrainDao.class, d -> d.policy(model))
                .map(s -> RetrainPolicy.parse(read(s)));
    }

    /** The model's policy with its row locked in {@code h}'s transaction (serialises requests). */
    static Optional<RetrainPolicy> lock(Handle h, String model) {
        return h.attach(RetrainDao.class).lockPolicy(model).map(s -> RetrainPolicy.parse(read(s)));
    }

    private static RegistryException noPolicy(String model) {
        return RegistryException.notFound("No retrain policy for model " + model + ".");
    }

    /** Reads JSON this registry stored itself. */
    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }
}
