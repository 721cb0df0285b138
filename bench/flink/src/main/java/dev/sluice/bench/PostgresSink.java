package dev.sluice.bench;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.types.Row;

/**
 * A JDBC batch sink as flink-connector-jdbc's JdbcSink works (that connector has no release for Flink 2.x on Maven
 * Central): each writer keeps one connection and flushes a batch insert every 1000 rows or every second, one
 * transaction per batch.
 */
final class PostgresSink implements Sink<Row> {

    private static final long serialVersionUID = 1L;
    static final int BATCH = 1000;

    private final String url;

    PostgresSink(String url) {
        this.url = url;
    }

    @Override
    public SinkWriter<Row> createWriter(WriterInitContext context) throws IOException {
        try {
            return new Writer(url);
        } catch (SQLException e) {
            throw new IOException(e);
        }
    }

    static final class Writer implements SinkWriter<Row> {
        private final Connection db;
        private final PreparedStatement insert;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private int pending;
        private volatile Exception failure;

        Writer(String url) throws SQLException {
            db = DriverManager.getConnection(url, "sluice", "sluice");
            db.setAutoCommit(false);
            insert = db.prepareStatement(RecordWork.INSERT);
            timer.scheduleWithFixedDelay(() -> {
                try {
                    flush(false);
                } catch (Exception e) {
                    failure = e;
                }
            }, 1, 1, TimeUnit.SECONDS);
        }

        @Override
        public synchronized void write(Row row, Context context) throws IOException {
            if (failure != null) {
                throw new IOException(failure);
            }
            try {
                RecordWork.bind(insert, FlinkBench.columns(row));
                insert.addBatch();
                if (++pending == BATCH) {
                    flush(false);
                }
            } catch (SQLException e) {
                throw new IOException(e);
            }
        }

        @Override
        public synchronized void flush(boolean endOfInput) throws IOException {
            if (pending == 0) {
                return;
            }
            try {
                insert.executeBatch();
                db.commit();
                pending = 0;
            } catch (SQLException e) {
                throw new IOException(e);
            }
        }

        @Override
        public void close() throws Exception {
            timer.shutdownNow();
            flush(true);
            db.close();
        }
    }
}
