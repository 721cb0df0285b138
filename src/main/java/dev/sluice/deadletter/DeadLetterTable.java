package dev.sluice.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.dependency.Database;
import dev.sluice.record.Json;

/**
 * The dead letters of file, HTTP and Java pipelines in the sink database ({@code sluice_dead_letters}, made by
 * Sluice's migration V3), and what became of replays ({@code sluice_dead_letter_replays}): durable, shared by the
 * replicas, kept across pod replacements, and read a page at a time by indexed queries. Each row holds the entry as
 * Sluice wrote and sealed it; an insert is one statement, so a crash or a full disk leaves a dead letter whole or not
 * there (and its record unacknowledged). Written as the pipelines' role; removed (retention) only as the owner.
 */
final class DeadLetterTable {

    static final String TABLE = "sluice_dead_letters";
    static final String REPLAYS = "sluice_dead_letter_replays";
    /** Rows a read fetches at a time, so a page of large entries is never held by the driver all at once. */
    private static final int FETCH = 16;
    private static final TypeReference<java.util.LinkedHashMap<String, Object>> ENTRY = new TypeReference<>() {
    };

    /** One stored entry and its place. */
    record Row(long seq, Map<String, Object> entry) {
    }

    private final Database database;

    DeadLetterTable(Database database) {
        this.database = database;
    }

    /**
     * Stores an entry; false when the pipeline holds a dead letter of the same origin already (the same record
     * dead-lettered again), which is then left as it was.
     */
    boolean insert(String pipeline, String originKey, Map<String, Object> entry, String line) throws SQLException {
        try (Connection connection = database.connection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + TABLE + " (id, pipeline, origin_key, dead_at, stage, reason, bytes, entry) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, String.valueOf(entry.get("id")));
            insert.setString(2, pipeline);
            insert.setString(3, originKey);
            insert.setObject(4, time(entry));
            insert.setString(5, cut(entry.get("stage"), 1000));
            insert.setString(6, cut(entry.get("reason"), 4000));
            insert.setLong(7, line.length());
            insert.setString(8, line);
            return insert.executeUpdate() == 1;
        }
    }

    /** How many dead letters of {@code pipeline} the filter takes. */
    long count(String pipeline, DeadLetterFilter filter) throws SQLException {
        List<Object> values = new ArrayList<>(List.of(pipeline));
        String where = filter.sql(values);
        try (Connection connection = database.connection(); PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM " + TABLE + " WHERE pipeline = ?" + where)) {
            bind(count, values);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** How many of the dead letters of {@code pipeline} the filter takes a replay wrote (or filtered): resolved. */
    long resolved(String pipeline, DeadLetterFilter filter) throws SQLException {
        List<Object> values = new ArrayList<>(List.of(pipeline));
        String where = filter.sql(values);
        try (Connection connection = database.connection(); PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM " + TABLE + " WHERE pipeline = ?" + where + " AND id IN (SELECT id FROM "
                        + REPLAYS + RESOLVED + ")")) {
            bind(count, values);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** How many dead letters of {@code pipeline}'s topics a replay wrote (or filtered). */
    long resolvedOfTopics(String pipeline) throws SQLException {
        try (Connection connection = database.connection(); PreparedStatement count = connection.prepareStatement(
                "SELECT COUNT(*) FROM " + REPLAYS + RESOLVED + " AND pipeline = ? AND id LIKE 'kafka:%'")) {
            count.setString(1, pipeline);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    /** A replay outcome that leaves nothing to do: the record is in the table (or its newer version is), or filtered. */
    private static final String RESOLVED = " WHERE outcome IN ('written', 'updated', 'duplicate', 'stale', 'filtered')";

    /** The rows of a page, newest first, until {@code rows} answers false. */
    void page(String pipeline, DeadLetterFilter filter, int offset, int limit, java.util.function.Predicate<Row> rows)
            throws SQLException {
        List<Object> values = new ArrayList<>(List.of(pipeline));
        String where = filter.sql(values);
        values.add(limit);
        values.add(offset);
        read("SELECT seq, entry FROM " + TABLE + " WHERE pipeline = ?" + where
                + " ORDER BY dead_at DESC, seq DESC LIMIT ? OFFSET ?", values, rows);
    }

    /** Every row the filter takes, oldest first, a chunk at a time (by {@code seq}, so rows added meanwhile come too). */
    void each(String pipeline, DeadLetterFilter filter, Consumer<Row> action) throws SQLException {
        long after = 0;
        while (true) {
            List<Object> values = new ArrayList<>(List.of(pipeline, after));
            String where = filter.sql(values);
            List<Row> chunk = new ArrayList<>();
            read("SELECT seq, entry FROM " + TABLE + " WHERE pipeline = ? AND seq > ?" + where
                    + " ORDER BY seq LIMIT 64", values, chunk::add);
            if (chunk.isEmpty()) {
                return;
            }
            chunk.forEach(action);
            after = chunk.get(chunk.size() - 1).seq();
        }
    }

    private void read(String sql, List<Object> values, java.util.function.Predicate<Row> rows) throws SQLException {
        try (Connection connection = database.connection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false); // PostgreSQL streams by the fetch size only in a transaction
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                select.setFetchSize(FETCH);
                bind(select, values);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        if (!rows.test(new Row(result.getLong(1), parse(result.getString(2))))) {
                            break;
                        }
                    }
                }
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    /** Bytes of all stored entries, against {@code sluice.dead-letter.max-total-bytes}. */
    long bytes() throws SQLException {
        try (Connection connection = database.connection(); PreparedStatement sum = connection.prepareStatement(
                "SELECT COALESCE(SUM(bytes), 0) FROM " + TABLE); ResultSet result = sum.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Notes a replay of dead letter {@code id}: its time, outcome and reason, and one more replay. */
    synchronized void replayed(String pipeline, String id, String outcome, String reason) throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection connection = database.connection()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + REPLAYS
                    + " SET replay_at = ?, outcome = ?, reason = ?, replays = replays + 1 WHERE id = ?")) {
                update.setObject(1, now);
                update.setString(2, outcome);
                update.setString(3, reason);
                update.setString(4, id);
                if (update.executeUpdate() == 1) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + REPLAYS
                    + " (id, pipeline, replay_at, outcome, reason, replays) VALUES (?, ?, ?, ?, ?, 1)")) {
                insert.setString(1, id);
                insert.setString(2, pipeline);
                insert.setObject(3, now);
                insert.setString(4, outcome);
                insert.setString(5, reason);
                insert.executeUpdate();
            }
        }
    }

    /** The replays of the dead letters {@code ids}: {@code time}, {@code outcome}, {@code reason}, {@code replays}. */
    Map<String, Map<String, Object>> replays(List<String> ids) throws SQLException {
        Map<String, Map<String, Object>> found = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        try (Connection connection = database.connection(); PreparedStatement select = connection.prepareStatement(
                "SELECT id, replay_at, outcome, reason, replays FROM " + REPLAYS + " WHERE id IN ("
                        + String.join(", ", ids.stream().map(id -> "?").toList()) + ")")) {
            bind(select, new ArrayList<>(ids));
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    Map<String, Object> replay = new java.util.LinkedHashMap<>();
                    replay.put("time", result.getObject(2, OffsetDateTime.class).toInstant().toString());
                    replay.put("outcome", result.getString(3));
                    if (result.getString(4) != null) {
                        replay.put("reason", result.getString(4));
                    }
                    replay.put("replays", result.getInt(5));
                    found.put(result.getString(1), replay);
                }
            }
        }
        return found;
    }

    /** Removes the dead letters older than {@code retention} (and their replays), as the owner; how many. */
    int removeOlderThan(Duration retention) throws SQLException {
        try (Connection connection = database.ownerConnection()) {
            OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(retention);
            int removed;
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE dead_at < ?")) {
                delete.setObject(1, before);
                removed = delete.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + REPLAYS
                    + " WHERE replay_at < ? AND id NOT IN (SELECT id FROM " + TABLE + ")")) {
                delete.setObject(1, before);
                delete.executeUpdate();
            }
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
            return removed;
        }
    }

    /** The origin key of a record: its pipeline's source, place and bytes, so the same record meets itself. */
    static String originKey(String source, Object position, byte[] payload) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((source + "\n" + position + "\n").getBytes(StandardCharsets.UTF_8));
            digest.update(payload == null ? new byte[0] : payload);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime time(Map<String, Object> entry) {
        try {
            return OffsetDateTime.ofInstant(Instant.parse(String.valueOf(entry.get("time"))), ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            return OffsetDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);
        }
    }

    private static String cut(Object value, int max) {
        String text = value == null ? null : String.valueOf(value);
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    private static void bind(PreparedStatement statement, List<Object> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            Object value = values.get(i);
            if (value instanceof Instant instant) {
                statement.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (value instanceof Integer number) {
                statement.setInt(i + 1, number);
            } else if (value instanceof Long number) {
                statement.setLong(i + 1, number);
            } else {
                statement.setString(i + 1, String.valueOf(value));
            }
        }
    }

    private static Map<String, Object> parse(String line) {
        try {
            return Json.OWN.readValue(line, ENTRY);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A dead letter of " + TABLE + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
