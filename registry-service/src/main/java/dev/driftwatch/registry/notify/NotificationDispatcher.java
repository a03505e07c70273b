package dev.driftwatch.registry.notify;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.driftwatch.core.alert.Alert;
import dev.driftwatch.registry.alert.AlertDao;
import dev.driftwatch.registry.alert.StoredAlert;
import dev.driftwatch.registry.db.DatabaseErrors;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends queued deliveries from the delivery log: claims due rows (alert occurrences and retraining
 * run events), has the route's {@link Receiver} build the request, sends it with a {@link
 * ReceiverClient} (the checked addresses only, one deadline for the whole exchange, the answer's
 * body never read) on a small pool of {@value #SENDERS} threads, and records the outcome on that
 * delivery alone: one delivery that cannot be built or sent never holds up the others of its batch.
 * Retries on 429, 5xx and network errors with exponential backoff (base × 2^(attempt-1), at most 10
 * min) or the receiver's Retry-After when longer; other 4xx answers fail at once. A rate-limited
 * receiver (Slack) gets at most one message per URL per {@code minInterval}. A delivery whose route
 * was deleted is {@code cancelled}. Receiver URLs and keys are never logged. Just before each
 * request the URL's host is resolved and checked ({@link OutboundAddresses}): a delivery to an
 * internal address fails at once, with the reason. A receiver's answer body is never read; a
 * failure is recorded as the status and a short reason.
 *
 * <pre>{@code
 * NotificationDispatcher d = new NotificationDispatcher(jdbi, clock,
 *         Duration.ofSeconds(1), 8, Duration.ofSeconds(1), OutboundAddresses.PUBLIC_ONLY);
 * d.start();
 * }</pre>
 */
public final class NotificationDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationDispatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);
    private static final Duration LEASE = Duration.ofMinutes(2);

    /** Deliveries sent at the same time. */
    static final int SENDERS = 4;

    private final Jdbi jdbi;
    private final Clock clock;
    private final ReceiverClient http;
    private final Duration retryBase;
    private final int maxAttempts;
    private final Duration minInterval;
    private final OutboundAddresses outbound;
    private final Map<String, Instant> nextAllowed = new HashMap<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private final ExecutorService senders =
            Executors.newFixedThreadPool(
                    SENDERS,
                    r -> {
                        Thread t = new Thread(r, "driftwatch-notification-sender");
                        t.setDaemon(true);
                        return t;
                    });
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
            Duration retryBase,
            int maxAttempts,
            Duration minInterval,
            OutboundAddresses outbound) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.http = new ReceiverClient(outbound, Receiver.REQUEST_TIMEOUT);
        this.retryBase = retryBase;
        this.maxAttempts = maxAttempts;
        this.minInterval = minInterval;
        this.outbound = outbound;
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
            String database = DatabaseErrors.describe(e);
            LOG.warn(
                    "notification dispatch failed; will try again: {}",
                    database != null ? database : e.toString());
        }
    }

    /** Sends every delivery that is due now. */
    void drain() {
        while (!closing) {
            OffsetDateTime now = now();
            List<Delivery> due =
                    jdbi.withExtension(
                            DeliveryDao.class, d -> d.claimDue(now, now.plus(LEASE), 20));
            if (due.isEmpty()) {
                return;
            }
            List<Callable<Void>> sends = new ArrayList<>();
            for (Delivery d : due) {
                inFlight.add(d.id());
                sends.add(
                        () -> {
                            deliverAlone(d);
                            return null;
                        });
            }
            try {
                senders.invokeAll(sends);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Delivers {@code d}; whatever goes wrong is recorded on {@code d} only. */
    private void deliverAlone(Delivery d) {
        try {
            deliver(d);
            if (!Thread.currentThread().isInterrupted()) {
                inFlight.remove(d.id());
            }
        } catch (RuntimeException e) {
            LOG.warn("delivery {} could not be sent: {}", d.id(), e.getClass().getSimpleName());
            try {
                finish(d, null, "could not be sent: " + e.getClass().getSimpleName(), false);
                inFlight.remove(d.id());
            } catch (RuntimeException notRecorded) {
                // the database is away: the claim's lease runs out and it is tried again
                String database = DatabaseErrors.describe(notRecorded);
                LOG.warn(
                        "delivery {} outcome not recorded: {}",
                        d.id(),
                        database != null ? database : notRecorded.toString());
            }
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
            Instant allowed;
            synchronized (nextAllowed) {
                allowed = nextAllowed.getOrDefault(r.url(), Instant.MIN);
                if (!clock.instant().isBefore(allowed)) {
                    nextAllowed.put(r.url(), clock.instant().plus(minInterval));
                    allowed = null;
                }
            }
            if (allowed != null) {
                Instant at = allowed;
                jdbi.useExtension(
                        DeliveryDao.class,
                        dao -> dao.postpone(d.id(), at.atOffset(ZoneOffset.UTC)));
                return;
            }
        }
        Optional<String> refused = outbound.refusal(request.uri());
        if (refused.isPresent()) {
            finish(d, null, "refused: " + refused.get(), false);
            return;
        }
        Integer status = null;
        String error;
        Duration retryAfter = Duration.ZERO;
        try {
            // the answer's body is never read or stored: a receiver's answer is not the
            // registry's to show (status and a short reason only)
            ReceiverClient.Answer resp = http.send(request);
            status = resp.status();
            if (status >= 200 && status < 300) {
                jdbi.useTransaction(
                        h -> {
                            h.attach(DeliveryDao.class).delivered(d.id(), resp.status(), now());
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
            error = "HTTP " + status + " " + reason(status);
            retryAfter = retryAfter(resp.retryAfter());
            if (status != 429 && status < 500) {
                finish(d, status, error, false);
                return;
            }
        } catch (OutboundAddresses.Refused e) {
            // resolved differently than when checked a moment ago: refused all the same
            finish(d, null, "refused: " + e.getMessage(), false);
            return;
        } catch (IOException e) {
            // the kind of failure only: messages would tell which ports answer (a port scan)
            error = "network error: " + e.getClass().getSimpleName();
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

    /** A short reason for an HTTP status (its class); the receiver's own words are not kept. */
    static String reason(int status) {
        return switch (status) {
            case 400 -> "(bad request)";
            case 401, 403 -> "(refused: check the route's URL or key)";
            case 404 -> "(not found: check the route's URL)";
            case 413 -> "(message too large)";
            case 429 -> "(rate limited)";
            default -> status >= 500 ? "(receiver error)" : "(refused)";
        };
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

    /**
     * Stops sending. Deliveries claimed but not finished (a receiver still answering, or not yet
     * started) are released: due again at once, so the next start of the registry sends them
     * without waiting for the claim's lease to run out.
     */
    @Override
    public void close() {
        closing = true;
        worker.shutdown();
        senders.shutdownNow();
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        releaseUnfinished();
    }

    private void releaseUnfinished() {
        List<Long> unfinished = List.copyOf(inFlight);
        if (unfinished.isEmpty()) {
            return;
        }
        try {
            int released =
                    jdbi.withExtension(DeliveryDao.class, dao -> dao.release(unfinished, now()));
            LOG.info("{} unfinished deliveries released for the next start", released);
        } catch (RuntimeException e) {
            // the database is away: their claims run out after the lease and they are sent then
            LOG.warn("unfinished deliveries not released: {}", e.toString());
        }
    }
}
