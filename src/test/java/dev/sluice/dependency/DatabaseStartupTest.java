package dev.sluice.dependency;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.sluice.PostgresProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Start-up waits out a PostgreSQL server that has no room for another client (SQLState 53300), says so where
 * readiness reads it, and goes on once there is room; it gives up after {@code sluice.db.startup-timeout} with the
 * database's reason. The room is taken away for real: the database's connection limit is set to 0 by its owner.
 */
class DatabaseStartupTest {

    private Connection held;
    private Database database;

    @BeforeEach
    void noRoomForAnotherClient() throws SQLException {
        held = DriverManager.getConnection(PostgresProfile.URL, "sluice", "sluice");
        try (Statement statement = held.createStatement()) {
            statement.execute("ALTER DATABASE sluice CONNECTION LIMIT 0");
        }
        database = new Database(DatabaseRolesTest.config(Map.of("sluice.db.url", PostgresProfile.URL,
                "sluice.db.username", "sluice", "sluice.db.password", "sluice",
                "sluice.db.pipelines-username", "sluice_pipelines", "sluice.db.pipelines-password",
                "sluice_pipelines")));
    }

    @AfterEach
    void roomAgain() throws SQLException {
        room();
        held.close();
        database.close();
    }

    private void room() throws SQLException {
        try (Statement statement = held.createStatement()) {
            statement.execute("ALTER DATABASE sluice CONNECTION LIMIT -1");
        }
    }

    @Test
    void startUpWaitsUntilTheDatabaseHasRoomAndReadinessSaysWhy() throws Exception {
        CompletableFuture<String> started = CompletableFuture.supplyAsync(
                () -> database.awaitSchema(new SQLException("first attempt", "53300"), Duration.ofMinutes(2)));
        String waiting = null;
        for (int i = 0; i < 100 && (waiting == null || !waiting.contains("too many connections")); i++) {
            Thread.sleep(100);
            waiting = database.unreachable();
        }
        assertThat(waiting).contains("not ready for the migrations since start-up")
                .contains("sluice.db.startup-timeout").contains("too many connections for database");
        assertThat(started).isNotDone();

        room();

        assertThat(started.get(60, TimeUnit.SECONDS)).isNull();
        assertThat(database.unreachable()).isNull();
        try (Connection owner = database.ownerConnection(); Statement statement = owner.createStatement()) {
            assertThat(statement.executeQuery("SELECT count(*) FROM sluice_schema_history").next()).isTrue();
        }
    }

    @Test
    void startUpGivesUpAfterItsTimeoutWithTheDatabasesReason() {
        String gaveUp = database.awaitSchema(new SQLException("first attempt", "53300"), Duration.ofSeconds(3));

        assertThat(gaveUp).startsWith("The database was not ready for the migrations within PT3S "
                + "(sluice.db.startup-timeout); the service stops: ").contains("too many connections for database");
        assertThat(database.unreachable()).doesNotContain("since start-up");
    }

    @Test
    void onlyWhatWaitingMayMendIsWaitedOut() {
        assertThat(Database.notReady(new SQLException("refused", "08001"))).isTrue();
        assertThat(Database.notReady(new SQLException("too many clients", "53300"))).isTrue();
        assertThat(Database.notReady(new SQLException("starting up", "57P03"))).isTrue();
        assertThat(Database.notReady(new SQLException("Migration failed: Unable to obtain connection",
                null, new IllegalStateException("x", new SQLException("Sorry, acquisition timeout!"))))).isTrue();
        assertThat(Database.notReady(new SQLException("no such table", "42P01"))).isFalse();
        assertThat(Database.notReady(new SQLException("Migration failed: Validate failed", (String) null))).isFalse();
    }
}
