package dev.driftwatch.cli;

import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.contract.Topics;
import dev.driftwatch.core.profile.ReferenceProfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code driftwatch publish-profile}: puts a reference profile on the reference-profiles topic. */
@Command(
        name = "publish-profile",
        mixinStandardHelpOptions = true,
        description =
                "Validate a reference profile and publish it (key model/version) so the running drift"
                        + " job uses it from the next window.")
final class PublishProfileCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--file",
            required = true,
            paramLabel = "FILE",
            description = "Reference profile JSON.")
    Path file;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOSTS",
            description = "Kafka bootstrap servers (HOST:PORT,...).")
    String bootstrapServers;

    @Option(
            names = "--topic",
            defaultValue = Topics.REFERENCE_PROFILES,
            paramLabel = "TOPIC",
            description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Override
    public Integer call() throws Exception {
        Options.requireName("--topic", topic);
        Options.requireBootstrapServers("--bootstrap-servers", bootstrapServers);
        Options.requireFile(file);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InputException(file + ": invalid UTF-8");
        }
        ReferenceProfile profile;
        try {
            profile = ReferenceProfile.fromJson(json);
        } catch (DriftCoreException e) {
            throw new InputException(file + ": " + e.getMessage());
        }
        String key = profile.modelName() + "/" + profile.modelVersion();
        try (KafkaProducer<byte[], byte[]> producer = Producers.open(bootstrapServers, topic)) {
            producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    key.getBytes(StandardCharsets.UTF_8),
                                    json.getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        spec.commandLine().getOut().println("published reference profile " + key + " to " + topic);
        return 0;
    }
}
