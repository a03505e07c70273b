package dev.driftwatch.registry.profile;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.model.AliasMoveListener;
import dev.driftwatch.registry.model.ModelDao;
import dev.driftwatch.registry.model.NameRules;
import dev.driftwatch.registry.model.VersionDao;
import java.time.Clock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference profiles of model versions (drift-core's JSON, validated by {@link ReferenceProfile}),
 * and the rule that the {@value #CHAMPION} version's profile is published whenever the alias moves
 * or the champion's profile changes.
 *
 * <pre>{@code
 * ReferenceProfiles profiles = new ReferenceProfiles(jdbi, clock, publisher);
 * profiles.put("fraud", "7", json);
 * }</pre>
 */
public final class ReferenceProfiles implements AliasMoveListener {
    /** The alias that serves production; its profile is the drift job's baseline. */
    public static final String CHAMPION = "champion";

    private static final Logger LOG = LoggerFactory.getLogger(ReferenceProfiles.class);

    private final Jdbi jdbi;
    private final Clock clock;
    private final ReferenceProfilePublisher publisher;

    public ReferenceProfiles(Jdbi jdbi, Clock clock, ReferenceProfilePublisher publisher) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.publisher = publisher;
    }

    /** Validates and stores a version's profile; returns the stored (normalised) JSON. */
    public String put(String name, String version, String json) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        ReferenceProfile profile;
        try {
            profile = ReferenceProfile.fromJson(json);
        } catch (DriftCoreException e) {
            throw RegistryException.invalid("Invalid reference profile: " + e.getMessage());
        }
        if (!profile.modelName().equals(name) || !profile.modelVersion().equals(version)) {
            throw RegistryException.invalid(
                    "The profile is for model "
                            + profile.modelName()
                            + " version "
                            + profile.modelVersion()
                            + ", not "
                            + name
                            + " version "
                            + version
                            + ".");
        }
        String normalised = profile.toJson();
        return jdbi.inTransaction(
                h -> {
                    h.attach(ModelDao.class)
                            .lock(name)
                            .orElseThrow(
                                    () ->
                                            RegistryException.notFound(
                                                    "Registered Model with name="
                                                            + name
                                                            + " not found"));
                    h.attach(VersionDao.class)
                            .find(name, v)
                            .orElseThrow(
                                    () ->
                                            RegistryException.notFound(
                                                    "Model Version (name="
                                                            + name
                                                            + ", version="
                                                            + v
                                                            + ") not found"));
                    ProfileDao profiles = h.attach(ProfileDao.class);
                    profiles.upsert(name, v, normalised, profile.features().size(), clock.millis());
                    if (profiles.aliasVersion(name, CHAMPION).orElse(0) == v) {
                        publish(name, v, normalised);
                    }
                    return normalised;
                });
    }

    public String get(String name, String version) {
        NameRules.modelName(name);
        int v = NameRules.version(version);
        return jdbi.withHandle(
                h ->
                        h.attach(ProfileDao.class)
                                .find(name, v)
                                .orElseThrow(
                                        () ->
                                                RegistryException.notFound(
                                                        "No reference profile for model "
                                                                + name
                                                                + " version "
                                                                + v
                                                                + ".")));
    }

    @Override
    public void aliasMoved(Handle handle, String name, String alias, int version) {
        if (!CHAMPION.equals(alias)) {
            return;
        }
        handle.attach(ProfileDao.class)
                .find(name, version)
                .ifPresentOrElse(
                        json -> publish(name, version, json),
                        () ->
                                LOG.warn(
                                        "{} version {} became champion without a reference"
                                                + " profile; the drift job keeps its baseline",
                                        name,
                                        version));
    }

    private void publish(String name, int version, String json) {
        try {
            publisher.publish(name, String.valueOf(version), json);
            LOG.info("published the reference profile of {} version {}", name, version);
        } catch (RuntimeException e) {
            throw new RegistryException(
                    ErrorCode.TEMPORARILY_UNAVAILABLE,
                    "Could not publish the reference profile of "
                            + name
                            + " version "
                            + version
                            + ", nothing was changed: "
                            + e.getMessage());
        }
    }
}
