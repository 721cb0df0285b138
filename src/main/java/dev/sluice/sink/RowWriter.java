package dev.sluice.sink;

import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.postgresql.PGConnection;

/**
 * Writes one batch of rows to a table, inside the caller's transaction, and says what each did. In {@code insert}
 * mode a key the table already holds is skipped, as a replay (the same record, by {@code origin_hash}) or a conflict
 * (another record under that key); in {@code upsert} mode the later record under a key replaces the row, unless it is
 * the very record the row was written from. Rows go in groups of one {@link TableMapping.Shape} (the columns they
 * write), in the order the groups first appear. PostgreSQL gets the rows by COPY: straight into the table while no key
 * is there yet (the common case of inserts: new records), else into a temporary staging table and then one
 * {@code INSERT ... SELECT ... ON CONFLICT DO NOTHING} (or {@code DO UPDATE}). Either costs the database a fraction of
 * a batch of single-row inserts (docs/performance.md). H2 gets a JDBC batch insert, or one {@code MERGE} per row.
 */
abstract class RowWriter implements AutoCloseable {

    /** What writing one row did. */
    enum Kind {
        /** A new row. */
        INSERTED,
        /** It replaced the row another record had written under its key (upsert). */
        UPDATED,
        /** Older than its key's row: left out (versioned upsert). */
        STALE,
        /** The table held this very record: a replay, absorbed. */
        DUPLICATE,
        /** Another record holds its key (insert; or a versioned upsert's equal version with other content). */
        CONFLICT
    }

    /** What a write did to each row, by the order they were added, as if they were written one by one. */
    record Outcome(List<Kind> kinds) {

        static Outcome of(Kind... kinds) {
            return new Outcome(List.of(kinds));
        }

        int inserted() {
            return count(Kind.INSERTED);
        }

        int updated() {
            return count(Kind.UPDATED);
        }

        int stale() {
            return count(Kind.STALE);
        }

        /** The rows that conflict, by the order they were added. */
        List<Integer> conflicts() {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < kinds.size(); i++) {
                if (kinds.get(i) == Kind.CONFLICT) {
                    rows.add(i);
                }
            }
            return rows;
        }

        private int count(Kind kind) {
            return (int) kinds.stream().filter(kind::equals).count();
        }
    }

    /**
     * A row's key written by another transaction while this write decided the outcomes: the batch is written again
     * (SQLState 40001, serialization failure, is transient).
     */
    static SQLException changedMeanwhile(String table) {
        return new SQLException("rows of " + table + " changed while a batch was written; the batch is written again",
                "40001");
    }

    final TableMapping mapping;
    int added;

    RowWriter(TableMapping mapping) {
        this.mapping = mapping;
    }

    /** {@code direct}: try COPY straight into the table first (PostgreSQL only). */
    static RowWriter open(Connection connection, TableMapping mapping, boolean direct) throws SQLException {
        if (mapping.versioned()) {
            return new VersionedUpsert(connection, mapping);
        }
        return isPostgres(connection) ? new PostgresCopy(connection, mapping, direct)
                : new BatchInsert(connection, mapping);
    }

    /** How {@link #open} writes to this connection's database, for the log. */
    static String method(Connection connection, TableMapping mapping) throws SQLException {
        if (mapping.versioned()) {
            return "UPDATE ... WHERE " + mapping.versionColumn() + " < ?, else INSERT ... ON CONFLICT DO NOTHING, one "
                    + "row at a time";
        }
        if (mapping.upserts()) {
            return isPostgres(connection) ? "COPY into a staging table and INSERT ... ON CONFLICT DO UPDATE"
                    : "MERGE INTO " + mapping.qualifiedName() + " ... KEY (...), one row at a time";
        }
        return isPostgres(connection)
                ? "COPY " + mapping.qualifiedName() + " FROM STDIN, after a conflict through a staging table and "
                        + "INSERT ... SELECT ... ON CONFLICT DO NOTHING"
                : "a batch of INSERT INTO " + mapping.qualifiedName() + " ... ON CONFLICT DO NOTHING";
    }

    private static boolean isPostgres(Connection connection) throws SQLException {
        return connection.isWrapperFor(PGConnection.class);
    }

    /** Adds one {@link TableMapping#row}; its index is the number of rows added before it. */
    abstract void add(TableMapping.Row row) throws SQLException;

    /**
     * Writes the rows added. The first statements of its transaction: a direct COPY that meets a known key rolls the
     * transaction back before staging.
     */
    abstract Outcome write() throws SQLException;

    /** Whether the direct COPY met a key already in the table (and the rows went through staging). */
    boolean conflicted() {
        return false;
    }

    @Override
    public abstract void close() throws SQLException;

    private static final class BatchInsert extends RowWriter {
        private final Connection connection;
        private final Map<TableMapping.Shape, PreparedStatement> inserts = new LinkedHashMap<>();
        private final Map<TableMapping.Shape, List<TableMapping.Row>> rows = new LinkedHashMap<>();
        private final Map<TableMapping.Shape, List<Integer>> indexes = new LinkedHashMap<>();

        private final List<TableMapping.Row> upserts = new ArrayList<>();

        BatchInsert(Connection connection, TableMapping mapping) {
            super(mapping);
            this.connection = connection;
        }

        @Override
        void add(TableMapping.Row row) throws SQLException {
            if (mapping.upserts()) {
                upserts.add(row);
                added++;
                return;
            }
            PreparedStatement insert = inserts.get(row.shape());
            if (insert == null) {
                insert = connection.prepareStatement(row.shape().insertSql());
                inserts.put(row.shape(), insert);
            }
            mapping.bind(insert, row);
            insert.addBatch();
            rows.computeIfAbsent(row.shape(), s -> new ArrayList<>()).add(row);
            indexes.computeIfAbsent(row.shape(), s -> new ArrayList<>()).add(added++);
        }

        /** One row at a time, in order, so the later record of a key wins and each outcome is known. */
        private Outcome upsert() throws SQLException {
            List<Kind> kinds = new ArrayList<>();
            for (TableMapping.Row row : upserts) {
                String held = heldHash(row);
                if (held != null && held.equals(mapping.hash(row))) {
                    kinds.add(Kind.DUPLICATE); // the same record again
                    continue;
                }
                try (PreparedStatement merge = connection.prepareStatement(row.shape().mergeSql())) {
                    mapping.bind(merge, row);
                    merge.executeUpdate();
                }
                kinds.add(held == null ? Kind.INSERTED : Kind.UPDATED);
            }
            return new Outcome(kinds);
        }

        @Override
        Outcome write() throws SQLException {
            if (mapping.upserts()) {
                return upsert();
            }
            Kind[] kinds = new Kind[added];
            for (Map.Entry<TableMapping.Shape, PreparedStatement> group : inserts.entrySet()) {
                int[] counts = group.getValue().executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    TableMapping.Row row = rows.get(group.getKey()).get(i);
                    Kind kind = Kind.INSERTED; // also SUCCESS_NO_INFO (-2): written, count unknown
                    if (counts[i] == 0) { // a held key: a duplicate, or a conflict when the hashes tell
                        String held = mapping.detectsConflicts() ? heldHash(row) : null;
                        kind = held != null && !held.equals(mapping.hash(row)) ? Kind.CONFLICT : Kind.DUPLICATE;
                    }
                    kinds[indexes.get(group.getKey()).get(i)] = kind;
                }
            }
            return new Outcome(List.of(kinds));
        }

        /**
         * The hash of the row the table holds under this row's key ("" when the table keeps no hashes), or null when
         * it holds none.
         */
        private String heldHash(TableMapping.Row row) throws SQLException {
            Object[] key = row.shape().key(row);
            if (key == null) {
                return null;
            }
            try (PreparedStatement query = connection.prepareStatement(mapping.hashByKeySql())) {
                for (int k = 0; k < key.length; k++) {
                    query.setObject(k + 1, key[k]);
                }
                try (ResultSet held = query.executeQuery()) {
                    return held.next() ? held.getString(1) : null;
                }
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement insert : inserts.values()) {
                insert.close();
            }
        }
    }

    /**
     * A versioned upsert, the same on both databases: each row, in the batch's order, by statements that decide in the
     * database itself, so no reader between can make a row go backwards: {@code UPDATE ... WHERE <version> < ?} (the
     * row was older: updated), else {@code INSERT ... ON CONFLICT DO NOTHING} (no row: inserted), else the update once
     * more (a row came in between), else the held row is as new or newer: equal version and hash is a duplicate, equal
     * version and another hash a conflict, a greater version makes this record stale. Within a batch the greatest
     * version of a key ends in the table whatever the order.
     */
    private static final class VersionedUpsert extends RowWriter {
        private final Connection connection;
        private final List<TableMapping.Row> rows = new ArrayList<>();

        VersionedUpsert(Connection connection, TableMapping mapping) {
            super(mapping);
            this.connection = connection;
        }

        @Override
        void add(TableMapping.Row row) {
            rows.add(row);
            added++;
        }

        @Override
        Outcome write() throws SQLException {
            List<Kind> kinds = new ArrayList<>();
            for (TableMapping.Row row : rows) {
                if (update(row)) {
                    kinds.add(Kind.UPDATED);
                } else if (insert(row)) {
                    kinds.add(Kind.INSERTED);
                } else if (update(row)) {
                    kinds.add(Kind.UPDATED);
                } else {
                    kinds.add(switch (held(row)) {
                        case 1 -> Kind.STALE;
                        case 0 -> conflictsWithHeld(row) ? Kind.CONFLICT : Kind.DUPLICATE;
                        default -> throw changedMeanwhile(mapping.table());
                    });
                }
            }
            return new Outcome(kinds);
        }

        private boolean update(TableMapping.Row row) throws SQLException {
            try (PreparedStatement update = connection.prepareStatement(mapping.versionedUpdateSql(row.shape()))) {
                mapping.bindVersionedUpdate(update, row);
                return update.executeUpdate() > 0;
            }
        }

        private boolean insert(TableMapping.Row row) throws SQLException {
            try (PreparedStatement insert = connection.prepareStatement(row.shape().insertSql())) {
                mapping.bind(insert, row);
                return insert.executeUpdate() > 0;
            }
        }

        private String heldHash;

        /** How the held row's version compares with the row's (1 greater, 0 equal, -1 lower); keeps its hash. */
        private int held(TableMapping.Row row) throws SQLException {
            try (PreparedStatement query = connection.prepareStatement(mapping.heldVersionSql())) {
                mapping.bindHeldVersion(query, row);
                try (ResultSet held = query.executeQuery()) {
                    if (!held.next()) {
                        return -1;
                    }
                    heldHash = held.getString(2);
                    return held.getInt(1);
                }
            }
        }

        /** An equal version: the same record again (a duplicate), or another one (a conflict, when hashes tell). */
        private boolean conflictsWithHeld(TableMapping.Row row) {
            String hash = mapping.hash(row);
            return hash != null && heldHash != null && !heldHash.isEmpty() && !heldHash.equals(hash);
        }

        @Override
        public void close() {
            rows.clear();
        }
    }

    private static final class PostgresCopy extends RowWriter {
        private static final String UNIQUE_VIOLATION = "23505";

        private final Connection connection;
        private final String staging;
        private final boolean direct;
        private final Map<TableMapping.Shape, List<TableMapping.Row>> rows = new LinkedHashMap<>();
        private final Map<TableMapping.Shape, List<Integer>> indexes = new LinkedHashMap<>();
        private boolean conflicted;

        PostgresCopy(Connection connection, TableMapping mapping, boolean direct) {
            super(mapping);
            this.connection = connection;
            this.staging = "sluice_staging_" + mapping.table().replace('.', '_');
            this.direct = direct;
        }

        @Override
        void add(TableMapping.Row row) {
            rows.computeIfAbsent(row.shape(), shape -> new ArrayList<>()).add(row);
            indexes.computeIfAbsent(row.shape(), shape -> new ArrayList<>()).add(added++);
        }

        @Override
        Outcome write() throws SQLException {
            if (direct && !mapping.upserts()) {
                try {
                    long copied = 0;
                    for (Map.Entry<TableMapping.Shape, List<TableMapping.Row>> group : rows.entrySet()) {
                        copied += copy(mapping.qualifiedName(), group.getKey().columnList(), text(group.getValue(), null));
                    }
                    return new Outcome(Collections.nCopies((int) copied, Kind.INSERTED));
                } catch (SQLException e) {
                    if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    // the COPYs are the transaction's only statements (see write): nothing else is undone
                    connection.rollback();
                    conflicted = true;
                }
            }
            try (Statement statement = connection.createStatement()) {
                // once per connection in effect: the table lives as long as the session, emptied at each commit;
                // every written column, without their NOT NULL (a serial key is filled by the real insert), and the
                // number of the row in the batch, so the first of a key wins and conflicts are told by row
                statement.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + staging + " ON COMMIT DELETE ROWS AS SELECT "
                        + mapping.allColumnList() + ", 0 AS " + TableMapping.STAGING_ROW + " FROM "
                        + mapping.qualifiedName() + " WITH NO DATA");
                Kind[] kinds = new Kind[added];
                for (Map.Entry<TableMapping.Shape, List<TableMapping.Row>> group : rows.entrySet()) {
                    copy(staging, group.getKey().columnList() + ", " + TableMapping.STAGING_ROW,
                            text(group.getValue(), indexes.get(group.getKey())));
                    // each row's outcome, as if the rows were written one by one, from what the table holds before
                    // the statement (and, for an insert, after it: a key taken meanwhile is told apart)
                    List<Integer> numbers = indexes.get(group.getKey());
                    boolean keyed = mapping.keyed();
                    Map<Integer, String> before = keyed ? heldHashes(statement, mapping.stagedHeldSql(staging)) : Map.of();
                    if (mapping.upserts()) {
                        statement.execute(group.getKey().upsertFromSql(staging));
                        upserted(group.getValue(), numbers, before, kinds);
                    } else {
                        statement.executeUpdate(group.getKey().insertFromSql(staging));
                        Map<Integer, String> after = keyed ? heldHashes(statement, mapping.stagedHeldSql(staging))
                                : Map.of();
                        inserted(group.getValue(), numbers, before, after, kinds);
                    }
                    if (rows.size() > 1) {
                        statement.execute("DELETE FROM " + staging);
                    }
                }
                return new Outcome(List.of(kinds));
            }
        }

        /** The hash each staged row's key holds in the table now, by the row's number in the batch. */
        private static Map<Integer, String> heldHashes(Statement statement, String sql) throws SQLException {
            Map<Integer, String> held = new HashMap<>();
            try (ResultSet result = statement.executeQuery(sql)) {
                while (result.next()) {
                    held.put(result.getInt(1), result.getString(2));
                }
            }
            return held;
        }

        /**
         * An upsert's rows in order: a key neither held nor met before is inserted; the very record its key holds
         * (the table's, or the batch's row before it) is a duplicate; another record is an update.
         */
        private void upserted(List<TableMapping.Row> group, List<Integer> numbers, Map<Integer, String> held,
                Kind[] kinds) {
            Map<List<Object>, String> current = new HashMap<>();
            for (int i = 0; i < group.size(); i++) {
                TableMapping.Row row = group.get(i);
                Object[] keyValues = row.shape().key(row);
                if (keyValues == null) {
                    kinds[numbers.get(i)] = Kind.INSERTED;
                    continue;
                }
                List<Object> key = Arrays.asList(keyValues);
                boolean seen = current.containsKey(key);
                String holds = seen ? current.get(key) : held.get(numbers.get(i));
                String hash = mapping.hash(row);
                kinds[numbers.get(i)] = !seen && holds == null ? Kind.INSERTED
                        : hash != null && hash.equals(holds) ? Kind.DUPLICATE : Kind.UPDATED;
                current.put(key, hash);
            }
        }

        /**
         * An insert's rows: a key held {@code before} is a duplicate of the record there, or a conflict when the
         * hashes differ; else the first row of a key that the table holds {@code after} is new, a later one the same
         * record again (a duplicate) or another (a conflict). A row whose key the table does not hold after the
         * statement was refused by another of the table's constraints: a conflict too, never a silent loss.
         */
        private void inserted(List<TableMapping.Row> group, List<Integer> numbers, Map<Integer, String> before,
                Map<Integer, String> after, Kind[] kinds) {
            Set<List<Object>> met = new HashSet<>();
            for (int i = 0; i < group.size(); i++) {
                TableMapping.Row row = group.get(i);
                Object[] keyValues = row.shape().key(row);
                if (keyValues == null) {
                    kinds[numbers.get(i)] = Kind.INSERTED;
                    continue;
                }
                int number = numbers.get(i);
                String hash = mapping.hash(row);
                String held = before.containsKey(number) ? before.get(number) : after.get(number);
                boolean other = held == null || mapping.detectsConflicts() && !held.equals(hash);
                if (before.containsKey(number) || !met.add(Arrays.asList(keyValues))) {
                    kinds[number] = other ? Kind.CONFLICT : Kind.DUPLICATE;
                } else {
                    kinds[number] = other ? Kind.CONFLICT : Kind.INSERTED;
                }
            }
        }

        /** The rows as COPY text; with {@code numbers}, each line ends with the row's number in the batch. */
        private String text(List<TableMapping.Row> group, List<Integer> numbers) {
            StringBuilder text = new StringBuilder(group.size() * 256);
            for (int i = 0; i < group.size(); i++) {
                mapping.copyLine(text, group.get(i));
                if (numbers != null) {
                    text.setLength(text.length() - 1);
                    text.append('\t').append(numbers.get(i)).append('\n');
                }
            }
            return text.toString();
        }

        private long copy(String table, String columns, String text) throws SQLException {
            try {
                return connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + columns
                        + ") FROM STDIN", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new SQLException("COPY into " + table + " failed", e);
            }
        }

        @Override
        boolean conflicted() {
            return conflicted;
        }

        @Override
        public void close() {
            rows.clear();
        }
    }
}
