package dev.driftwatch.registry.auth;

/**
 * Who sent a request: a person's (or a system's) token with a {@link Role}, or a retraining run's
 * own token ({@link RunToken}), which may only report its run and register its candidate.
 */
public sealed interface Caller permits Caller.Person, Caller.Run {
    /** A token of {@code api_tokens}, with its role. */
    record Person(AccessToken token) implements Caller {}

    /** A run's own token. */
    record Run(RunToken token) implements Caller {}

    /** The name recorded as who did something: the token's name, or {@code run:7/training}. */
    default String displayName() {
        return this instanceof Person p ? p.token().name() : ((Run) this).token().displayName();
    }
}
