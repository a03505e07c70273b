package dev.driftwatch.registry.model;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMap;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for registered models, their tags and aliases. */
@RegisterConstructorMapper(RegisteredModelRow.class)
@RegisterConstructorMapper(Tag.class)
@RegisterConstructorMapper(AliasRow.class)
public interface ModelDao {
    @SqlUpdate(
            """
            INSERT INTO registered_models (name, description, creation_timestamp,
                last_updated_timestamp) VALUES (:name, :description, :now, :now) ON CONFLICT (name) DO
                NOTHING
            """)
    int insert(String name, String description, long now);

    @SqlQuery("SELECT * FROM registered_models WHERE name = :name")
    Optional<RegisteredModelRow> find(String name);

    /** The model's row, locked until the transaction ends (serialises alias and version writes). */
    @SqlQuery("SELECT * FROM registered_models WHERE name = :name FOR UPDATE")
    Optional<RegisteredModelRow> lock(String name);

    @SqlUpdate(
            """
            UPDATE registered_models SET description = :description, last_updated_timestamp = :now
                WHERE name = :name
            """)
    int updateDescription(String name, String description, long now);

    @SqlUpdate("UPDATE registered_models SET last_updated_timestamp = :now WHERE name = :name")
    int touch(String name, long now);

    @SqlUpdate(
            """
            UPDATE registered_models SET next_version = next_version + 1, last_updated_timestamp =
                :now WHERE name = :name
            """)
    int advanceVersion(String name, long now);

    @SqlUpdate("DELETE FROM registered_models WHERE name = :name")
    int delete(String name);

    /** One page of models; {@code where} and {@code orderBy} come from {@link SearchFilter}. */
    @SqlQuery(
            """
            SELECT m.* FROM registered_models m WHERE <where> ORDER BY <orderBy> LIMIT :limit
                OFFSET :offset
            """)
    List<RegisteredModelRow> search(
            @Define("where") String where,
            @Define("orderBy") String orderBy,
            @BindMap("p") java.util.Map<String, Object> params,
            int limit,
            long offset);

    @SqlQuery("SELECT key, value FROM registered_model_tags WHERE name = :name ORDER BY key")
    List<Tag> tags(String name);

    @SqlUpdate(
            """
            INSERT INTO registered_model_tags (name, key, value) VALUES (:name, :key, :value) ON
                CONFLICT (name, key) DO UPDATE SET value = EXCLUDED.value
            """)
    void setTag(String name, String key, String value);

    @SqlUpdate("DELETE FROM registered_model_tags WHERE name = :name AND key = :key")
    int deleteTag(String name, String key);

    @SqlQuery(
            """
            SELECT name, alias, version FROM registered_model_aliases WHERE name = :name ORDER BY
                alias
            """)
    List<AliasRow> aliases(String name);

    @SqlQuery(
            """
            SELECT name, alias, version FROM registered_model_aliases WHERE name IN (<names>)
                ORDER BY alias
            """)
    List<AliasRow> aliasesOf(@BindList List<String> names);

    @SqlQuery(
            """
            SELECT name, alias, version FROM registered_model_aliases WHERE name = :name AND alias
                = :alias
            """)
    Optional<AliasRow> alias(String name, String alias);

    @SqlUpdate(
            """
            INSERT INTO registered_model_aliases (name, alias, version, updated_at) VALUES (:name,
                :alias, :version, :now) ON CONFLICT (name, alias) DO UPDATE SET version =
                EXCLUDED.version, updated_at = EXCLUDED.updated_at
            """)
    void setAlias(String name, String alias, int version, long now);

    @SqlUpdate("DELETE FROM registered_model_aliases WHERE name = :name AND alias = :alias")
    int deleteAlias(String name, String alias);
}
