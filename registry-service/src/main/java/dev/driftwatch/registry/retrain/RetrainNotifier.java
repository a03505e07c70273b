package dev.driftwatch.registry.retrain;

import dev.driftwatch.registry.notify.DeliveryDao;
import dev.driftwatch.registry.notify.Receiver;
import dev.driftwatch.registry.notify.Receivers;
import dev.driftwatch.registry.notify.Route;
import dev.driftwatch.registry.notify.RouteDao;
import dev.driftwatch.registry.notify.RunEvent;
import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Queues notifications of a run's state change in the transaction that records it, so a change is
 * notified exactly when it commits and a run event is never delivered twice to a route (the
 * delivery log's unique key). The {@code NotificationDispatcher} sends them.
 *
 * <p>Who gets what: a route matches a run event like an alert with labels {@code alertname =
 * RetrainRun}, {@code model_name} = the run's model and {@code severity} = {@link
 * RunEvent#severityOf(String)}, and gets the events its {@link Receiver#runEvents()} names (Slack
 * and webhooks: {@code launched}, {@code failed}, {@code rejected}, {@code promoted}; PagerDuty:
 * {@code failed}). A later promotion of the same model resolves the failed-run notifications of
 * receivers that {@link Receiver#resolvesFailedRuns()} on routes with {@code send_resolved}.
 *
 * <pre>{@code
 * new RetrainNotifier(dispatcher::wakeUp).queue(handle, lockedRun, RunState.FAILED, reason, now);
 * }</pre>
 */
final class RetrainNotifier {
    private final Runnable queued;

    /**
     * @param queued called after the transaction that queued deliveries commits (wakes the sender)
     */
    RetrainNotifier(Runnable queued) {
        this.queued = queued;
    }

    /** Whether entering {@code state} notifies. */
    static boolean notifies(RunState state) {
        return RunEvent.EVENTS.contains(state.wireName());
    }

    /**
     * Queues the deliveries of {@code run} (as locked, before the change) entering {@code to}
     * inside {@code h}'s transaction; nothing when {@code to} does not notify.
     */
    void queue(Handle h, RetrainRun run, RunState to, String detail, OffsetDateTime now) {
        if (!notifies(to)) {
            return;
        }
        RunEvent e = event(h, run, to, detail, now);
        String payload = e.toJson();
        DeliveryDao deliveries = h.attach(DeliveryDao.class);
        int n = 0;
        for (Route r : matching(h, e)) {
            boolean wanted =
                    Receivers.find(r.receiver())
                            .map(receiver -> receiver.runEvents().contains(e.event()))
                            .orElse(false);
            if (wanted) {
                n += deliveries.insertRunEvent(run.id(), r.id(), e.event(), payload, now);
            }
        }
        if (to == RunState.PROMOTED) {
            n +=
                    deliveries.insertRunResolves(
                            run.modelName(), payload, now, Receivers.resolvingFailedRuns());
        }
        if (n > 0) {
            h.afterCommit(queued::run);
        }
    }

    private static RunEvent event(
            Handle h, RetrainRun run, RunState to, String detail, OffsetDateTime now) {
        List<RunEvent.Gate> gates =
                h.attach(RetrainDao.class).gates(run.id()).stream()
                        .map(
                                g ->
                                        new RunEvent.Gate(
                                                g.gate(),
                                                g.metric(),
                                                g.passed(),
                                                g.observed(),
                                                g.threshold(),
                                                g.championValue(),
                                                g.detail()))
                        .toList();
        return new RunEvent(
                run.id(),
                run.modelName(),
                to.wireName(),
                now.toInstant(),
                run.championVersion(),
                run.candidateVersion(),
                run.triggerFingerprint(),
                run.requestedBy(),
                detail,
                to == RunState.FAILED ? detail : null,
                gates);
    }

    private static List<Route> matching(Handle h, RunEvent e) {
        return h.attach(RouteDao.class).all().stream()
                .filter(r -> r.matches(e.modelName(), e.severity(), RunEvent.ALERTNAME))
                .toList();
    }
}
