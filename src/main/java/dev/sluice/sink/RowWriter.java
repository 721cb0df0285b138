package dev.sluice.sink;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import org.postgresql.PGConnection;

/**
 * Writes one batch of rows to a table, inside the caller's transaction, skipping keys the table already holds. Rows
 * go in groups of one {@link TableMapping.Shape} (the columns they write), in the order the groups first appear.
 * PostgreSQL gets the rows by COPY: straight into the table while no key is there yet (the common case: new
 * records), else into a temporary staging table and then one {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING}.
 * Either costs the database a fraction of a batch of single-row inserts (docs/performance.md). H2 gets a JDBC batch
 * insert.
 */
abstract class RowWriter implements AutoCloseable {

    final TableMapping mapping;

    RowWriter(TableMapping mapping) {
        this.mapping = mapping;
    }

    /** {@code direct}: try COPY straight into the table first (PostgreSQL only). */
    static RowWriter open(Connection connection, TableMapping mapping, boolean direct) throws SQLException {
        return isPostgres(connection) ? new PostgresCopy(connection, mapping, direct)
                : new BatchInsert(connection, mapping);
    }

    /** How {@link #open} writes to this connection's database, for the log. */
    static String method(Connection connection, TableMapping mapping) throws SQLException {
        return isPostgres(connection)
                ? "COPY " + mapping.qualifiedName() + " FROM STDIN, after a conflict through a staging table and "
                        + "INSERT ... SELECT ... ON CONFLICT DO NOTHING"
                : "a batch of INSERT INTO " + mapping.qualifiedName() + " ... ON CONFLICT DO NOTHING";
    }

    private static boolean isPostgres(Connection connection) throws SQLException {
        return connection.isWrapperFor(PGConnection.class);
    }

    /** Adds one {@link TableMapping#row}. */
    abstract void add(TableMapping.Row row) throws SQLException;

    /**
     * Writes the rows added; returns how many were new (the rest had keys already in the table). The first statements
     * of its transaction: a direct COPY that meets a known key rolls the transaction back before staging.
     */
    abstract int write() throws SQLException;

    /** Whether the direct COPY met a key already in the table (and the rows went through staging). */
    boolean conflicted() {
        return false;
    }

    @Override
    public abstract void close() throws SQLException;

    private static final class BatchInsert extends RowWriter {
        private final Connection connection;
        private final Map<TableMapping.Shape, PreparedStatement> inserts = new LinkedHashMap<>();

        BatchInsert(Connection connection, TableMapping mapping) {
            super(mapping);
            this.connection = connection;
        }

        @Override
        void add(TableMapping.Row row) throws SQLException {
            PreparedStatement insert = inserts.get(row.shape());
            if (insert == null) {
                insert = connection.prepareStatement(row.shape().insertSql());
                inserts.put(row.shape(), insert);
            }
            mapping.bind(insert, row);
            insert.addBatch();
        }

        @Override
        int write() throws SQLException {
            int inserted = 0;
            for (PreparedStatement insert : inserts.values()) {
                for (int count : insert.executeBatch()) {
                    inserted += count == 0 ? 0 : 1; // SUCCESS_NO_INFO (-2): written, count unknown
                }
            }
            return inserted;
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement insert : inserts.values()) {
                insert.close();
            }
        }
    }

    private static final class PostgresCopy extends RowWriter {
        private static final String UNIQUE_VIOLATION = "23505";

        private final Connection connection;
        private final String staging;
        private final boolean direct;
        private final Map<TableMapping.Shape, StringBuilder> rows = new LinkedHashMap<>();
        private boolean conflicted;

        PostgresCopy(Connection connection, TableMapping mapping, boolean direct) {
            super(mapping);
            this.connection = connection;
            this.staging = "sluice_staging_" + mapping.table().replace('.', '_');
            this.direct = direct;
        }

        @Override
        void add(TableMapping.Row row) {
            mapping.copyLine(rows.computeIfAbsent(row.shape(), shape -> new StringBuilder(1 << 16)), row);
        }

        @Override
        int write() throws SQLException {
            if (direct) {
                try {
                    long copied = 0;
                    for (Map.Entry<TableMapping.Shape, StringBuilder> group : rows.entrySet()) {
                        copied += copy(mapping.qualifiedName(), group.getKey(), group.getValue());
                    }
                    return (int) copied;
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    // the COPYs are the transaction's only statements (see write): nothing else is undone
                    connection.rollback();
                    conflicted = true;
                }
            }
            try (Statement statement = connection.createStatement()) {
                // once per connection in effect: the table lives as long as the session, emptied at each commit;
                // every written column, without their NOT NULL (a serial key is filled by the real insert)
                statement.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + staging + " ON COMMIT DELETE ROWS AS SELECT "
                        + mapping.allColumnList() + " FROM " + mapping.qualifiedName() + " WITH NO DATA");
                int inserted = 0;
                for (Map.Entry<TableMapping.Shape, StringBuilder> group : rows.entrySet()) {
                    copy(staging, group.getKey(), group.getValue());
                    inserted += statement.executeUpdate(group.getKey().insertFromSql(staging));
                    if (rows.size() > 1) {
                        statement.execute("DELETE FROM " + staging);
                    }
                }
                return inserted;
            }
        }

        private long copy(String table, TableMapping.Shape shape, StringBuilder text) throws SQLException {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " ("
                        + shape.columnList() + ") FROM STDIN", new StringReader(text.toString()));
            } catch (IOException e) {
                throw new SQLException("COPY into " + table + " failed", e);
            }
        }

        @Override
        boolean conflicted() {
            return conflicted;
        }

        @Override
        public void close() {
            rows.clear();
        }
    }
}
