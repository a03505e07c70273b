package dev.driftwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.driftwatch.cli.demo.DemoCommand;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The options {@code up} and {@code demo} share, declared once: defaults and help per command. */
class StackOptionsTest {
    private static StackOptions parse(String... args) {
        Object command =
                Driftwatch.commandLine().parseArgs(args).subcommand().commandSpec().userObject();
        return command instanceof UpCommand up ? up.stack : ((DemoCommand) command).stackOptions();
    }

    @Test
    void upAndDemoKeepTheirDataApart() {
        assertThat(parse("up").local.dataDir).isEqualTo(Path.of("data"));
        assertThat(parse("demo").local.dataDir).isEqualTo(Path.of("data/demo"));
        assertThat(parse("demo", "--data-dir", "x").local.dataDir).isEqualTo(Path.of("x"));
        StackOptions up = parse("up", "--web-ui-port", "9000", "--registry-port", "0");
        assertThat(up.local.webUiPort).isEqualTo(9000);
        assertThat(up.registryPort).isZero();
    }

    @Test
    void helpShowsEachCommandsDefault() {
        assertThat(CliRun.of("demo", "--help").out()).contains("(default: data/demo)");
        assertThat(CliRun.of("up", "--help").out()).contains("(default: data)");
        assertThat(CliRun.of("drift-job", "--help").out()).contains("(default: data)");
    }
}
