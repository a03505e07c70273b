package dev.driftwatch.registry.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.model.AliasRow;
import dev.driftwatch.registry.model.ModelVersion;
import dev.driftwatch.registry.model.ModelVersionRow;
import dev.driftwatch.registry.model.RegisteredModel;
import dev.driftwatch.registry.model.Tag;
import java.util.List;

/** MLflow's JSON shapes of registered models and model versions. */
final class JsonViews {
    private JsonViews() {}

    static ObjectNode object() {
        return JsonRequest.MAPPER.createObjectNode();
    }

    static ObjectNode registeredModel(RegisteredModel m) {
        ObjectNode n = object();
        n.put("name", m.row().name());
        n.put("creation_timestamp", m.row().creationTimestamp());
        n.put("last_updated_timestamp", m.row().lastUpdatedTimestamp());
        n.put("description", m.row().description());
        ArrayNode latest = n.putArray("latest_versions");
        m.latestVersions().forEach(v -> latest.add(modelVersion(v)));
        tags(n, m.tags());
        ArrayNode aliases = n.putArray("aliases");
        for (AliasRow a : m.aliases()) {
            aliases.addObject().put("alias", a.alias()).put("version", String.valueOf(a.version()));
        }
        return n;
    }

    static ObjectNode modelVersion(ModelVersion v) {
        ModelVersionRow r = v.row();
        ObjectNode n = object();
        n.put("name", r.name());
        n.put("version", String.valueOf(r.version()));
        n.put("creation_timestamp", r.creationTimestamp());
        n.put("last_updated_timestamp", r.lastUpdatedTimestamp());
        n.put("user_id", r.userId());
        n.put("current_stage", "None");
        n.put("description", r.description());
        n.put("source", r.source());
        n.put("run_id", r.runId());
        n.put("status", r.status());
        n.put("status_message", "");
        tags(n, v.tags());
        n.put("run_link", r.runLink());
        ArrayNode aliases = n.putArray("aliases");
        v.aliases().forEach(aliases::add);
        return n;
    }

    private static void tags(ObjectNode n, List<Tag> tags) {
        ArrayNode arr = n.putArray("tags");
        for (Tag t : tags) {
            arr.addObject().put("key", t.key()).put("value", t.value());
        }
    }
}
