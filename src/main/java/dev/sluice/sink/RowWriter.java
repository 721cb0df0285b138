package dev.sluice.sink;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.PGConnection;

/**
 * Writes one batch of rows to a table, inside the caller's transaction, skipping keys the table already holds.
 * PostgreSQL gets the rows by COPY: straight into the table while no key is there yet (the common case: new
 * records), else into a temporary staging table and then one {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING}.
 * Either costs the database a fraction of a batch of single-row inserts (docs/performance.md). Every other database
 * gets a JDBC batch insert.
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
        if (!isPostgres(connection)) {
            return mapping.insertSql();
        }
        return "COPY " + mapping.table() + " (" + mapping.columnList() + ") FROM STDIN, after a conflict through a "
                + "staging table and " + mapping.insertFromSql("<staging>");
    }

    private static boolean isPostgres(Connection connection) throws SQLException {
        return connection.isWrapperFor(PGConnection.class);
    }

    /** Adds one {@link TableMapping#row}. */
    abstract void add(Object[] row) throws SQLException;

    /**
     * Writes the rows added; returns how many were new (the rest had keys already in the table). The first statement
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
        private final PreparedStatement insert;

        BatchInsert(Connection connection, TableMapping mapping) throws SQLException {
            super(mapping);
            insert = connection.prepareStatement(mapping.insertSql());
        }

        @Override
        void add(Object[] row) throws SQLException {
            mapping.bind(insert, row);
            insert.addBatch();
        }

        @Override
        int write() throws SQLException {
            int inserted = 0;
            for (int count : insert.executeBatch()) {
                inserted += count == 0 ? 0 : 1; // SUCCESS_NO_INFO (-2): written, count unknown
            }
            return inserted;
        }

        @Override
        public void close() throws SQLException {
            insert.close();
        }
    }

    private static final class PostgresCopy extends RowWriter {
        private static final String UNIQUE_VIOLATION = "23505";

        private final Connection connection;
        private final String staging;
        private final boolean direct;
        private final StringBuilder rows = new StringBuilder(1 << 16);
        private boolean conflicted;

        PostgresCopy(Connection connection, TableMapping mapping, boolean direct) {
            super(mapping);
            this.connection = connection;
            this.staging = "sluice_staging_" + mapping.table().replace('.', '_');
            this.direct = direct;
        }

        @Override
        void add(Object[] row) {
            mapping.copyLine(rows, row);
        }

        @Override
        int write() throws SQLException {
            String text = rows.toString();
            if (direct) {
                try {
                    return (int) copy(mapping.table(), text);
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    // the COPY is the transaction's only statement (see write): nothing else is undone
                    connection.rollback();
                    conflicted = true;
                }
            }
            try (Statement statement = connection.createStatement()) {
                // once per connection in effect: the table lives as long as the session, emptied at each commit;
                // only the written columns, without their NOT NULL (a serial key is filled by the real insert)
                statement.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + staging + " ON COMMIT DELETE ROWS AS SELECT "
                        + mapping.columnList() + " FROM " + mapping.table() + " WITH NO DATA");
                copy(staging, text);
                return statement.executeUpdate(mapping.insertFromSql(staging));
            }
        }

        private long copy(String table, String text) throws SQLException {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " ("
                        + mapping.columnList() + ") FROM STDIN", new StringReader(text));
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
            rows.setLength(0);
        }
    }
}
