package dev.sluice.dependency;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.time.Duration;

import javax.sql.DataSource;
import java.util.regex.Pattern;

import dev.sluice.config.SluiceConfig;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.StartupEvent;
import org.flywaydb.core.api.FlywayException;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The sink database, chosen at run time by {@code sluice.db.url}: PostgreSQL, or the embedded H2 (in its PostgreSQL
 * mode) by default. Those two only: the writes rely on PostgreSQL's {@code INSERT ... ON CONFLICT} and {@code COPY}.
 * The pool is built here rather than by Quarkus so one image serves both without a rebuild. The tables come from
 * {@link Migrations}, applied at start-up (begun as soon as this bean exists, while Camel starts), or at the first
 * connection when the database is down then (the service starts and reports not-ready meanwhile).
 */
@ApplicationScoped
@Unremovable // found once by the stages pipelines declare as beans, which CDI cannot see
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final SluiceConfig.Db config;
    private final AgroalDataSource dataSource;
    private volatile boolean schemaReady;
    private final CompletableFuture<Void> earlyMigration;

    public Database(SluiceConfig config) throws SQLException {
        this.config = config.db();
        AgroalDataSourceConfigurationSupplier supplier = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .maxSize(this.config.poolSize())
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .validateOnBorrow(true)
                        .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(5))
                        .connectionFactoryConfiguration(factory -> {
                            factory.jdbcUrl(this.config.url());
                            this.config.username().ifPresent(user -> factory.principal(new NamePrincipal(user)));
                            this.config.password().ifPresent(pw -> factory.credential(new SimplePassword(pw)));
                            return factory;
                        }));
        this.dataSource = AgroalDataSource.from(supplier);
        // the migrations start now, beside Camel's start-up, not after it: connection() waits for them, and
        // migrateAtStart reports how this first attempt ended
        earlyMigration = new CompletableFuture<>();
        Thread early = new Thread(() -> {
            try {
                ensureSchema();
                earlyMigration.complete(null);
            } catch (RuntimeException e) {
                earlyMigration.completeExceptionally(e);
            }
        }, "Sluice migrations");
        early.setDaemon(true);
        early.start();
    }

    /** A pooled connection; the schema is in place once this returns. */
    public Connection connection() throws SQLException {
        if (!schemaReady) {
            try {
                ensureSchema();
            } catch (FlywayException e) {
                throw migrationFailure(e);
            }
        }
        return dataSource.getConnection();
    }

    /**
     * A failed migration as an SQLException: one that could not reach the database keeps its SQLState (class 08:
     * transient, retried like any write); one whose SQL failed keeps its state and the database's reason, so the sink
     * reports it and readiness shows it. One Flyway refused without the database's say (validation: an applied file
     * edited since, a migration that failed before) has no state: no wait mends it, so the start stops with it.
     */
    private static SQLException migrationFailure(FlywayException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String reason = firstLine(sql.getMessage());
                String step = firstLine(e.getMessage());
                return new SQLException("Migration failed: " + (step.equals(reason) ? step : step + ": " + reason),
                        sql.getSQLState(), e);
            }
        }
        String refusal = String.valueOf(e.getMessage()).lines()
                .takeWhile(line -> !line.startsWith("Need more flexibility")).reduce((a, b) -> a + "\n" + b).orElse("");
        return new SQLException("Migration failed: " + refusal, null, e);
    }

    private static String firstLine(String message) {
        return String.valueOf(message).lines().findFirst().orElse("");
    }

    /**
     * Applies the migrations at start-up, so a broken one stops the service with its error. A database that does
     * not answer yet is no reason not to start: the migrations run at the first connection then.
     */
    void migrateAtStart(@Observes StartupEvent event) {
        try {
            earlyMigration.join();
            LOG.debugf("Database %s ready", vendor());
        } catch (CompletionException failed) {
            SQLException e = failed.getCause() instanceof FlywayException flyway ? migrationFailure(flyway)
                    : new SQLException(String.valueOf(failed.getCause().getMessage()), null, failed.getCause());
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                LOG.warnf("The database does not answer yet; migrations will run at the first write: %s", e.getMessage());
                return;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /**
     * The pool, for Camel JDBC ({@code jdbc:sluice}): the tables are in place once {@link #connection()} returned
     * once, which the start-up does.
     */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Null when the database answers within two seconds, else why not. */
    public String unreachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2) ? null : "the database did not answer within 2 s";
        } catch (SQLException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** {@code h2} or {@code postgresql}: picks the schema script and SQL dialect. */
    public String vendor() {
        String url = config.url();
        if (url.startsWith("jdbc:h2:")) {
            return "h2";
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return "postgresql";
        }
        throw new IllegalStateException("sluice.db.url " + url.replaceFirst("\\?.*", "")
                + " is neither PostgreSQL (jdbc:postgresql:) nor H2 (jdbc:h2:), the databases Sluice writes to");
    }

    /**
     * Checks that a table or column name from a pipeline definition is a plain SQL identifier ({@code name} or
     * {@code schema.name}), and returns it as written: the database folds its case as it folds any unquoted name.
     */
    public static String plainIdentifier(String identifier) {
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw new IllegalArgumentException("'" + identifier + "' is not a plain SQL identifier");
        }
        return identifier;
    }

    /** A name exactly as the database's metadata gives it, quoted, so a reserved word or mixed case stays itself. */
    public static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private synchronized void ensureSchema() {
        if (schemaReady) {
            return;
        }
        if (config.migrate()) {
            Migrations.apply(dataSource, vendor(), config.migrationsDir());
        }
        schemaReady = true;
    }

    @PreDestroy
    void close() {
        dataSource.close();
    }
}
