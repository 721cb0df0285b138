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
 * PostgreSQL gets the rows by COPY into a temporary staging table, then one {@code INSERT ... SELECT ... ON CONFLICT
 * DO NOTHING}: half the database's CPU of a batch of single-row inserts and a third of the client's (bench/). Every
 * other database gets a JDBC batch insert.
 */
abstract class RowWriter implements AutoCloseable {

    final TableMapping mapping;

    RowWriter(TableMapping mapping) {
        this.mapping = mapping;
    }

    static RowWriter open(Connection connection, TableMapping mapping) throws SQLException {
        return connection.isWrapperFor(PGConnection.class) ? new PostgresCopy(connection, mapping)
                : new BatchInsert(connection, mapping);
    }

    /** Adds one {@link TableMapping#row}. */
    abstract void add(Object[] row) throws SQLException;

    /** Writes the rows added; returns how many were new (the rest had keys already in the table). */
    abstract int write() throws SQLException;

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
        private final Connection connection;
        private final String staging;
        private final StringBuilder rows = new StringBuilder(1 << 16);

        PostgresCopy(Connection connection, TableMapping mapping) {
            super(mapping);
            this.connection = connection;
            this.staging = "sluice_staging_" + mapping.table().replace('.', '_');
        }

        @Override
        void add(Object[] row) {
            mapping.copyLine(rows, row);
        }

        @Override
        int write() throws SQLException {
            try (Statement statement = connection.createStatement()) {
                // once per connection in effect: the table lives as long as the session, emptied at each commit
                statement.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + staging + " (LIKE " + mapping.table()
                        + ") ON COMMIT DELETE ROWS");
                connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + staging + " ("
                        + mapping.columnList() + ") FROM STDIN", new StringReader(rows.toString()));
                return statement.executeUpdate(mapping.insertFromSql(staging));
            } catch (IOException e) {
                throw new SQLException("COPY into " + staging + " failed", e);
            }
        }

        @Override
        public void close() {
            rows.setLength(0);
        }
    }
}
