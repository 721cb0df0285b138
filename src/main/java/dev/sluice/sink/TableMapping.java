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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.io.NumberOutput;
import dev.sluice.source.RecordOrigin;
import dev.sluice.stage.InvalidRecordException;
import dev.sluice.stage.Json;
import dev.sluice.stage.Timestamps;
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
    private final String columnList;
    private final String onConflict;

    private TableMapping(String table, List<Column> columns, List<String> keys) {
        this.table = table;
        this.columns = columns;
        this.fieldColumns = columns.stream().map(Column::name)
                .filter(n -> !n.equals(ATTRIBUTES) && !n.equals(ORIGIN_SOURCE) && !n.equals(ORIGIN_POSITION))
                .collect(Collectors.toUnmodifiableSet());
        this.columnList = columns.stream().map(Column::name).collect(Collectors.joining(", "));
        String marks = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        this.onConflict = keys.isEmpty() ? "" : " ON CONFLICT DO NOTHING";
        // No conflict target: H2 accepts only this form, and PostgreSQL reads it the same way.
        this.insertSql = "INSERT INTO " + table + " (" + columnList + ") VALUES (" + marks + ")" + onConflict;
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

    /** The insert of every row of {@code staging} (same columns), skipping keys already in the table. */
    String insertFromSql(String staging) {
        return "INSERT INTO " + table + " (" + columnList + ") SELECT " + columnList + " FROM " + staging + onConflict;
    }

    /** Every column's value for one record, in column order; a value that does not fit its column is an error. */
    Object[] row(Map<String, Object> record, RecordOrigin origin) throws InvalidRecordException {
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
            Column column = columns.get(i);
            row[i] = switch (column.name()) {
                case ATTRIBUTES -> attributes(record);
                case ORIGIN_SOURCE -> origin.source();
                case ORIGIN_POSITION -> origin.position();
                default -> columnValue(column, record.get(column.name()));
            };
        }
        return row;
    }

    /** Binds one {@link #row} to the insert. */
    void bind(PreparedStatement statement, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            Column column = columns.get(i);
            int index = i + 1;
            Object value = row[i];
            if (value == null) {
                statement.setNull(index, column.isJson() ? Types.OTHER : column.jdbcType());
            } else if (value instanceof Long number) {
                statement.setLong(index, number);
            } else if (value instanceof Double number) {
                statement.setDouble(index, number);
            } else if (value instanceof BigDecimal number) {
                statement.setBigDecimal(index, number);
            } else if (value instanceof Boolean flag) {
                statement.setBoolean(index, flag);
            } else if (value instanceof OffsetDateTime time) {
                statement.setObject(index, time);
            } else if (column.isJson()) {
                statement.setObject(index, value, Types.OTHER);
            } else {
                statement.setString(index, (String) value);
            }
        }
    }

    /**
     * Appends one {@link #row} as a line of PostgreSQL's COPY text format. A timestamp without time zone gets the
     * local time of this JVM's zone, as pgjdbc's binding stores it.
     */
    void copyLine(StringBuilder out, Object[] row) {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            Object value = row[i];
            if (value == null) {
                out.append("\\N");
            } else if (value instanceof OffsetDateTime time && columns.get(i).jdbcType() == Types.TIMESTAMP) {
                out.append(time.atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime());
            } else if (value instanceof String text) {
                escape(out, text);
            } else if (value instanceof Double number) {
                out.append(NumberOutput.toString(number, true)); // shortest exact form, faster than Double.toString
            } else {
                out.append(value);
            }
        }
        out.append('\n');
    }

    private static void escape(StringBuilder out, String text) {
        for (int c = 0; c < text.length(); c++) {
            char ch = text.charAt(c);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }

    /** The column names in {@link #row} order, for COPY and the insert from the staging table. */
    String columnList() {
        return columnList;
    }

    private String attributes(Map<String, Object> record) throws InvalidRecordException {
        Map<String, Object> rest = new LinkedHashMap<>();
        record.forEach((k, v) -> {
            if (!fieldColumns.contains(k)) {
                rest.put(k, v);
            }
        });
        return rest.isEmpty() ? null : Json.writeString(rest);
    }

    /** What a column stores for a field's value: null, Long, Double, BigDecimal, Boolean, OffsetDateTime or text. */
    private static Object columnValue(Column column, Object value) throws InvalidRecordException {
        if (value == null) {
            return null;
        }
        return switch (column.jdbcType()) {
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> integer(column, value);
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> number(column, value).doubleValue();
            case Types.NUMERIC, Types.DECIMAL -> new BigDecimal(number(column, value).toString());
            case Types.BOOLEAN, Types.BIT -> {
                if (!(value instanceof Boolean b)) {
                    throw mismatch(column, value, "a boolean");
                }
                yield b;
            }
            case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> timestamp(column, value);
            default -> text(column, value);
        };
    }

    /** A value for a text or JSON column: JSON for JSON columns and nested values, else its plain text. */
    private static String text(Column column, Object value) throws InvalidRecordException {
        if (column.isJson() || value instanceof Map || value instanceof List) {
            return Json.writeString(value);
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
        OffsetDateTime time = value instanceof String s ? Timestamps.parse(s) : null;
        if (time != null) {
            return time.withOffsetSameInstant(ZoneOffset.UTC);
        }
        throw mismatch(column, value, "an ISO-8601 timestamp with offset");
    }

    private static InvalidRecordException mismatch(Column column, Object value, String expected) {
        String shown = String.valueOf(value);
        return new InvalidRecordException("column " + column.name() + " needs " + expected + ", got "
                + (shown.length() > 80 ? shown.substring(0, 77) + "..." : shown));
    }

}
