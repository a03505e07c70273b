package dev.driftwatch.registry.schema;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code model_input_schemas} (feature names stored as a JSON array). */
@RegisterConstructorMapper(InputSchemaDao.Row.class)
public interface InputSchemaDao {
    /** A stored schema. */
    record Row(String featureNames, String predictionOutput) {}

    /** An alias of the model and its version. */
    record Alias(String alias, int version) {}

    @SqlUpdate(
            """
            INSERT INTO model_input_schemas (name, feature_names, prediction_output, updated_at)
                VALUES (:name, :featureNames, :predictionOutput, :now) ON CONFLICT (name) DO UPDATE
                SET feature_names = EXCLUDED.feature_names, prediction_output =
                EXCLUDED.prediction_output, updated_at = EXCLUDED.updated_at
            """)
    void upsert(String name, String featureNames, String predictionOutput, long now);

    @SqlQuery(
            """
            SELECT feature_names, prediction_output FROM model_input_schemas WHERE name = :name
            """)
    Optional<Row> find(String name);

    @SqlQuery(
            """
            SELECT alias, version FROM registered_model_aliases WHERE name = :name ORDER BY alias
            """)
    @RegisterConstructorMapper(Alias.class)
    List<Alias> aliases(String name);
}
