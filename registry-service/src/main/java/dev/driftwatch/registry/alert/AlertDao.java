package dev.driftwatch.registry.alert;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code alerts}. */
@RegisterConstructorMapper(StoredAlert.class)
public interface AlertDao {
    String COLUMNS =
            """
            id, fingerprint, starts_at, status, alertname, severity, model_name, model_version,
            labels::text AS labels, annotations::text AS annotations, ends_at, value, threshold,
            generator_url, received_via, delivery_state
            """;

    /** Inserts a new occurrence; returns its id, or empty when it was already stored. */
    @SqlQuery(
            """
            INSERT INTO alerts (fingerprint, starts_at, status, alertname, severity, model_name,
                model_version, labels, annotations, ends_at, value, threshold, generator_url,
                received_via, first_received_at, last_received_at)
            VALUES (:fingerprint, :startsAt, :status, :alertname, :severity, :modelName,
                :modelVersion, CAST(:labels AS jsonb), CAST(:annotations AS jsonb), :endsAt,
                :value, :threshold, :generatorUrl, :receivedVia, :now, :now)
            ON CONFLICT (fingerprint, starts_at) DO NOTHING RETURNING id
            """)
    Optional<Long> insert(@BindMethods StoredAlert alert, OffsetDateTime now);

    @SqlQuery(
            "SELECT "
                    + COLUMNS
                    + " FROM alerts WHERE fingerprint = :fingerprint AND starts_at = :startsAt"
                    + " FOR UPDATE")
    Optional<StoredAlert> lock(String fingerprint, OffsetDateTime startsAt);

    @SqlQuery("SELECT " + COLUMNS + " FROM alerts WHERE id = :id")
    Optional<StoredAlert> find(long id);

    @SqlUpdate(
            """
            UPDATE alerts SET status = 'resolved', ends_at = :endsAt,
                annotations = CAST(:annotations AS jsonb), value = COALESCE(:value, value),
                threshold = COALESCE(:threshold, threshold), last_received_at = :now
            WHERE id = :id
            """)
    void resolve(
            long id,
            OffsetDateTime endsAt,
            String annotations,
            Double value,
            Double threshold,
            OffsetDateTime now);

    @SqlUpdate("UPDATE alerts SET last_received_at = :now WHERE id = :id")
    void seenAgain(long id, OffsetDateTime now);

    /**
     * Recomputes an alert's {@code delivery_state} from its deliveries: {@code none} without any,
     * else the first that applies of {@code pending}, {@code failed}, {@code delivered}, {@code
     * cancelled}, {@code suppressed}. Deliveries of one alert finish concurrently, each in its own
     * transaction: the alert's row is locked first, so the recomputation runs on a snapshot taken
     * after every earlier finisher committed (otherwise two finishers each see the other's delivery
     * still pending and the last write leaves {@code pending} for good).
     */
    default void refreshDeliveryState(long id) {
        lockForUpdate(id);
        recomputeDeliveryState(id);
    }

    /** Locks the alert's row until the end of the transaction. */
    @SqlQuery("SELECT id FROM alerts WHERE id = :id FOR UPDATE")
    Optional<Long> lockForUpdate(long id);

    /** The statement of {@link #refreshDeliveryState}, on this statement's snapshot. */
    @SqlUpdate(
            """
            UPDATE alerts a SET delivery_state = (SELECT CASE
                    WHEN count(*) = 0 THEN 'none'
                    WHEN bool_or(d.status = 'pending') THEN 'pending'
                    WHEN bool_or(d.status = 'failed') THEN 'failed'
                    WHEN bool_or(d.status = 'delivered') THEN 'delivered'
                    WHEN bool_or(d.status = 'cancelled') THEN 'cancelled'
                    ELSE 'suppressed' END
                FROM deliveries d WHERE d.alert_id = a.id)
            WHERE a.id = :id
            """)
    void recomputeDeliveryState(long id);

    @SqlQuery(
            "SELECT "
                    + COLUMNS
                    + """
                     FROM alerts WHERE (:model = '' OR model_name = :model)
                    AND (:status = '' OR status = :status) ORDER BY starts_at DESC, id DESC
                    LIMIT :limit
                    """)
    List<StoredAlert> recent(String model, String status, int limit);
}
