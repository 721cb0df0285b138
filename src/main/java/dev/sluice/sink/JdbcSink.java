package dev.sluice.sink;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sluice.dependency.Database;
import dev.sluice.record.Batch;
import dev.sluice.record.ConflictException;
import dev.sluice.record.InvalidRecordException;
import org.jboss.logging.Logger;

/**
 * Writes a batch to a table in one transaction, skipping rows whose primary key is already there (see
 * {@link TableMapping} and {@link RowWriter}): {@code to: sluice-table:<table>} in a pipeline. A row whose value
 * does not fit its column is rejected alone; so is a record whose key the table holds from another record (a
 * conflict, told from a replay of the same record by {@code origin_hash}). A failure caused by the data (SQLState class 22 or 23) is a
 * {@link BatchSink.Failure#DATA} failure, a refusal of what the pipeline asks (class 42: a table or column missing, a
 * right) a {@link BatchSink.Failure#CONFIGURATION} one (the table's layout is read again first), any other SQL failure
 * (connection lost, database restarting) a transient one: {@link SinkWriter} does the rest.
 */
final class JdbcSink implements BatchSink {

    private static final Logger LOG = Logger.getLogger(JdbcSink.class);

    /**
     * After a batch met keys already in the table (a replay after a crash, a file read twice), the next batches go
     * through staging: each would likely meet more, and a failed COPY costs as much as a good one.
     */
    private static final int STAGED_AFTER_CONFLICT = 100;

    private final String table;
    private final TableOptions options;
    private final Database database;
    private volatile TableMapping mapping;
    private final AtomicInteger stagedBatches = new AtomicInteger();

    JdbcSink(String table, TableOptions options, Database database) {
        this.table = Database.plainIdentifier(table);
        this.options = options;
        this.database = database;
    }

    @Override
    public String name() {
        return "jdbc:" + table;
    }

    @Override
    public void write(List<Batch.Entry> entries, Report report) throws SQLException {
        List<Batch.Entry> bound = new ArrayList<>(entries.size());
        List<TableMapping.Row> boundRows = new ArrayList<>(entries.size());
        List<Batch.Entry> refused = new ArrayList<>();
        List<InvalidRecordException> reasons = new ArrayList<>();
        RowWriter.Outcome outcome;
        List<String> dropped = new ArrayList<>();
        TableMapping target;
        try (Connection connection = database.connection()) {
            target = mapping(connection);
            connection.setAutoCommit(false);
            boolean direct = stagedBatches.getAndUpdate(left -> Math.max(0, left - 1)) == 0;
            try (RowWriter rows = RowWriter.open(connection, target, direct)) {
                for (Batch.Entry entry : entries) {
                    try {
                        TableMapping.Row row = target.row(entry.record(), entry.origin());
                        rows.add(row);
                        dropped.addAll(row.dropped());
                        bound.add(entry);
                        boundRows.add(row);
                    } catch (InvalidRecordException e) {
                        refused.add(entry);
                        reasons.add(e);
                    }
                }
                outcome = bound.isEmpty() ? RowWriter.Outcome.of() : rows.write();
                connection.commit();
                if (rows.conflicted()) {
                    stagedBatches.set(STAGED_AFTER_CONFLICT);
                }
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        }
        for (int i = 0; i < refused.size(); i++) {
            report.rejected(refused.get(i), reasons.get(i));
        }
        for (int index : outcome.conflicts()) {
            TableMapping.Row row = boundRows.get(index);
            report.rejected(bound.get(index), new ConflictException("conflict: table " + table
                    + " holds another record under the key " + target.describeKey(row)
                    + (target.versioned() ? " with the same " + target.versionColumn() + " " + target.versionOf(row)
                            + " as this one's" : "")
                    + "; it stays as it is"));
        }
        for (int i = 0; i < bound.size(); i++) {
            switch (outcome.kinds().get(i)) {
                case UPDATED -> report.writtenAs(bound.get(i), Written.UPDATED);
                case DUPLICATE -> report.writtenAs(bound.get(i), Written.DUPLICATE);
                case STALE -> report.writtenAs(bound.get(i), Written.STALE);
                default -> {
                }
            }
        }
        report.fieldsDropped(dropped);
    }

    @Override
    public Failure classify(Exception failure) {
        if (failure instanceof SQLException sql) {
            if (isConfiguration(sql)) {
                mapping = null; // a column added or removed since: the next attempt reads the table again
                return Failure.CONFIGURATION;
            }
            return isCausedByData(sql) ? Failure.DATA : Failure.TRANSIENT;
        }
        return Failure.UNKNOWN;
    }

    @Override
    public Exception rejection(Exception failure) {
        return failure instanceof SQLException sql ? rejection(sql) : failure;
    }

    private static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private TableMapping mapping(Connection connection) throws SQLException {
        TableMapping current = mapping;
        if (current == null) {
            current = TableMapping.read(connection, table, options);
            mapping = current;
            LOG.infof("sink %s writes with %s", name(), RowWriter.method(connection, current));
        }
        return current;
    }

    /** True when the database refused the data itself (SQLState class 22 data exception or 23 constraint). */
    static boolean isCausedByData(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the database refuses what the pipeline asks (SQLState class 42: a missing table or column, a missing
     * right), which no retry mends.
     */
    static boolean isConfiguration(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            String state = next.getSQLState();
            if (state != null && state.startsWith("42")) {
                return true;
            }
        }
        return false;
    }

    /** Why the database refused a row, in one line: drivers put the row's own error in the next exception. */
    static InvalidRecordException rejection(SQLException e) {
        SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("").replaceFirst("^ERROR: ", "");
        return new InvalidRecordException("database refused the record (SQLState " + cause.getSQLState() + "): " + message);
    }

    @Override
    public String toString() {
        return "JdbcSink[" + table + "]";
    }
}
