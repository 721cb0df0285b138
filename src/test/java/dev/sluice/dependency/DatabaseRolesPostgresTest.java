package dev.sluice.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import dev.sluice.PostgresProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On PostgreSQL, pipelines run as {@code sluice_pipelines}, which the owner {@code sluice} grants rows only after the
 * migrations: the database refuses it every statement that drops, deletes, creates, reads a file or a setting, while
 * the owner is warned about as a role for pipelines and the pipelines' role is not.
 */
class DatabaseRolesPostgresTest {

    static Database database;

    @BeforeAll
    static void start() throws Exception {
        // a table of the owner's, made before the start that grants the pipelines' role its rows
        try (Connection owner = java.sql.DriverManager.getConnection(PostgresProfile.URL, "sluice", "sluice");
                Statement statement = owner.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS roles_rows");
            statement.execute("CREATE TABLE roles_rows (id TEXT PRIMARY KEY, v TEXT)");
        }
        database = new Database(DatabaseRolesTest.config(Map.of("sluice.db.url", PostgresProfile.URL,
                "sluice.db.username", "sluice", "sluice.db.password", "sluice",
                "sluice.db.pipelines-username", "sluice_pipelines", "sluice.db.pipelines-password", "sluice_pipelines")));
        database.migrateAtStart(null);
    }

    @AfterAll
    static void stop() {
        database.close();
    }

    @Test
    void pipelinesReadInsertAndUpdateRowsAsTheirOwnRole() throws Exception {
        try (Connection pipelines = database.connection(); Statement statement = pipelines.createStatement()) {
            statement.execute("INSERT INTO roles_rows (id, v) VALUES ('r-1', 'a') ON CONFLICT DO NOTHING");
            statement.execute("UPDATE roles_rows SET v = 'b' WHERE id = 'r-1'");
            try (ResultSet user = statement.executeQuery("SELECT current_user")) {
                user.next();
                assertThat(user.getString(1)).isEqualTo("sluice_pipelines");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "DROP TABLE roles_rows", "DELETE FROM roles_rows", "TRUNCATE roles_rows",
            "CREATE TABLE stolen (x TEXT)", "ALTER TABLE roles_rows ADD COLUMN x TEXT",
            "SELECT pg_read_file('/etc/passwd')", "COPY roles_rows TO '/tmp/sluice-roles-copy'", "CREATE FUNCTION f() RETURNS int AS 'SELECT 1' LANGUAGE sql",
            "UPDATE sluice_schema_history SET success = false", "SELECT * FROM sluice_schema_history",
            "ALTER ROLE sluice_pipelines SUPERUSER", "SELECT lo_import('/etc/passwd')" })
    void postgresRefusesPipelinesEverythingElse(String sql) throws Exception {
        try (Connection pipelines = database.connection(); Statement run = pipelines.createStatement()) {
            assertThatThrownBy(() -> run.execute(sql)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).startsWith("42"));
        }
        try (Connection owner = database.ownerConnection(); Statement check = owner.createStatement();
                ResultSet table = check.executeQuery("SELECT to_regclass('roles_rows') IS NOT NULL")) {
            table.next();
            assertThat(table.getBoolean(1)).as("roles_rows is still there").isTrue();
        }
    }

    @Test
    void aRoleThatOwnsItsTablesIsWarnedAboutAndThePipelinesRoleIsNot() throws Exception {
        try (Connection owner = database.ownerConnection()) {
            assertThat(PipelinesRole.warnIfPrivileged(owner)).startsWith("The database role pipelines run as, sluice, "
                    + "owns ").contains("table(s), so it may drop or change them");
        }
        try (Connection pipelines = database.connection()) {
            assertThat(PipelinesRole.warnIfPrivileged(pipelines)).isNull();
        }
    }
}
