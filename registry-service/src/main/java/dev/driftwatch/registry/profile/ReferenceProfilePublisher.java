package dev.driftwatch.registry.profile;

/**
 * Where a new champion's reference profile goes so the running drift job switches baseline (topic
 * {@code driftwatch.reference-profiles}, key = model name + "/" + version). {@link #publish}
 * returns once the record is durably written, and throws when it could not be.
 */
public interface ReferenceProfilePublisher extends AutoCloseable {
    /** Publishes nothing: for a registry running without Kafka. */
    ReferenceProfilePublisher NONE =
            new ReferenceProfilePublisher() {
                @Override
                public void publish(String modelName, String version, String profileJson) {}

                @Override
                public void close() {}
            };

    void publish(String modelName, String version, String profileJson);

    @Override
    void close();
}
