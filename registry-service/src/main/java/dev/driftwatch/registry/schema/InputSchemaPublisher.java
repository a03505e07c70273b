package dev.driftwatch.registry.schema;

/**
 * Where a model's input schema and aliases go so the running jobs normalize its inference logs with
 * them (compacted topic {@code driftwatch.input-schemas}, key = model name). {@link #publish}
 * returns once the record is durably written, and throws when it could not be.
 */
public interface InputSchemaPublisher extends AutoCloseable {
    /** Publishes nothing: for a registry running without Kafka. */
    InputSchemaPublisher NONE =
            new InputSchemaPublisher() {
                @Override
                public void publish(String modelName, byte[] record) {}

                @Override
                public void close() {}
            };

    /** Publishes {@code record} (an {@code InputSchemaUpdate}'s JSON) under the model's name. */
    void publish(String modelName, byte[] record);

    @Override
    void close();
}
