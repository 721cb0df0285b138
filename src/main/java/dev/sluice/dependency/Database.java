package dev.sluice.dependency;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

import dev.sluice.config.SluiceConfig;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import jakarta.annotation.PreDestroy;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * The sink database, chosen at run time by {@code sluice.db.url}: PostgreSQL, or the embedded H2 (in its PostgreSQL
 * mode) by default. Those two only: the writes rely on PostgreSQL's {@code INSERT ... ON CONFLICT} and {@code COPY}.
 * The pool is built here rather than by Quarkus so one image serves both without a rebuild. The schema is applied
 * on first use, not at start-up, so the service starts and reports not-ready while the database is down.
 */
@ApplicationScoped
@Unremovable // found once by the stages pipelines declare as beans, which CDI cannot see
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class);
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private final SluiceConfig.Db config;
    private final AgroalDataSource dataSource;
    private volatile boolean schemaReady;

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
    }

    /** A pooled connection; the schema is in place once this returns. */
    public Connection connection() throws SQLException {
        Connection connection = dataSource.getConnection();
        if (!schemaReady) {
            try {
                ensureSchema(connection);
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        }
        return connection;
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

    private synchronized void ensureSchema(Connection connection) throws SQLException {
        if (schemaReady) {
            return;
        }
        if (config.initSchema()) {
            String script = "db/schema/" + vendor() + ".sql";
            try (InputStream in = Database.class.getClassLoader().getResourceAsStream(script)) {
                runScript(connection, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                LOG.infof("Schema %s applied", script);
            } catch (IOException e) {
                throw new SQLException("Cannot read " + script, e);
            }
        }
        schemaReady = true;
    }

    private static void runScript(Connection connection, String script) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            for (String sql : script.split(";")) {
                String trimmed = sql.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + "\n" + b)
                        .trim();
                if (!trimmed.isEmpty()) {
                    statement.execute(trimmed);
                }
            }
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    @PreDestroy
    void close() {
        dataSource.close();
    }
}
