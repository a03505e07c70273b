package dev.driftwatch.registry.alert;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code alerts}. */
@RegisterConstructorMapper(StoredAlert.class)
public interface AlertDao {
    String COLUMNS =
            "id, fingerprint, starts_at, status, alertname, severity, model_name, model_version,"
                    + " labels::text AS labels, annotations::text AS annotations, ends_at, value,"
                    + " threshold, generator_url, received_via, delivery_state";

    /** Inserts a new occurrence; returns its id, or empty when it was already stored. */
    @SqlQuery(
            "INSERT INTO alerts (fingerprint, starts_at, status, alertname, severity, model_name,"
                    + " model_version, labels, annotations, ends_at, value, threshold,"
                    + " generator_url, received_via, first_received_at, last_received_at)"
                    + " VALUES (:fingerprint, :startsAt, :status, :alertname, :severity, :model,"
                    + " :version, CAST(:labels AS jsonb), CAST(:annotations AS jsonb), :endsAt,"
                    + " :value, :threshold, :generatorUrl, :via, :now, :now)"
                    + " ON CONFLICT (fingerprint, starts_at) DO NOTHING RETURNING id")
    Optional<Long> insert(
            @Bind("fingerprint") String fingerprint,
            @Bind("startsAt") OffsetDateTime startsAt,
            @Bind("status") String status,
            @Bind("alertname") String alertname,
            @Bind("severity") String severity,
            @Bind("model") String model,
            @Bind("version") String version,
            @Bind("labels") String labels,
            @Bind("annotations") String annotations,
            @Bind("endsAt") OffsetDateTime endsAt,
            @Bind("value") Double value,
            @Bind("threshold") Double threshold,
            @Bind("generatorUrl") String generatorUrl,
            @Bind("via") String via,
            @Bind("now") OffsetDateTime now);

    @SqlQuery(
            "SELECT "
                    + COLUMNS
                    + " FROM alerts WHERE fingerprint = :fingerprint AND starts_at = :startsAt"
                    + " FOR UPDATE")
    Optional<StoredAlert> lock(
            @Bind("fingerprint") String fingerprint, @Bind("startsAt") OffsetDateTime startsAt);

    @SqlQuery("SELECT " + COLUMNS + " FROM alerts WHERE id = :id")
    Optional<StoredAlert> find(@Bind("id") long id);

    @SqlUpdate(
            "UPDATE alerts SET status = 'resolved', ends_at = :endsAt,"
                    + " annotations = CAST(:annotations AS jsonb),"
                    + " value = COALESCE(:value, value), threshold = COALESCE(:threshold, threshold),"
                    + " last_received_at = :now WHERE id = :id")
    void resolve(
            @Bind("id") long id,
            @Bind("endsAt") OffsetDateTime endsAt,
            @Bind("annotations") String annotations,
            @Bind("value") Double value,
            @Bind("threshold") Double threshold,
            @Bind("now") OffsetDateTime now);

    @SqlUpdate("UPDATE alerts SET last_received_at = :now WHERE id = :id")
    void seenAgain(@Bind("id") long id, @Bind("now") OffsetDateTime now);

    /** Recomputes an alert's delivery state from its deliveries. */
    @SqlUpdate(
            "UPDATE alerts a SET delivery_state = COALESCE((SELECT CASE"
                    + " WHEN bool_or(d.status = 'pending') THEN 'pending'"
                    + " WHEN bool_or(d.status = 'failed') THEN 'failed'"
                    + " WHEN bool_or(d.status = 'delivered') THEN 'delivered'"
                    + " ELSE 'suppressed' END FROM deliveries d WHERE d.alert_id = a.id), 'none')"
                    + " WHERE a.id = :id")
    void refreshDeliveryState(@Bind("id") long id);

    @SqlQuery(
            "SELECT "
                    + COLUMNS
                    + " FROM alerts WHERE (:model = '' OR model_name = :model)"
                    + " AND (:status = '' OR status = :status) ORDER BY starts_at DESC, id DESC"
                    + " LIMIT :limit")
    List<StoredAlert> recent(
            @Bind("model") String model, @Bind("status") String status, @Bind("limit") int limit);
}
