package dev.sluice.dependency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

import dev.sluice.config.SluiceConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's migration that Flyway refuses stops the start with Flyway's reason: an edited file already applied, or
 * one that failed before. Neither is a database that "does not answer yet", which the service would wait out.
 */
class MigrationsAtStartTest {

    @TempDir
    Path migrations;

    private static SluiceConfig config(String database, Path migrations) {
        return new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
                .withDefaultValue("sluice.db.url", "jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                        + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE")
                .withDefaultValue("sluice.db.migrations-dir", migrations.toString())
                .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092").build()
                .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);
    }

    @Test
    void anAppliedMigrationEditedAfterwardsStopsTheStart() throws Exception {
        Files.writeString(migrations.resolve("V1__readings.sql"), "CREATE TABLE ms_readings (id TEXT PRIMARY KEY);\n");
        Database first = new Database(config("edited", migrations));
        first.migrateAtStart(null);
        try (Connection connection = first.connection();
                ResultSet tables = connection.getMetaData().getTables(null, null, "ms_readings", null)) {
            assertThat(tables.next()).isTrue();
        }
        first.close();

        Files.writeString(migrations.resolve("V1__readings.sql"), "-- edited\n", java.nio.file.StandardOpenOption.APPEND);
        Database again = new Database(config("edited", migrations));

        assertThatThrownBy(() -> again.migrateAtStart(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Migration failed: Validate failed")
                .hasMessageContaining("checksum mismatch for migration version 1");
        again.close();
    }

    @Test
    void aMigrationThatFailedBeforeStopsTheNextStartToo() throws Exception {
        Files.writeString(migrations.resolve("V1__readings.sql"), "CREATE TABLE ms_failed (id TEXT PRIMARY KEY);\n"
                + "CREATE TABLE ms_failed (id TEXT PRIMARY KEY);\n");
        Database first = new Database(config("failed", migrations));
        assertThatThrownBy(() -> first.migrateAtStart(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ms_failed");
        first.close();

        Database again = new Database(config("failed", migrations));

        assertThatThrownBy(() -> again.migrateAtStart(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Migration failed: Validate failed");
        again.close();
    }
}
