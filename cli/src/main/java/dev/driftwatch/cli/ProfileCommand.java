package dev.driftwatch.cli;

import dev.driftwatch.cli.csv.CsvSamples;
import dev.driftwatch.cli.csv.CsvTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code driftwatch profile}: builds a reference profile (JSON) from a CSV sample. */
@Command(
        name = "profile",
        mixinStandardHelpOptions = true,
        description = "Build a reference profile (JSON) from a CSV sample of the training data.")
final class ProfileCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Reference CSV.")
    Path input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE",
            description = "Profile JSON to write.")
    Path output;

    @Option(names = "--model", required = true, paramLabel = "NAME", description = "Model name.")
    String model;

    @Option(names = "--version", required = true, paramLabel = "V", description = "Model version.")
    String version;

    @Option(
            names = "--bins",
            defaultValue = "10",
            paramLabel = "N",
            description = "Quantile bins per numeric feature (default: ${DEFAULT-VALUE}).")
    int bins;

    @Option(
            names = "--categorical",
            split = ",",
            paramLabel = "COL",
            description = "Columns to treat as categorical even if they look numeric.")
    List<String> categorical = new ArrayList<>();

    @Option(
            names = "--features",
            split = ",",
            paramLabel = "COL",
            description = "Columns to profile (default: all).")
    List<String> features = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Options.requireBins(bins);
        if (Files.isDirectory(output)) {
            throw new InputException(output + ": is a directory; --output names the file to write");
        }
        CsvTable table = CsvTable.open(input);
        Map<String, Boolean> numeric =
                CsvSamples.inferNumeric(table, features, new HashSet<>(categorical));
        CsvSamples.Reference reference =
                CsvSamples.readReference(table, numeric, bins, model, version);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new InputException(output + ": directory " + parent + " does not exist");
        }
        Files.writeString(output, reference.profile().toJson() + "\n", StandardCharsets.UTF_8);
        return 0;
    }
}
