package dev.driftwatch.registry.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.AccessToken;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.model.ModelRegistry;
import dev.driftwatch.registry.model.ModelVersion;
import dev.driftwatch.registry.model.Page;
import dev.driftwatch.registry.model.RegisteredModel;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * MLflow's Model Registry REST API under {@code /api/2.0/mlflow/}: registered models, model
 * versions, tags and aliases. Handlers only translate HTTP to {@link ModelRegistry} calls.
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

    private void getModel(Context ctx) {
        JsonRequest r = read(ctx, Role.READER);
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
        JsonRequest r = read(ctx, Role.READER);
        ModelVersion v = registry.getByAlias(r.string("name"), r.string("alias"));
        answer(ctx, "model_version", JsonViews.modelVersion(v));
    }

    private void latestVersions(Context ctx) {
        JsonRequest r = read(ctx, Role.READER);
        ObjectNode out = JsonViews.object();
        ArrayNode items = out.putArray("model_versions");
        registry.latestVersions(r.string("name"))
                .forEach(v -> items.add(JsonViews.modelVersion(v)));
        Responses.json(ctx, 200, out);
    }

    private void createVersion(Context ctx) {
        AccessToken who = access.require(ctx, Role.OPERATOR);
        JsonRequest r = JsonRequest.of(ctx, maxBodyBytes);
        ModelVersion v =
                registry.createVersion(
                        r.string("name"),
                        r.optionalString("source"),
                        r.optionalString("run_id"),
                        r.optionalString("run_link"),
                        r.optionalString("description"),
                        r.tags(),
                        who.name());
        answer(ctx, "model_version", JsonViews.modelVersion(v));
    }

    private void getVersion(Context ctx) {
        JsonRequest r = read(ctx, Role.READER);
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

    private static void answer(Context ctx, String field, ObjectNode value) {
        ObjectNode out = JsonViews.object();
        out.set(field, value);
        Responses.json(ctx, 200, out);
    }
}
