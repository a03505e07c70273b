package dev.driftwatch.registry.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.ingest.formats.DecodeLimits;
import dev.driftwatch.ingest.formats.InputSchema;
import dev.driftwatch.ingest.formats.InputSchemaUpdate;
import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.model.AliasMoveListener;
import dev.driftwatch.registry.model.ModelDao;
import dev.driftwatch.registry.model.NameRules;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models' declared input schemas, and the rule that a model's {@link InputSchemaUpdate} (schema and
 * aliases) is published whenever its schema is set or one of its aliases moves, so the jobs'
 * normalization stage names positional features and finds the version of an endpoint.
 *
 * <pre>{@code
 * InputSchemas schemas = new InputSchemas(jdbi, clock, publisher);
 * schemas.put("fraud", "{\"feature_names\": [\"amount\", \"items\"]}");
 * }</pre>
 */
public final class InputSchemas implements AliasMoveListener {
    private static final Logger LOG = LoggerFactory.getLogger(InputSchemas.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final Clock clock;
    private final InputSchemaPublisher publisher;

    public InputSchemas(Jdbi jdbi, Clock clock, InputSchemaPublisher publisher) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.publisher = publisher;
    }

    /**
     * Validates and stores the schema of a model ({@code {"feature_names": [...],
     * "prediction_output": "..."}}), publishes the model's record; returns that record's JSON.
     */
    public String put(String name, JsonNode body) {
        NameRules.modelName(name);
        InputSchema schema = parse(body);
        String names;
        try {
            names = JSON.writeValueAsString(schema.featureNames());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return jdbi.inTransaction(
                h -> {
                    h.attach(ModelDao.class).lock(name).orElseThrow(() -> modelNotFound(name));
                    h.attach(InputSchemaDao.class)
                            .upsert(name, names, schema.predictionOutput(), clock.millis());
                    return publish(h, name);
                });
    }

    /** The record the jobs get for the model: its schema (empty when none) and its aliases. */
    public String get(String name) {
        NameRules.modelName(name);
        return jdbi.withHandle(
                h -> {
                    h.attach(ModelDao.class).find(name).orElseThrow(() -> modelNotFound(name));
                    return new String(update(h, name).toJson(), StandardCharsets.UTF_8);
                });
    }

    @Override
    public void aliasMoved(Handle handle, String name, String alias, int version) {
        publish(handle, name);
    }

    private String publish(Handle h, String name) {
        byte[] record = update(h, name).toJson();
        try {
            publisher.publish(name, record);
            LOG.info("published the input schema and aliases of {}", name);
        } catch (RuntimeException e) {
            throw new RegistryException(
                    ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "Could not publish the input schema and aliases of "
                            + name
                            + ", nothing was changed: "
                            + e.getMessage());
        }
        return new String(record, StandardCharsets.UTF_8);
    }

    private static InputSchemaUpdate update(Handle h, String name) {
        InputSchemaDao dao = h.attach(InputSchemaDao.class);
        InputSchema schema =
                dao.find(name)
                        .map(r -> InputSchema.of(names(r.featureNames()), r.predictionOutput()))
                        .orElse(InputSchema.NONE);
        Map<String, String> aliases = new TreeMap<>();
        for (InputSchemaDao.Alias a : dao.aliases(name)) {
            aliases.put(a.alias(), String.valueOf(a.version()));
        }
        return new InputSchemaUpdate(name, schema, aliases);
    }

    private static List<String> names(String json) {
        try {
            List<String> out = new ArrayList<>();
            for (JsonNode n : JSON.readTree(json)) {
                out.add(n.asText());
            }
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored feature names are not JSON", e);
        }
    }

    private static InputSchema parse(JsonNode body) {
        if (!body.isObject()) {
            throw RegistryException.invalid("request body must be a JSON object");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("feature_names") && !f.equals("prediction_output")) {
                throw RegistryException.invalid(
                        "unknown field; an input schema has only feature_names and"
                                + " prediction_output");
            }
        }
        JsonNode features = body.get("feature_names");
        if (features == null || !features.isArray()) {
            throw RegistryException.invalid("feature_names must be an array of strings");
        }
        List<String> names = new ArrayList<>();
        if (features.size() > DecodeLimits.DEFAULTS.maxColumns()) {
            throw RegistryException.invalid(
                    "more than " + DecodeLimits.DEFAULTS.maxColumns() + " feature names");
        }
        for (JsonNode n : features) {
            if (!n.isTextual()) {
                throw RegistryException.invalid("feature_names must be an array of strings");
            }
            names.add(n.asText());
        }
        JsonNode output = body.get("prediction_output");
        if (output != null && !output.isNull() && !output.isTextual()) {
            throw RegistryException.invalid("prediction_output must be a string or null");
        }
        try {
            return InputSchema.of(
                    names, output == null || output.isNull() ? null : output.asText());
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalid("Invalid input schema: " + e.getMessage());
        }
    }

    private static RegistryException modelNotFound(String name) {
        return RegistryException.notFound("Registered Model with name=" + name + " not found");
    }
}
