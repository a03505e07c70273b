package dev.driftwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.driftwatch.cli.csv.CsvSamples;
import dev.driftwatch.cli.csv.CsvTable;
import dev.driftwatch.core.DriftCoreException;
import dev.driftwatch.core.drift.DriftDetector;
import dev.driftwatch.core.drift.DriftPolicies;
import dev.driftwatch.core.drift.DriftReport;
import dev.driftwatch.core.drift.ProfileComparison;
import dev.driftwatch.core.profile.ReferenceProfile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code driftwatch compare}: an offline drift report between a reference and a current sample. */
@Command(
        name = "compare",
        mixinStandardHelpOptions = true,
        description = {
            "Offline drift report between a reference (CSV or profile) and a current CSV.",
            "Between two CSVs every statistic is exact; against a profile, KS and Wasserstein come"
                    + " from the profile's sketch and report their error bound."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:report written",
            "1:dataset drift detected (only with --fail-on-drift)",
            "2:bad arguments or bad input"
        })
final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Reference reference;

    static final class Reference {
        @Option(names = "--reference", paramLabel = "FILE", description = "Reference CSV.")
        Path csv;

        @Option(
                names = "--reference-profile",
                paramLabel = "FILE",
                description = "Reference profile JSON (from `driftwatch profile`).")
        Path profile;
    }

    @Option(names = "--current", required = true, paramLabel = "FILE", description = "Current CSV.")
    Path current;

    @Option(
            names = "--bins",
            paramLabel = "N",
            description = "Quantile bins per numeric feature, with --reference (default: 10).")
    Integer bins;

    @Option(
            names = "--categorical",
            split = ",",
            paramLabel = "COL",
            description = "Columns to treat as categorical, with --reference.")
    List<String> categorical = new ArrayList<>();

    @Option(
            names = "--features",
            split = ",",
            paramLabel = "COL",
            description = "Features to compare (default: all).")
    List<String> features = new ArrayList<>();

    @Option(
            names = "--format",
            defaultValue = "text",
            paramLabel = "FORMAT",
            description = "text, json or html (default: ${DEFAULT-VALUE}); html needs --output.")
    ReportFormat format;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "Write the report to FILE instead of standard output.")
    Path output;

    @Option(
            names = "--policy",
            paramLabel = "FILE",
            description = "Drift policy JSON: methods, thresholds, per-feature overrides.")
    Path policy;

    @Option(names = "--fail-on-drift", description = "Exit with code 1 when the dataset drifted.")
    boolean failOnDrift;

    @Override
    public Integer call() throws IOException {
        checkOutput();
        DriftPolicies policies = readPolicies();
        ReferenceProfile profile;
        Map<String, double[]> referenceSamples = Map.of();
        if (reference.csv != null) {
            int b = bins == null ? 10 : bins;
            Options.requireBins(b);
            CsvTable table = CsvTable.open(reference.csv);
            Map<String, Boolean> numeric =
                    CsvSamples.inferNumeric(table, features, new HashSet<>(categorical));
            CsvSamples.Reference ref =
                    CsvSamples.readReference(table, numeric, b, "offline", "reference");
            profile = ref.profile();
            referenceSamples = ref.sortedSamples();
        } else {
            if (bins != null || !categorical.isEmpty()) {
                throw new InputException(
                        "--bins and --categorical apply only with --reference: a profile fixes its"
                                + " bins and types");
            }
            profile = readProfile(reference.profile);
            if (!features.isEmpty()) {
                Map<String, dev.driftwatch.core.profile.FeatureReference> selected =
                        new LinkedHashMap<>();
                for (String f : features) {
                    if (profile.feature(f) == null) {
                        throw new InputException(
                                reference.profile
                                        + ": --features names '"
                                        + f
                                        + "', which is not in the profile "
                                        + profile.featureNames());
                    }
                    selected.put(f, profile.feature(f));
                }
                profile =
                        new ReferenceProfile(
                                profile.modelName(),
                                profile.modelVersion(),
                                profile.createdAt(),
                                selected);
            }
        }
        CsvSamples.Current cur = CsvSamples.readCurrent(CsvTable.open(current), profile);
        DriftReport report =
                DriftDetector.evaluate(
                        ProfileComparison.compare(
                                profile, cur.window(), referenceSamples, cur.samples()),
                        policies);
        String rendered =
                switch (format) {
                    case json -> ReportWriter.json(report) + System.lineSeparator();
                    case text -> ReportWriter.text(report);
                    case html ->
                            HtmlReportWriter.html(
                                    report,
                                    profile,
                                    cur.window(),
                                    policies,
                                    fileName(
                                            reference.csv != null
                                                    ? reference.csv
                                                    : reference.profile),
                                    fileName(current));
                };
        PrintWriter out = spec.commandLine().getOut();
        if (output == null) {
            out.print(rendered);
        } else {
            writeOutput(rendered);
            out.println(
                    "wrote "
                            + output
                            + ": "
                            + report.driftedFeatures()
                            + " of "
                            + report.features().size()
                            + " features drifted");
        }
        out.flush();
        return failOnDrift && report.datasetDrift() ? 1 : 0;
    }

    /** Fails before any work when the report could not be written where asked. */
    private void checkOutput() {
        if (output == null) {
            if (format == ReportFormat.html) {
                throw new InputException("--format html needs --output FILE");
            }
            return;
        }
        Path parent = output.toAbsolutePath().getParent();
        if (Files.isDirectory(output)) {
            throw new InputException("--output " + output + ": is a directory");
        }
        if (parent == null || !Files.isDirectory(parent)) {
            throw new InputException("--output " + output + ": no such directory " + parent);
        }
        if (!Files.isWritable(parent) || (Files.exists(output) && !Files.isWritable(output))) {
            throw new InputException("--output " + output + ": not writable");
        }
    }

    private void writeOutput(String rendered) {
        try {
            Files.writeString(output, rendered, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException("--output " + output + ": cannot write: " + e.getMessage());
        }
    }

    /** The last element of a path, for a report that does not reveal directories. */
    private static String fileName(Path p) {
        Path name = p.getFileName();
        return name == null ? p.toString() : name.toString();
    }

    private DriftPolicies readPolicies() throws IOException {
        if (policy == null) {
            return DriftPolicies.defaults();
        }
        if (!Files.isRegularFile(policy)) {
            throw new InputException(policy + ": file not found");
        }
        try {
            return DriftPolicies.fromJson(
                    new ObjectMapper().readTree(Files.readString(policy, StandardCharsets.UTF_8)));
        } catch (JsonProcessingException e) {
            throw new InputException(policy + ": not valid JSON: " + e.getOriginalMessage());
        } catch (DriftCoreException e) {
            throw new InputException(policy + ": " + e.getMessage());
        }
    }

    private static ReferenceProfile readProfile(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new InputException(path + ": file not found");
        }
        try {
            return ReferenceProfile.fromJson(Files.readString(path, StandardCharsets.UTF_8));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(path + ": invalid UTF-8");
        } catch (DriftCoreException e) {
            throw new InputException(path + ": " + e.getMessage());
        }
    }

    /** Output formats. */
    enum ReportFormat {
        json,
        text,
        html
    }
}
