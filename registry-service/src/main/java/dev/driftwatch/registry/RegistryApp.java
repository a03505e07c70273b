package dev.driftwatch.registry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.registry.api.Responses;
import dev.driftwatch.registry.db.DatabaseErrors;
import dev.driftwatch.registry.retrain.RunStateConflict;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the registry's HTTP server from its route groups: {@code /health} (no auth), {@code
 * /metrics} (Prometheus; with a metrics token only for that token), and each API's routes. Errors
 * are answered in MLflow's shape, always with a JSON body; a domain {@link RunStateConflict} is
 * {@code 409 INVALID_STATE}; an internal error is logged on one line.
 *
 * <pre>{@code
 * Javalin app = RegistryApp.create(List.of(mlflowApi::register), meters, 1 << 20, metricsToken);
 * app.start(8080);
 * }</pre>
 */
public final class RegistryApp {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryApp.class);

    private RegistryApp() {}

    public static Javalin create(
            List<Consumer<RoutesConfig>> routeGroups,
            PrometheusMeterRegistry meters,
            int maxBodyBytes,
            String metricsToken) {
        return Javalin.create(
                config -> {
                    config.startup.showJavalinBanner = false;
                    config.http.maxRequestSize = maxBodyBytes;
                    config.router.ignoreTrailingSlashes = true;
                    RoutesConfig routes = config.routes;
                    routes.get(
                            "/health",
                            ctx -> {
                                ObjectNode n = JsonNodeFactory.instance.objectNode();
                                n.put("status", "ok");
                                Responses.json(ctx, 200, n);
                            });
                    routes.get(
                            "/metrics",
                            ctx -> {
                                if (metricsToken != null && !bearerIs(ctx, metricsToken)) {
                                    ctx.header("WWW-Authenticate", "Bearer");
                                    Responses.error(
                                            ctx,
                                            ErrorCode.UNAUTHENTICATED,
                                            "/metrics needs the metrics token"
                                                    + " (Authorization: Bearer <token>).");
                                    return;
                                }
                                ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                                        .result(meters.scrape());
                            });
                    routeGroups.forEach(g -> g.accept(routes));
                    routes.exception(
                            RegistryException.class,
                            (e, ctx) -> Responses.error(ctx, e.errorCode(), e.getMessage()));
                    routes.exception(
                            RunStateConflict.class,
                            (e, ctx) ->
                                    Responses.error(ctx, ErrorCode.INVALID_STATE, e.getMessage()));
                    routes.exception(
                            io.javalin.http.HttpResponseException.class,
                            (e, ctx) ->
                                    Responses.error(
                                            ctx,
                                            switch (e.getStatus()) {
                                                case 404 -> ErrorCode.ENDPOINT_NOT_FOUND;
                                                case 413 -> ErrorCode.REQUEST_TOO_LARGE;
                                                default -> ErrorCode.BAD_REQUEST;
                                            },
                                            e.getStatus() == 404
                                                    ? "No endpoint "
                                                            + ctx.method()
                                                            + " "
                                                            + ctx.path()
                                                    : e.getMessage()));
                    routes.exception(
                            Exception.class,
                            (e, ctx) -> {
                                // one line per request: a flood of bad requests is not a flood of
                                // stack traces
                                LOG.error(
                                        "internal error on {} {}: {}",
                                        ctx.method(),
                                        ctx.path(),
                                        oneLine(e));
                                Responses.error(
                                        ctx,
                                        ErrorCode.INTERNAL_ERROR,
                                        "Internal error: " + e.getClass().getSimpleName());
                            });
                    routes.error(
                            404,
                            ctx -> {
                                if (ctx.result() == null || ctx.result().isEmpty()) {
                                    Responses.error(
                                            ctx,
                                            ErrorCode.ENDPOINT_NOT_FOUND,
                                            "No endpoint " + ctx.method() + " " + ctx.path());
                                }
                            });
                    routes.error(
                            500,
                            ctx -> {
                                if (ctx.result() == null || ctx.result().isEmpty()) {
                                    Responses.error(
                                            ctx, ErrorCode.INTERNAL_ERROR, "Internal error");
                                }
                            });
                    routes.after(ctx -> count(meters, ctx));
                });
    }

    /** Whether the request's bearer token is {@code expected} (compared in constant time). */
    static boolean bearerIs(Context ctx, String expected) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return java.security.MessageDigest.isEqual(
                header.substring(7).strip().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                expected.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * An exception and where it was thrown, on one line; a database exception without its message
     * (which quotes the statement's arguments: token hashes, receiver URLs, keys).
     */
    static String oneLine(Throwable e) {
        StackTraceElement[] at = e.getStackTrace();
        String database = DatabaseErrors.describe(e);
        return (database != null
                        ? database
                        : e.getClass().getName()
                                + (e.getMessage() == null
                                        ? ""
                                        : ": " + e.getMessage().replace('\n', ' ')))
                + (at.length == 0 ? "" : " at " + at[0]);
    }

    private static void count(PrometheusMeterRegistry meters, Context ctx) {
        String path = "unmatched";
        try {
            Endpoint e = ctx.endpoints().lastHttpEndpoint();
            if (e != null) {
                path = e.path;
            }
        } catch (RuntimeException ignored) {
            // no endpoint matched: keep "unmatched" so paths do not explode the label set
        }
        Counter.builder("driftwatch_registry_http_requests")
                .description("HTTP requests answered by the registry")
                .tag("method", ctx.method().name())
                .tag("path", path)
                .tag("status", String.valueOf(ctx.statusCode()))
                .register(meters)
                .increment();
    }
}
