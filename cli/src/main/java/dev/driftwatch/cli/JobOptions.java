package dev.driftwatch.cli;

import dev.driftwatch.jobs.shared.JobArguments;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/** Parses drift-job options for a subcommand, turning mistakes into usage errors (exit code 2). */
final class JobOptions {
    private JobOptions() {}

    static Configuration parse(List<String> args) {
        try {
            return JobArguments.parse(args);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage() + " (see --help for the job options)");
        }
    }
}
