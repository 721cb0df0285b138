package dev.sluice.sink;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    /**
     * What a write did: rows new in the table, rows replaced by a later record under their key (upsert), records older
     * than their key's row (versioned upsert: left out), and the rows (by the order they were added) that conflict
     * (insert; or a versioned upsert's equal version with other content). The rest were duplicates: replays of what
     * was there.
     */
    record Outcome(int inserted, int updated, int stale, List<Integer> conflicts) {
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
            int inserted = 0;
            int updated = 0;
            for (TableMapping.Row row : upserts) {
                String held = heldHash(row);
                if (held != null && held.equals(mapping.hash(row))) {
                    continue; // the same record again: a duplicate
                }
                try (PreparedStatement merge = connection.prepareStatement(row.shape().mergeSql())) {
                    mapping.bind(merge, row);
                    merge.executeUpdate();
                }
                if (held == null) {
                    inserted++;
                } else {
                    updated++;
                }
            }
            return new Outcome(inserted, updated, 0, List.of());
        }

        @Override
        Outcome write() throws SQLException {
            if (mapping.upserts()) {
                return upsert();
            }
            int inserted = 0;
            List<Integer> conflicts = new ArrayList<>();
            for (Map.Entry<TableMapping.Shape, PreparedStatement> group : inserts.entrySet()) {
                int[] counts = group.getValue().executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] != 0) {
                        inserted++; // SUCCESS_NO_INFO (-2): written, count unknown
                    } else if (mapping.detectsConflicts()) { // else a held key is a duplicate
                        String held = heldHash(rows.get(group.getKey()).get(i));
                        if (held != null && !held.equals(mapping.hash(rows.get(group.getKey()).get(i)))) {
                            conflicts.add(indexes.get(group.getKey()).get(i));
                        }
                    }
                }
            }
            conflicts.sort(null);
            return new Outcome(inserted, 0, 0, conflicts);
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
            int inserted = 0;
            int updated = 0;
            int stale = 0;
            List<Integer> conflicts = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                TableMapping.Row row = rows.get(i);
                if (update(row)) {
                    updated++;
                } else if (insert(row)) {
                    inserted++;
                } else if (update(row)) {
                    updated++;
                } else {
                    switch (held(row)) {
                        case 1 -> stale++;
                        case 0 -> {
                            if (conflictsWithHeld(row)) {
                                conflicts.add(i);
                            }
                        }
                        default -> throw new SQLException("the row of " + mapping.describeKey(row) + " in "
                                + mapping.table() + " changed while it was written; the batch is written again",
                                "40001");
                    }
                }
            }
            return new Outcome(inserted, updated, stale, conflicts);
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
                    return new Outcome((int) copied, 0, 0, List.of());
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
                int inserted = 0;
                int updated = 0;
                List<Integer> conflicts = new ArrayList<>();
                for (Map.Entry<TableMapping.Shape, List<TableMapping.Row>> group : rows.entrySet()) {
                    copy(staging, group.getKey().columnList() + ", " + TableMapping.STAGING_ROW,
                            text(group.getValue(), indexes.get(group.getKey())));
                    if (mapping.upserts()) {
                        long superseded = group.getValue().size() - distinctKeys(group.getValue());
                        // several rows of one key: they count as if written one by one, in order, from the hashes
                        // the table holds now (what H2's row-by-row upsert does); the database keeps only the last
                        Map<Integer, String> held = superseded > 0 && mapping.detectsConflicts()
                                ? heldHashes(statement, mapping.stagedHeldSql(staging)) : null;
                        int returned = 0;
                        int returnedInserts = 0;
                        try (ResultSet written = statement.executeQuery(group.getKey().upsertFromSql(staging))) {
                            while (written.next()) {
                                returned++;
                                returnedInserts += written.getBoolean(1) ? 1 : 0;
                            }
                        }
                        if (held != null) {
                            int[] counted = inOrder(group.getValue(), indexes.get(group.getKey()), held);
                            inserted += counted[0];
                            updated += counted[1];
                        } else {
                            inserted += returnedInserts;
                            updated += returned - returnedInserts + (int) superseded;
                        }
                        if (rows.size() > 1) {
                            statement.execute("DELETE FROM " + staging);
                        }
                        continue;
                    }
                    inserted += statement.executeUpdate(group.getKey().insertFromSql(staging));
                    if (mapping.detectsConflicts()) {
                        try (ResultSet held = statement.executeQuery(mapping.stagedConflictsSql(staging))) {
                            while (held.next()) {
                                conflicts.add(held.getInt(1));
                            }
                        }
                    }
                    if (rows.size() > 1) {
                        statement.execute("DELETE FROM " + staging);
                    }
                }
                conflicts.sort(null);
                return new Outcome(inserted, updated, 0, conflicts);
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
         * New rows and updates among {@code group}, as if its rows were written one by one in order: a key not held
         * is inserted, a row replacing another record's is an update, the very record a key holds is a replay.
         */
        private int[] inOrder(List<TableMapping.Row> group, List<Integer> numbers, Map<Integer, String> held) {
            int[] counted = new int[2];
            Map<List<Object>, String> current = new HashMap<>();
            for (int i = 0; i < group.size(); i++) {
                TableMapping.Row row = group.get(i);
                List<Object> key = Arrays.asList(row.shape().key(row));
                boolean seen = current.containsKey(key);
                String holds = seen ? current.get(key) : held.get(numbers.get(i));
                String hash = mapping.hash(row);
                if (!seen && !held.containsKey(numbers.get(i))) {
                    counted[0]++;
                } else if (!Objects.equals(holds, hash)) {
                    counted[1]++;
                }
                current.put(key, hash);
            }
            return counted;
        }

        private static long distinctKeys(List<TableMapping.Row> group) {
            return group.stream().map(row -> Arrays.asList(row.shape().key(row))).distinct().count();
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
                        + ") FROM STDIN", new StringReader(text));
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
