package dev.driftwatch.registry.api;

import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.profile.ReferenceProfiles;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;

/** {@code PUT/GET /api/v1/models/{name}/versions/{version}/reference-profile}. */
public final class ProfileApi {
    private static final String PATH = "/api/v1/models/{name}/versions/{version}/reference-profile";

    private final ReferenceProfiles profiles;
    private final AccessControl access;
    private final int maxProfileBytes;

    public ProfileApi(ReferenceProfiles profiles, AccessControl access, int maxProfileBytes) {
        this.profiles = profiles;
        this.access = access;
        this.maxProfileBytes = maxProfileBytes;
    }

    public void register(RoutesConfig routes) {
        routes.put(PATH, this::put);
        routes.get(PATH, this::get);
    }

    private void put(Context ctx) {
        access.require(ctx, Role.OPERATOR);
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
        access.require(ctx, Role.READER);
        String json = profiles.get(ctx.pathParam("name"), ctx.pathParam("version"));
        ctx.status(200).contentType("application/json").result(json);
    }
}
