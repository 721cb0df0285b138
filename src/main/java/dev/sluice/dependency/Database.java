package dev.sluice.dependency;

import java.sql.Connection;
import java.sql.SQLException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.time.Duration;

import java.util.regex.Pattern;

import dev.sluice.config.ConfigurationException;
import dev.sluice.config.SluiceConfig;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import io.quarkus.runtime.Quarkus;
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

    /** The role pipelines' connections use on the embedded H2 database, made by Sluice at every start. */
    public static final String H2_PIPELINES_USER = "sluice_pipelines";

    private final SluiceConfig.Db config;
    /** The owner's connections: migrations, grants, the fixture tests' clean-up. */
    private final AgroalDataSource owner;
    /** The pipelines' connections: a role that can read and write rows and nothing else (docs/security.md). */
    private final AgroalDataSource dataSource;
    /** The pipelines' role and password, when it is not the owner; on H2 Sluice makes it. */
    private final String pipelinesUser;
    private final String pipelinesPassword;
    private volatile boolean schemaReady;
    /** Why start-up is still waiting for the database, or null: what readiness says meanwhile. */
    private volatile String startupWait;
    private final CompletableFuture<Void> earlyMigration;

    public Database(SluiceConfig config) throws SQLException {
        this.config = config.db();
        this.owner = pool(this.config.username().orElse(null), this.config.password().orElse(null), 2, this.config.url());
        if (this.config.pipelinesUsername().isPresent()) {
            pipelinesUser = this.config.pipelinesUsername().get();
            pipelinesPassword = this.config.pipelinesPassword().orElse(null);
        } else if (vendor().equals("h2")) {
            pipelinesUser = H2_PIPELINES_USER;
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            pipelinesPassword = HexFormat.of().formatHex(secret);
        } else {
            pipelinesUser = null;
            pipelinesPassword = null;
        }
        this.dataSource = pipelinesUser == null ? owner
                : pool(pipelinesUser, pipelinesPassword, this.config.poolSize(), pipelinesUrl(this.config.url()));
        // the migrations start now, beside Camel's start-up, not after it: connection() waits for them, and
        // migrateAtStart reports how this first attempt ended
        earlyMigration = new CompletableFuture<>();
        Thread early = new Thread(() -> {
            try {
                ensureSchema();
                earlyMigration.complete(null);
            } catch (SQLException | RuntimeException e) {
                earlyMigration.completeExceptionally(e);
            }
        }, "Sluice migrations");
        early.setDaemon(true);
        early.start();
    }

    /**
     * The URL the pipelines' role connects with: on H2, without the settings only an admin may make (such as
     * DB_CLOSE_DELAY), which the owner's first connection made for the database already.
     */
    static String pipelinesUrl(String url) {
        if (!url.startsWith("jdbc:h2:")) {
            return url;
        }
        String[] parts = url.split(";");
        StringBuilder kept = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            String key = parts[i].split("=", 2)[0].trim().toUpperCase(Locale.ROOT);
            if (H2_SESSION_SETTINGS.contains(key)) {
                kept.append(';').append(parts[i]);
            }
        }
        return kept.toString();
    }

    /** The settings of an H2 URL that a user who is not an admin may give as it connects. */
    private static final Set<String> H2_SESSION_SETTINGS = Set.of("MODE", "DATABASE_TO_LOWER", "DATABASE_TO_UPPER",
            "DEFAULT_NULL_ORDERING", "NON_KEYWORDS", "CASE_INSENSITIVE_IDENTIFIERS", "LOCK_TIMEOUT", "TIME ZONE",
            "AUTO_SERVER", "AUTO_SERVER_PORT", "IFEXISTS", "ACCESS_MODE_DATA");

    private AgroalDataSource pool(String user, String password, int size, String url) throws SQLException {
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .maxSize(size)
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        .validateOnBorrow(true)
                        .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(5))
                        .connectionFactoryConfiguration(factory -> {
                            factory.jdbcUrl(url);
                            if (user != null) {
                                factory.principal(new NamePrincipal(user));
                            }
                            if (password != null) {
                                factory.credential(new SimplePassword(password));
                            }
                            return factory;
                        })));
    }

    /**
     * A pooled connection of the pipelines' role, which may read and write rows and nothing else; the schema is in
     * place once this returns.
     */
    public Connection connection() throws SQLException {
        ensureSchema();
        return dataSource.getConnection();
    }

    /** A connection of the tables' owner, for what is no pipeline's business: the fixture tests' clean-up. */
    public Connection ownerConnection() throws SQLException {
        ensureSchema();
        return owner.getConnection();
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
                return new SQLException("Migration failed: " + (step.contains(reason) ? step : step + ": " + reason),
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
     * Applies the migrations at start-up, so a broken one stops the service with its error. A database that is not
     * ready for them ({@link #notReady}) is waited out in the background, for at most
     * {@code sluice.db.startup-timeout}, while readiness says so; then the service exits with code 1 and the reason.
     */
    void migrateAtStart(@Observes StartupEvent event) {
        try {
            earlyMigration.join();
            LOG.debugf("Database %s ready", vendor());
        } catch (CompletionException failed) {
            SQLException e = failed.getCause() instanceof SQLException sql ? sql
                    : new SQLException(String.valueOf(failed.getCause().getMessage()), null, failed.getCause());
            if (!notReady(e)) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            Thread waiting = new Thread(() -> {
                String gaveUp = awaitSchema(e, config.startupTimeout());
                if (gaveUp != null) {
                    LOG.error(gaveUp);
                    System.err.println(gaveUp);
                    Quarkus.asyncExit(1);
                }
            }, "Sluice migrations");
            waiting.setDaemon(true);
            waiting.start();
        }
    }

    /**
     * Tries the migrations again, with pauses growing from one second to fifteen, while the database is not ready
     * for them and {@code timeout} has not passed; null once they ran, else why the start cannot go on.
     */
    String awaitSchema(SQLException first, Duration timeout) {
        long began = System.nanoTime();
        Backoff pauses = new Backoff(Duration.ofSeconds(1), MAX_START_PAUSE);
        SQLException last = first;
        try {
            for (int attempt = 1;; attempt++) {
                long waited = System.nanoTime() - began;
                if (waited >= timeout.toNanos()) {
                    return "The database was not ready for the migrations within " + timeout
                            + " (sluice.db.startup-timeout); the service stops: " + last.getMessage();
                }
                startupWait = "not ready for the migrations since start-up (" + attempt + " attempt(s), "
                        + Duration.ofNanos(waited).toSeconds() + " s; the service stops after " + timeout
                        + ", sluice.db.startup-timeout): " + last.getMessage();
                LOG.warnf("The database is %s", startupWait);
                Thread.sleep(Math.min(pauses.grow().toMillis(), Math.max(1, (timeout.toNanos() - waited) / 1_000_000)));
                try {
                    ensureSchema();
                    LOG.infof("Database %s ready after %d attempt(s)", vendor(), attempt + 1);
                    return null;
                } catch (SQLException | RuntimeException e) {
                    if (!(e instanceof SQLException sql && notReady(sql))) {
                        return "The migrations failed; the service stops: " + e.getMessage();
                    }
                    last = sql;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            startupWait = null;
        }
    }

    private static final Duration MAX_START_PAUSE = Duration.ofSeconds(15);

    /**
     * A failure that waiting may mend: the database cannot be reached (SQLState class 08), has no room for another
     * client (class 53: too many connections), is starting or shutting down (57P01–57P03), or the pool got no
     * connection in time (Agroal's acquisition timeout, which has no SQLState).
     */
    static boolean notReady(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("53") || state.equals("57P01")
                        || state.equals("57P02") || state.equals("57P03")) {
                    return true;
                }
            }
            if (cause instanceof java.sql.SQLTransientException || cause instanceof java.net.ConnectException
                    || String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT).contains("acquisition timeout")) {
                return true;
            }
        }
        return false;
    }

    /** Null when the database answers within two seconds and its tables are in place, else why not. */
    public String unreachable() {
        String waiting = startupWait;
        if (waiting != null) {
            return waiting;
        }
        try (Connection connection = owner.getConnection()) {
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
        throw new ConfigurationException("sluice.db.url " + url.replaceFirst("\\?.*", "")
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

    private void ensureSchema() throws SQLException {
        if (schemaReady) {
            return;
        }
        synchronized (this) {
            if (schemaReady) {
                return;
            }
            if (config.migrate()) {
                try {
                    Migrations.apply(owner, vendor(), config.migrationsDir());
                } catch (FlywayException e) {
                    throw migrationFailure(e);
                }
            }
            try (Connection connection = owner.getConnection()) {
                PipelinesRole.grant(connection, vendor(), pipelinesUser, pipelinesPassword,
                        config.pipelinesUsername().isEmpty(), config.migrate());
            }
            if (vendor().equals("postgresql")) {
                try (Connection connection = dataSource.getConnection()) {
                    PipelinesRole.warnIfPrivileged(connection);
                }
            }
            schemaReady = true;
        }
    }

    @PreDestroy
    public void close() {
        if (dataSource != owner) {
            dataSource.close();
        }
        owner.close();
    }
}
