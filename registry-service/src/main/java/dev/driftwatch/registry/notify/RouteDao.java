package dev.driftwatch.registry.notify;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code notification_routes}. */
@RegisterConstructorMapper(Route.class)
public interface RouteDao {
    @SqlUpdate(
            """
            INSERT INTO notification_routes (name, receiver, match_model, match_severity,
                match_alertname, url, routing_key, secret, repeat_interval_ms, send_resolved,
                created_at)
            VALUES (:name, :receiver, :matchModel, :matchSeverity, :matchAlertname, :url,
                :routingKey, :secret, :repeatIntervalMs, :sendResolved, :now)
            ON CONFLICT (name) DO UPDATE SET receiver = EXCLUDED.receiver,
                match_model = EXCLUDED.match_model, match_severity = EXCLUDED.match_severity,
                match_alertname = EXCLUDED.match_alertname, url = EXCLUDED.url,
                routing_key = EXCLUDED.routing_key, secret = EXCLUDED.secret,
                repeat_interval_ms = EXCLUDED.repeat_interval_ms,
                send_resolved = EXCLUDED.send_resolved
            """)
    void upsert(@BindMethods Route route, long now);

    @SqlQuery("SELECT * FROM notification_routes ORDER BY name")
    List<Route> all();

    @SqlQuery("SELECT * FROM notification_routes WHERE name = :name")
    Optional<Route> byName(String name);

    @SqlQuery("SELECT * FROM notification_routes WHERE id = :id")
    Optional<Route> find(long id);

    @SqlUpdate("DELETE FROM notification_routes WHERE id = :id")
    int delete(long id);
}
