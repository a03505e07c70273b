package dev.driftwatch.core.profile;

import dev.driftwatch.core.DriftCoreException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * One window of traffic for one model: a {@link FeatureWindow} per feature of the reference profile
 * it was created from, in the same order. Mergeable (associative, commutative) and of bounded size.
 *
 * <p>Binary form, format version {@value #FORMAT_VERSION}: the magic bytes {@code "DWWP"}, a
 * version byte, the feature count, then per feature its name (modified UTF-8) and its window
 * ({@link NumericWindow} or {@link CategoricalWindow}, each led by a kind byte). Big-endian
 * throughout. Version 3 writes a numeric window's counts as variable-length integers and its values
 * exactly or on the reference's grid; version 2 (exactly or as a KLL sketch with exact extremes)
 * and version 1 (fixed-width counts, always a KLL sketch) are still read.
 *
 * <pre>{@code
 * WindowProfile w = reference.newWindow();
 * w.numeric(0).update(12.5);
 * w.categorical(1).update("DE");
 * byte[] bytes = w.toByteArray();
 * WindowProfile back = WindowProfile.heapify(bytes);
 * }</pre>
 */
public final class WindowProfile {
    public static final byte FORMAT_VERSION = 3;

    /** The oldest format version {@link #heapify} reads. */
    public static final byte OLDEST_READABLE_VERSION = 1;

    private static final byte[] MAGIC = {'D', 'W', 'W', 'P'};

    private final String[] names;
    private final FeatureWindow[] windows;

    private WindowProfile(String[] names, FeatureWindow[] windows) {
        this.names = names;
        this.windows = windows;
    }

    /** An empty window over every feature of {@code reference}. */
    public static WindowProfile newInstance(ReferenceProfile reference) {
        return newInstance(reference, CategoricalWindow.DEFAULT_MAX_CATEGORIES);
    }

    /**
     * An empty window over every feature of {@code reference} whose categorical features keep up to
     * {@code maxCategories} distinct categories exactly.
     */
    public static WindowProfile newInstance(ReferenceProfile reference, int maxCategories) {
        List<String> featureNames = reference.featureNames();
        String[] names = featureNames.toArray(new String[0]);
        FeatureWindow[] windows = new FeatureWindow[names.length];
        for (int i = 0; i < names.length; i++) {
            FeatureReference f = reference.feature(names[i]);
            windows[i] =
                    f instanceof CategoricalReference c
                            ? c.newWindow(maxCategories)
                            : f.newWindow();
        }
        return new WindowProfile(names, windows);
    }

    public int featureCount() {
        return names.length;
    }

    public String featureName(int i) {
        return names[i];
    }

    /** The index of a feature, or -1. */
    public int indexOf(String feature) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(feature)) {
                return i;
            }
        }
        return -1;
    }

    public FeatureWindow feature(int i) {
        return windows[i];
    }

    /** The i-th feature's window, which must be numeric. */
    public NumericWindow numeric(int i) {
        if (windows[i] instanceof NumericWindow w) {
            return w;
        }
        throw new DriftCoreException("feature '" + names[i] + "' is not numeric");
    }

    /** The i-th feature's window, which must be categorical. */
    public CategoricalWindow categorical(int i) {
        if (windows[i] instanceof CategoricalWindow w) {
            return w;
        }
        throw new DriftCoreException("feature '" + names[i] + "' is not categorical");
    }

    /** Rows seen: the largest row count over features (every event updates every feature). */
    public long rows() {
        long max = 0;
        for (FeatureWindow w : windows) {
            max = Math.max(max, w.rows());
        }
        return max;
    }

    /** Adds {@code other} into this window; both must come from the same reference features. */
    public void merge(WindowProfile other) {
        if (!Arrays.equals(names, other.names)) {
            throw new DriftCoreException(
                    "cannot merge windows over different features: "
                            + Arrays.toString(names)
                            + " vs "
                            + Arrays.toString(other.names));
        }
        for (int i = 0; i < windows.length; i++) {
            windows[i].merge(other.windows[i]);
        }
    }

    /** A deep copy. */
    public WindowProfile copy() {
        FeatureWindow[] copies = new FeatureWindow[windows.length];
        for (int i = 0; i < windows.length; i++) {
            copies[i] = windows[i].copy();
        }
        return new WindowProfile(names.clone(), copies);
    }

    /** The versioned binary form. */
    public byte[] toByteArray() {
        Bytes.Output bytes = new Bytes.Output(256 * (names.length + 1));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(FORMAT_VERSION);
            out.writeInt(names.length);
            for (int i = 0; i < names.length; i++) {
                out.writeUTF(names[i]);
                windows[i].writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the binary form of a window of {@code reference}'s features and gives its numeric
     * windows the reference's grid, which their exact form does not write: so that they can still
     * outgrow it onto the grid (a sketch of format 2 moves to the grid when it next merges).
     *
     * @throws DriftCoreException if the bytes are not a window profile of a supported version, or
     *     its features or bins are not {@code reference}'s
     */
    public static WindowProfile heapify(byte[] bytes, ReferenceProfile reference) {
        WindowProfile w = heapify(bytes);
        for (int i = 0; i < w.names.length; i++) {
            FeatureReference f = reference.feature(w.names[i]);
            if (w.windows[i] instanceof NumericWindow nw) {
                if (!(f instanceof NumericReference r)
                        || !Arrays.equals(r.edgesShared(), nw.edgesShared())) {
                    throw new DriftCoreException(
                            "window feature '" + w.names[i] + "' is not binned on the reference");
                }
                nw.attachGrid(r.windowGridShared());
            }
        }
        return w;
    }

    /**
     * Reads the binary form (numeric windows in their exact form do not know the grid: see {@link
     * #heapify(byte[], ReferenceProfile)}).
     *
     * @throws DriftCoreException if the bytes are not a window profile of a supported version
     */
    public static WindowProfile heapify(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new Bytes.Input(bytes))) {
            byte[] magic = new byte[4];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new DriftCoreException("window bytes: not a Driftwatch window profile");
            }
            byte version = in.readByte();
            if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
                throw new DriftCoreException(
                        "window bytes: unsupported format version "
                                + version
                                + " (this version reads "
                                + OLDEST_READABLE_VERSION
                                + " to "
                                + FORMAT_VERSION
                                + ")");
            }
            int count = in.readInt();
            if (count < 0 || count > 1_000_000) {
                throw new DriftCoreException("window bytes: bad feature count " + count);
            }
            String[] names = new String[count];
            FeatureWindow[] windows = new FeatureWindow[count];
            for (int i = 0; i < count; i++) {
                names[i] = in.readUTF();
                byte kind = in.readByte();
                windows[i] =
                        switch (kind) {
                            case NumericWindow.KIND ->
                                    version == 1
                                            ? NumericWindow.readFormat1(in)
                                            : NumericWindow.readFrom(in, version);
                            case CategoricalWindow.KIND -> CategoricalWindow.readFrom(in);
                            default ->
                                    throw new DriftCoreException(
                                            "window bytes: unknown feature kind " + kind);
                        };
            }
            if (in.read() != -1) {
                throw new DriftCoreException("window bytes: trailing bytes");
            }
            return new WindowProfile(names, windows);
        } catch (EOFException e) {
            throw new DriftCoreException("window bytes: truncated");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (e instanceof DriftCoreException) {
                throw e;
            }
            throw new DriftCoreException("window bytes: corrupt (" + e.getMessage() + ")", e);
        }
    }
}
