package dev.driftwatch.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A fake {@link InferenceLog}: records each append and answers with the future the test chooses
 * (completed, failed, or one the test completes later).
 */
final class RecordingLog implements InferenceLog {
    final List<CloudEvent> appended = new ArrayList<>();
    final List<CompletableFuture<Void>> pending = new ArrayList<>();
    private Function<CloudEvent, CompletableFuture<Void>> answer =
            e -> CompletableFuture.completedFuture(null);
    boolean closed;

    synchronized RecordingLog answering(Function<CloudEvent, CompletableFuture<Void>> answer) {
        this.answer = answer;
        return this;
    }

    /** Appends stay pending until the test completes them. */
    synchronized RecordingLog holding() {
        return answering(
                e -> {
                    CompletableFuture<Void> f = new CompletableFuture<>();
                    pending.add(f);
                    return f;
                });
    }

    synchronized List<CompletableFuture<Void>> pending() {
        return new ArrayList<>(pending);
    }

    synchronized List<CloudEvent> appended() {
        return new ArrayList<>(appended);
    }

    @Override
    public synchronized CompletableFuture<Void> append(CloudEvent event) {
        appended.add(event);
        return answer.apply(event);
    }

    @Override
    public void close() {
        closed = true;
    }
}
