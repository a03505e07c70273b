package dev.driftwatch.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.launcher.TrainerVariable;
import dev.driftwatch.registry.retrain.RunState;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** docs/retraining.md names every trainer variable and every run state the code has. */
class RetrainingDocTest {
    static String doc() throws IOException {
        return Files.readString(DocExamples.ROOT.resolve("docs/retraining.md"));
    }

    @Test
    void everyTrainerVariableIsDocumented() throws IOException {
        String doc = doc();
        for (TrainerVariable v : TrainerVariable.values()) {
            assertThat(doc).as(v.envName()).contains("`" + v.envName() + "`");
        }
    }

    @Test
    void everyRunStateIsNamed() throws IOException {
        String doc = doc();
        for (RunState s : RunState.values()) {
            assertThat(doc).as(s.wireName()).contains("`" + s.wireName() + "`");
        }
    }
}
