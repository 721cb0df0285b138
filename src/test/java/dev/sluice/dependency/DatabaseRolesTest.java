package dev.sluice.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import dev.sluice.config.SluiceConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On the embedded H2 database, pipelines run as the role Sluice makes, which may read, insert and update rows and
 * nothing else: H2 itself refuses it every statement that drops, deletes, runs code, reads or writes files or links
 * another database, while the owner (which applied the migrations) may. The database opens no port.
 */
class DatabaseRolesTest {

    @TempDir
    Path dir;

    Database database;

    static SluiceConfig config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder().withMapping(SluiceConfig.class).withDefaultValues(settings)
                .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092").build()
                .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);
    }

    @BeforeEach
    void start() throws Exception {
        // the default database, in a directory of the test's own
        String url = SluiceConfig.Db.H2_FILE.replace("./data/sluice", dir.resolve("sluice").toString());
        database = new Database(config(Map.of("sluice.db.url", url)));
        database.migrateAtStart(null);
        try (Connection owner = database.ownerConnection(); Statement statement = owner.createStatement()) {
            statement.execute("INSERT INTO orders (order_id, customer_id, status, amount, currency, amount_eur, tier) "
                    + "VALUES ('o-1', 'c-1', 'paid', 1, 'EUR', 1, 'gold')");
        }
    }

    @AfterEach
    void stop() {
        database.close();
    }

    @Test
    void pipelinesReadInsertAndUpdateRows() throws Exception {
        try (Connection pipelines = database.connection(); Statement statement = pipelines.createStatement()) {
            statement.execute("INSERT INTO orders (order_id, customer_id, status, amount, currency, amount_eur, tier) "
                    + "VALUES ('o-2', 'c-1', 'paid', 2, 'EUR', 2, 'gold')");
            statement.execute("UPDATE orders SET tier = 'silver' WHERE order_id = 'o-2'");
            try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM orders")) {
                rows.next();
                assertThat(rows.getLong(1)).isEqualTo(2);
            }
            try (ResultSet user = statement.executeQuery("SELECT CURRENT_USER")) {
                user.next();
                assertThat(user.getString(1)).isEqualToIgnoringCase(Database.H2_PIPELINES_USER);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "DROP TABLE orders", "DELETE FROM orders", "TRUNCATE TABLE orders",
            "CREATE TABLE stolen (x VARCHAR)", "ALTER TABLE orders ADD COLUMN x VARCHAR",
            "CREATE ALIAS EXEC_IT AS 'String run(String c) throws Exception { return c; }'",
            "SELECT FILE_READ('/etc/passwd')", "SELECT * FROM CSVREAD('/etc/passwd')",
            "CALL CSVWRITE('%s/written.csv', 'SELECT * FROM orders')", "SELECT FILE_WRITE('x', '%s/written.txt')",
            "RUNSCRIPT FROM '%s/script.sql'", "SCRIPT TO '%s/dump.sql'", "BACKUP TO '%s/backup.zip'",
            "CALL LINK_SCHEMA('LINKED', '', 'jdbc:h2:mem:other', 'sa', '', 'PUBLIC')",
            "CREATE LINKED TABLE linked('', 'jdbc:h2:mem:other', 'sa', '', 'T')", "SET EXCLUSIVE 1",
            "CREATE USER intruder PASSWORD 'x' ADMIN", "GRANT ADMIN TO " + Database.H2_PIPELINES_USER,
            "UPDATE sluice_schema_history SET success = FALSE", "SHUTDOWN" })
    void h2RefusesPipelinesEverythingElse(String sql) throws Exception {
        Files.writeString(dir.resolve("script.sql"), "DROP TABLE orders;");
        String statement = sql.replace("%s", dir.toString());
        try (Connection pipelines = database.connection(); Statement run = pipelines.createStatement()) {
            assertThatThrownBy(() -> run.execute(statement)).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("90040", "90096", "42501"));
        }
        try (Connection owner = database.ownerConnection(); Statement check = owner.createStatement();
                ResultSet rows = check.executeQuery("SELECT count(*) FROM orders")) {
            rows.next();
            assertThat(rows.getLong(1)).as("orders still holds its row").isEqualTo(1);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .as("nothing written beside the database").allMatch(name -> name.startsWith("sluice.")
                            || name.equals("script.sql"));
        }
    }

    @Test
    void theOwnerMayWhatPipelinesMayNot() throws Exception {
        try (Connection owner = database.ownerConnection(); Statement statement = owner.createStatement()) {
            statement.execute("DELETE FROM orders");
        }
    }

    @Test
    void theEmbeddedDatabaseOpensNoPort() throws Exception {
        assertThat(SluiceConfig.Db.H2_FILE).doesNotContainIgnoringCase("AUTO_SERVER");
        // with AUTO_SERVER, H2 writes the port it listens on into its lock file
        Path lock = dir.resolve("sluice.lock.db");
        assertThat(!Files.exists(lock) || !Files.readString(lock).contains("server")).isTrue();
    }

    @Test
    void thePipelinesUrlLeavesOutWhatOnlyAnAdminMaySet() {
        assertThat(Database.pipelinesUrl("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;CACHE_SIZE=10;"
                + "DATABASE_TO_LOWER=TRUE")).isEqualTo("jdbc:h2:mem:x;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        assertThat(Database.pipelinesUrl("jdbc:postgresql://h/db?x=1")).isEqualTo("jdbc:postgresql://h/db?x=1");
    }
}
