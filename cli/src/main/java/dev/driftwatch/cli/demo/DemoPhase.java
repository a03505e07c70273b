package dev.driftwatch.cli.demo;

import java.util.Optional;

/**
 * One phase of the demo: its name, what it waits for, and what it prints once that happened.
 *
 * @param name a short name, printed with the phase's number
 * @param condition checked every two seconds until it returns the text to print
 */
record DemoPhase(String name, Condition condition) {
    /** What a phase waits for. */
    @FunctionalInterface
    interface Condition {
        /**
         * Empty while the phase has not happened yet; then the text to print.
         *
         * @throws DemoFailed when the phase can no longer happen
         */
        Optional<String> check() throws Exception;
    }

    /** The loop cannot complete (a retraining run failed, was rejected or cancelled). */
    static final class DemoFailed extends RuntimeException {
        DemoFailed(String message) {
            super(message);
        }
    }
}
