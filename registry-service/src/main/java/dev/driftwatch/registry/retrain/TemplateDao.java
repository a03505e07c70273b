package dev.driftwatch.registry.retrain;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code training_templates}; only {@link TrainingTemplates} uses it. */
@RegisterConstructorMapper(TemplateDao.Row.class)
interface TemplateDao {
    /** A stored template: its name, its JSON and whether it comes from configuration. */
    record Row(String name, String spec, boolean configured) {}

    @SqlUpdate(
            """
            INSERT INTO training_templates (name, spec, configured, updated_at, updated_by)
            VALUES (:name, CAST(:spec AS jsonb), :configured, :now, :by)
            ON CONFLICT (name) DO UPDATE SET spec = EXCLUDED.spec,
                configured = EXCLUDED.configured, updated_at = EXCLUDED.updated_at,
                updated_by = EXCLUDED.updated_by
            """)
    void upsert(String name, String spec, boolean configured, OffsetDateTime now, String by);

    @SqlQuery(
            "SELECT name, spec::text AS spec, configured FROM training_templates WHERE name = :name")
    Optional<Row> find(String name);

    @SqlQuery(
            "SELECT name, spec::text AS spec, configured FROM training_templates WHERE name ="
                    + " :name FOR UPDATE")
    Optional<Row> lock(String name);

    @SqlQuery("SELECT name, spec::text AS spec, configured FROM training_templates ORDER BY name")
    List<Row> all();

    @SqlUpdate("DELETE FROM training_templates WHERE name = :name")
    int delete(String name);

    /** Templates that came from configuration but are no longer in it become ordinary ones. */
    @SqlUpdate("UPDATE training_templates SET configured = false WHERE configured")
    void unconfigureAll();

    /** The models whose policy names the template (for training or validation). */
    @SqlQuery(
            """
            SELECT model_name FROM retrain_policies
            WHERE spec -> 'training' ->> 'template' = :name
               OR spec -> 'validation' ->> 'template' = :name
            ORDER BY model_name
            """)
    List<String> policiesUsing(String name);
}
