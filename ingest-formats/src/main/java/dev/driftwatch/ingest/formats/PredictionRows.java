package dev.driftwatch.ingest.formats;

import java.util.ArrayList;
import java.util.List;

/**
 * Joins a request's feature rows with its response's predictions, row by row, and gives each row
 * its id.
 *
 * <p>Ids: a payload with one row keeps the id as it is; a batch of {@code N > 1} rows gives {@code
 * <id>/0} ... {@code <id>/N-1}, so that labels sent later for a batch element can be joined.
 *
 * <pre>{@code
 * List<PredictionRow> rows = PredictionRows.join(ceId, features, predictions); // predictions may be null
 * }</pre>
 */
public final class PredictionRows {
    private PredictionRows() {}

    /** The id of row {@code row} of a payload of {@code rowCount} rows with id {@code id}. */
    public static String rowId(String id, int row, int rowCount) {
        return rowCount == 1 ? id : id + "/" + row;
    }

    /**
     * @param id the request id the row ids derive from (KServe: {@code ce-id}; Seldon: the record
     *     key / {@code x-request-id})
     * @param features the decoded request
     * @param predictions the decoded response, or null when there is none (rows without prediction)
     * @throws PayloadRejectedException when the id is empty or invalid, or the response has a
     *     different number of rows than the request
     */
    public static List<PredictionRow> join(String id, FeatureRows features, Predictions predictions)
            throws PayloadRejectedException {
        if (id == null || id.isEmpty()) {
            throw new PayloadRejectedException(RejectReason.MALFORMED, "no request id");
        }
        TextCheck.check(id, "request id", DecodeLimits.DEFAULTS.maxStringLength());
        int n = features.rowCount();
        if (predictions != null && predictions.rowCount() != n) {
            throw new PayloadRejectedException(
                    RejectReason.ROW_COUNT_MISMATCH,
                    "the request has "
                            + n
                            + " rows but the response has "
                            + predictions.rowCount()
                            + " predictions");
        }
        List<PredictionRow> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            FeatureRow f = features.rows().get(r);
            out.add(
                    new PredictionRow(
                            rowId(id, r, n),
                            f.names(),
                            f.numbers(),
                            f.strings(),
                            predictions == null ? Double.NaN : predictions.scores()[r],
                            predictions == null ? null : predictions.labels()[r]));
        }
        return out;
    }
}
