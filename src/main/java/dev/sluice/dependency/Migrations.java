package dev.sluice.dependency;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import javax.sql.DataSource;

import dev.sluice.config.ConfigurationException;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jboss.logging.Logger;

/**
 * The tables, as versioned SQL migrations applied by Flyway: Sluice's own ({@code db/migration/<vendor>} on the
 * classpath, history in {@code sluice_schema_history}), then the user's ({@code sluice.db.migrations-dir}, history
 * in {@code flyway_schema_history}). Two histories, so a user numbers their migrations from {@code V1} and a later
 * Sluice can add its own without clashing. A migrations directory holding an {@code h2} or {@code postgresql}
 * subdirectory gives that database the subdirectory's files only; else every {@code V<n>__<name>.sql} in it (and
 * below) applies. A schema that already has tables but no history is taken as version 0, so every migration runs:
 * write them with {@code IF NOT EXISTS} where a table may predate them.
 */
final class Migrations {

    private static final Logger LOG = Logger.getLogger(Migrations.class);

    static final String SHIPPED_HISTORY = "sluice_schema_history";
    static final String USER_HISTORY = "flyway_schema_history";

    private Migrations() {
    }

    static void apply(DataSource dataSource, String vendor, Optional<Path> userDir) {
        migrate(dataSource, SHIPPED_HISTORY, "classpath:db/migration/" + vendor);
        if (userDir.isPresent()) {
            Path dir = userDir.get().toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new ConfigurationException("sluice.db.migrations-dir " + dir + " is not a directory");
            }
            Path own = dir.resolve(vendor);
            migrate(dataSource, USER_HISTORY, "filesystem:" + (Files.isDirectory(own) ? own : dir));
        }
    }

    private static void migrate(DataSource dataSource, String history, String location) {
        MigrateResult result = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(history)
                .locations(location)
                .baselineOnMigrate(true)
                .baselineVersion("0")
                // a ${...} in a user's SQL is theirs, not a Flyway placeholder
                .placeholderReplacement(false)
                .validateMigrationNaming(true)
                .load()
                .migrate();
        LOG.infof("Migrations from %s: %d applied, schema at version %s", location, result.migrationsExecuted,
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion);
    }
}
