package dev.sluice.sink;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.source.RecordOrigin;
import dev.sluice.stage.InvalidRecordException;
import dev.sluice.stage.Json;
import org.jboss.logging.Logger;

/**
 * How records map onto one table, read from the database's own metadata: each column takes the record field of
 * the same name; {@code attributes} takes the fields no column names, as JSON; {@code origin_source} and
 * {@code origin_position} take where the record came from. Columns with a database default are left to the
 * database. The insert is one parameterised statement, made idempotent on the primary key with
 * {@code ON CONFLICT DO NOTHING}: a replayed record never makes a second row. A table without a primary key gets
 * plain inserts, and a warning.
 */
final class TableMapping {

    private static final Logger LOG = Logger.getLogger(TableMapping.class);

    static final String ATTRIBUTES = "attributes";
    static final String ORIGIN_SOURCE = "origin_source";
    static final String ORIGIN_POSITION = "origin_position";

    private record Column(String name, int jdbcType, String typeName) {
        boolean isJson() {
            return typeName.equals("jsonb") || typeName.equals("json");
        }
    }

    private final String table;
    private final List<Column> columns;
    private final Set<String> fieldColumns;
    private final String insertSql;

    private TableMapping(String table, List<Column> columns, List<String> keys) {
        this.table = table;
        this.columns = columns;
        this.fieldColumns = columns.stream().map(Column::name)
                .filter(n -> !n.equals(ATTRIBUTES) && !n.equals(ORIGIN_SOURCE) && !n.equals(ORIGIN_POSITION))
                .collect(Collectors.toUnmodifiableSet());
        String names = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        this.insertSql = "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")"
                // No conflict target: H2 accepts only this form, and PostgreSQL reads it the same way.
                + (keys.isEmpty() ? "" : " ON CONFLICT DO NOTHING");
    }

    static TableMapping read(Connection connection, String table) throws SQLException {
        Database.quote(table);
        DatabaseMetaData meta = connection.getMetaData();
        String name = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table.toLowerCase(Locale.ROOT);
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, null, name, null)) {
            while (rs.next()) {
                String column = rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT);
                boolean generated = "YES".equals(rs.getString("IS_AUTOINCREMENT"))
                        || "YES".equals(rs.getString("IS_GENERATEDCOLUMN")) || rs.getString("COLUMN_DEF") != null;
                if (!generated) {
                    columns.add(new Column(column, rs.getInt("DATA_TYPE"),
                            rs.getString("TYPE_NAME").toLowerCase(Locale.ROOT)));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("Table " + table + " does not exist or has no columns Sluice can write", "42P01");
        }
        List<String> keys = new ArrayList<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, null, name)) {
            while (rs.next()) {
                keys.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
            }
        }
        if (keys.isEmpty()) {
            LOG.warnf("Table %s has no primary key: replayed records will be written twice", table);
        }
        return new TableMapping(table, columns, keys);
    }

    String table() {
        return table;
    }

    String insertSql() {
        return insertSql;
    }

    /** Binds one record to the insert; a value that does not fit its column makes the record invalid. */
    void bind(PreparedStatement statement, Map<String, Object> record, RecordOrigin origin)
            throws SQLException, InvalidRecordException {
        for (int i = 0; i < columns.size(); i++) {
            Column column = columns.get(i);
            int index = i + 1;
            switch (column.name()) {
                case ATTRIBUTES -> bindText(statement, index, column, attributes(record));
                case ORIGIN_SOURCE -> statement.setString(index, origin.source());
                case ORIGIN_POSITION -> statement.setLong(index, origin.position());
                default -> bindValue(statement, index, column, record.get(column.name()));
            }
        }
    }

    private String attributes(Map<String, Object> record) throws InvalidRecordException {
        Map<String, Object> rest = new LinkedHashMap<>();
        record.forEach((k, v) -> {
            if (!fieldColumns.contains(k)) {
                rest.put(k, v);
            }
        });
        return rest.isEmpty() ? null : json(rest);
    }

    private static void bindText(PreparedStatement statement, int index, Column column, String text) throws SQLException {
        if (text == null) {
            statement.setNull(index, column.isJson() ? Types.OTHER : Types.VARCHAR);
        } else if (column.isJson()) {
            statement.setObject(index, text, Types.OTHER);
        } else {
            statement.setString(index, text);
        }
    }

    private static void bindValue(PreparedStatement statement, int index, Column column, Object value)
            throws SQLException, InvalidRecordException {
        if (value == null) {
            statement.setNull(index, column.isJson() ? Types.OTHER : column.jdbcType());
            return;
        }
        switch (column.jdbcType()) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> statement.setLong(index,
                    integer(column, value));
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> statement.setDouble(index, number(column, value).doubleValue());
            case Types.NUMERIC, Types.DECIMAL -> statement.setBigDecimal(index,
                    new BigDecimal(number(column, value).toString()));
            case Types.BOOLEAN, Types.BIT -> {
                if (!(value instanceof Boolean b)) {
                    throw mismatch(column, value, "a boolean");
                }
                statement.setBoolean(index, b);
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> statement.setObject(index, timestamp(column, value));
            default -> bindText(statement, index, column, text(column, value));
        }
    }

    /** A value for a text or JSON column: JSON for JSON columns and nested values, else its plain text. */
    private static String text(Column column, Object value) throws InvalidRecordException {
        if (column.isJson() || value instanceof Map || value instanceof List) {
            return json(value);
        }
        return value.toString();
    }

    private static long integer(Column column, Object value) throws InvalidRecordException {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        throw mismatch(column, value, "an integer");
    }

    private static Number number(Column column, Object value) throws InvalidRecordException {
        if (value instanceof Number n) {
            return n;
        }
        throw mismatch(column, value, "a number");
    }

    private static OffsetDateTime timestamp(Column column, Object value) throws InvalidRecordException {
        if (value instanceof String s) {
            try {
                return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw mismatch(column, value, "an ISO-8601 timestamp with offset");
    }

    private static InvalidRecordException mismatch(Column column, Object value, String expected) {
        String shown = String.valueOf(value);
        return new InvalidRecordException("column " + column.name() + " needs " + expected + ", got "
                + (shown.length() > 80 ? shown.substring(0, 77) + "..." : shown));
    }

    private static String json(Object value) throws InvalidRecordException {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("cannot write as JSON: " + e.getOriginalMessage());
        }
    }
}
