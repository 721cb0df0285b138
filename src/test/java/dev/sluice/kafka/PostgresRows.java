package dev.sluice.kafka;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.sluice.PostgresProfile;

/** The test PostgreSQL database seen from outside the service, for tests that run the packaged application. */
public final class PostgresRows implements AutoCloseable {

    private final Connection connection;

    public PostgresRows() throws SQLException {
        connection = DriverManager.getConnection(PostgresProfile.URL, "sluice", "sluice");
    }

    public synchronized long count(String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public synchronized List<String> strings(String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    public synchronized void execute(String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The pipeline's dead letters in the test database, in the order they were stored. */
    public synchronized java.util.List<java.util.Map<String, Object>> deadLetters(String pipeline) throws SQLException {
        return dev.sluice.PipelineFiles.deadLetters(connection, pipeline);
    }

    /** Removes the pipeline's dead letters left by earlier tests. */
    public synchronized void forgetDeadLetters(String pipeline) throws SQLException {
        dev.sluice.PipelineFiles.forgetDeadLetters(connection, pipeline);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
