package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.PostgresProfile;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which table and which columns a sink writes, on the embedded H2 (with the service's connection options) and on
 * PostgreSQL: names that look like LIKE patterns, the same table name in another schema, {@code schema.table},
 * columns with defaults, and column names that are reserved words.
 */
class TableMappingTest {

    static final String H2 = "jdbc:h2:mem:mapping;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE";

    private final RecordOrigin origin = new RecordOrigin(dev.sluice.Unwatched.stats("p"),
            new Location.FileLine("in.jsonl", 3), new byte[0], TestAcks.NONE, false);

    static Connection connect(String database) throws SQLException {
        return database.equals("h2") ? DriverManager.getConnection(H2)
                : DriverManager.getConnection(PostgresProfile.URL, "sluice", "sluice");
    }

    static void execute(Connection connection, String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void anUnderscoreInTheNameMatchesNoOtherTable(String database) throws Exception {
        try (Connection connection = connect(database)) {
            execute(connection, "DROP TABLE IF EXISTS tm_a_b", "DROP TABLE IF EXISTS tm_aXb",
                    "CREATE TABLE tm_a_b (id TEXT PRIMARY KEY, note TEXT)",
                    "CREATE TABLE tm_aXb (id TEXT PRIMARY KEY, other_note TEXT NOT NULL)");

            write(connection, "tm_a_b", Map.of("id", "1", "note", "n"));

            assertThat(rows(connection, "SELECT id, note FROM tm_a_b")).containsExactly(List.of("1", "n"));
            execute(connection, "DROP TABLE tm_a_b", "DROP TABLE tm_aXb");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void aTableOfTheSameNameInAnotherSchemaIsNeitherMixedInNorMissedWhenNamed(String database) throws Exception {
        try (Connection connection = connect(database)) {
            execute(connection, "DROP TABLE IF EXISTS tm_same", "DROP SCHEMA IF EXISTS tm_other CASCADE",
                    "CREATE SCHEMA tm_other",
                    "CREATE TABLE tm_same (id TEXT PRIMARY KEY, note TEXT)",
                    "CREATE TABLE tm_other.tm_same (id TEXT PRIMARY KEY, extra TEXT NOT NULL, note TEXT)");

            write(connection, "tm_same", Map.of("id", "public", "note", "n"));
            write(connection, "tm_other.tm_same", Map.of("id", "other", "extra", "e", "note", "m"));

            assertThat(rows(connection, "SELECT id, note FROM tm_same")).containsExactly(List.of("public", "n"));
            assertThat(rows(connection, "SELECT id, extra, note FROM tm_other.tm_same"))
                    .containsExactly(List.of("other", "e", "m"));
            execute(connection, "DROP TABLE tm_same", "DROP SCHEMA tm_other CASCADE");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void aColumnWithADefaultTakesTheRecordsValueAndElseItsDefault(String database) throws Exception {
        try (Connection connection = connect(database)) {
            execute(connection, "DROP TABLE IF EXISTS tm_defaults",
                    "CREATE TABLE tm_defaults (id TEXT PRIMARY KEY, status TEXT NOT NULL DEFAULT 'new', "
                            + "priority INTEGER DEFAULT 5)");

            write(connection, "tm_defaults", row("id", "given", "status", "paid", "priority", 1),
                    row("id", "default", "status", null), row("id", "half", "priority", 9));

            assertThat(rows(connection, "SELECT id, status, priority FROM tm_defaults ORDER BY id")).containsExactly(
                    List.of("default", "new", "5"), List.of("given", "paid", "1"), List.of("half", "new", "9"));
            execute(connection, "DROP TABLE tm_defaults");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void columnNamesThatAreReservedWordsAreQuoted(String database) throws Exception {
        try (Connection connection = connect(database)) {
            execute(connection, "DROP TABLE IF EXISTS tm_words",
                    "CREATE TABLE tm_words (\"order\" TEXT PRIMARY KEY, \"select\" TEXT, \"user\" TEXT)");

            write(connection, "tm_words", Map.of("order", "o-1", "select", "s", "user", "u"));

            assertThat(rows(connection, "SELECT \"order\", \"select\", \"user\" FROM tm_words"))
                    .containsExactly(List.of("o-1", "s", "u"));
            execute(connection, "DROP TABLE tm_words");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void aValueADoubleColumnCannotHoldIsRefusedWithWhatItWas(String database) throws Exception {
        try (Connection connection = connect(database)) {
            execute(connection, "DROP TABLE IF EXISTS tm_double",
                    "CREATE TABLE tm_double (id TEXT PRIMARY KEY, temp_c DOUBLE PRECISION)");
            TableMapping mapping = TableMapping.read(connection, "tm_double");

            assertThatThrownBy(() -> mapping.row(row("id", "big", "temp_c", new BigDecimal("1e400")), origin))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageEndingWith("needs a number within the range of a double (±1.8e308), got 1E+400")
                    .hasMessageStartingWith("field temp_c → column temp_c ");
            assertThatThrownBy(() -> mapping.row(row("id", "quoted", "temp_c", "12.5"), origin))
                    .hasMessageEndingWith(" needs a number, got the string \"12.5\"");
            execute(connection, "DROP TABLE tm_double");
        }
    }

    /**
     * A value that does not fit its column as it is goes to the dead letters, naming field, column, type and value:
     * more decimals than the scale (never rounded), more digits than the precision, a text longer than the column, an
     * integer out of the column's range. What fits is written exactly.
     */
    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void aValueThatDoesNotFitItsColumnIsRefusedNotChanged(String database) throws Exception {
        try (Connection connection = connect(database)) {
            execute(connection, "DROP TABLE IF EXISTS tm_fit", "CREATE TABLE tm_fit (id VARCHAR(5) PRIMARY KEY, "
                    + "fee NUMERIC(12,2), free NUMERIC, n INTEGER, s SMALLINT)");
            TableMapping mapping = TableMapping.read(connection, "tm_fit");

            assertThatThrownBy(() -> mapping.row(row("id", "a", "fee", new BigDecimal("1.234")), origin))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageStartingWith("field fee → column fee numeric(12,2) needs at most 2 digits after the point")
                    .hasMessageEndingWith("got 1.234");
            assertThatThrownBy(() -> mapping.row(row("id", "a", "fee", new BigDecimal("12345678901")), origin))
                    .hasMessage("field fee → column fee numeric(12,2) needs at most 10 digits before the point, got "
                            + "12345678901");
            assertThatThrownBy(() -> mapping.row(row("id", "toolong"), origin))
                    .hasMessageStartingWith("field id → column id ").hasMessageContaining("(5) needs at most 5 "
                            + "characters (it has 7), got the string \"toolong\"");
            assertThatThrownBy(() -> mapping.row(row("id", "a", "n", 3_000_000_000L), origin))
                    .hasMessageContaining("needs an integer from -2147483648 to 2147483647, got 3000000000");
            assertThatThrownBy(() -> mapping.row(row("id", "a", "s", 40_000), origin))
                    .hasMessageContaining("needs an integer from -32768 to 32767, got 40000");
            // what fits, as it is: trailing zeros within the scale, any decimal in an unbounded NUMERIC
            mapping.row(row("id", "a", "fee", new BigDecimal("1.20"), "free", new BigDecimal("1.23456789"), "n", 7,
                    "s", -7), origin);
            execute(connection, "DROP TABLE tm_fit");
        }
    }

    /** rounding: the sink rounds to the column's scale only when asked, as asked; the precision still holds. */
    @ParameterizedTest
    @ValueSource(strings = { "h2", "postgresql" })
    void aSinkRoundsOnlyWhenItIsAskedTo(String database) throws Exception {
        try (Connection connection = connect(database)) {
            execute(connection, "DROP TABLE IF EXISTS tm_round", "CREATE TABLE tm_round (id VARCHAR(5) PRIMARY KEY, "
                    + "fee NUMERIC(12,2), n INTEGER)");
            Map<String, String> stored = new LinkedHashMap<>();
            for (String rounding : List.of("half-even", "half-up")) {
                TableMapping mapping = TableMapping.read(connection, "tm_round",
                        TableOptions.of(null, null, null, null, rounding));
                connection.setAutoCommit(false);
                try (RowWriter writer = RowWriter.open(connection, mapping, true)) {
                    writer.add(mapping.row(row("id", "a", "fee", new BigDecimal("1.235")), origin));
                    writer.add(mapping.row(row("id", "b", "fee", new BigDecimal("1.225")), origin));
                    writer.add(mapping.row(row("id", "c", "fee", 0.125), origin));
                    writer.add(mapping.row(row("id", "d", "fee", new BigDecimal("-2.5")), origin));
                    writer.write();
                }
                connection.commit();
                connection.setAutoCommit(true);
                for (List<String> row : rows(connection, "SELECT id, fee FROM tm_round ORDER BY id")) {
                    stored.put(rounding + " " + row.get(0), row.get(1));
                }
                execute(connection, "DELETE FROM tm_round");
                // rounded to the scale, the value must still fit the precision; and only decimal columns round
                assertThatThrownBy(() -> mapping.row(row("id", "e", "fee", new BigDecimal("9999999999.995")), origin))
                        .hasMessage("field fee → column fee numeric(12,2) needs at most 10 digits before the point, "
                                + "got 9999999999.995");
                assertThatThrownBy(() -> mapping.row(row("id", "e", "n", new BigDecimal("1.5")), origin))
                        .hasMessageContaining("needs an integer, got 1.5");
            }
            assertThat(stored).containsExactly(
                    Map.entry("half-even a", "1.24"), Map.entry("half-even b", "1.22"), Map.entry("half-even c", "0.12"),
                    Map.entry("half-even d", "-2.50"),
                    Map.entry("half-up a", "1.24"), Map.entry("half-up b", "1.23"), Map.entry("half-up c", "0.13"),
                    Map.entry("half-up d", "-2.50"));
            assertThatThrownBy(() -> TableOptions.of(null, null, null, null, "ceiling"))
                    .hasMessage("sluice-table option rounding=ceiling is none of [half-even, half-up]");
            execute(connection, "DROP TABLE tm_round");
        }
    }

    @SafeVarargs
    private void write(Connection connection, String table, Map<String, Object>... records) throws Exception {
        TableMapping mapping = TableMapping.read(connection, table);
        connection.setAutoCommit(false);
        try (RowWriter writer = RowWriter.open(connection, mapping, true)) {
            for (Map<String, Object> record : records) {
                writer.add(mapping.row(record, origin));
            }
            assertThat(writer.write().inserted()).isEqualTo(records.length);
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    private static Map<String, Object> row(Object... keysAndValues) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            row.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return row;
    }

    private static List<List<String>> rows(Connection connection, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
