package dev.sluice.sink;

import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sluice.batch.Batch;
import dev.sluice.config.SluiceConfig;
import dev.sluice.deadletter.DeadLetterQueue;
import dev.sluice.retry.Backoff;
import dev.sluice.retry.DependencyHealth;
import dev.sluice.retry.UnavailableException;
import dev.sluice.stage.InvalidRecordException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Registry;
import org.jboss.logging.Logger;

/**
 * Writes a {@link Batch} to a table in one transaction, skipping rows whose primary key is already there (see
 * {@link TableMapping} and {@link RowWriter}). Declared in a pipeline's {@code beans:} with the
 * property {@code table}.
 *
 * <p>
 * A failure that may pass (connection lost, database restarting, table missing) is retried with growing pauses
 * for as long as the pipeline runs, and reported by readiness; nothing is dead-lettered for it. A failure caused by
 * the data (SQLState class 22 or 23) splits the batch in halves until the rows at fault are alone; those go to
 * the dead-letter queue and every other row is written. Records are settled only after their transaction commits.
 */
public class JdbcSink implements Processor {

    private static final Logger LOG = Logger.getLogger(JdbcSink.class);

    /**
     * After a batch met keys already in the table (a replay after a crash, a file read twice), the next batches go
     * through staging: each would likely meet more, and a failed COPY costs as much as a good one.
     */
    private static final int STAGED_AFTER_CONFLICT = 100;

    private String table;
    private volatile TableMapping mapping;
    private final AtomicInteger stagedBatches = new AtomicInteger();

    public void setTable(String table) {
        this.table = table;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Batch batch = exchange.getIn().getMandatoryBody(Batch.class);
        try {
            new Write(exchange.getContext()).run(batch.entries());
        } catch (UnavailableException e) {
            batch.entries().forEach(entry -> entry.origin().abandon(e));
            throw e;
        }
        batch.recordWritten(exchange);
    }

    /** One batch's write with its retries: its collaborators come from the Camel registry (the CDI beans). */
    private final class Write {
        private final CamelContext context;
        private final Database database;
        private final DeadLetterQueue deadLetters;
        private final DependencyHealth health;
        private final Backoff backoff;
        private final String name = "sink jdbc:" + table;

        Write(CamelContext context) {
            Registry registry = context.getRegistry();
            this.context = context;
            this.database = registry.findSingleByType(Database.class);
            this.deadLetters = registry.findSingleByType(DeadLetterQueue.class);
            this.health = registry.findSingleByType(DependencyHealth.class);
            this.backoff = new Backoff(registry.findSingleByType(SluiceConfig.class).retry());
        }

        void run(List<Batch.Entry> entries) throws UnavailableException {
            Deque<List<Batch.Entry>> work = new ArrayDeque<>();
            work.push(entries);
            while (!work.isEmpty()) {
                List<Batch.Entry> chunk = work.pop();
                try {
                    insert(chunk);
                    health.ok(name);
                    backoff.reset();
                } catch (SQLException e) {
                    if (isCausedByData(e)) {
                        isolate(chunk, e, work);
                    } else {
                        health.failing(name, e);
                        LOG.warnf("Pipeline %s: write of %d records to %s failed, retrying in %d ms: %s",
                                chunk.get(0).origin().pipeline(), chunk.size(), table, backoff.next().toMillis(),
                                e.getMessage());
                        backoff.pause(context, name, e);
                        work.push(chunk);
                    }
                }
            }
        }

        /** Writes the chunk in one transaction, then settles its records; rows that cannot bind are dead-lettered. */
        private void insert(List<Batch.Entry> chunk) throws SQLException {
            List<Batch.Entry> bound = new ArrayList<>(chunk.size());
            List<Map.Entry<Batch.Entry, InvalidRecordException>> rejected = new ArrayList<>();
            int inserted;
            try (Connection connection = database.connection()) {
                TableMapping target = mapping(connection);
                connection.setAutoCommit(false);
                boolean direct = stagedBatches.getAndUpdate(left -> Math.max(0, left - 1)) == 0;
                try (RowWriter rows = RowWriter.open(connection, target, direct)) {
                    for (Batch.Entry entry : chunk) {
                        try {
                            rows.add(target.row(entry.record(), entry.origin()));
                            bound.add(entry);
                        } catch (InvalidRecordException e) {
                            rejected.add(Map.entry(entry, e));
                        }
                    }
                    inserted = bound.isEmpty() ? 0 : rows.write();
                    connection.commit();
                    if (rows.conflicted()) {
                        stagedBatches.set(STAGED_AFTER_CONFLICT);
                    }
                } catch (SQLException | RuntimeException e) {
                    rollback(connection, e);
                    throw e;
                }
            }
            for (int i = inserted; i < bound.size(); i++) {
                chunk.get(0).origin().stats().recordDuplicate();
            }
            bound.forEach(entry -> entry.origin().written());
            rejected.forEach(r -> deadLetters.send(r.getKey().origin(), name, r.getValue()));
            LOG.debugf("Pipeline %s: wrote %d records to %s (%d already there, %d rejected)",
                    chunk.get(0).origin().pipeline(), bound.size(), table, bound.size() - inserted, rejected.size());
        }

        private static void rollback(Connection connection, Exception failure) {
            try {
                connection.rollback();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }

        /** Splits a chunk the database refused because of its data, down to the single rows at fault. */
        private void isolate(List<Batch.Entry> chunk, SQLException e, Deque<List<Batch.Entry>> work) {
            if (chunk.size() == 1) {
                deadLetters.send(chunk.get(0).origin(), name, rejection(e));
                return;
            }
            int half = chunk.size() / 2;
            work.push(chunk.subList(half, chunk.size()));
            work.push(chunk.subList(0, half));
        }

        private TableMapping mapping(Connection connection) throws SQLException {
            TableMapping current = mapping;
            if (current == null) {
                current = TableMapping.read(connection, table);
                mapping = current;
                LOG.infof("%s writes with: %s", name, RowWriter.method(connection, current));
            }
            return current;
        }
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
