package dev.driftwatch.ingest;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the ingest endpoint's HTTP server: {@code POST /} takes CloudEvents (binary, structured or
 * batch mode) and appends each to the {@link InferenceLog}; {@code GET /health} answers without a
 * token. It keeps no state: every replica is the same.
 *
 * <p>Answers: 202 {@code {"accepted": n}} once every event of the request is stored; 400 / 415 with
 * {@code {"error": ...}} for what is not a valid CloudEvent; 401 without a valid token; 413 beyond
 * the request size; 503 with {@code Retry-After} when too much is in flight or the log is
 * unavailable (a request waits at most the acknowledgement timeout).
 *
 * <pre>{@code
 * Javalin app = IngestApp.create(config, new KafkaInferenceLog(config));
 * app.start(config.host(), config.port());
 * }</pre>
 */
public final class IngestApp {
    private static final Logger LOG = LoggerFactory.getLogger(IngestApp.class);

    /** Margin beyond the log's own timeout before a request is given up (a safety net). */
    private static final long TIMEOUT_MARGIN_MS = 2_000;

    private final IngestConfig config;
    private final InferenceLog log;
    private final IngestTokens tokens;
    private final InFlightLimit inFlight;
    private final CloudEventHttpBinding binding = new CloudEventHttpBinding();

    private IngestApp(IngestConfig config, InferenceLog log) {
        this.config = config;
        this.log = log;
        this.tokens = new IngestTokens(config.tokens());
        this.inFlight = new InFlightLimit(config.maxInFlightRequests(), config.maxInFlightBytes());
    }

    /** The server (not started) for a validated config and the log to append to. */
    public static Javalin create(IngestConfig config, InferenceLog log) {
        IngestApp app = new IngestApp(config.validate(), log);
        return Javalin.create(
                c -> {
                    c.startup.showJavalinBanner = false;
                    c.http.maxRequestSize = config.maxRequestBytes();
                    c.http.prefer405over404 = true;
                    c.router.ignoreTrailingSlashes = true;
                    c.routes.post("/", app::ingest);
                    c.routes.get("/health", ctx -> JsonAnswer.status(ctx, "ok"));
                    c.routes.exception(
                            Exception.class,
                            (e, ctx) -> {
                                LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
                                JsonAnswer.error(
                                        ctx,
                                        500,
                                        "internal error: " + e.getClass().getSimpleName());
                            });
                    c.routes.error(
                            404,
                            ctx ->
                                    JsonAnswer.error(
                                            ctx,
                                            404,
                                            "no endpoint " + ctx.method() + " " + ctx.path()));
                    c.routes.error(
                            405,
                            ctx ->
                                    JsonAnswer.error(
                                            ctx,
                                            405,
                                            "method "
                                                    + ctx.method()
                                                    + " is not allowed on "
                                                    + ctx.path()));
                });
    }

    private void ingest(Context ctx) {
        if (tokens.required() && !tokens.accepts(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer, Basic realm=\"driftwatch-ingest\"");
            JsonAnswer.error(
                    ctx,
                    401,
                    "this endpoint needs a token: Authorization: Bearer <token> (or HTTP Basic"
                            + " with the token as password)");
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > config.maxRequestBytes()) {
            JsonAnswer.error(ctx, 413, tooLarge());
            return;
        }
        InFlightLimit.Permit permit =
                inFlight.tryAcquire(declared >= 0 ? declared : config.maxRequestBytes());
        if (permit == null) {
            unavailable(ctx, "too many requests in flight, retry later");
            return;
        }
        boolean handedOver = false;
        try {
            byte[] body = readBody(ctx);
            List<CloudEvent> events = events(ctx, body);
            if (events.isEmpty()) {
                JsonAnswer.accepted(ctx, 0);
                return;
            }
            CompletableFuture<Void> stored = appendAll(events);
            ctx.future(
                    () ->
                            stored.handle(
                                    (ok, error) -> {
                                        try {
                                            answer(ctx, events.size(), error);
                                        } finally {
                                            permit.release();
                                        }
                                        return null;
                                    }));
            handedOver = true;
        } catch (RequestRejectedException e) {
            JsonAnswer.error(ctx, e.status(), e.getMessage());
        } finally {
            if (!handedOver) {
                permit.release();
            }
        }
    }

    private byte[] readBody(Context ctx) throws RequestRejectedException {
        int max = config.maxRequestBytes();
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(max + 1);
            if (body.length > max) {
                throw new RequestRejectedException(413, tooLarge());
            }
            return body;
        } catch (IOException e) {
            throw new RequestRejectedException(400, "could not read the request body");
        }
    }

    private List<CloudEvent> events(Context ctx, byte[] body) throws RequestRejectedException {
        String contentType = ctx.req().getContentType();
        return switch (CloudEventHttpBinding.mode(contentType)) {
            case STRUCTURED -> List.of(binding.structured(body));
            case BATCH -> binding.batch(body);
            case BINARY -> List.of(binding.binary(ceHeaders(ctx), contentType, body));
        };
    }

    private static Map<String, List<String>> ceHeaders(Context ctx) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            if (name.length() > 3 && name.regionMatches(true, 0, "ce-", 0, 3)) {
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .addAll(Collections.list(ctx.req().getHeaders(name)));
            }
        }
        return headers;
    }

    private CompletableFuture<Void> appendAll(List<CloudEvent> events) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < all.length; i++) {
            try {
                all[i] = log.append(events.get(i));
            } catch (RuntimeException e) {
                all[i] = CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.allOf(all)
                .orTimeout(
                        config.ackTimeout().toMillis() + TIMEOUT_MARGIN_MS, TimeUnit.MILLISECONDS);
    }

    private void answer(Context ctx, int events, Throwable error) {
        Throwable cause =
                error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
        if (cause == null) {
            JsonAnswer.accepted(ctx, events);
        } else if (cause instanceof LogWriteException w) {
            if (w.kind() == LogWriteException.Kind.TOO_LARGE) {
                JsonAnswer.error(ctx, 413, w.getMessage());
            } else {
                unavailable(ctx, w.getMessage() + ", retry later");
            }
        } else if (cause instanceof TimeoutException) {
            unavailable(ctx, "the inference log did not acknowledge in time, retry later");
        } else {
            LOG.error("appending {} events failed", events, cause);
            JsonAnswer.error(ctx, 500, "internal error: " + cause.getClass().getSimpleName());
        }
    }

    private void unavailable(Context ctx, String reason) {
        ctx.header("Retry-After", String.valueOf(config.retryAfterSeconds()));
        JsonAnswer.error(ctx, 503, reason);
    }

    private String tooLarge() {
        return "the request is larger than the limit of " + config.maxRequestBytes() + " bytes";
    }
}
