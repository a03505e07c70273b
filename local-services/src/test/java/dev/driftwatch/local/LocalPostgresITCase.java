package dev.driftwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL refuses logins without its generated password (no trust rule, no Unix
 * socket), keeps data and password across restarts, gives data made without a password one, and
 * stops a server that a killed process left running on its data.
 */
class LocalPostgresITCase {
    @TempDir Path dir;

    @Test
    void aLoginWithoutThePasswordIsRefusedAndWithItWorks() throws Exception {
        Path data = dir.resolve("postgres");
        try (LocalPostgres db = LocalPostgres.start(data)) {
            Path passwordFile = dir.resolve("postgres.password");
            assertThat(LocalPostgres.passwordFile(data)).isEqualTo(passwordFile);
            assertThat(Files.getPosixFilePermissions(passwordFile))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(passwordFile).strip()).isEqualTo(db.password());
            assertThat(db.password()).hasSizeGreaterThanOrEqualTo(43);

            // what trust would let in: no password, and a wrong one
            assertThatThrownBy(() -> login(db.jdbcUrl(), null))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password");
            assertThatThrownBy(() -> login(db.jdbcUrl(), "wrong"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
            try (Connection c = login(db.jdbcUrl(), db.password())) {
                assertThat(single(c, "SHOW unix_socket_directories")).isEmpty();
                assertThat(single(c, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
                assertThat(
                                single(
                                        c,
                                        "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'"))
                        .startsWith("SCRAM-SHA-256$");
                assertThat(
                                single(
                                        c,
                                        "SELECT string_agg(DISTINCT auth_method, ',') FROM"
                                                + " pg_hba_file_rules"))
                        .isEqualTo("scram-sha-256");
                assertThat(
                                single(
                                        c,
                                        "SELECT count(*) FROM pg_hba_file_rules WHERE type <>"
                                                + " 'host'"))
                        .isEqualTo("0");
            }
            try (Connection c = db.dataSource().getConnection()) {
                assertThat(single(c, "SELECT 1")).isEqualTo("1");
            }
        }
        assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
    }

    @Test
    void dataAndPasswordSurviveARestart() throws Exception {
        Path data = dir.resolve("postgres");
        String password;
        try (LocalPostgres db = LocalPostgres.start(data);
                Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            password = db.password();
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('still here')");
        }
        try (LocalPostgres db = LocalPostgres.start(data);
                Connection c = login(db.jdbcUrl(), password)) {
            assertThat(db.password()).isEqualTo(password);
            assertThat(single(c, "SELECT v FROM kept")).isEqualTo("still here");
        }
    }

    @Test
    void dataMadeWithoutAPasswordGetsOne() throws Exception {
        Path data = dir.resolve("old");
        // what earlier versions made: initdb with trust for every local login, no password
        try (EmbeddedPostgres old =
                        EmbeddedPostgres.builder()
                                .setDataDirectory(data)
                                .setCleanDataDirectory(false)
                                .start();
                Connection c = old.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('from before')");
        }
        List<String> notices = new ArrayList<>();
        try (LocalPostgres db = LocalPostgres.start(data, ListenAddress.LOOPBACK, notices::add)) {
            assertThat(notices).singleElement().asString().contains("had no password");
            assertThatThrownBy(() -> login(db.jdbcUrl(), null)).isInstanceOf(SQLException.class);
            try (Connection c = login(db.jdbcUrl(), db.password())) {
                assertThat(single(c, "SELECT v FROM kept")).isEqualTo("from before");
            }
        }
        assertThat(Files.readString(data.resolve("pg_hba.conf"))).doesNotContain("trust");
    }

    @Test
    void aServerLeftRunningByAKilledProcessIsStoppedByItsPid() throws Exception {
        Path data = dir.resolve("postgres");
        Process holder =
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                StartAndWait.class.getName(),
                                data.toString())
                        .redirectErrorStream(true)
                        .start();
        long orphan;
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("started")) {
                // the child's log
            }
            assertThat(line).as("the child started PostgreSQL").isNotNull();
            orphan = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0));
            holder.destroyForcibly(); // kill -9: no shutdown hook, PostgreSQL keeps running
            assertThat(holder.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).contains(true);

        List<String> notices = new ArrayList<>();
        try (LocalPostgres db = LocalPostgres.start(data, ListenAddress.LOOPBACK, notices::add);
                Connection c = db.dataSource().getConnection()) {
            assertThat(single(c, "SELECT v FROM kept")).isEqualTo("written before the kill");
            assertThat(notices)
                    .singleElement()
                    .asString()
                    .contains("stopped pid " + orphan, "left running on");
        }
        assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    /** Starts PostgreSQL on the data directory given, writes a row, prints "started", waits. */
    public static final class StartAndWait {
        public static void main(String[] args) throws Exception {
            LocalPostgres db = LocalPostgres.start(Path.of(args[0]));
            try (Connection c = db.dataSource().getConnection();
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('written before the kill')");
            }
            System.out.println("started");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    private static Connection login(String url, String password) throws SQLException {
        Properties p = new Properties();
        if (password != null) {
            p.setProperty("password", password);
        }
        return DriverManager.getConnection(url, p);
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }
}
