package dev.driftwatch.cli;

import dev.driftwatch.cli.csv.CsvSamples;
import dev.driftwatch.cli.csv.CsvTable;
import dev.driftwatch.core.profile.ReferenceProfile;
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

    @Option(
            names = "--label",
            paramLabel = "COL",
            description =
                    "Label column: fit the score calibration (for estimated performance) and record"
                            + " the reference's realised performance. Needs --score or"
                            + " --probabilities; rows with an empty label are skipped.")
    String label;

    @Option(
            names = "--score",
            paramLabel = "COL",
            description = "Binary models: the column of the positive class's probability.")
    String score;

    @Option(
            names = "--probabilities",
            split = ",",
            paramLabel = "CLASS=COL",
            description = "Multiclass models: each class's probability column.")
    List<String> probabilities = new ArrayList<>();

    @Option(
            names = "--prediction",
            paramLabel = "COL",
            description =
                    "Predicted-label column (default: score >= --decision-threshold, or the most"
                            + " probable class).")
    String prediction;

    @Option(
            names = "--positive-label",
            defaultValue = "1",
            paramLabel = "V",
            description = "Binary models: the positive label (default: ${DEFAULT-VALUE}).")
    String positiveLabel;

    @Option(
            names = "--decision-threshold",
            defaultValue = "0.5",
            paramLabel = "T",
            description =
                    "Binary models without --prediction predict positive when score >= T"
                            + " (default: ${DEFAULT-VALUE}).")
    double decisionThreshold;

    @Override
    public Integer call() throws IOException {
        Options.requireBins(bins);
        if (Files.isDirectory(output)) {
            throw new InputException(output + ": is a directory; --output names the file to write");
        }
        CsvTable table = CsvTable.open(input);
        ReferenceLabels.Fit labelled = labels(table);
        List<String> columns =
                features.isEmpty() && label != null
                        ? ReferenceLabels.withoutLabel(table.header(), label)
                        : features;
        Map<String, Boolean> numeric =
                CsvSamples.inferNumeric(table, columns, new HashSet<>(categorical));
        CsvSamples.Reference reference =
                CsvSamples.readReference(table, numeric, bins, model, version);
        ReferenceProfile profile = reference.profile();
        if (labelled != null) {
            profile =
                    new ReferenceProfile(
                            profile.modelName(),
                            profile.modelVersion(),
                            profile.createdAt(),
                            profile.features(),
                            labelled.performance(),
                            labelled.calibration());
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new InputException(output + ": directory " + parent + " does not exist");
        }
        Files.writeString(output, profile.toJson() + "\n", StandardCharsets.UTF_8);
        return 0;
    }

    /** The calibration and realised performance when {@code --label} is given, else null. */
    private ReferenceLabels.Fit labels(CsvTable table) {
        if (label == null) {
            if (score != null || !probabilities.isEmpty() || prediction != null) {
                throw new InputException("--score, --probabilities and --prediction need --label");
            }
            return null;
        }
        if ((score == null) == probabilities.isEmpty()) {
            throw new InputException(
                    "--label needs either --score (binary) or --probabilities (multiclass)");
        }
        if (!(decisionThreshold >= 0 && decisionThreshold <= 1)) {
            throw new InputException(
                    "--decision-threshold must be in [0, 1], was " + decisionThreshold);
        }
        Map<String, String> classes = ReferenceLabels.parseProbabilities(probabilities);
        return score != null
                ? ReferenceLabels.binary(
                        table, label, score, prediction, positiveLabel, decisionThreshold)
                : ReferenceLabels.multiclass(table, label, classes, prediction);
    }
}
