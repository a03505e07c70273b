package dev.driftwatch.registry.api;

import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.Caller;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.model.ModelRegistry;
import dev.driftwatch.registry.profile.ReferenceProfiles;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code PUT/GET /api/v1/models/{name}/versions/{version}/reference-profile}. A retraining run's
 * own token may read its model's profiles and put the profile of its candidate (a version tagged
 * {@code run_id} = its training run's id).
 */
public final class ProfileApi {
    private static final String PATH = "/api/v1/models/{name}/versions/{version}/reference-profile";

    private final ReferenceProfiles profiles;
    private final ModelRegistry registry;
    private final AccessControl access;
    private final int maxProfileBytes;

    public ProfileApi(
            ReferenceProfiles profiles,
            ModelRegistry registry,
            AccessControl access,
            int maxProfileBytes) {
        this.profiles = profiles;
        this.registry = registry;
        this.access = access;
        this.maxProfileBytes = maxProfileBytes;
    }

    public void register(RoutesConfig routes) {
        routes.put(PATH, this::put);
        routes.get(PATH, this::get);
    }

    private void put(Context ctx) {
        Caller caller = access.authenticate(ctx);
        if (caller instanceof Caller.Run run) {
            String model = ctx.pathParam("name");
            MlflowApi.requireCandidateOf(
                    run.token(),
                    model,
                    model.equals(run.token().modelName())
                            ? registry.getVersion(model, ctx.pathParam("version")).tags()
                            : List.of());
        } else {
            AccessControl.requireRole(caller, Role.OPERATOR);
        }
        byte[] body = JsonRequest.readBody(ctx, maxProfileBytes);
        JsonRequest.parse(body);
        String stored =
                profiles.put(
                        ctx.pathParam("name"),
                        ctx.pathParam("version"),
                        new String(body, StandardCharsets.UTF_8));
        ctx.status(200).contentType("application/json").result(stored);
    }

    private void get(Context ctx) {
        AccessControl.requireReaderOf(access.authenticate(ctx), ctx.pathParam("name"));
        String json = profiles.get(ctx.pathParam("name"), ctx.pathParam("version"));
        ctx.status(200).contentType("application/json").result(json);
    }
}
