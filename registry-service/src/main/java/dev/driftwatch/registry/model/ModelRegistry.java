package dev.driftwatch.registry.model;

import dev.driftwatch.registry.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The model registry: registered models, versions, tags and aliases, with MLflow's semantics. Every
 * write runs in one transaction; writes that touch a model's versions or aliases first lock the
 * model's row, so concurrent alias moves and version creations are serialised and none is lost.
 *
 * <pre>{@code
 * ModelRegistry registry = new ModelRegistry(jdbi, Clock.systemUTC(), AliasMoveListener.NONE);
 * registry.createModel("fraud", "", List.of());
 * ModelVersion v1 = registry.createVersion("fraud", "s3://models/fraud/1", "", "", "", List.of(), "ci");
 * registry.setAlias("fraud", "champion", "1");
 * }</pre>
 */
public final class ModelRegistry {
    public static final int DEFAULT_MODELS_PAGE = 100;
    public static final int MAX_MODELS_PAGE = 1000;
    public static final int DEFAULT_VERSIONS_PAGE = 1000;
    public static final int MAX_VERSIONS_PAGE = 10000;

    private final Jdbi jdbi;
    private final Clock clock;
    private final AliasMoveListener aliasMoveListener;

    public ModelRegistry(Jdbi jdbi, Clock clock, AliasMoveListener aliasMoveListener) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.aliasMoveListener = aliasMoveListener;
    }

    // ---- registered models ----

    public RegisteredModel createModel(String name, String description, List<Tag> tags) {
        NameRules.modelName(name);
        String desc = NameRules.description(description);
        tags.forEach(t -> validateTag(t));
        return jdbi.inTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    if (models.insert(name, desc, clock.millis()) == 0) {
                        throw RegistryException.exists(
                                "Registered Model (name=" + name + ") already exists.");
                    }
                    tags.forEach(t -> models.setTag(name, t.key(), t.value()));
                    return model(h, name);
                });
    }

    public RegisteredModel getModel(String name) {
        NameRules.modelName(name);
        return jdbi.withHandle(h -> model(h, name));
    }

    public RegisteredModel updateModel(String name, String description) {
        NameRules.modelName(name);
        String desc = NameRules.description(description);
        return jdbi.inTransaction(
                h -> {
                    if (h.attach(ModelDao.class).updateDescription(name, desc, clock.millis())
                            == 0) {
                        throw modelNotFound(name);
                    }
                    return model(h, name);
                });
    }

    public void deleteModel(String name) {
        NameRules.modelName(name);
        jdbi.useTransaction(
                h -> {
                    if (h.attach(ModelDao.class).delete(name) == 0) {
                        throw modelNotFound(name);
                    }
                });
    }

    public Page<RegisteredModel> searchModels(
            String filter, Integer maxResults, List<String> orderBy, String pageToken) {
        int limit = pageSize(maxResults, DEFAULT_MODELS_PAGE, MAX_MODELS_PAGE);
        long offset = PageTokens.offset(pageToken);
        SearchFilter f = SearchFilter.forModels(filter, orderBy);
        return jdbi.withHandle(
                h -> {
                    List<RegisteredModelRow> rows =
                            h.attach(ModelDao.class)
                                    .search(f.where(), f.orderBy(), f.params(), limit + 1, offset);
                    String next = rows.size() > limit ? PageTokens.of(offset + limit) : "";
                    List<RegisteredModel> out = new ArrayList<>();
                    for (RegisteredModelRow r : rows.subList(0, Math.min(limit, rows.size()))) {
                        out.add(model(h, r));
                    }
                    return new Page<>(out, next);
                });
    }

    public void setModelTag(String name, String key, String value) {
        NameRules.modelName(name);
        validateTag(new Tag(key, value));
        jdbi.useTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    models.lock(name).orElseThrow(() -> modelNotFound(name));
                    models.setTag(name, key, value);
                    models.touch(name, clock.millis());
                });
    }

    public void deleteModelTag(String name, String key) {
        NameRules.modelName(name);
        NameRules.tagKey(key);
        jdbi.useTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    models.lock(name).orElseThrow(() -> modelNotFound(name));
                    if (models.deleteTag(name, key) == 0) {
                        throw RegistryException.notFound(
                                "No tag with key '" + key + "' on registered model " + name);
                    }
                    models.touch(name, clock.millis());
                });
    }

    /** Points {@code alias} at {@code version}; returns the version it pointed at before, or 0. */
    public int setAlias(String name, String alias, String version) {
        NameRules.modelName(name);
        NameRules.alias(alias);
        int v = NameRules.version(version);
        return jdbi.inTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    models.lock(name).orElseThrow(() -> modelNotFound(name));
                    h.attach(VersionDao.class)
                            .find(name, v)
                            .orElseThrow(() -> versionNotFound(name, v));
                    int previous = models.alias(name, alias).map(AliasRow::version).orElse(0);
                    long now = clock.millis();
                    models.setAlias(name, alias, v, now);
                    models.touch(name, now);
                    aliasMoveListener.aliasMoved(h, name, alias, v);
                    return previous;
                });
    }

    /** The alias that keeps the champion a promotion replaced, for {@link #rollback}. */
    public static final String PREVIOUS = "previous";

    public static final String CHAMPION = "champion";

    /**
     * Moves {@code champion} to {@code version} and {@code previous} to the version it replaced, in
     * one transaction (the champion listener publishes the new baseline inside it). Returns the
     * replaced version, or 0 when there was no champion.
     */
    public int promote(String name, String version) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        return jdbi.inTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    models.lock(name).orElseThrow(() -> modelNotFound(name));
                    h.attach(VersionDao.class)
                            .find(name, v)
                            .orElseThrow(() -> versionNotFound(name, v));
                    int previous = models.alias(name, CHAMPION).map(AliasRow::version).orElse(0);
                    long now = clock.millis();
                    if (previous != 0 && previous != v) {
                        models.setAlias(name, PREVIOUS, previous, now);
                        aliasMoveListener.aliasMoved(h, name, PREVIOUS, previous);
                    }
                    models.setAlias(name, CHAMPION, v, now);
                    models.touch(name, now);
                    aliasMoveListener.aliasMoved(h, name, CHAMPION, v);
                    return previous;
                });
    }

    /**
     * Moves {@code champion} back to the {@code previous} version and {@code previous} to the
     * version it replaced. Returns the version that is champion now.
     */
    public int rollback(String name) {
        NameRules.modelName(name);
        return jdbi.inTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    models.lock(name).orElseThrow(() -> modelNotFound(name));
                    int previous =
                            models.alias(name, PREVIOUS)
                                    .map(AliasRow::version)
                                    .orElseThrow(
                                            () ->
                                                    RegistryException.invalid(
                                                            name
                                                                    + " has no 'previous' version to"
                                                                    + " roll back to (set when a"
                                                                    + " promotion replaces a"
                                                                    + " champion)."));
                    int current = models.alias(name, CHAMPION).map(AliasRow::version).orElse(0);
                    long now = clock.millis();
                    if (current != 0) {
                        models.setAlias(name, PREVIOUS, current, now);
                    } else {
                        models.deleteAlias(name, PREVIOUS);
                    }
                    models.setAlias(name, CHAMPION, previous, now);
                    models.touch(name, now);
                    aliasMoveListener.aliasMoved(h, name, CHAMPION, previous);
                    return previous;
                });
    }

    public void deleteAlias(String name, String alias) {
        NameRules.modelName(name);
        NameRules.alias(alias);
        jdbi.useTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    models.lock(name).orElseThrow(() -> modelNotFound(name));
                    if (models.deleteAlias(name, alias) == 0) {
                        throw RegistryException.notFound(
                                "Registered model alias " + alias + " not found on " + name + ".");
                    }
                    models.touch(name, clock.millis());
                });
    }

    public ModelVersion getByAlias(String name, String alias) {
        NameRules.modelName(name);
        NameRules.alias(alias);
        return jdbi.withHandle(
                h -> {
                    h.attach(ModelDao.class).find(name).orElseThrow(() -> modelNotFound(name));
                    AliasRow a =
                            h.attach(ModelDao.class)
                                    .alias(name, alias)
                                    .orElseThrow(
                                            () ->
                                                    RegistryException.notFound(
                                                            "Registered model alias "
                                                                    + alias
                                                                    + " not found on "
                                                                    + name
                                                                    + "."));
                    return version(h, name, a.version());
                });
    }

    /** The newest version (stages are not used, so every version is in stage "None"). */
    public List<ModelVersion> latestVersions(String name) {
        NameRules.modelName(name);
        return jdbi.withHandle(
                h -> {
                    h.attach(ModelDao.class).find(name).orElseThrow(() -> modelNotFound(name));
                    return h.attach(VersionDao.class).latest(name).stream()
                            .map(r -> version(h, r))
                            .toList();
                });
    }

    // ---- model versions ----

    public ModelVersion createVersion(
            String name,
            String source,
            String runId,
            String runLink,
            String description,
            List<Tag> tags,
            String userId) {
        NameRules.modelName(name);
        tags.forEach(t -> validateTag(t));
        String desc = NameRules.description(description);
        return jdbi.inTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    RegisteredModelRow m = models.lock(name).orElseThrow(() -> modelNotFound(name));
                    long now = clock.millis();
                    int v = m.nextVersion();
                    models.advanceVersion(name, now);
                    VersionDao versions = h.attach(VersionDao.class);
                    versions.insert(
                            new ModelVersionRow(
                                    name,
                                    v,
                                    now,
                                    now,
                                    desc,
                                    NameRules.text("source", source),
                                    NameRules.text("run_id", runId),
                                    NameRules.text("run_link", runLink),
                                    userId == null ? "" : userId,
                                    "READY"));
                    tags.forEach(t -> versions.setTag(name, v, t.key(), t.value()));
                    return version(h, name, v);
                });
    }

    public ModelVersion getVersion(String name, String version) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        return jdbi.withHandle(h -> version(h, name, v));
    }

    public ModelVersion updateVersion(String name, String version, String description) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        String desc = NameRules.description(description);
        return jdbi.inTransaction(
                h -> {
                    if (h.attach(VersionDao.class).updateDescription(name, v, desc, clock.millis())
                            == 0) {
                        throw versionNotFound(name, v);
                    }
                    return version(h, name, v);
                });
    }

    public void deleteVersion(String name, String version) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        jdbi.useTransaction(
                h -> {
                    ModelDao models = h.attach(ModelDao.class);
                    models.lock(name).orElseThrow(() -> modelNotFound(name));
                    if (h.attach(VersionDao.class).delete(name, v) == 0) {
                        throw versionNotFound(name, v);
                    }
                    models.touch(name, clock.millis());
                });
    }

    public void setVersionTag(String name, String version, String key, String value) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        validateTag(new Tag(key, value));
        jdbi.useTransaction(
                h -> {
                    VersionDao versions = h.attach(VersionDao.class);
                    versions.lock(name, v).orElseThrow(() -> versionNotFound(name, v));
                    versions.setTag(name, v, key, value);
                    versions.touch(name, v, clock.millis());
                });
    }

    public void deleteVersionTag(String name, String version, String key) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        NameRules.tagKey(key);
        jdbi.useTransaction(
                h -> {
                    VersionDao versions = h.attach(VersionDao.class);
                    versions.lock(name, v).orElseThrow(() -> versionNotFound(name, v));
                    if (versions.deleteTag(name, v, key) == 0) {
                        throw RegistryException.notFound(
                                "No tag with key '"
                                        + key
                                        + "' on model version (name="
                                        + name
                                        + ", version="
                                        + v
                                        + ")");
                    }
                    versions.touch(name, v, clock.millis());
                });
    }

    public Page<ModelVersion> searchVersions(
            String filter, Integer maxResults, List<String> orderBy, String pageToken) {
        int limit = pageSize(maxResults, DEFAULT_VERSIONS_PAGE, MAX_VERSIONS_PAGE);
        long offset = PageTokens.offset(pageToken);
        SearchFilter f = SearchFilter.forVersions(filter, orderBy);
        return jdbi.withHandle(
                h -> {
                    List<ModelVersionRow> rows =
                            h.attach(VersionDao.class)
                                    .search(f.where(), f.orderBy(), f.params(), limit + 1, offset);
                    String next = rows.size() > limit ? PageTokens.of(offset + limit) : "";
                    List<ModelVersion> out = new ArrayList<>();
                    for (ModelVersionRow r : rows.subList(0, Math.min(limit, rows.size()))) {
                        out.add(version(h, r));
                    }
                    return new Page<>(out, next);
                });
    }

    // ---- reading ----

    private RegisteredModel model(Handle h, String name) {
        return model(h, h.attach(ModelDao.class).find(name).orElseThrow(() -> modelNotFound(name)));
    }

    private RegisteredModel model(Handle h, RegisteredModelRow row) {
        ModelDao models = h.attach(ModelDao.class);
        List<ModelVersion> latest =
                h.attach(VersionDao.class).latest(row.name()).stream()
                        .map(r -> version(h, r))
                        .toList();
        return new RegisteredModel(
                row, latest, models.tags(row.name()), models.aliases(row.name()));
    }

    private ModelVersion version(Handle h, String name, int v) {
        return version(
                h,
                h.attach(VersionDao.class)
                        .find(name, v)
                        .orElseThrow(() -> versionNotFound(name, v)));
    }

    private ModelVersion version(Handle h, ModelVersionRow row) {
        List<Tag> tags =
                h.attach(VersionDao.class).tags(row.name(), row.version()).stream()
                        .map(t -> new Tag(t.key(), t.value()))
                        .toList();
        List<String> aliases =
                h.attach(ModelDao.class).aliases(row.name()).stream()
                        .filter(a -> a.version() == row.version())
                        .map(AliasRow::alias)
                        .collect(Collectors.toList());
        return new ModelVersion(row, tags, aliases);
    }

    private static void validateTag(Tag t) {
        NameRules.tagKey(t.key());
        NameRules.tagValue(t.value());
    }

    private static int pageSize(Integer requested, int dflt, int max) {
        if (requested == null) {
            return dflt;
        }
        if (requested < 1 || requested > max) {
            throw RegistryException.invalid(
                    "max_results must be between 1 and " + max + ", was " + requested);
        }
        return requested;
    }

    static RegistryException modelNotFound(String name) {
        return RegistryException.notFound("Registered Model with name=" + name + " not found");
    }

    static RegistryException versionNotFound(String name, int version) {
        return RegistryException.notFound(
                "Model Version (name=" + name + ", version=" + version + ") not found");
    }

    /** Opaque page tokens: the offset of the next page, base64url-encoded. */
    static final class PageTokens {
        private PageTokens() {}

        static String of(long offset) {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
        }

        static long offset(String token) {
            if (token == null || token.isEmpty()) {
                return 0;
            }
            try {
                String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                if (s.startsWith("offset:")) {
                    long offset = Long.parseLong(s.substring(7));
                    if (offset >= 0) {
                        return offset;
                    }
                }
            } catch (IllegalArgumentException e) {
                // fall through to the error below
            }
            throw RegistryException.invalid("Invalid page_token: " + NameRules.clip(token));
        }
    }
}
