package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.sluice.PostgresProfile;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;

/** The COPY paths on the real PostgreSQL server: every value arrives as a bound insert would store it. */
class PostgresCopyTest {

    private static final String TEXT = "tab\there\nnew line\\back slash\r\"quoted\" \\N ünïcødé 🙂";

    private final RecordOrigin origin = new RecordOrigin(dev.sluice.Unwatched.stats("p"),
            new Location.FileLine("in.jsonl", 7), new byte[0], TestAcks.NONE, false);
    private Connection connection;

    @BeforeEach
    void createTable() throws SQLException {
        connection = DriverManager.getConnection(PostgresProfile.URL, "sluice", "sluice");
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS copy_test");
            statement.execute("CREATE TABLE copy_test (serial_no BIGSERIAL NOT NULL, id TEXT PRIMARY KEY, note TEXT, "
                    + "at TIMESTAMPTZ, "
                    + "local_at TIMESTAMP, reading DOUBLE PRECISION, amount NUMERIC(10,2), ok BOOLEAN, "
                    + "attributes JSONB, origin_source TEXT, origin_position BIGINT, "
                    + "written_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())");
            statement.execute("INSERT INTO copy_test (id, note) VALUES ('old', 'kept')");
        }
        connection.setAutoCommit(false);
    }

    @AfterEach
    void dropTable() throws SQLException {
        connection.rollback();
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE copy_test");
        }
        connection.close();
    }

    @Test
    void copiesStraightIntoTheTableWhileNoKeyIsThere() throws Exception {
        TableMapping mapping = TableMapping.read(connection, "copy_test");
        try (RowWriter writer = RowWriter.open(connection, mapping, true)) {
            writer.add(mapping.row(Map.of("id", "a", "note", "first"), origin));
            writer.add(mapping.row(Map.of("id", "b", "note", "second"), origin));
            assertThat(writer.write().inserted()).isEqualTo(2);
            assertThat(writer.conflicted()).isFalse();
        }
        connection.commit();
        assertThat(notes()).containsExactly("a=first", "b=second", "old=kept");
    }

    @Test
    void aKnownKeyInADirectCopyFallsBackToStagingAndSkipsOnlyThatRow() throws Exception {
        TableMapping mapping = TableMapping.read(connection, "copy_test");
        try (RowWriter writer = RowWriter.open(connection, mapping, true)) {
            writer.add(mapping.row(Map.of("id", "a", "note", "new"), origin));
            writer.add(mapping.row(Map.of("id", "old", "note", "replayed"), origin));
            writer.add(mapping.row(Map.of("id", "a", "note", "twice in one batch"), origin));
            assertThat(writer.write().inserted()).isEqualTo(1);
            assertThat(writer.conflicted()).isTrue();
        }
        connection.commit();
        assertThat(notes()).containsExactly("a=new", "old=kept");
    }

    private List<String> notes() throws SQLException {
        List<String> notes = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, note FROM copy_test ORDER BY id")) {
            while (rs.next()) {
                notes.add(rs.getString(1) + "=" + rs.getString(2));
            }
        }
        return notes;
    }

    @Test
    void writesEscapedTextTimestampsNumbersAndNullsAndSkipsKnownKeys() throws Exception {
        TableMapping mapping = TableMapping.read(connection, "copy_test");
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("id", "new");
        full.put("note", TEXT);
        full.put("at", "2026-11-26T10:00:00+02:00");
        full.put("local_at", "2026-11-26T10:00:00.123456Z");
        full.put("reading", 1.0E10);
        full.put("amount", 12.5);
        full.put("ok", true);
        full.put("extra", Map.of("nested", TEXT));
        Map<String, Object> sparse = Map.of("id", "sparse");
        Map<String, Object> duplicate = Map.of("id", "old", "note", "replayed");

        int inserted;
        try (RowWriter writer = RowWriter.open(connection, mapping, false)) {
            for (Map<String, Object> record : List.of(full, sparse, duplicate)) {
                writer.add(mapping.row(record, origin));
            }
            inserted = writer.write().inserted();
        }
        connection.commit();

        assertThat(inserted).isEqualTo(2);
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, note, at, local_at, reading, amount, ok, "
                        + "attributes->'extra'->>'nested', origin_source, origin_position FROM copy_test ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("new");
            assertThat(rs.getString(2)).isEqualTo(TEXT);
            assertThat(rs.getObject(3, OffsetDateTime.class).toInstant())
                    .isEqualTo(OffsetDateTime.of(2026, 11, 26, 8, 0, 0, 0, ZoneOffset.UTC).toInstant());
            // a column without time zone holds the instant's local time in the JVM's zone, as a bound insert does
            assertThat(rs.getObject(4, LocalDateTime.class)).isEqualTo(
                    OffsetDateTime.parse("2026-11-26T10:00:00.123456Z").atZoneSameInstant(ZoneId.systemDefault())
                            .toLocalDateTime());
            assertThat(rs.getDouble(5)).isEqualTo(1.0E10);
            assertThat(rs.getBigDecimal(6)).isEqualTo(new BigDecimal("12.50"));
            assertThat(rs.getBoolean(7)).isTrue();
            assertThat(rs.getString(8)).isEqualTo(TEXT);
            assertThat(rs.getString(9)).isEqualTo("in.jsonl");
            assertThat(rs.getLong(10)).isEqualTo(7);

            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("old");
            assertThat(rs.getString(2)).isEqualTo("kept");

            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("sparse");
            for (int column = 2; column <= 8; column++) {
                assertThat(rs.getObject(column)).as("column %d", column).isNull();
            }
            assertThat(rs.next()).isFalse();
        }
    }
}
