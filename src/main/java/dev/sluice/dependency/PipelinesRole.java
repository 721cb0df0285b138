package dev.sluice.dependency;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * The database role pipelines run as: it may read, insert and update rows of the tables and nothing else, so a
 * pipeline cannot drop a table, run code in the database or read a file through it, whatever a routes file holds. The
 * owner (sluice.db.username) applies the migrations and then grants the pipelines' role its rights on every table of
 * its schema but the migration histories. On the embedded H2 database Sluice makes that role itself, with a new random
 * password at every start; on PostgreSQL it is {@code sluice.db.pipelines-username} (docs/deploy.md), and a role
 * that is a superuser or owns its tables is warned about at start.
 */
final class PipelinesRole {

    private static final Logger LOG = Logger.getLogger(PipelinesRole.class);
    private static final Set<String> HISTORIES = Set.of(Migrations.SHIPPED_HISTORY, Migrations.USER_HISTORY);

    private PipelinesRole() {
    }

    /**
     * Makes the H2 role when Sluice owns it, and grants the role its rights on the owner's tables when Sluice applied
     * the migrations (or on H2, where nobody else can).
     *
     * @param role   the pipelines' role; null when pipelines use the owner's (PostgreSQL without a role of their own)
     * @param made   whether Sluice makes the role (the embedded H2 database)
     */
    static void grant(Connection owner, String vendor, String role, String password, boolean made, boolean migrated)
            throws SQLException {
        if (role == null) {
            return;
        }
        // H2 folds a user's name as it logs in, so the name goes unquoted there (Sluice's own, or a setting)
        String grantee = vendor.equals("h2") ? role : quoted(role);
        try (Statement statement = owner.createStatement()) {
            if (made) {
                statement.execute("CREATE USER IF NOT EXISTS " + grantee + " PASSWORD '" + password + "'");
                statement.execute("ALTER USER " + grantee + " SET PASSWORD '" + password + "'");
            }
            if (!made && !migrated) {
                return; // the tables are someone else's, and so are their grants
            }
            String schema = owner.getSchema();
            for (String table : tables(owner.getMetaData(), schema)) {
                statement.execute("GRANT SELECT, INSERT, UPDATE ON " + quoted(schema) + "." + quoted(table) + " TO "
                        + grantee);
            }
            if (vendor.equals("postgresql")) {
                statement.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA " + quoted(schema) + " TO "
                        + grantee);
            }
        }
    }

    /** Why the pipelines' role may do more than move rows (on PostgreSQL), logged as a warning; or null. */
    static String warnIfPrivileged(Connection pipelines) throws SQLException {
        try (Statement statement = pipelines.createStatement();
                ResultSet result = statement.executeQuery("SELECT current_user, r.rolsuper, (SELECT count(*) FROM pg_tables "
                        + "t WHERE t.tableowner = current_user) FROM pg_roles r WHERE r.rolname = current_user")) {
            if (!result.next()) {
                return null;
            }
            String role = result.getString(1);
            String warning = result.getBoolean(2) ? "is a superuser"
                    : result.getLong(3) > 0 ? "owns " + result.getLong(3) + " table(s), so it may drop or change them"
                    : null;
            if (warning == null) {
                return null;
            }
            String message = "The database role pipelines run as, " + role + ", " + warning + ": give pipelines a role "
                    + "that may only read and write rows (sluice.db.pipelines-username, docs/deploy.md)";
            LOG.warn(message);
            return message;
        }
    }

    /** The tables of a schema, but the migration histories. */
    private static List<String> tables(DatabaseMetaData meta, String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet result = meta.getTables(null, schema, "%", new String[] { "TABLE" })) {
            while (result.next()) {
                String table = result.getString("TABLE_NAME");
                if (!HISTORIES.contains(table.toLowerCase(Locale.ROOT))) {
                    tables.add(table);
                }
            }
        }
        return tables;
    }

    private static String quoted(String name) {
        return Database.quoted(name);
    }
}
