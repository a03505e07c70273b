package dev.driftwatch.registry.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.registry.ErrorCode;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.retrain.RetrainPolicy.RunTemplate;
import dev.driftwatch.registry.retrain.RetrainPolicy.RunTemplates;
import dev.driftwatch.registry.retrain.RetrainPolicy.TemplateChoice;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The training templates: what runs execute, set by admins ({@code PUT
 * /api/v1/training-templates/{name}}) or given in the registry's configuration ({@link
 * RetrainSettings#withTemplates}), and how a policy's choice becomes a run's {@link RunTemplate}. A
 * configured template cannot be changed or deleted through the API; a template a policy names
 * cannot be deleted, nor changed so that the policy no longer fits it.
 *
 * <pre>{@code
 * templates.put("fraud-train", body, "token:ops");
 * RunTemplates runs = templates.resolve(policy);
 * }</pre>
 */
public final class TrainingTemplates {
    private final Jdbi jdbi;
    private final Clock clock;

    TrainingTemplates(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /**
     * Stores the templates of the registry's configuration (replacing what the API may have set
     * under their names); templates configured before but not now become ordinary ones.
     */
    void configure(List<TrainingTemplate> configured) {
        jdbi.useTransaction(
                h -> {
                    TemplateDao dao = h.attach(TemplateDao.class);
                    dao.unconfigureAll();
                    for (TrainingTemplate t : configured) {
                        dao.upsert(
                                t.name(),
                                t.specJson().toString(),
                                true,
                                Instant.now(clock).atOffset(ZoneOffset.UTC),
                                "configuration");
                    }
                });
    }

    /**
     * Checks and stores a template sent by {@code by}; the policies naming it must still fit it.
     *
     * @throws RegistryException 400 when it is invalid, 409 when it is configured or a policy would
     *     no longer fit it
     */
    public TrainingTemplate put(String name, JsonNode spec, String by) {
        TrainingTemplate t = TrainingTemplate.parse(name, spec);
        jdbi.useTransaction(
                h -> {
                    TemplateDao dao = h.attach(TemplateDao.class);
                    Optional<TemplateDao.Row> existing = dao.lock(name);
                    if (existing.map(TemplateDao.Row::configured).orElse(false)) {
                        throw configured(name);
                    }
                    for (String model : dao.policiesUsing(name)) {
                        RetrainPolicy p = RetrainPolicies.lock(h, model).orElseThrow();
                        for (RunKind part : RunKind.values()) {
                            TemplateChoice c = p.choice(part);
                            if (c.template().equals(name)) {
                                try {
                                    t.apply(c.parameters(), part.wireName() + ".parameters");
                                } catch (RegistryException e) {
                                    throw new RegistryException(
                                            ErrorCode.INVALID_STATE,
                                            "The retrain policy of "
                                                    + model
                                                    + " would no longer fit template "
                                                    + name
                                                    + ": "
                                                    + e.getMessage());
                                }
                            }
                        }
                    }
                    dao.upsert(
                            name,
                            t.specJson().toString(),
                            false,
                            Instant.now(clock).atOffset(ZoneOffset.UTC),
                            by);
                });
        return t;
    }

    /** The template, or 404. */
    public TrainingTemplate get(String name) {
        return find(name)
                .orElseThrow(
                        () -> RegistryException.notFound("No training template named " + name));
    }

    /** Whether a template came from the registry's configuration. */
    public boolean isConfigured(String name) {
        return jdbi.withExtension(TemplateDao.class, d -> d.find(name))
                .map(TemplateDao.Row::configured)
                .orElse(false);
    }

    public Optional<TrainingTemplate> find(String name) {
        return jdbi.withExtension(TemplateDao.class, d -> d.find(name))
                .map(TrainingTemplates::read);
    }

    public List<TrainingTemplate> list() {
        return jdbi.withExtension(TemplateDao.class, TemplateDao::all).stream()
                .map(TrainingTemplates::read)
                .toList();
    }

    /**
     * Deletes a template.
     *
     * @throws RegistryException 404 when there is none, 409 when it is configured or a policy names
     *     it
     */
    public void delete(String name) {
        jdbi.useTransaction(
                h -> {
                    TemplateDao dao = h.attach(TemplateDao.class);
                    TemplateDao.Row row =
                            dao.lock(name)
                                    .orElseThrow(
                                            () ->
                                                    RegistryException.notFound(
                                                            "No training template named " + name));
                    if (row.configured()) {
                        throw configured(name);
                    }
                    List<String> users = dao.policiesUsing(name);
                    if (!users.isEmpty()) {
                        throw new RegistryException(
                                ErrorCode.INVALID_STATE,
                                "Template "
                                        + name
                                        + " is named by the retrain policy of "
                                        + String.join(", ", users)
                                        + "; change those first.");
                    }
                    dao.delete(name);
                });
    }

    /**
     * The run templates of a policy: its two template choices applied to the current templates.
     *
     * @throws RegistryException when a template is missing or the policy's parameters do not fit
     */
    public RunTemplates resolve(RetrainPolicy policy) {
        return new RunTemplates(
                resolve(policy.training(), "training"), resolve(policy.validation(), "validation"));
    }

    /** {@link #resolve(RetrainPolicy)} inside {@code h}'s transaction. */
    RunTemplates resolve(Handle h, RetrainPolicy policy) {
        TemplateDao dao = h.attach(TemplateDao.class);
        return new RunTemplates(
                apply(dao.find(policy.training().template()), policy.training(), "training"),
                apply(dao.find(policy.validation().template()), policy.validation(), "validation"));
    }

    private RunTemplate resolve(TemplateChoice choice, String part) {
        return apply(
                jdbi.withExtension(TemplateDao.class, d -> d.find(choice.template())),
                choice,
                part);
    }

    private static RunTemplate apply(
            Optional<TemplateDao.Row> row, TemplateChoice choice, String part) {
        TrainingTemplate t =
                row.map(TrainingTemplates::read)
                        .orElseThrow(
                                () ->
                                        RegistryException.invalid(
                                                "'"
                                                        + part
                                                        + ".template': there is no training"
                                                        + " template named "
                                                        + choice.template()
                                                        + "; an admin sets templates (PUT"
                                                        + " /api/v1/training-templates/"
                                                        + choice.template()
                                                        + ")"));
        return t.apply(choice.parameters(), part + ".parameters");
    }

    private static TrainingTemplate read(TemplateDao.Row row) {
        return TrainingTemplate.parse(row.name(), RetrainPolicies.read(row.spec()));
    }

    private static RegistryException configured(String name) {
        return new RegistryException(
                ErrorCode.INVALID_STATE,
                "Template " + name + " comes from the registry's configuration; change it there.");
    }
}
