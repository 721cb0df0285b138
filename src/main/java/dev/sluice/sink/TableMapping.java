package dev.sluice.sink;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.io.NumberOutput;
import dev.sluice.dependency.Database;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import dev.sluice.record.Timestamps;
import org.jboss.logging.Logger;

/**
 * How records map onto one table, read from the database's own metadata: each column takes the record field of
 * the same name; {@code attributes} takes the fields no column names, as JSON; {@code origin_source} and
 * {@code origin_position} take where the record came from; {@code origin_hash} the SHA-256 of the record as read;
 * a timestamp column {@code written_at} the time Sluice wrote the row (a record's own {@code written_at} is a field
 * like any other that no column takes). A column with a database default (or an identity) is
 * written only when the record carries a value for it, else left to the database; generated columns never. Names are
 * quoted as the database stores them, so a reserved word or a mixed-case name works. The insert is parameterised
 * and made idempotent on the primary key with {@code ON CONFLICT DO NOTHING}: a replayed record never makes a second
 * row. A table without a primary key gets plain inserts, and a warning.
 *
 * <p>
 * The table is {@code name} (in the connection's current schema) or {@code schema.name}; its metadata is read with
 * both, and with {@code _} and {@code %} escaped, so no other table's columns can mix in.
 */
final class TableMapping {

    private static final Logger LOG = Logger.getLogger(TableMapping.class);

    static final String ATTRIBUTES = "attributes";
    static final String ORIGIN_SOURCE = "origin_source";
    static final String ORIGIN_POSITION = "origin_position";
    /** The SHA-256 of the record as read: tells a replay of the same record from another record with the same key. */
    static final String ORIGIN_HASH = "origin_hash";
    static final String WRITTEN_AT = "written_at";
    /** What a version column may be: ordered by the database as the versions are. */
    private static final java.util.Set<Integer> VERSION_TYPES = java.util.Set.of(Types.BIGINT, Types.INTEGER,
            Types.SMALLINT, Types.TINYINT, Types.NUMERIC, Types.DECIMAL, Types.TIMESTAMP,
            Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.NVARCHAR);

    /**
     * @param size  the precision of a decimal column or the length of a text column, as the database reports it (0 or
     *              huge when it sets none)
     * @param scale the digits after the point of a decimal column
     */
    record Column(String name, int jdbcType, String typeName, boolean defaulted, int size, int scale) {
        Column(String name, int jdbcType, String typeName, boolean defaulted) {
            this(name, jdbcType, typeName, defaulted, 0, 0);
        }

        /** NUMERIC(p,s) or DECIMAL(p,s) with a precision: a value must fit, it is never rounded. */
        boolean boundedDecimal() {
            return (typeName.equals("numeric") || typeName.equals("decimal")) && size > 0;
        }

        /** A text column with a length a value must fit in. */
        boolean boundedText() {
            return (jdbcType == Types.VARCHAR || jdbcType == Types.CHAR || jdbcType == Types.NVARCHAR) && size > 0
                    && size < 100_000_000 && !isJson();
        }

        /** The column's type as its table declares it, for a refusal: {@code numeric(12,2)}, {@code varchar(5)}. */
        String declared() {
            return boundedDecimal() ? typeName + "(" + size + "," + scale + ")"
                    : boundedText() ? (jdbcType == Types.CHAR ? "char(" : "varchar(") + size + ")" : typeName;
        }

        boolean isJson() {
            return typeName.equals("jsonb") || typeName.equals("json");
        }

        boolean isSpecial() {
            return name.equals(ATTRIBUTES) || name.equals(ORIGIN_SOURCE) || name.equals(ORIGIN_POSITION)
                    || name.equals(ORIGIN_HASH) || isWrittenAt();
        }

        /** A timestamp column {@code written_at}: when Sluice wrote the row, never a record's own value. */
        boolean isWrittenAt() {
            return name.equals(WRITTEN_AT) && (jdbcType == Types.TIMESTAMP || jdbcType == Types.TIMESTAMP_WITH_TIMEZONE);
        }
    }

    /** The columns one insert writes: every column without a default, and the defaulted ones a record carries. */
    final class Shape {
        private final Column[] columns;
        private final String columnList;
        private final String insertSql;
        /** Where the primary key's columns are in this shape's rows; null when a key column is left to its default. */
        private final int[] keyPositions;

        private Shape(long present) {
            List<Column> chosen = new ArrayList<>();
            for (Column column : TableMapping.this.columns) {
                int bit = defaulted.indexOf(column);
                if (bit < 0 || (present & (1L << bit)) != 0) {
                    chosen.add(column);
                }
            }
            this.columns = chosen.toArray(Column[]::new);
            this.columnList = chosen.stream().map(c -> Database.quoted(c.name())).collect(Collectors.joining(", "));
            String marks = chosen.stream().map(c -> "?").collect(Collectors.joining(", "));
            // No conflict target: H2 accepts only this form, and PostgreSQL reads it the same way.
            this.insertSql = "INSERT INTO " + qualifiedName + " (" + columnList + ") VALUES (" + marks + ")" + onConflict;
            int[] positions = new int[keys.size()];
            for (int k = 0; k < positions.length; k++) {
                positions[k] = chosen.stream().map(Column::name).toList().indexOf(keys.get(k));
            }
            this.keyPositions = keys.isEmpty() || Arrays.stream(positions).anyMatch(p -> p < 0) ? null : positions;
        }

        /** H2's upsert of one row of this shape: the row under its key replaced, or inserted. */
        String mergeSql() {
            String marks = Arrays.stream(columns).map(c -> "?").collect(Collectors.joining(", "));
            return "MERGE INTO " + qualifiedName + " (" + columnList + ") KEY (" + keyList() + ") VALUES (" + marks + ")";
        }

        /**
         * PostgreSQL's upsert of the rows of {@code staging}: of several rows of one key the last wins; a held row is
         * replaced unless it was written from the same record ({@code origin_hash}).
         */
        String upsertFromSql(String staging) {
            String keyList = keyList();
            String updates = Arrays.stream(columns).filter(c -> !keys.contains(c.name()))
                    .map(c -> Database.quoted(c.name()) + " = EXCLUDED." + Database.quoted(c.name()))
                    .collect(Collectors.joining(", "));
            return "INSERT INTO " + qualifiedName + " AS t (" + columnList + ") SELECT DISTINCT ON (" + keyList + ") "
                    + columnList + " FROM " + staging + " ORDER BY " + keyList + ", " + STAGING_ROW + " DESC"
                    + " ON CONFLICT (" + keyList + ") DO "
                    + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + updates + (hasHash
                            ? " WHERE t." + Database.quoted(ORIGIN_HASH) + " IS DISTINCT FROM EXCLUDED."
                                    + Database.quoted(ORIGIN_HASH)
                            : ""));
        }

        /** The values of the primary key in a row of this shape, or null. */
        Object[] key(Row row) {
            if (keyPositions == null) {
                return null;
            }
            Object[] key = new Object[keyPositions.length];
            for (int k = 0; k < key.length; k++) {
                key[k] = row.values()[keyPositions[k]];
            }
            return key;
        }

        String columnList() {
            return columnList;
        }

        String insertSql() {
            return insertSql;
        }

        /**
         * The insert of every row of {@code staging} (the table's columns and {@link #STAGING_ROW}), in the batch's
         * order, skipping keys already in the table: of two rows with one key, the first is kept.
         */
        String insertFromSql(String staging) {
            return "INSERT INTO " + qualifiedName + " (" + columnList + ") SELECT " + columnList + " FROM " + staging
                    + " ORDER BY " + STAGING_ROW + onConflict;
        }
    }

    /** One record's values for the columns of its shape, and the fields no column took (dropped). */
    record Row(Shape shape, Object[] values, List<String> dropped) {
    }

    private final String table;
    private final String qualifiedName;
    private final List<Column> columns;
    /** Columns with a default that are not Sluice's own: a record's values for them pick its {@link Shape}. */
    private final List<Column> defaulted;
    private final Set<String> fieldColumns;
    private final String onConflict;
    private final List<String> keys;
    private final boolean hasHash;
    private final Map<Long, Shape> shapes = new ConcurrentHashMap<>();
    private final boolean upsert;
    /** The column (and record field) whose greater value wins an upsert; null: the later arrival wins. */
    private final Column version;
    private final TableOptions.Unmapped unmapped;
    /** How a decimal column rounds a value with more decimals than its scale; null: it does not, the record fails. */
    private final RoundingMode rounding;

    private TableMapping(String table, String qualifiedName, List<Column> columns, List<String> keys,
            TableOptions options) {
        this.table = table;
        this.qualifiedName = qualifiedName;
        this.columns = columns;
        // a long holds which of them a record carries; beyond 64 (no real table) they are left to the database
        this.defaulted = columns.stream().filter(c -> c.defaulted() && !c.isSpecial()).limit(64).toList();
        this.fieldColumns = columns.stream().filter(c -> !c.isSpecial()).map(Column::name)
                .collect(Collectors.toUnmodifiableSet());
        this.keys = List.copyOf(keys);
        this.hasHash = columns.stream().anyMatch(c -> c.name().equals(ORIGIN_HASH));
        this.upsert = options.mode() == TableOptions.Mode.UPSERT;
        this.version = options.version() == null ? null : columns.stream()
                .filter(c -> c.name().equalsIgnoreCase(options.version())).findFirst().orElse(null);
        boolean hasAttributes = columns.stream().anyMatch(c -> c.name().equals(ATTRIBUTES));
        this.unmapped = options.unmapped() != null ? options.unmapped()
                : hasAttributes ? TableOptions.Unmapped.KEEP : TableOptions.Unmapped.DEAD_LETTER;
        this.onConflict = keys.isEmpty() ? "" : " ON CONFLICT DO NOTHING";
        this.rounding = options.rounding();
    }

    /** True when the later record under a key replaces the row. */
    boolean upserts() {
        return upsert;
    }

    /** True when a record replaces its key's row only if its version is greater. */
    boolean versioned() {
        return version != null;
    }

    /** The version column's name. */
    String versionColumn() {
        return version.name();
    }

    /**
     * The versioned upsert of a row of {@code shape}: its key's row takes its values if the row's version is lower.
     * Parameters: the non-key values in the shape's order, the key, the version.
     */
    String versionedUpdateSql(Shape shape) {
        String sets = Arrays.stream(shape.columns).filter(c -> !keys.contains(c.name()))
                .map(c -> Database.quoted(c.name()) + " = ?").collect(Collectors.joining(", "));
        return "UPDATE " + qualifiedName + " SET " + sets + " WHERE " + keys.stream()
                .map(k -> Database.quoted(k) + " = ?").collect(Collectors.joining(" AND "))
                + " AND " + Database.quoted(version.name()) + " < ?";
    }

    /**
     * How the row held under a key compares with a version (1: held is greater, 0: equal, -1: lower) and the hash it
     * was written from. Parameters: the version twice, the key.
     */
    String heldVersionSql() {
        String column = Database.quoted(version.name());
        return "SELECT CASE WHEN " + column + " > ? THEN 1 WHEN " + column + " = ? THEN 0 ELSE -1 END, "
                + (hasHash ? "COALESCE(" + Database.quoted(ORIGIN_HASH) + ", '')" : "''") + ", " + column + " FROM "
                + qualifiedName + " WHERE " + keys.stream().map(k -> Database.quoted(k) + " = ?")
                        .collect(Collectors.joining(" AND "));
    }

    /** Binds the versioned update of a row: its non-key values, its key, its version. */
    void bindVersionedUpdate(PreparedStatement statement, Row row) throws SQLException {
        Column[] shapeColumns = row.shape().columns;
        int index = 1;
        for (int i = 0; i < shapeColumns.length; i++) {
            if (!keys.contains(shapeColumns[i].name())) {
                bindValue(statement, index++, shapeColumns[i], row.values()[i]);
            }
        }
        index = bindKey(statement, index, row);
        bindVersion(statement, index, row);
    }

    /** Binds the held-version query of a row: its version twice, its key. */
    void bindHeldVersion(PreparedStatement statement, Row row) throws SQLException {
        bindVersion(statement, 1, row);
        bindVersion(statement, 2, row);
        bindKey(statement, 3, row);
    }

    private int bindKey(PreparedStatement statement, int index, Row row) throws SQLException {
        Column[] shapeColumns = row.shape().columns;
        for (String key : keys) {
            for (int i = 0; i < shapeColumns.length; i++) {
                if (shapeColumns[i].name().equals(key)) {
                    bindValue(statement, index++, shapeColumns[i], row.values()[i]);
                }
            }
        }
        return index;
    }

    private void bindVersion(PreparedStatement statement, int index, Row row) throws SQLException {
        bindValue(statement, index, version, versionOf(row));
    }

    /** The version value of a row. */
    Object versionOf(Row row) {
        Column[] shapeColumns = row.shape().columns;
        for (int i = 0; i < shapeColumns.length; i++) {
            if (shapeColumns[i].name().equals(version.name())) {
                return row.values()[i];
            }
        }
        return null;
    }

    private String keyList() {
        return keys.stream().map(Database::quoted).collect(Collectors.joining(", "));
    }

    /** The staging table's column that numbers the rows of a batch. */
    static final String STAGING_ROW = "sluice_row";

    /**
     * True when a row the table already holds can be told apart from a replay: the table has a primary key and an
     * {@code origin_hash} column. Without them a record whose key is there is counted as a duplicate.
     */
    /** Whether rows have a key (the primary key, or the sink's {@code key}). */
    boolean keyed() {
        return !keys.isEmpty();
    }

    boolean detectsConflicts() {
        return hasHash && !keys.isEmpty();
    }

    /** The query for the hash a held row was written from ('' without hashes), by the key. */
    String hashByKeySql() {
        return "SELECT " + (hasHash ? "COALESCE(" + Database.quoted(ORIGIN_HASH) + ", '')" : "''") + " FROM " + qualifiedName + " WHERE "
                + keys.stream().map(k -> Database.quoted(k) + " = ?").collect(Collectors.joining(" AND "));
    }

    /**
     * The query for the hash each row of {@code staging} finds under its key in the table: its number, the hash ('' without
     * hashes); a row whose key the table does not hold is not in the answer.
     */
    String stagedHeldSql(String staging) {
        return "SELECT s." + STAGING_ROW + ", " + (hasHash ? "COALESCE(t." + Database.quoted(ORIGIN_HASH) + ", '')"
                : "''") + " FROM " + stagedJoin(staging);
    }

    /** {@code staging} as {@code s} joined to the table as {@code t} by the key. */
    private String stagedJoin(String staging) {
        return staging + " s JOIN " + qualifiedName + " t ON " + keys.stream()
                .map(k -> "t." + Database.quoted(k) + " = s." + Database.quoted(k)).collect(Collectors.joining(" AND "));
    }

    /** The hash of a row, as {@code origin_hash} holds it, or null when the table has none. */
    String hash(Row row) {
        Column[] shapeColumns = row.shape().columns;
        for (int i = 0; i < shapeColumns.length; i++) {
            if (shapeColumns[i].name().equals(ORIGIN_HASH)) {
                return (String) row.values()[i];
            }
        }
        return null;
    }

    /** The primary key of a row as text, for a dead letter: {@code order_id=o-17}. */
    String describeKey(Row row) {
        Object[] key = row.shape().key(row);
        if (key == null) {
            return "?";
        }
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < key.length; k++) {
            text.append(k == 0 ? "" : ", ").append(keys.get(k)).append('=').append(key[k]);
        }
        return text.toString();
    }

    static TableMapping read(Connection connection, String table) throws SQLException {
        return read(connection, table, TableOptions.DEFAULTS);
    }

    static TableMapping read(Connection connection, String table, TableOptions options) throws SQLException {
        Database.plainIdentifier(table);
        DatabaseMetaData meta = connection.getMetaData();
        int dot = table.indexOf('.');
        String schema = dot < 0 ? connection.getSchema() : fold(meta, table.substring(0, dot));
        String name = fold(meta, table.substring(dot + 1));
        String escape = meta.getSearchStringEscape();
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, like(schema, escape), like(name, escape), "%")) {
            while (rs.next()) {
                if (!name.equals(rs.getString("TABLE_NAME")) || schema != null && !schema.equals(rs.getString("TABLE_SCHEM"))) {
                    continue;
                }
                if ("YES".equals(rs.getString("IS_GENERATEDCOLUMN"))) {
                    continue;
                }
                boolean defaulted = "YES".equals(rs.getString("IS_AUTOINCREMENT")) || rs.getString("COLUMN_DEF") != null;
                columns.add(new Column(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"),
                        rs.getString("TYPE_NAME").toLowerCase(Locale.ROOT), defaulted, rs.getInt("COLUMN_SIZE"),
                        rs.getInt("DECIMAL_DIGITS")));
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("Table " + table + " does not exist" + (schema == null ? "" : " in schema " + schema)
                    + " or has no columns Sluice can write", "42P01");
        }
        List<String> keys = new ArrayList<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, name)) {
            while (rs.next()) {
                keys.add(rs.getString("COLUMN_NAME"));
            }
        }
        if (!options.key().isEmpty()) {
            keys = new ArrayList<>();
            for (String key : options.key()) {
                String stored = columns.stream().map(Column::name).filter(c -> c.equalsIgnoreCase(key)).findFirst()
                        .orElseThrow(() -> new SQLException("sink sluice-table:" + table + " has key=" + key
                                + ", which is not a column of the table", "42703"));
                keys.add(stored);
            }
        }
        if (keys.isEmpty()) {
            if (options.mode() == TableOptions.Mode.UPSERT) {
                throw new SQLException("sink sluice-table:" + table + "?mode=upsert needs a key: the table's primary key "
                        + "or the key option", "42P10");
            }
            LOG.warnf("Table %s has no primary key: replayed records will be written twice", table);
        }
        if (options.version() != null) {
            Column version = columns.stream().filter(c -> c.name().equalsIgnoreCase(options.version())).findFirst()
                    .orElseThrow(() -> new SQLException("sink sluice-table:" + table + " has version=" + options.version()
                            + ", which is not a column of the table", "42703"));
            if (!VERSION_TYPES.contains(version.jdbcType())) {
                throw new SQLException("sink sluice-table:" + table + " has version=" + options.version() + ", a "
                        + version.typeName() + " column: a version is an integer, a decimal, a timestamp or ISO-8601 "
                        + "text", "42804");
            }
        }
        if (options.unmapped() == TableOptions.Unmapped.KEEP
                && columns.stream().noneMatch(c -> c.name().equals(ATTRIBUTES))) {
            throw new SQLException("sink sluice-table:" + table + "?unmapped=keep needs a column " + ATTRIBUTES
                    + " (JSON or text) to keep the fields no column takes", "42703");
        }
        String qualified = (schema == null ? "" : Database.quoted(schema) + ".") + Database.quoted(name);
        return new TableMapping(table, qualified, columns, keys, options);
    }

    /** An unquoted name as the database stores it. */
    private static String fold(DatabaseMetaData meta, String name) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) {
            return name.toUpperCase(Locale.ROOT);
        }
        return meta.storesLowerCaseIdentifiers() ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** A metadata search pattern that matches {@code name} only: {@code _} and {@code %} are wildcards there. */
    private static String like(String name, String escape) {
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    String table() {
        return table;
    }

    String qualifiedName() {
        return qualifiedName;
    }

    /** Every column Sluice may write, for a staging table that takes rows of any {@link Shape}. */
    String allColumnList() {
        return columns.stream().map(c -> Database.quoted(c.name())).collect(Collectors.joining(", "));
    }

    /**
     * The values of one record for the columns of its shape; a value that does not fit its column, or a field no
     * column takes under {@code unmapped=dead-letter}, is an error.
     */
    Row row(Map<String, Object> record, RecordOrigin origin) throws InvalidRecordException {
        if (version != null && record.get(version.name()) == null) {
            throw new InvalidRecordException("the record has no '" + version.name() + "': an upsert with version="
                    + version.name() + " needs each record's version to tell which is newer");
        }
        List<String> dropped = List.of();
        if (unmapped != TableOptions.Unmapped.KEEP) {
            List<String> rest = null;
            for (String field : record.keySet()) {
                if (!fieldColumns.contains(field)) {
                    rest = rest == null ? new ArrayList<>() : rest;
                    rest.add(field);
                }
            }
            if (rest != null && unmapped == TableOptions.Unmapped.DEAD_LETTER) {
                throw new InvalidRecordException("fields " + rest + " have no column in table " + table
                        + " (sluice-table option unmapped: keep them in an attributes column, or drop them)");
            }
            dropped = rest == null ? List.of() : rest;
        }
        long present = 0;
        for (int bit = 0; bit < defaulted.size(); bit++) {
            if (record.get(defaulted.get(bit).name()) != null) {
                present |= 1L << bit;
            }
        }
        Shape shape = shapes.get(present);
        if (shape == null) {
            shape = shapes.computeIfAbsent(present, Shape::new);
        }
        Object[] values = new Object[shape.columns.length];
        for (int i = 0; i < values.length; i++) {
            Column column = shape.columns[i];
            values[i] = switch (column.name()) {
                case ATTRIBUTES -> unmapped == TableOptions.Unmapped.KEEP ? attributes(record) : null;
                case ORIGIN_SOURCE -> origin.source();
                case ORIGIN_POSITION -> origin.position();
                case ORIGIN_HASH -> origin.hash();
                default -> column.isWrittenAt() ? OffsetDateTime.now(ZoneOffset.UTC)
                        : columnValue(column, record.get(column.name()), rounding);
            };
        }
        Row row = new Row(shape, values, dropped);
        if (version != null && shape.key(row) == null) {
            throw new InvalidRecordException("the record has no value for the key " + keys + " of table " + table
                    + ": an upsert with version needs it");
        }
        return row;
    }

    /** Binds one {@link #row} to the insert of its shape. */
    void bind(PreparedStatement statement, Row row) throws SQLException {
        Object[] values = row.values();
        for (int i = 0; i < values.length; i++) {
            bindValue(statement, i + 1, row.shape().columns[i], values[i]);
        }
    }

    private static void bindValue(PreparedStatement statement, int index, Column column, Object value)
            throws SQLException {
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

    /**
     * Appends one {@link #row} as a line of PostgreSQL's COPY text format. A timestamp without time zone gets the
     * local time of this JVM's zone, as pgjdbc's binding stores it.
     */
    void copyLine(StringBuilder out, Row row) {
        Object[] values = row.values();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            Object value = values[i];
            if (value == null) {
                out.append("\\N");
            } else if (value instanceof OffsetDateTime time && row.shape().columns[i].jdbcType() == Types.TIMESTAMP) {
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
        if (!needsEscape(text)) {
            out.append(text); // most text has nothing to escape: one copy instead of a char at a time
            return;
        }
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

    private static boolean needsEscape(String text) {
        for (int c = 0; c < text.length(); c++) {
            char ch = text.charAt(c);
            if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                return true;
            }
        }
        return false;
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
    private static Object columnValue(Column column, Object value, RoundingMode rounding)
            throws InvalidRecordException {
        if (value == null) {
            return null;
        }
        return switch (column.jdbcType()) {
            case Types.BIGINT -> integer(column, value);
            case Types.INTEGER -> inRange(column, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case Types.SMALLINT -> inRange(column, value, Short.MIN_VALUE, Short.MAX_VALUE);
            case Types.TINYINT -> inRange(column, value, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case Types.DOUBLE, Types.FLOAT, Types.REAL -> {
                double number = number(column, value).doubleValue();
                if (Double.isInfinite(number)) {
                    throw mismatch(column, value, "a number within the range of a double (±1.8e308)");
                }
                yield number;
            }
            case Types.NUMERIC, Types.DECIMAL -> decimal(column, value, rounding);
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
        String text = column.isJson() || value instanceof Map || value instanceof List ? Json.writeString(value)
                : value.toString();
        if (column.boundedText() && text.codePointCount(0, text.length()) > column.size()) {
            throw mismatch(column, value, "at most " + column.size() + " characters (it has "
                    + text.codePointCount(0, text.length()) + ")");
        }
        return text;
    }

    /**
     * A decimal that fits the column's precision and scale as it is, or rounded to its scale when the sink asks for it
     * ({@code rounding}); never cut.
     */
    private static BigDecimal decimal(Column column, Object value, RoundingMode rounding)
            throws InvalidRecordException {
        BigDecimal decimal;
        try {
            decimal = new BigDecimal(number(column, value).toString());
        } catch (NumberFormatException e) {
            throw mismatch(column, value, "a finite number");
        }
        if (column.boundedDecimal()) {
            if (rounding != null && decimal.scale() > column.scale()) {
                decimal = decimal.setScale(column.scale(), rounding);
            }
            BigDecimal exact = decimal.stripTrailingZeros();
            int scale = Math.max(0, exact.scale());
            int integerDigits = Math.max(0, exact.precision() - exact.scale());
            if (scale > column.scale()) {
                throw mismatch(column, value, "at most " + column.scale() + " digits after the point (it would be "
                        + "rounded; Sluice does not round in silence: give the sink rounding: half-even, or round it in a "
                        + "stage, e.g. jq's decimal_round)");
            }
            if (integerDigits > column.size() - column.scale()) {
                throw mismatch(column, value, "at most " + (column.size() - column.scale()) + " digits before the point");
            }
        }
        return decimal;
    }

    private static long inRange(Column column, Object value, long least, long most) throws InvalidRecordException {
        long number = integer(column, value);
        if (number < least || number > most) {
            throw mismatch(column, value, "an integer from " + least + " to " + most);
        }
        return number;
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
        shown = shown.length() > 80 ? shown.substring(0, 77) + "..." : shown;
        return new InvalidRecordException("field " + column.name() + " → column " + column.name() + " "
                + column.declared() + " needs " + expected + ", got "
                + (value instanceof String ? "the string \"" + shown + "\"" : shown));
    }

}
