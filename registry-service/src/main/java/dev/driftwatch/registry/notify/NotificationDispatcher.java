package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.alert.AlertDao;
import dev.driftwatch.registry.alert.StoredAlert;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued deliveries, one thread, from the delivery log: claims due rows (alert occurrences
 * and retraining run events), has the route's {@link Receiver} build the request, sends it, and
 * records the outcome. Retries on 429, 5xx and network errors with exponential backoff (base ×
 * 2^(attempt-1), at most 10 min) or the receiver's Retry-After when longer; other 4xx answers fail
 * at once. A rate-limited receiver (Slack) gets at most one message per URL per {@code
 * minInterval}. A delivery whose route was deleted is {@code cancelled}. Receiver URLs and keys are
 * never logged.
 *
 * <pre>{@code
 * NotificationDispatcher d = new NotificationDispatcher(jdbi, clock, HttpClient.newHttpClient(),
 *         Duration.ofSeconds(1), 8, Duration.ofSeconds(1));
 * d.start();
 * }</pre>
 */
public final class NotificationDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    private static final Duration LEASE = Duration.ofMinutes(2);

    private final Jdbi jdbi;
    private final Clock clock;
    private final HttpClient http;
    private final Duration retryBase;
    private final int maxAttempts;
    private final Duration minInterval;
    private final Map<String, Instant> nextAllowed = new HashMap<>();
    private final ScheduledExecutorService worker =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "driftwatch-notifications");
                        t.setDaemon(true);
                        return t;
                    });

    public NotificationDispatcher(
            Jdbi jdbi,
            Clock clock,
            HttpClient http,
            Duration retryBase,
            int maxAttempts,
            Duration minInterval) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.http = http;
        this.retryBase = retryBase;
        this.maxAttempts = maxAttempts;
        this.minInterval = minInterval;
    }

    public void start() {
        worker.scheduleWithFixedDelay(this::drainSafely, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Looks for due deliveries now (called when alerts queued some). */
    public void wakeUp() {
        if (!worker.isShutdown()) {
            worker.execute(this::drainSafely);
        }
    }

    private void drainSafely() {
        try {
            drain();
        } catch (RuntimeException e) {
            LOG.warn("notification dispatch failed; will try again: {}", e.toString());
        }
    }

    /** Sends every delivery that is due now. */
    void drain() {
        while (true) {
            OffsetDateTime now = now();
            List<Delivery> due =
                    jdbi.withExtension(
                            DeliveryDao.class, d -> d.claimDue(now, now.plus(LEASE), 20));
            if (due.isEmpty()) {
                return;
            }
            due.forEach(this::deliver);
        }
    }

    private void deliver(Delivery d) {
        Optional<Route> route =
                d.routeId() == null
                        ? Optional.empty()
                        : jdbi.withExtension(RouteDao.class, r -> r.find(d.routeId()));
        if (route.isEmpty()) {
            cancel(d, "its route was deleted before it was sent");
            return;
        }
        Route r = route.get();
        Optional<Receiver> found = Receivers.find(r.receiver());
        if (found.isEmpty()) {
            finish(d, null, "unknown receiver " + r.receiver(), false);
            return;
        }
        Receiver receiver = found.get();
        if (d.isRunEvent() && Delivery.RESOLVE.equals(d.event()) && pageStillPending(d)) {
            // resolve only after the notification it resolves went out, or it stays open
            jdbi.useExtension(
                    DeliveryDao.class, dao -> dao.postpone(d.id(), now().plus(retryBase)));
            return;
        }
        String subject;
        HttpRequest request;
        if (d.isRunEvent()) {
            subject = "retrain run " + d.retrainRunId();
            request =
                    receiver.runEventRequest(
                            r,
                            RunEvent.fromJson(d.payload()),
                            d.retrainRunId(),
                            Delivery.RESOLVE.equals(d.event()));
        } else {
            Optional<StoredAlert> stored =
                    jdbi.withExtension(AlertDao.class, a -> a.find(d.alertId()));
            if (stored.isEmpty()) {
                return;
            }
            Alert alert = toAlert(stored.get(), d.event());
            subject = alert.fingerprint();
            request = receiver.alertRequest(r, alert, d.event());
        }
        if (receiver.rateLimited()) {
            Instant allowed = nextAllowed.getOrDefault(r.url(), Instant.MIN);
            if (clock.instant().isBefore(allowed)) {
                jdbi.useExtension(
                        DeliveryDao.class,
                        dao -> dao.postpone(d.id(), allowed.atOffset(ZoneOffset.UTC)));
                return;
            }
            nextAllowed.put(r.url(), clock.instant().plus(minInterval));
        }
        Integer status = null;
        String error;
        Duration retryAfter = Duration.ZERO;
        try {
            HttpResponse<String> resp = http.send(request, HttpResponse.BodyHandlers.ofString());
            status = resp.statusCode();
            if (status >= 200 && status < 300) {
                jdbi.useTransaction(
                        h -> {
                            h.attach(DeliveryDao.class).delivered(d.id(), resp.statusCode(), now());
                            refreshAlert(h, d);
                        });
                LOG.info(
                        "delivery {} ({} {} via route {}) delivered",
                        d.id(),
                        d.event(),
                        subject,
                        r.name());
                return;
            }
            error = "HTTP " + status + ": " + clip(resp.body());
            retryAfter = retryAfter(resp.headers().firstValue("Retry-After").orElse(null));
            if (status != 429 && status < 500) {
                finish(d, status, error, false);
                return;
            }
        } catch (IOException e) {
            error =
                    "network error: "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + clip(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (IllegalArgumentException e) {
            // the HTTP client refuses the address (a port out of range): retrying cannot help
            finish(d, null, "invalid request: " + clip(String.valueOf(e.getMessage())), false);
            return;
        }
        finish(d, status, error, d.attempts() + 1 < maxAttempts);
        if (d.attempts() + 1 < maxAttempts) {
            Duration backoff = retryBase.multipliedBy(1L << Math.min(20, d.attempts()));
            if (backoff.compareTo(MAX_BACKOFF) > 0) {
                backoff = MAX_BACKOFF;
            }
            Duration wait = retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
            Integer s = status;
            String err = error;
            jdbi.useExtension(
                    DeliveryDao.class, dao -> dao.retryLater(d.id(), s, err, now().plus(wait)));
            LOG.info(
                    "delivery {} via route {} attempt {} failed ({}); retrying in {} ms",
                    d.id(),
                    r.name(),
                    d.attempts() + 1,
                    s == null ? "network" : s,
                    wait.toMillis());
        }
    }

    /** Whether the notification a run-event resolve closes is still waiting to be sent. */
    private boolean pageStillPending(Delivery d) {
        return jdbi.withExtension(
                        DeliveryDao.class,
                        dao -> dao.runEventStatus(d.retrainRunId(), d.routeId(), RunEvent.FAILED))
                .map(Delivery.PENDING::equals)
                .orElse(false);
    }

    private void cancel(Delivery d, String reason) {
        jdbi.useTransaction(
                h -> {
                    h.attach(DeliveryDao.class).cancel(d.id(), reason);
                    refreshAlert(h, d);
                });
        LOG.info("delivery {} cancelled: {}", d.id(), reason);
    }

    private static void refreshAlert(Handle h, Delivery d) {
        if (d.alertId() != null) {
            h.attach(AlertDao.class).refreshDeliveryState(d.alertId());
        }
    }

    private void finish(Delivery d, Integer status, String error, boolean willRetry) {
        if (willRetry) {
            return;
        }
        jdbi.useTransaction(
                h -> {
                    h.attach(DeliveryDao.class).failed(d.id(), status, error);
                    refreshAlert(h, d);
                });
        LOG.warn(
                "delivery {} failed for good after {} attempts: {}",
                d.id(),
                d.attempts() + 1,
                error);
    }

    /** Retry-After as seconds or an HTTP date; zero when absent or unreadable. */
    Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Duration.ZERO;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at =
                        ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant();
                Duration d = Duration.between(clock.instant(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (java.time.format.DateTimeParseException e) {
                return Duration.ZERO;
            }
        }
    }

    private static Alert toAlert(StoredAlert s, String event) {
        Map<String, String> labels = map(s.labels());
        Map<String, String> annotations = map(s.annotations());
        boolean resolved = Delivery.RESOLVE.equals(event);
        return new Alert(
                resolved ? Alert.RESOLVED : Alert.FIRING,
                labels,
                annotations,
                s.startsAt().toInstant(),
                resolved && s.endsAt() != null ? s.endsAt().toInstant() : null,
                s.generatorUrl(),
                s.fingerprint());
    }

    private static Map<String, String> map(String json) {
        try {
            return MessageText.MAPPER.readValue(json, new TypeReference<Map<String, String>>() {});
        } catch (IOException e) {
            throw new IllegalStateException("stored alert JSON is unreadable", e);
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
