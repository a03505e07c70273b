package dev.driftwatch.registry.db;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.JdbiException;

/**
 * What a database exception means, and how to log it without its message (which quotes the SQL
 * statement's arguments: token hashes, receiver URLs, routing keys, a record's values).
 *
 * <pre>{@code
 * if (DatabaseErrors.isOutage(e)) { retryLater(); } else { skip(DatabaseErrors.describe(e)); }
 * }</pre>
 */
public final class DatabaseErrors {
    private DatabaseErrors() {}

    /**
     * Whether {@code e} means the database cannot be reached or cannot work now (a connection
     * failure, SQLState class 08 connection exception, 53 insufficient resources, 57P operator
     * intervention such as a shutdown), as opposed to refusing what it was given.
     */
    public static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectionException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String state = s.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P")) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code e}'s class, and for a database exception the SQL exception's class and SQLState
     * instead of any message; null when {@code e} is not a database exception.
     */
    public static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException s) {
                return e.getClass().getSimpleName()
                        + " ("
                        + s.getClass().getSimpleName()
                        + ", SQLState "
                        + s.getSQLState()
                        + ")";
            }
        }
        return e instanceof JdbiException ? e.getClass().getSimpleName() : null;
    }
}
