package dev.sluice;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.dependency.Database;

/** Reads tables back in a form tests compare exactly, whatever the database: JSON parsed, timestamps in UTC. */
public final class Rows {

    private final Database database;

    public Rows(Database database) {
        this.database = database;
    }

    public List<Map<String, Object>> query(String sql) {
        try (Connection connection = database.ownerConnection();
                PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Map<String, Object>> rows = new ArrayList<>();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnLabel(i).toLowerCase();
                    row.put(column, value(rs, i, meta.getColumnTypeName(i).toLowerCase(), column));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public long count(String table) {
        return ((Number) query("SELECT COUNT(*) AS n FROM " + table).get(0).get("n")).longValue();
    }

    public void execute(String... statements) {
        try (Connection connection = database.ownerConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object value(ResultSet rs, int i, String type, String column) throws SQLException {
        if (type.contains("timestamp")) {
            OffsetDateTime ts = rs.getObject(i, OffsetDateTime.class);
            return ts == null ? null : ts.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString();
        }
        Object value = rs.getObject(i);
        if (value != null && column.equals("attributes")) {
            try {
                return TestJson.MAPPER.readValue(value.toString(), Object.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        if (value instanceof Integer || value instanceof Short) {
            return ((Number) value).longValue();
        }
        return value;
    }
}
