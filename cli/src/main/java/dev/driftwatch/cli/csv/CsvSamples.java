package dev.driftwatch.cli.csv;

import dev.driftwatch.cli.InputException;
import dev.driftwatch.core.profile.CategoricalReferenceBuilder;
import dev.driftwatch.core.profile.CategoricalWindow;
import dev.driftwatch.core.profile.FeatureReference;
import dev.driftwatch.core.profile.NumericReference;
import dev.driftwatch.core.profile.NumericReferenceBuilder;
import dev.driftwatch.core.profile.NumericWindow;
import dev.driftwatch.core.profile.ReferenceProfile;
import dev.driftwatch.core.profile.WindowProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns CSV files into drift-core profiles: a reference profile (with the exact reference samples
 * kept for exact KS and Wasserstein) and a current window (with its exact samples).
 */
public final class CsvSamples {
    /** Distinct categories a CSV window keeps exactly (the streaming default is lower). */
    static final int CSV_MAX_CATEGORIES = 1_000_000;

    private CsvSamples() {}

    /** A reference profile plus the exact, sorted finite values of each numeric feature. */
    public record Reference(ReferenceProfile profile, Map<String, double[]> sortedSamples) {}

    /** A current window plus the exact finite values of each numeric feature. */
    public record Current(WindowProfile window, Map<String, double[]> samples) {}

    /**
     * Decides which columns to profile and their type: numeric when every non-missing value parses
     * as a number, unless named in {@code categorical}.
     *
     * @param features the columns to use, or empty for all
     */
    public static Map<String, Boolean> inferNumeric(
            CsvTable table, List<String> features, Set<String> categorical) {
        List<String> columns = features.isEmpty() ? table.header() : features;
        requireColumns(table, columns, "--features");
        requireColumns(table, new ArrayList<>(categorical), "--categorical");
        int[] idx = indexes(table, columns);
        boolean[] numeric = new boolean[idx.length];
        boolean[] hasValue = new boolean[idx.length];
        for (int i = 0; i < idx.length; i++) {
            numeric[i] = !categorical.contains(columns.get(i));
        }
        table.forEachRow(
                (line, row) -> {
                    for (int i = 0; i < idx.length; i++) {
                        String cell = row.get(idx[i]);
                        if (numeric[i]) {
                            if (CellValues.isNumericMissing(cell)) {
                                continue;
                            }
                            hasValue[i] = true;
                            if (Double.isNaN(CellValues.parseNumber(cell))) {
                                numeric[i] = false;
                            }
                        } else if (!CellValues.isCategoricalMissing(cell)) {
                            hasValue[i] = true;
                        }
                    }
                });
        Map<String, Boolean> types = new LinkedHashMap<>();
        for (int i = 0; i < idx.length; i++) {
            if (!hasValue[i]) {
                throw new InputException(
                        table.path() + ": column '" + columns.get(i) + "' is entirely missing");
            }
            types.put(columns.get(i), numeric[i]);
        }
        return types;
    }

    /**
     * Reads the reference CSV into a profile with {@code bins} quantile bins per numeric feature.
     */
    public static Reference readReference(
            CsvTable table, Map<String, Boolean> numeric, int bins, String model, String version) {
        List<String> columns = new ArrayList<>(numeric.keySet());
        int[] idx = indexes(table, columns);
        Object[] builders = new Object[columns.size()];
        for (int i = 0; i < builders.length; i++) {
            builders[i] =
                    numeric.get(columns.get(i))
                            ? new NumericReferenceBuilder()
                            : new CategoricalReferenceBuilder();
        }
        table.forEachRow(
                (line, row) -> {
                    for (int i = 0; i < idx.length; i++) {
                        String cell = row.get(idx[i]);
                        if (builders[i] instanceof NumericReferenceBuilder b) {
                            if (CellValues.isNumericMissing(cell)) {
                                b.addMissing();
                            } else {
                                b.add(CellValues.parseNumber(cell));
                            }
                        } else {
                            ((CategoricalReferenceBuilder) builders[i])
                                    .add(CellValues.isCategoricalMissing(cell) ? null : cell);
                        }
                    }
                });
        Map<String, FeatureReference> features = new LinkedHashMap<>();
        Map<String, double[]> samples = new LinkedHashMap<>();
        for (int i = 0; i < builders.length; i++) {
            String name = columns.get(i);
            if (builders[i] instanceof NumericReferenceBuilder b) {
                if (b.finiteCount() == 0) {
                    throw new InputException(
                            table.path() + ": column '" + name + "' has no finite values");
                }
                features.put(name, b.build(bins));
                samples.put(name, b.sortedValues());
            } else {
                features.put(name, ((CategoricalReferenceBuilder) builders[i]).build());
            }
        }
        return new Reference(
                new ReferenceProfile(model, version, Instant.now(), features), samples);
    }

    /**
     * Reads the current CSV into a window over {@code profile}'s features, keeping exact samples.
     */
    public static Current readCurrent(CsvTable table, ReferenceProfile profile) {
        List<String> columns = profile.featureNames();
        for (String c : columns) {
            if (table.indexOf(c) < 0) {
                throw new InputException(
                        table.path()
                                + ": line 1: column '"
                                + c
                                + "' is in the reference but absent from this file");
            }
        }
        int[] idx = indexes(table, columns);
        // Categorical windows for a file keep (almost) every category exactly.
        WindowProfile window = WindowProfile.newInstance(profile, CSV_MAX_CATEGORIES);
        Object[] windows = new Object[columns.size()];
        double[][] values = new double[columns.size()][];
        int[] sizes = new int[columns.size()];
        for (int i = 0; i < windows.length; i++) {
            FeatureReference ref = profile.feature(columns.get(i));
            if (ref instanceof NumericReference) {
                windows[i] = window.numeric(i);
                values[i] = new double[1024];
            } else {
                windows[i] = window.categorical(i);
            }
        }
        table.forEachRow(
                (line, row) -> {
                    for (int i = 0; i < idx.length; i++) {
                        String cell = row.get(idx[i]);
                        if (windows[i] instanceof NumericWindow w) {
                            if (CellValues.isNumericMissing(cell)) {
                                w.updateMissing();
                                continue;
                            }
                            double v = CellValues.parseNumber(cell);
                            if (Double.isNaN(v)) {
                                w.updateTypeMismatch();
                                continue;
                            }
                            w.update(v);
                            if (Double.isFinite(v)) {
                                if (sizes[i] == values[i].length) {
                                    values[i] = Arrays.copyOf(values[i], sizes[i] * 2);
                                }
                                values[i][sizes[i]++] = v;
                            }
                        } else {
                            ((CategoricalWindow) windows[i])
                                    .update(CellValues.isCategoricalMissing(cell) ? null : cell);
                        }
                    }
                });
        Map<String, double[]> samples = new LinkedHashMap<>();
        for (int i = 0; i < windows.length; i++) {
            String name = columns.get(i);
            if (windows[i] instanceof NumericWindow w) {
                if (w.finiteCount() == 0 && w.typeMismatches() == 0) {
                    throw new InputException(
                            table.path() + ": column '" + name + "' is entirely missing");
                }
                samples.put(name, Arrays.copyOf(values[i], sizes[i]));
            } else if (((CategoricalWindow) windows[i]).nonMissingCount() == 0) {
                throw new InputException(
                        table.path() + ": column '" + name + "' is entirely missing");
            }
        }
        return new Current(window, samples);
    }

    private static void requireColumns(CsvTable table, List<String> columns, String option) {
        for (String c : columns) {
            if (table.indexOf(c) < 0) {
                throw new InputException(
                        table.path()
                                + ": line 1: "
                                + option
                                + " names column '"
                                + c
                                + "', which is not in the header "
                                + table.header());
            }
        }
    }

    private static int[] indexes(CsvTable table, List<String> columns) {
        int[] idx = new int[columns.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = table.indexOf(columns.get(i));
        }
        return idx;
    }
}
