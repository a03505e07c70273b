package dev.driftwatch.registry.retrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.registry.RegistryException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Templates are checked when saved; a policy's parameters must be the declared ones. */
class TrainingTemplateTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static TrainingTemplate parse(String json) throws Exception {
        return TrainingTemplate.parse("fraud-train", JSON.readTree(json));
    }

    @Test
    void aTemplateIsReadAndWrittenInTheSameShape() throws Exception {
        TrainingTemplate t =
                parse(
                        """
                        {"image": "ghcr.io/acme/fraud-trainer:1.4",
                         "command": ["python", "-m", "train"],
                         "env": {"MODEL_FAMILY": "gbdt"},
                         "parameters": {"EPOCHS": {"default": "20", "pattern": "[0-9]{1,4}"}},
                         "gpus": 1, "cpu": "500m", "memory": "32Gi", "deadline": "2h",
                         "node_selector": {"nvidia.com/gpu.present": "true"}}
                        """);
        assertThat(t.maxGpuHours()).isEqualTo(2.0);
        assertThat(TrainingTemplate.parse(t.name(), t.specJson())).isEqualTo(t);
        RetrainPolicy.RunTemplate run = t.apply(Map.of("EPOCHS", "30"), "training.parameters");
        assertThat(run.command()).containsExactly("python", "-m", "train");
        assertThat(run.env()).containsEntry("EPOCHS", "30").containsEntry("MODEL_FAMILY", "gbdt");
        assertThat(t.apply(Map.of(), "training.parameters").env()).containsEntry("EPOCHS", "20");
    }

    @Test
    void loaderVariablesAndTheRegistrysOwnAreRefused() {
        for (String name :
                List.of("LD_PRELOAD", "ld_library_path", "PATH", "PYTHONPATH", "BASH_ENV")) {
            assertThatThrownBy(
                            () ->
                                    parse(
                                            "{\"command\": [\"t\"], \"env\": {\""
                                                    + name
                                                    + "\": \"/tmp/x\"}}"))
                    .as(name)
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("'env." + name + "'")
                    .hasMessageContaining("changes which program runs");
        }
        assertThatThrownBy(
                        () ->
                                parse(
                                        "{\"command\": [\"t\"], \"env\": {\"DRIFTWATCH_REGISTRY_TOKEN\": \"x\"}}"))
                .hasMessageContaining("is reserved for the variables the registry sets");
        assertThatThrownBy(
                        () -> parse("{\"command\": [\"t\"], \"parameters\": {\"LD_AUDIT\": {}}}"))
                .hasMessageContaining("'parameters.LD_AUDIT'");
    }

    @Test
    void resourceQuantitiesAreCheckedWhenSaved() throws Exception {
        for (String bad : List.of("-1", "0", "lots", "1.5.2", "8 Gi", "1e999999")) {
            assertThatThrownBy(() -> parse("{\"command\": [\"t\"], \"memory\": \"" + bad + "\"}"))
                    .as(bad)
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(
                            "'memory' must be a Kubernetes quantity greater than zero");
        }
        for (String good : List.of("500m", "8", "32Gi", "1.5", "2e3", "128974848")) {
            assertThat(parse("{\"command\": [\"t\"], \"cpu\": \"" + good + "\"}").cpu())
                    .isEqualTo(good);
        }
        assertThatThrownBy(() -> parse("{\"command\": [\"t\"], \"deadline\": \"8d\"}"))
                .hasMessageContaining("'deadline' must be positive and at most 7d");
        assertThatThrownBy(() -> parse("{\"command\": [\"t\"], \"gpus\": 65}"))
                .hasMessageContaining("'gpus' must be a whole number from 0 to 64");
        assertThatThrownBy(() -> parse("{\"command\": []}"))
                .hasMessageContaining("'command' must not be empty");
    }

    @Test
    void aPolicySetsOnlyTheDeclaredParametersWithinTheirPatterns() {
        TrainingTemplate t =
                TrainingTemplate.builder("fraud-train")
                        .command(List.of("python", "-m", "train"))
                        .parameter("EPOCHS", "20", "[0-9]{1,4}")
                        .parameter("DATASET", null, null)
                        .deadline(Duration.ofHours(1))
                        .build();
        assertThatThrownBy(
                        () ->
                                t.apply(
                                        Map.of("DATASET", "d", "LD_PRELOAD", "/tmp/x.so"),
                                        "training.parameters"))
                .hasMessageContaining(
                        "'training.parameters.LD_PRELOAD' is not a parameter of template"
                                + " fraud-train; it declares DATASET, EPOCHS");
        assertThatThrownBy(() -> t.apply(Map.of(), "training.parameters"))
                .hasMessageContaining("'training.parameters.DATASET' is missing");
        assertThatThrownBy(
                        () ->
                                t.apply(
                                        Map.of("DATASET", "d", "EPOCHS", "1; rm -rf /"),
                                        "training.parameters"))
                .hasMessageContaining("'training.parameters.EPOCHS' must match [0-9]{1,4}");
        assertThatThrownBy(() -> t.apply(Map.of("DATASET", "a\u0000b"), "training.parameters"))
                .hasMessageContaining("must not contain control characters");
        assertThat(t.apply(Map.of("DATASET", "eu-2026"), "training.parameters").env())
                .containsExactlyInAnyOrderEntriesOf(Map.of("DATASET", "eu-2026", "EPOCHS", "20"));
    }
}
