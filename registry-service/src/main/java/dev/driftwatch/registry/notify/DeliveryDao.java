package dev.driftwatch.registry.notify;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL for the delivery log, {@code deliveries}. A delivery's {@code status}: {@code pending} (to be
 * sent, or being retried), {@code delivered}, {@code failed} (for good), {@code suppressed} (the
 * route's repeat interval) or {@code cancelled} (its route was deleted before it was sent).
 */
@RegisterConstructorMapper(Delivery.class)
public interface DeliveryDao {
    /** Adds a delivery unless this occurrence already has one for the route and event. */
    @SqlUpdate(
            """
            INSERT INTO deliveries (alert_id, route_id, event, status, next_attempt_at, created_at)
            VALUES (:alertId, :routeId, :event, :status, :now, :now)
            ON CONFLICT (alert_id, route_id, event) DO NOTHING
            """)
    int insert(long alertId, long routeId, String event, String status, OffsetDateTime now);

    /**
     * Adds the delivery of a retraining run's event to a route unless it has one already (a run
     * event is sent at most once per route).
     */
    @SqlUpdate(
            """
            INSERT INTO deliveries (retrain_run_id, route_id, event, status, payload,
                next_attempt_at, created_at)
            VALUES (:runId, :routeId, :event, 'pending', CAST(:payload AS jsonb), :now, :now)
            ON CONFLICT (retrain_run_id, route_id, event) DO NOTHING
            """)
    int insertRunEvent(long runId, long routeId, String event, String payload, OffsetDateTime now);

    /**
     * Queues a {@code resolve} for every notification of a failed run of {@code model} that was
     * sent or is being sent on a route of one of {@code receivers} (those whose failed-run
     * notifications a promotion resolves) with {@code send_resolved}; {@code payload} is the event
     * that resolves them (a promotion). Returns how many were queued.
     */
    @SqlUpdate(
            """
            INSERT INTO deliveries (retrain_run_id, route_id, event, status, payload,
                next_attempt_at, created_at)
            SELECT d.retrain_run_id, d.route_id, 'resolve', 'pending', CAST(:payload AS jsonb),
                :now, :now
            FROM deliveries d
            JOIN retrain_runs r ON r.id = d.retrain_run_id
            JOIN notification_routes nr ON nr.id = d.route_id
            WHERE r.model_name = :model AND d.event = 'failed'
                AND d.status IN ('pending', 'delivered') AND nr.receiver IN (<receivers>)
                AND nr.send_resolved
            ON CONFLICT (retrain_run_id, route_id, event) DO NOTHING
            """)
    int insertRunResolves(
            String model,
            String payload,
            OffsetDateTime now,
            @BindList(onEmpty = BindList.EmptyHandling.NULL_STRING) List<String> receivers);

    /** The status of a run event's delivery to a route, if there is one. */
    @SqlQuery(
            """
            SELECT status FROM deliveries
            WHERE retrain_run_id = :runId AND route_id = :routeId AND event = :event
            """)
    Optional<String> runEventStatus(long runId, long routeId, String event);

    @SqlQuery("SELECT * FROM deliveries WHERE retrain_run_id = :runId ORDER BY id")
    List<Delivery> ofRun(long runId);

    /** Whether the route notified this fingerprint's trigger since {@code since}. */
    @SqlQuery(
            """
            SELECT EXISTS (SELECT 1 FROM deliveries d JOIN alerts a ON a.id = d.alert_id
                WHERE d.route_id = :routeId AND a.fingerprint = :fingerprint
                AND d.event = 'trigger' AND d.status IN ('pending', 'delivered')
                AND d.created_at > :since)
            """)
    boolean notifiedSince(long routeId, String fingerprint, OffsetDateTime since);

    @SqlQuery(
            """
            SELECT status FROM deliveries
            WHERE alert_id = :alertId AND route_id = :routeId AND event = 'trigger'
            """)
    Optional<String> triggerStatus(long alertId, long routeId);

    /**
     * Claims up to {@code limit} due deliveries for {@code lease} by pushing their next attempt
     * time forward (safe with several registry replicas: SKIP LOCKED).
     */
    @SqlQuery(
            """
            UPDATE deliveries SET next_attempt_at = :leaseUntil
            WHERE id IN (SELECT id FROM deliveries
                WHERE status = 'pending' AND next_attempt_at <= :now
                ORDER BY next_attempt_at, id LIMIT :limit FOR UPDATE SKIP LOCKED)
            RETURNING *
            """)
    List<Delivery> claimDue(OffsetDateTime now, OffsetDateTime leaseUntil, int limit);

    /** Makes claimed deliveries that are still pending due at {@code now}; returns how many. */
    @SqlUpdate(
            """
            UPDATE deliveries SET next_attempt_at = :now
            WHERE id IN (<ids>) AND status = 'pending' AND next_attempt_at > :now
            """)
    int release(@BindList("ids") List<Long> ids, OffsetDateTime now);

    @SqlUpdate(
            """
            UPDATE deliveries SET status = 'delivered', attempts = attempts + 1,
                last_status = :httpStatus, last_error = NULL, delivered_at = :now
            WHERE id = :id
            """)
    void delivered(long id, int httpStatus, OffsetDateTime now);

    @SqlUpdate(
            """
            UPDATE deliveries SET attempts = attempts + 1, last_status = :httpStatus,
                last_error = :error, next_attempt_at = :next
            WHERE id = :id
            """)
    void retryLater(long id, Integer httpStatus, String error, OffsetDateTime next);

    @SqlUpdate(
            """
            UPDATE deliveries SET status = 'failed', attempts = attempts + 1,
                last_status = :httpStatus, last_error = :error
            WHERE id = :id
            """)
    void failed(long id, Integer httpStatus, String error);

    /** Ends a delivery that can no longer be sent (its route is gone) without an attempt. */
    @SqlUpdate(
            """
            UPDATE deliveries SET status = 'cancelled', last_error = :reason
            WHERE id = :id AND status = 'pending'
            """)
    void cancel(long id, String reason);

    /**
     * Cancels the route's pending deliveries (the route is being deleted); returns the alert
     * occurrences they belonged to (null for run events).
     */
    @SqlQuery(
            """
            UPDATE deliveries SET status = 'cancelled', last_error = :reason
            WHERE route_id = :routeId AND status = 'pending'
            RETURNING alert_id
            """)
    List<Long> cancelPendingOfRoute(long routeId, String reason);

    /** Postpones without counting an attempt (a receiver's rate limit). */
    @SqlUpdate("UPDATE deliveries SET next_attempt_at = :next WHERE id = :id")
    void postpone(long id, OffsetDateTime next);

    @SqlQuery("SELECT * FROM deliveries WHERE alert_id = :alertId ORDER BY id")
    List<Delivery> ofAlert(long alertId);
}
