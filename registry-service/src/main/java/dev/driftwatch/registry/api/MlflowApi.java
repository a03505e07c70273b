package dev.driftwatch.registry.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.Caller;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.auth.RunToken;
import dev.driftwatch.registry.model.ModelRegistry;
import dev.driftwatch.registry.model.ModelVersion;
import dev.driftwatch.registry.model.Page;
import dev.driftwatch.registry.model.RegisteredModel;
import dev.driftwatch.registry.model.Tag;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * MLflow's Model Registry REST API under {@code /api/2.0/mlflow/}: registered models, model
 * versions, tags and aliases. Handlers only translate HTTP to {@link ModelRegistry} calls. A
 * retraining run's own token may read its model ({@code registered-models/get}, {@code
 * model-versions/get}, {@code get-by-alias}, {@code get-latest-versions}) and, from its training
 * part, create the candidate version, tagged {@code run_id} = its training run's id; nothing else.
 */
public final class MlflowApi {
    private static final String RM = "/api/2.0/mlflow/registered-models/";
    private static final String MV = "/api/2.0/mlflow/model-versions/";

    private final ModelRegistry registry;
    private final AccessControl access;
    private final int maxBodyBytes;

    public MlflowApi(ModelRegistry registry, AccessControl access, int maxBodyBytes) {
        this.registry = registry;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(RoutesConfig routes) {
        routes.post(RM + "create", ctx -> createModel(ctx));
        routes.get(RM + "get", ctx -> getModel(ctx));
        routes.get(RM + "search", ctx -> searchModels(ctx));
        routes.post(RM + "search", ctx -> searchModels(ctx));
        routes.patch(RM + "update", ctx -> updateModel(ctx));
        routes.delete(RM + "delete", ctx -> deleteModel(ctx));
        routes.post(RM + "set-tag", ctx -> setModelTag(ctx));
        routes.delete(RM + "delete-tag", ctx -> deleteModelTag(ctx));
        routes.post(RM + "alias", ctx -> setAlias(ctx));
        routes.delete(RM + "alias", ctx -> deleteAlias(ctx));
        routes.get(RM + "alias", ctx -> getByAlias(ctx));
        routes.post(RM + "get-latest-versions", ctx -> latestVersions(ctx));
        routes.get(RM + "get-latest-versions", ctx -> latestVersions(ctx));

        routes.post(MV + "create", ctx -> createVersion(ctx));
        routes.get(MV + "get", ctx -> getVersion(ctx));
        routes.get(MV + "search", ctx -> searchVersions(ctx));
        routes.post(MV + "search", ctx -> searchVersions(ctx));
        routes.patch(MV + "update", ctx -> updateVersion(ctx));
        routes.delete(MV + "delete", ctx -> deleteVersion(ctx));
        routes.post(MV + "set-tag", ctx -> setVersionTag(ctx));
        routes.delete(MV + "delete-tag", ctx -> deleteVersionTag(ctx));
        routes.get(MV + "get-by-alias", ctx -> getByAlias(ctx));
    }

    private JsonRequest read(Context ctx, Role role) {
        access.require(ctx, role);
        return JsonRequest.of(ctx, maxBodyBytes);
    }

    private void createModel(Context ctx) {
        JsonRequest r = read(ctx, Role.OPERATOR);
        RegisteredModel m =
                registry.createModel(r.string("name"), r.optionalString("description"), r.tags());
        answer(ctx, "registered_model", JsonViews.registeredModel(m));
    }

    /** A read of one model: a person's token, or the token of a run of that model. */
    private JsonRequest readModel(Context ctx) {
        Caller caller = access.authenticate(ctx);
        JsonRequest r = JsonRequest.of(ctx, maxBodyBytes);
        AccessControl.requireReaderOf(caller, r.string("name"));
        return r;
    }

    private void getModel(Context ctx) {
        JsonRequest r = readModel(ctx);
        answer(
                ctx,
                "registered_model",
                JsonViews.registeredModel(registry.getModel(r.string("name"))));
    }

    private void searchModels(Context ctx) {
        JsonRequest r = read(ctx, Role.READER);
        Page<RegisteredModel> page =
                registry.searchModels(
                        r.optionalString("filter"),
                        r.optionalInt("max_results"),
                        r.strings("order_by"),
                        r.optionalString("page_token"));
        ObjectNode out = JsonViews.object();
        ArrayNode items = out.putArray("registered_models");
        page.items().forEach(m -> items.add(JsonViews.registeredModel(m)));
        if (!page.nextPageToken().isEmpty()) {
            out.put("next_page_token", page.nextPageToken());
        }
        Responses.json(ctx, 200, out);
    }

    private void updateModel(Context ctx) {
        JsonRequest r = read(ctx, Role.OPERATOR);
        RegisteredModel m = registry.updateModel(r.string("name"), r.optionalString("description"));
        answer(ctx, "registered_model", JsonViews.registeredModel(m));
    }

    private void deleteModel(Context ctx) {
        JsonRequest r = read(ctx, Role.APPROVER);
        registry.deleteModel(r.string("name"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void setModelTag(Context ctx) {
        JsonRequest r = read(ctx, Role.OPERATOR);
        registry.setModelTag(r.string("name"), r.string("key"), r.string("value"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void deleteModelTag(Context ctx) {
        JsonRequest r = read(ctx, Role.OPERATOR);
        registry.deleteModelTag(r.string("name"), r.string("key"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void setAlias(Context ctx) {
        JsonRequest r = read(ctx, Role.APPROVER);
        registry.setAlias(r.string("name"), r.string("alias"), r.string("version"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void deleteAlias(Context ctx) {
        JsonRequest r = read(ctx, Role.APPROVER);
        registry.deleteAlias(r.string("name"), r.string("alias"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void getByAlias(Context ctx) {
        JsonRequest r = readModel(ctx);
        ModelVersion v = registry.getByAlias(r.string("name"), r.string("alias"));
        answer(ctx, "model_version", JsonViews.modelVersion(v));
    }

    private void latestVersions(Context ctx) {
        JsonRequest r = readModel(ctx);
        ObjectNode out = JsonViews.object();
        ArrayNode items = out.putArray("model_versions");
        registry.latestVersions(r.string("name"))
                .forEach(v -> items.add(JsonViews.modelVersion(v)));
        Responses.json(ctx, 200, out);
    }

    private void createVersion(Context ctx) {
        Caller caller = access.authenticate(ctx);
        if (caller instanceof Caller.Person) {
            AccessControl.requireRole(caller, Role.OPERATOR);
        }
        JsonRequest r = JsonRequest.of(ctx, maxBodyBytes);
        List<Tag> tags = r.tags();
        if (caller instanceof Caller.Run run) {
            requireCandidateOf(run.token(), r.string("name"), tags);
        }
        ModelVersion v =
                registry.createVersion(
                        r.string("name"),
                        r.optionalString("source"),
                        r.optionalString("run_id"),
                        r.optionalString("run_link"),
                        r.optionalString("description"),
                        tags,
                        caller.displayName());
        answer(ctx, "model_version", JsonViews.modelVersion(v));
    }

    private void getVersion(Context ctx) {
        JsonRequest r = readModel(ctx);
        answer(
                ctx,
                "model_version",
                JsonViews.modelVersion(registry.getVersion(r.string("name"), r.string("version"))));
    }

    private void searchVersions(Context ctx) {
        JsonRequest r = read(ctx, Role.READER);
        Page<ModelVersion> page =
                registry.searchVersions(
                        r.optionalString("filter"),
                        r.optionalInt("max_results"),
                        r.strings("order_by"),
                        r.optionalString("page_token"));
        ObjectNode out = JsonViews.object();
        ArrayNode items = out.putArray("model_versions");
        page.items().forEach(v -> items.add(JsonViews.modelVersion(v)));
        if (!page.nextPageToken().isEmpty()) {
            out.put("next_page_token", page.nextPageToken());
        }
        Responses.json(ctx, 200, out);
    }

    private void updateVersion(Context ctx) {
        JsonRequest r = read(ctx, Role.OPERATOR);
        ModelVersion v =
                registry.updateVersion(
                        r.string("name"), r.string("version"), r.optionalString("description"));
        answer(ctx, "model_version", JsonViews.modelVersion(v));
    }

    private void deleteVersion(Context ctx) {
        JsonRequest r = read(ctx, Role.APPROVER);
        registry.deleteVersion(r.string("name"), r.string("version"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void setVersionTag(Context ctx) {
        JsonRequest r = read(ctx, Role.OPERATOR);
        registry.setVersionTag(
                r.string("name"), r.string("version"), r.string("key"), r.string("value"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void deleteVersionTag(Context ctx) {
        JsonRequest r = read(ctx, Role.OPERATOR);
        registry.deleteVersionTag(r.string("name"), r.string("version"), r.string("key"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    /**
     * A run's token creates a version only from its training part, of its model, tagged {@code
     * run_id} = its training run's id (the tag that makes the version the run's candidate).
     */
    static void requireCandidateOf(RunToken run, String model, List<Tag> tags) {
        String runIdTag =
                tags.stream()
                        .filter(t -> t.key().equals("run_id"))
                        .map(Tag::value)
                        .findFirst()
                        .orElse(null);
        if (!run.part().equals("training")
                || !run.modelName().equals(model)
                || !run.trainingRunId().equals(runIdTag)) {
            throw new RegistryException(
                    ErrorCode.PERMISSION_DENIED,
                    "The token of retrain run "
                            + run.runId()
                            + " ("
                            + run.part()
                            + ") may only create its candidate: a version of "
                            + run.modelName()
                            + " tagged run_id="
                            + run.trainingRunId()
                            + ", from its training part.");
        }
    }

    private static void answer(Context ctx, String field, ObjectNode value) {
        ObjectNode out = JsonViews.object();
        out.set(field, value);
        Responses.json(ctx, 200, out);
    }
}
