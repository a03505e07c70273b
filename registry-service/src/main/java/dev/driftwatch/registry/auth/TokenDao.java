package dev.driftwatch.registry.auth;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.GetGeneratedKeys;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@code api_tokens} (hashes only). */
@RegisterConstructorMapper(AccessToken.class)
public interface TokenDao {
    @SqlUpdate(
            """
            INSERT INTO api_tokens (name, role, token_sha256, created_at) VALUES (:name, :role,
                :hash, :now)
            """)
    @GetGeneratedKeys("id")
    long insert(String name, String role, String hash, long now);

    @SqlUpdate(
            """
            INSERT INTO api_tokens (name, role, token_sha256, created_at) VALUES (:name, :role,
                :hash, :now) ON CONFLICT (name) DO UPDATE SET role = EXCLUDED.role, token_sha256 =
                EXCLUDED.token_sha256
            """)
    void upsert(String name, String role, String hash, long now);

    @SqlQuery("SELECT id, name, role, created_at FROM api_tokens WHERE token_sha256 = :hash")
    Optional<AccessToken> byHash(String hash);

    @SqlQuery("SELECT id, name, role, created_at FROM api_tokens ORDER BY id")
    List<AccessToken> list();

    @SqlQuery("SELECT count(*) FROM api_tokens WHERE role = 'admin'")
    int adminCount();

    @SqlUpdate("DELETE FROM api_tokens WHERE id = :id")
    int delete(long id);
}
