package dev.driftwatch.jobs.shared;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

/**
 * Why a write to PostgreSQL failed, and what the sink does about it: a {@linkplain #refused()
 * refused} row (a data error: the database is fine, the row is not) is isolated and dead-lettered;
 * anything else means the database cannot take rows now (unavailable, or misconfigured) and the
 * write is retried until it can.
 *
 * <p>Refused are the SQLState classes 22 (data exception: a NUL byte in text, a timestamp out of
 * range, ...), 23 (integrity constraint violation: NOT NULL, CHECK, ...) and 54 (program limit
 * exceeded: an index row too large, ...), and an error raised while binding the row (no SQLState at
 * all). Everything else — 08 (connection exception), 53 (insufficient resources), 57P (operator
 * intervention: shutdown, starting up), 40 (serialization failure, deadlock), 28 (authentication),
 * 42 (an undefined table, a permission denied), I/O errors and timeouts — waits for the database.
 *
 * @param refused true for a data error of the rows written
 * @param sqlState the SQLState, or null when there was none
 * @param message the database's (or driver's) message, first line
 */
public record DatabaseFailure(boolean refused, String sqlState, String message) {
    /** Classifies a failure of a write (as thrown by jdbi, the driver or the row's binding). */
    public static DatabaseFailure of(Throwable error) {
        SQLException sql = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                sql = mostSpecific(s);
                break;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (sql == null) {
            // not from the database: thrown while binding the row's values (a row it cannot hold)
            // or by the network stack below the driver
            boolean io = false;
            for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
                io |= t instanceof java.io.IOException;
            }
            return new DatabaseFailure(!io, null, firstLine(rootMessage(error)));
        }
        String state = sql.getSQLState();
        return new DatabaseFailure(
                state != null && isDataError(state), state, firstLine(sql.getMessage()));
    }

    /** True for the SQLState classes of data errors: 22, 23 and 54. */
    public static boolean isDataError(String sqlState) {
        return sqlState.startsWith("22") || sqlState.startsWith("23") || sqlState.startsWith("54");
    }

    /** "SQLSTATE message" (or the message alone), for logs and dead letters. */
    public String describe() {
        return sqlState == null ? message : sqlState + " " + message;
    }

    /** A batch failure names the statement that failed in its next exception. */
    private static SQLException mostSpecific(SQLException s) {
        SQLException best = s;
        if (s instanceof BatchUpdateException || s.getSQLState() == null) {
            for (SQLException n = s.getNextException(); n != null; n = n.getNextException()) {
                if (n.getSQLState() != null) {
                    best = n;
                    break;
                }
            }
        }
        return best;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
