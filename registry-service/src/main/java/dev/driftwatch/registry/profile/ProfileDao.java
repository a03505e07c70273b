package dev.driftwatch.registry.profile;

import java.util.Optional;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code reference_profiles}. */
public interface ProfileDao {
    @SqlUpdate(
            """
            INSERT INTO reference_profiles (name, version, profile_json, feature_count,
                updated_at) VALUES (:name, :version, :json, :features, :now) ON CONFLICT (name,
                version) DO UPDATE SET profile_json = EXCLUDED.profile_json, feature_count =
                EXCLUDED.feature_count, updated_at = EXCLUDED.updated_at
            """)
    void upsert(String name, int version, String json, int features, long now);

    @SqlQuery(
            """
            SELECT profile_json FROM reference_profiles WHERE name = :name AND version = :version
            """)
    Optional<String> find(String name, int version);

    @SqlQuery(
            """
            SELECT version FROM registered_model_aliases WHERE name = :name AND alias = :alias
            """)
    Optional<Integer> aliasVersion(String name, String alias);
}
