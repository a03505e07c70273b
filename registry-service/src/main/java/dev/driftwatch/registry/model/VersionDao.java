package dev.driftwatch.registry.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMap;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for model versions and their tags. */
@RegisterConstructorMapper(ModelVersionRow.class)
@RegisterConstructorMapper(VersionTagRow.class)
public interface VersionDao {
    @SqlUpdate(
            """
            INSERT INTO model_versions (name, version, creation_timestamp, last_updated_timestamp,
                description, source, run_id, run_link, user_id, status) VALUES (:name, :version,
                :creationTimestamp, :lastUpdatedTimestamp, :description, :source, :runId, :runLink,
                :userId, :status)
            """)
    void insert(@BindMethods ModelVersionRow row);

    @SqlQuery("SELECT * FROM model_versions WHERE name = :name AND version = :version")
    Optional<ModelVersionRow> find(String name, int version);

    @SqlQuery(
            """
            SELECT * FROM model_versions WHERE name = :name AND version = :version FOR UPDATE
            """)
    Optional<ModelVersionRow> lock(String name, int version);

    @SqlUpdate(
            """
            UPDATE model_versions SET description = :description, last_updated_timestamp = :now
                WHERE name = :name AND version = :version
            """)
    int updateDescription(String name, int version, String description, long now);

    @SqlUpdate(
            """
            UPDATE model_versions SET last_updated_timestamp = :now WHERE name = :name AND version
                = :version
            """)
    int touch(String name, int version, long now);

    @SqlUpdate("DELETE FROM model_versions WHERE name = :name AND version = :version")
    int delete(String name, int version);

    /** The newest version of a model, if any. */
    @SqlQuery("SELECT * FROM model_versions WHERE name = :name ORDER BY version DESC LIMIT 1")
    Optional<ModelVersionRow> latest(String name);

    @SqlQuery(
            """
            SELECT DISTINCT ON (name) * FROM model_versions WHERE name IN (<names>) ORDER BY name,
                version DESC
            """)
    List<ModelVersionRow> latestOf(@BindList List<String> names);

    /** One page of versions; {@code where} and {@code orderBy} come from {@link SearchFilter}. */
    @SqlQuery(
            """
            SELECT v.* FROM model_versions v WHERE <where> ORDER BY <orderBy> LIMIT :limit OFFSET
                :offset
            """)
    List<ModelVersionRow> search(
            @Define("where") String where,
            @Define("orderBy") String orderBy,
            @BindMap("p") Map<String, Object> params,
            int limit,
            long offset);

    @SqlQuery(
            """
            SELECT name, version, key, value FROM model_version_tags WHERE name = :name AND
                version = :version ORDER BY key
            """)
    List<VersionTagRow> tags(String name, int version);

    @SqlUpdate(
            """
            INSERT INTO model_version_tags (name, version, key, value) VALUES (:name, :version,
                :key, :value) ON CONFLICT (name, version, key) DO UPDATE SET value = EXCLUDED.value
            """)
    void setTag(String name, int version, String key, String value);

    @SqlUpdate(
            """
            DELETE FROM model_version_tags WHERE name = :name AND version = :version AND key =
                :key
            """)
    int deleteTag(String name, int version, String key);
}
