package dev.driftwatch.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL 14 started from binaries shipped in a Maven artifact (no installed server
 * needed): the one embedded database of the product ({@code up}, {@code demo}, {@code registry}
 * without {@code --jdbc-url}) and of the tests.
 *
 * <p>Logins need the password: the superuser {@code postgres} gets a generated one (256 bits) at
 * the first start, stored next to the data directory in {@code <data directory>.password}, mode
 * 0600, and {@code pg_hba.conf} (rewritten at every start) allows SCRAM-SHA-256 logins over TCP
 * only: no {@code trust} entry, and no Unix socket. The server listens on 127.0.0.1 (and on the
 * given {@link ListenAddress} as well). A data directory made by an earlier version without a
 * password gets one at its next start. A server left running on the data directory by a process
 * that was killed is stopped first (by its own pid, from {@code postmaster.pid}).
 *
 * <pre>{@code
 * try (LocalPostgres db = LocalPostgres.start(Path.of("data/postgres"))) {
 *     RegistryServer.start(config, db.dataSource());
 * }
 * }</pre>
 */
public final class LocalPostgres implements AutoCloseable {
    private static final String USER = "postgres";
    private static final String SCRAM = "scram-sha-256";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(60);

    private EmbeddedPostgres server;

    /** How the server was started, to start it again ({@link #restart()}); null: temporary. */
    private EmbeddedPostgres.Builder builder;

    private final String password;
    private final Path temporaryHome;

    private LocalPostgres(EmbeddedPostgres server, String password, Path temporaryHome) {
        this.server = server;
        this.password = password;
        this.temporaryHome = temporaryHome;
    }

    /**
     * Starts PostgreSQL on 127.0.0.1 on the data in {@code dataDirectory}, creating it on first
     * use; the data stays there when the server stops, so a later start finds every table and row
     * again. Notices (a server left by a killed run was stopped) go to standard error.
     */
    public static LocalPostgres start(Path dataDirectory) {
        return start(dataDirectory, ListenAddress.LOOPBACK, System.err::println);
    }

    /**
     * Starts PostgreSQL on the data in {@code dataDirectory}, listening on 127.0.0.1 and {@code
     * address}; {@code notices} gets one line for each thing a user should know (a server left
     * running by a killed run was stopped, a password was set on data that had none).
     *
     * @throws DirectoryInUseException when a running process of this product uses the directory
     */
    public static LocalPostgres start(
            Path dataDirectory, ListenAddress address, Consumer<String> notices) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        try {
            Files.createDirectories(data);
            DirectoryInUseException.requireFree(data.resolve("epg-lock"), "PostgreSQL's data");
            Path passwordFile = passwordFile(data);
            boolean madeWithoutPassword =
                    Files.exists(data.resolve("postgresql.conf")) && !Files.exists(passwordFile);
            String password = PrivateFiles.secret(passwordFile, "");
            EmbeddedPostgres.Builder builder =
                    EmbeddedPostgres.builder()
                            .setDataDirectory(data)
                            .setCleanDataDirectory(false)
                            // the owner stops it, in its order (not a JVM hook racing the others)
                            .setRegisterShutdownHook(false)
                            .setPGStartupWait(STARTUP_WAIT)
                            .setServerConfig(
                                    "listen_addresses", "'" + listenAddresses(address) + "'")
                            .setServerConfig("unix_socket_directories", "''")
                            .setServerConfig("password_encryption", SCRAM)
                            .setConnectConfig("password", password)
                            // initdb: password logins from the start, the superuser's from the file
                            .setLocaleConfig("auth-host", SCRAM)
                            .setLocaleConfig("auth-local", SCRAM)
                            .setLocaleConfig("pwfile", passwordFile.toString())
                            .setDataDirectoryCustomizer(
                                    dir -> {
                                        stopLeftRunning(dir.toPath(), notices);
                                        if (!madeWithoutPassword) {
                                            writeHba(dir.toPath(), address);
                                        }
                                    });
            LocalPostgres postgres = new LocalPostgres(builder.start(), password, null);
            postgres.builder = builder;
            if (madeWithoutPassword) {
                postgres.setPassword(data, address);
                notices.accept(
                        "PostgreSQL: the data in "
                                + data
                                + " had no password (made by an earlier version); set a generated"
                                + " one, stored in "
                                + passwordFile);
            }
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + data, e);
        }
    }

    /** Starts a throwaway PostgreSQL in a temporary directory that is deleted when it stops. */
    public static LocalPostgres startTemporary() {
        Path home;
        try {
            home = Files.createTempDirectory("driftwatch-postgres-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        try {
            LocalPostgres started =
                    start(home.resolve("data"), ListenAddress.LOOPBACK, notice -> {});
            return new LocalPostgres(started.server, started.password, home);
        } catch (RuntimeException e) {
            Directories.deleteRecursively(home);
            throw e;
        }
    }

    /**
     * Where the password of the data in {@code dataDirectory} is stored: the file {@code
     * <dataDirectory>.password} next to it (mode 0600).
     */
    public static Path passwordFile(Path dataDirectory) {
        Path data = dataDirectory.toAbsolutePath().normalize();
        return data.resolveSibling(data.getFileName() + ".password");
    }

    /** The JDBC URL of the {@code postgres} database (on 127.0.0.1, without the password). */
    public String jdbcUrl() {
        return jdbcUrl(USER);
    }

    /** The JDBC URL of a database on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://"
                + ListenAddress.LOOPBACK.bindHost()
                + ":"
                + port()
                + "/"
                + database
                + "?user="
                + USER;
    }

    public int port() {
        return server.getPort();
    }

    public String user() {
        return USER;
    }

    /** The superuser's password (also in {@link #passwordFile}). */
    public String password() {
        return password;
    }

    /** A data source on the {@code postgres} database. */
    public DataSource dataSource() {
        return dataSource(USER);
    }

    /** A data source on a database of this server. */
    public DataSource dataSource(String database) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {ListenAddress.LOOPBACK.bindHost()});
        ds.setPortNumbers(new int[] {port()});
        ds.setDatabaseName(database);
        ds.setUser(USER);
        ds.setPassword(password);
        return ds;
    }

    /**
     * Stops the server (fast shutdown) and starts it again on the same data and port, as a database
     * restart; clients reconnect to the same URL.
     */
    public synchronized void restart() throws IOException {
        if (builder == null) {
            throw new IllegalStateException("a temporary PostgreSQL is not restarted");
        }
        int port = port();
        server.close();
        server = builder.setPort(port).start();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
        } finally {
            if (temporaryHome != null) {
                Directories.deleteRecursively(temporaryHome);
            }
        }
    }

    /** {@code listen_addresses}: 127.0.0.1, and the other address when it is not loopback. */
    static String listenAddresses(ListenAddress address) {
        if (address.isLoopback()) {
            return ListenAddress.LOOPBACK.bindHost();
        }
        if (address.isWildcard()) {
            return "*";
        }
        return ListenAddress.LOOPBACK.bindHost() + "," + address.bindHost();
    }

    /**
     * pg_hba.conf: SCRAM password logins over TCP, from this machine (and from anywhere when the
     * server listens beyond loopback); nothing else, so no login goes without the password.
     */
    static String hba(ListenAddress address) {
        StringBuilder s =
                new StringBuilder(
                        "# Written by Driftwatch at every start: password (SCRAM) logins over TCP"
                                + " only.\n"
                                + "# TYPE DATABASE USER ADDRESS METHOD\n"
                                + "host all all 127.0.0.1/32 "
                                + SCRAM
                                + "\n"
                                + "host all all ::1/128 "
                                + SCRAM
                                + "\n");
        if (!address.isLoopback()) {
            s.append("host all all 0.0.0.0/0 ").append(SCRAM).append('\n');
            s.append("host all all ::/0 ").append(SCRAM).append('\n');
        }
        return s.toString();
    }

    private static void writeHba(Path data, ListenAddress address) {
        try {
            Files.writeString(data.resolve("pg_hba.conf"), hba(address), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pg_hba.conf in " + data, e);
        }
    }

    /**
     * Data made without a password: it started with its old trust rules; set the password, then the
     * password-only rules, and reload them.
     */
    private void setPassword(Path data, ListenAddress address) {
        // the generated password is URL-safe Base64: no quote to escape in the literal
        try (Connection c = dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
            writeHba(data, address);
            s.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            close();
            throw new IllegalStateException(
                    "cannot set the password of PostgreSQL in " + data + ": " + e.getMessage(), e);
        }
    }

    /**
     * A PostgreSQL server left running on {@code data} by a process that was killed (its
     * postmaster.pid names a live postgres process serving this directory) is stopped, by its pid,
     * with a fast shutdown; a postmaster.pid whose pid now belongs to another program is removed.
     * Called once this process holds the directory's lock, so no live owner can be affected.
     */
    static void stopLeftRunning(Path data, Consumer<String> notices) {
        Path pidFile = data.resolve("postmaster.pid");
        List<String> lines;
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return; // removed in between: nothing left running
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (RuntimeException e) {
            return; // not a pid file PostgreSQL wrote completely: PostgreSQL handles it
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return; // dead: PostgreSQL itself replaces a stale pid file
        }
        if (!isPostgres(process.get()) || !servesDirectory(lines, data)) {
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            notices.accept(
                    "PostgreSQL: removed a stale postmaster.pid in "
                            + data
                            + " (its pid "
                            + pid
                            + " is now another program)");
            return;
        }
        long started = System.nanoTime();
        try {
            // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave)
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid)).start();
            kill.waitFor(10, TimeUnit.SECONDS);
            process.get().onExit().get(ORPHAN_STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new DirectoryInUseException(
                    "PostgreSQL pid "
                            + pid
                            + ", left running on "
                            + data
                            + ", did not stop within "
                            + ORPHAN_STOP_WAIT.toSeconds()
                            + " s; stop it (kill -INT "
                            + pid
                            + ") and start again");
        } catch (IOException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot stop PostgreSQL pid " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping PostgreSQL pid " + pid);
        }
        notices.accept(
                "PostgreSQL: stopped pid "
                        + pid
                        + ", left running on "
                        + data
                        + " by a run that did not stop (killed?), in "
                        + Duration.ofNanos(System.nanoTime() - started).toMillis()
                        + " ms");
    }

    private static boolean isPostgres(ProcessHandle p) {
        return p.info().command().map(c -> new File(c).getName().equals("postgres")).orElse(false);
    }

    /** Line 2 of postmaster.pid is the data directory the server runs on. */
    private static boolean servesDirectory(List<String> pidFileLines, Path data) {
        if (pidFileLines.size() < 2) {
            return false;
        }
        try {
            return Path.of(pidFileLines.get(1).strip()).toRealPath().equals(data.toRealPath());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
