package dev.driftwatch.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.driftwatch.launcher.RunKind;
import dev.driftwatch.registry.JsonFields;
import dev.driftwatch.registry.RegistryException;
import dev.driftwatch.registry.auth.AccessControl;
import dev.driftwatch.registry.auth.AccessToken;
import dev.driftwatch.registry.auth.Caller;
import dev.driftwatch.registry.auth.Role;
import dev.driftwatch.registry.model.ModelRegistry;
import dev.driftwatch.registry.retrain.GateResult;
import dev.driftwatch.registry.retrain.RetrainRun;
import dev.driftwatch.registry.retrain.Retraining;
import dev.driftwatch.registry.retrain.TrainingTemplate;
import dev.driftwatch.registry.retrain.Transition;
import dev.driftwatch.registry.retrain.TriggerDecision;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.OffsetDateTime;
import java.util.Set;

/**
 * Retraining over HTTP: training templates ({@code /api/v1/training-templates}, admin), policies
 * ({@code /api/v1/models/{name}/retrain-policy}), runs ({@code /api/v1/retrain-runs}: request,
 * list, get with transitions and gates, cancel, approve, reject), the trainers' reports (candidate,
 * validation metrics: only with the run's own token), trigger decisions and rollback.
 */
public final class RetrainApi {
    private static final Set<String> REQUEST_FIELDS = Set.of("model_name");

    private final Retraining retraining;
    private final ModelRegistry registry;
    private final AccessControl access;
    private final int maxBodyBytes;

    public RetrainApi(
            Retraining retraining, ModelRegistry registry, AccessControl access, int maxBodyBytes) {
        this.retraining = retraining;
        this.registry = registry;
        this.access = access;
        this.maxBodyBytes = maxBodyBytes;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/v1/training-templates", this::listTemplates);
        routes.get("/api/v1/training-templates/{name}", this::getTemplate);
        routes.put("/api/v1/training-templates/{name}", this::putTemplate);
        routes.delete("/api/v1/training-templates/{name}", this::deleteTemplate);
        routes.put("/api/v1/models/{name}/retrain-policy", this::putPolicy);
        routes.get("/api/v1/models/{name}/retrain-policy", this::getPolicy);
        routes.delete("/api/v1/models/{name}/retrain-policy", this::deletePolicy);
        routes.post("/api/v1/models/{name}/rollback", this::rollback);
        routes.post("/api/v1/retrain-runs", this::request);
        routes.get("/api/v1/retrain-runs", this::list);
        routes.get("/api/v1/retrain-runs/{id}", this::get);
        routes.post("/api/v1/retrain-runs/{id}/cancel", this::cancel);
        routes.post("/api/v1/retrain-runs/{id}/approve", this::approve);
        routes.post("/api/v1/retrain-runs/{id}/reject", this::reject);
        routes.post("/api/v1/retrain-runs/{id}/candidate", this::candidate);
        routes.post("/api/v1/retrain-runs/{id}/validation-metrics", this::validationMetrics);
        routes.get("/api/v1/retrain-triggers", this::triggers);
    }

    private void listTemplates(Context ctx) {
        access.require(ctx, Role.APPROVER);
        ObjectNode out = JsonViews.object();
        ArrayNode arr = out.putArray("templates");
        for (TrainingTemplate t : retraining.templates().list()) {
            arr.add(templateView(t));
        }
        Responses.json(ctx, 200, out);
    }

    private void getTemplate(Context ctx) {
        access.require(ctx, Role.APPROVER);
        Responses.json(ctx, 200, templateView(retraining.templates().get(ctx.pathParam("name"))));
    }

    private void putTemplate(Context ctx) {
        AccessToken by = access.require(ctx, Role.ADMIN);
        JsonNode body = JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes));
        TrainingTemplate t =
                retraining.templates().put(ctx.pathParam("name"), body, "token:" + by.name());
        Responses.json(ctx, 200, templateView(t));
    }

    private void deleteTemplate(Context ctx) {
        access.require(ctx, Role.ADMIN);
        retraining.templates().delete(ctx.pathParam("name"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private ObjectNode templateView(TrainingTemplate t) {
        ObjectNode n = t.toJson();
        n.put("configured", retraining.templates().isConfigured(t.name()));
        return n;
    }

    private void putPolicy(Context ctx) {
        access.require(ctx, Role.APPROVER);
        JsonNode body = JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes));
        retraining.policies().put(ctx.pathParam("name"), body);
        Responses.json(ctx, 200, retraining.policies().json(ctx.pathParam("name")));
    }

    private void getPolicy(Context ctx) {
        access.require(ctx, Role.READER);
        Responses.json(ctx, 200, retraining.policies().json(ctx.pathParam("name")));
    }

    private void deletePolicy(Context ctx) {
        access.require(ctx, Role.APPROVER);
        retraining.policies().delete(ctx.pathParam("name"));
        Responses.json(ctx, 200, JsonViews.object());
    }

    private void rollback(Context ctx) {
        access.require(ctx, Role.APPROVER);
        int v = registry.rollback(ctx.pathParam("name"));
        ObjectNode n = JsonViews.object();
        n.put("name", ctx.pathParam("name"));
        n.put("champion", String.valueOf(v));
        Responses.json(ctx, 200, n);
    }

    private void request(Context ctx) {
        AccessToken by = access.require(ctx, Role.OPERATOR);
        JsonFields body =
                JsonFields.of(
                        JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes)),
                        "",
                        REQUEST_FIELDS);
        RetrainRun run = retraining.requests().request(body.text("model_name"), by);
        Responses.json(ctx, 201, view(run, false));
    }

    private void list(Context ctx) {
        access.require(ctx, Role.READER);
        int limit = limit(ctx);
        ObjectNode out = JsonViews.object();
        ArrayNode arr = out.putArray("runs");
        retraining
                .runs()
                .list(ctx.queryParam("model_name"), ctx.queryParam("state"), limit)
                .forEach(r -> arr.add(view(r, false)));
        Responses.json(ctx, 200, out);
    }

    private void get(Context ctx) {
        access.require(ctx, Role.READER);
        Responses.json(ctx, 200, view(retraining.runs().get(id(ctx)), true));
    }

    private void cancel(Context ctx) {
        AccessToken by = access.require(ctx, Role.OPERATOR);
        long id = id(ctx);
        JsonNode body = JsonRequest.optionalBody(ctx, maxBodyBytes);
        Responses.json(ctx, 200, view(retraining.decisions().cancel(id, by, body), true));
    }

    private void approve(Context ctx) {
        AccessToken by = access.require(ctx, Role.APPROVER);
        long id = id(ctx);
        JsonNode body = JsonRequest.optionalBody(ctx, maxBodyBytes);
        Responses.json(ctx, 200, view(retraining.decisions().approve(id, by, body), true));
    }

    private void reject(Context ctx) {
        AccessToken by = access.require(ctx, Role.APPROVER);
        long id = id(ctx);
        JsonNode body = JsonRequest.optionalBody(ctx, maxBodyBytes);
        Responses.json(ctx, 200, view(retraining.decisions().reject(id, by, body), true));
    }

    private void candidate(Context ctx) {
        Caller caller = access.authenticate(ctx);
        long id = id(ctx);
        AccessControl.requireRunReport(caller, id, RunKind.TRAINING.wireName());
        JsonNode body = JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes));
        Responses.json(ctx, 200, view(retraining.reports().candidate(id, body), true));
    }

    private void validationMetrics(Context ctx) {
        Caller caller = access.authenticate(ctx);
        long id = id(ctx);
        AccessControl.requireRunReport(caller, id, RunKind.VALIDATION.wireName());
        JsonNode body = JsonRequest.parse(JsonRequest.readBody(ctx, maxBodyBytes));
        Responses.json(ctx, 200, view(retraining.reports().validation(id, body), true));
    }

    private void triggers(Context ctx) {
        access.require(ctx, Role.READER);
        ObjectNode out = JsonViews.object();
        ArrayNode arr = out.putArray("triggers");
        for (TriggerDecision t :
                retraining.runs().triggers(ctx.queryParam("model_name"), limit(ctx))) {
            ObjectNode n = arr.addObject();
            n.put("alert_id", t.alertId());
            n.put("fingerprint", t.fingerprint());
            n.put("model_name", t.modelName());
            n.put("decision", t.decision());
            if (t.runId() != null) {
                n.put("run_id", t.runId());
            }
            n.put("decided_at", t.decidedAt().toInstant().toString());
        }
        Responses.json(ctx, 200, out);
    }

    private static int limit(Context ctx) {
        String s = ctx.queryParam("limit");
        if (s == null) {
            return 100;
        }
        try {
            int l = Integer.parseInt(s);
            if (l >= 1 && l <= 1000) {
                return l;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw RegistryException.invalid("limit must be between 1 and 1000; was " + s);
    }

    private static long id(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw RegistryException.invalid(
                    "retrain run id must be a number; was '" + ctx.pathParam("id") + "'");
        }
    }

    private ObjectNode view(RetrainRun r, boolean full) {
        ObjectNode n = JsonViews.object();
        n.put("id", r.id());
        n.put("model_name", r.modelName());
        n.put("state", r.state());
        n.put("cause", r.cause());
        if (r.triggerAlertId() != null) {
            n.put("trigger_alert_id", r.triggerAlertId());
        }
        n.put("trigger_fingerprint", r.triggerFingerprint());
        n.put("requested_by", r.requestedBy());
        n.put(
                "champion_version",
                r.championVersion() == null ? null : r.championVersion().toString());
        n.put(
                "candidate_version",
                r.candidateVersion() == null ? null : r.candidateVersion().toString());
        n.put("data_window_start", time(r.dataWindowStart()));
        n.put("data_window_end", time(r.dataWindowEnd()));
        n.put("backend", r.backend());
        n.put("training_run_id", r.trainingRunId());
        n.put("validation_run_id", r.validationRunId());
        n.put("gpu_hours", r.gpuHours());
        n.put("training_gpu_hours", r.trainingGpuHours());
        n.put("validation_gpu_hours", r.validationGpuHours());
        n.put("waiting_reason", r.waitingReason());
        n.put("failure_reason", r.failureReason());
        n.put("created_at", time(r.createdAt()));
        n.put("updated_at", time(r.updatedAt()));
        n.put("launched_at", time(r.launchedAt()));
        n.put("finished_at", time(r.finishedAt()));
        if (!full) {
            return n;
        }
        n.put("log_tail", r.logTail());
        n.set(
                "training_metrics",
                r.trainingMetrics() == null
                        ? null
                        : JsonRequest.parse(
                                r.trainingMetrics()
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        n.set(
                "validation_metrics",
                r.validationMetrics() == null
                        ? null
                        : JsonRequest.parse(
                                r.validationMetrics()
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        ArrayNode ts = n.putArray("transitions");
        for (Transition t : retraining.runs().transitions(r.id())) {
            ObjectNode x = ts.addObject();
            x.put("from", t.fromState());
            x.put("to", t.toState());
            x.put("at", time(t.at()));
            x.put("cause", t.cause());
            x.put("detail", t.detail());
        }
        ArrayNode gs = n.putArray("gates");
        for (GateResult g : retraining.runs().gates(r.id())) {
            ObjectNode x = gs.addObject();
            x.put("gate", g.gate());
            x.put("metric", g.metric());
            x.put("passed", g.passed());
            x.put("observed", g.observed());
            x.put("threshold", g.threshold());
            x.put("champion_value", g.championValue());
            x.put("detail", g.detail());
        }
        return n;
    }

    private static String time(OffsetDateTime t) {
        return t == null ? null : t.toInstant().toString();
    }
}
