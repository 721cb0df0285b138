package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.BatchUpdateException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class JdbcSinkTest {

    @Test
    void blamesTheDataOnlyForDataExceptionsAndConstraintViolations() {
        assertThat(JdbcSink.isCausedByData(new SQLException("too long", "22001"))).isTrue();
        assertThat(JdbcSink.isCausedByData(new SQLException("check", "23514"))).isTrue();
        assertThat(JdbcSink.isCausedByData(new SQLException("connection refused", "08001"))).isFalse();
        assertThat(JdbcSink.isCausedByData(new SQLException("no such table", "42P01"))).isFalse();
        assertThat(JdbcSink.isCausedByData(new SQLException("pool timeout"))).isFalse();
        BatchUpdateException batch = new BatchUpdateException("batch entry 3 failed", "08006", new int[0]);
        batch.setNextException(new SQLException("value too long", "22001"));
        assertThat(JdbcSink.isCausedByData(batch)).isTrue();
    }

    @Test
    void describesARefusalInOneLineFromTheRowsOwnError() {
        BatchUpdateException batch = new BatchUpdateException("Batch entry 0 was aborted", "22001", new int[0]);
        batch.setNextException(new SQLException("ERROR: value too long for type character varying(128)\n  Where: x",
                "22001"));
        assertThat(JdbcSink.rejection(batch)).hasMessage(
                "database refused the record (SQLState 22001): value too long for type character varying(128)");
    }
}
