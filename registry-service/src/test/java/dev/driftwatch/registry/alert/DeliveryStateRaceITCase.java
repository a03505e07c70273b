package dev.driftwatch.registry.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.driftwatch.registry.db.Database;
import dev.driftwatch.registry.notify.DeliveryDao;
import dev.driftwatch.testsupport.TestPostgres;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * Two deliveries of one alert finishing at the same moment, each in its own transaction (what the
 * dispatcher's senders do): the alert's {@code delivery_state} ends {@code delivered}, not the
 * {@code pending} that each transaction saw of the other's delivery before it committed.
 */
class DeliveryStateRaceITCase {

    @Test
    void twoDeliveriesFinishingTogetherLeaveTheAlertDelivered() throws Exception {
        Jdbi jdbi = Database.migrateAndOpen(TestPostgres.freshDatabase());
        OffsetDateTime now = OffsetDateTime.of(2026, 11, 30, 8, 0, 0, 0, ZoneOffset.UTC);
        long alert =
                jdbi.withHandle(
                        h ->
                                h.createQuery(
                                                "INSERT INTO alerts (fingerprint, starts_at,"
                                                        + " status, alertname, labels, annotations,"
                                                        + " received_via, first_received_at,"
                                                        + " last_received_at, delivery_state)"
                                                        + " VALUES ('f', :now, 'firing', 'a',"
                                                        + " '{}', '{}', 'api', :now, :now,"
                                                        + " 'pending') RETURNING id")
                                        .bind("now", now)
                                        .mapTo(Long.class)
                                        .one());
        long[] deliveries = new long[2];
        for (int i = 0; i < 2; i++) {
            int n = i;
            deliveries[i] =
                    jdbi.withHandle(
                            h -> {
                                long route =
                                        h.createQuery(
                                                        "INSERT INTO notification_routes (name,"
                                                                + " receiver, url, created_at)"
                                                                + " VALUES (:name, 'webhook',"
                                                                + " 'https://example.com/', 0)"
                                                                + " RETURNING id")
                                                .bind("name", "route-" + n)
                                                .mapTo(Long.class)
                                                .one();
                                return h.createQuery(
                                                "INSERT INTO deliveries (alert_id, route_id,"
                                                        + " event, status, next_attempt_at,"
                                                        + " created_at) VALUES (:alert, :route,"
                                                        + " 'trigger', 'pending', :now, :now)"
                                                        + " RETURNING id")
                                        .bind("alert", alert)
                                        .bind("route", route)
                                        .bind("now", now)
                                        .mapTo(Long.class)
                                        .one();
                            });
        }

        try (Handle first = jdbi.open();
                Handle second = jdbi.open()) {
            // the first finisher: its delivery delivered and the alert recomputed, not committed
            first.begin();
            first.attach(DeliveryDao.class).delivered(deliveries[0], 200, now);
            first.attach(AlertDao.class).refreshDeliveryState(alert);
            int firstPid = backendPid(first);
            // the second finisher, on another connection, at the same moment
            int secondPid = backendPid(second);
            CompletableFuture<Void> secondFinished =
                    CompletableFuture.runAsync(
                            () ->
                                    second.useTransaction(
                                            h -> {
                                                h.attach(DeliveryDao.class)
                                                        .delivered(deliveries[1], 200, now);
                                                h.attach(AlertDao.class)
                                                        .refreshDeliveryState(alert);
                                            }));
            // it waits for the first's lock on the alert
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> waitingOn(jdbi, secondPid, firstPid) || secondFinished.isDone());
            assertThat(secondFinished).as("the second waits for the first").isNotDone();
            first.commit();
            secondFinished.get();
        }

        String state =
                jdbi.withHandle(
                        h ->
                                h.createQuery("SELECT delivery_state FROM alerts WHERE id = :id")
                                        .bind("id", alert)
                                        .mapTo(String.class)
                                        .one());
        assertThat(state).isEqualTo("delivered");
    }

    private static int backendPid(Handle h) {
        return h.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one();
    }

    /** Whether backend {@code waiter} is blocked by backend {@code holder}. */
    private static boolean waitingOn(Jdbi jdbi, int waiter, int holder) {
        return jdbi.withHandle(
                h ->
                        h.createQuery("SELECT :holder = ANY (pg_blocking_pids(:waiter))")
                                .bind("waiter", waiter)
                                .bind("holder", holder)
                                .mapTo(Boolean.class)
                                .one());
    }
}
