package dev.driftwatch.registry.model;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
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
            "INSERT INTO registered_models (name, description, creation_timestamp,"
                    + " last_updated_timestamp) VALUES (:name, :description, :now, :now)"
                    + " ON CONFLICT (name) DO NOTHING")
    int insert(
            @Bind("name") String name,
            @Bind("description") String description,
            @Bind("now") long now);

    @SqlQuery("SELECT * FROM registered_models WHERE name = :name")
    Optional<RegisteredModelRow> find(@Bind("name") String name);

    /** The model's row, locked until the transaction ends (serialises alias and version writes). */
    @SqlQuery("SELECT * FROM registered_models WHERE name = :name FOR UPDATE")
    Optional<RegisteredModelRow> lock(@Bind("name") String name);

    @SqlUpdate(
            "UPDATE registered_models SET description = :description, last_updated_timestamp = :now"
                    + " WHERE name = :name")
    int updateDescription(
            @Bind("name") String name,
            @Bind("description") String description,
            @Bind("now") long now);

    @SqlUpdate("UPDATE registered_models SET last_updated_timestamp = :now WHERE name = :name")
    int touch(@Bind("name") String name, @Bind("now") long now);

    @SqlUpdate(
            "UPDATE registered_models SET next_version = next_version + 1,"
                    + " last_updated_timestamp = :now WHERE name = :name")
    int advanceVersion(@Bind("name") String name, @Bind("now") long now);

    @SqlUpdate("DELETE FROM registered_models WHERE name = :name")
    int delete(@Bind("name") String name);

    /** One page of models; {@code where} and {@code orderBy} come from {@link SearchFilter}. */
    @SqlQuery(
            "SELECT m.* FROM registered_models m WHERE <where> ORDER BY <orderBy>"
                    + " LIMIT :limit OFFSET :offset")
    List<RegisteredModelRow> search(
            @Define("where") String where,
            @Define("orderBy") String orderBy,
            @BindMap("p") java.util.Map<String, Object> params,
            @Bind("limit") int limit,
            @Bind("offset") long offset);

    @SqlQuery("SELECT key, value FROM registered_model_tags WHERE name = :name ORDER BY key")
    List<Tag> tags(@Bind("name") String name);

    @SqlUpdate(
            "INSERT INTO registered_model_tags (name, key, value) VALUES (:name, :key, :value)"
                    + " ON CONFLICT (name, key) DO UPDATE SET value = EXCLUDED.value")
    void setTag(@Bind("name") String name, @Bind("key") String key, @Bind("value") String value);

    @SqlUpdate("DELETE FROM registered_model_tags WHERE name = :name AND key = :key")
    int deleteTag(@Bind("name") String name, @Bind("key") String key);

    @SqlQuery(
            "SELECT name, alias, version FROM registered_model_aliases WHERE name = :name"
                    + " ORDER BY alias")
    List<AliasRow> aliases(@Bind("name") String name);

    @SqlQuery(
            "SELECT name, alias, version FROM registered_model_aliases WHERE name IN (<names>)"
                    + " ORDER BY alias")
    List<AliasRow> aliasesOf(@BindList("names") List<String> names);

    @SqlQuery(
            "SELECT name, alias, version FROM registered_model_aliases"
                    + " WHERE name = :name AND alias = :alias")
    Optional<AliasRow> alias(@Bind("name") String name, @Bind("alias") String alias);

    @SqlUpdate(
            "INSERT INTO registered_model_aliases (name, alias, version, updated_at)"
                    + " VALUES (:name, :alias, :version, :now) ON CONFLICT (name, alias)"
                    + " DO UPDATE SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at")
    void setAlias(
            @Bind("name") String name,
            @Bind("alias") String alias,
            @Bind("version") int version,
            @Bind("now") long now);

    @SqlUpdate("DELETE FROM registered_model_aliases WHERE name = :name AND alias = :alias")
    int deleteAlias(@Bind("name") String name, @Bind("alias") String alias);
}
