package dev.sluice.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Sluice's stages, hand-written for the other contenders: the same schema checks (robot_id, ts, seq, status), the
 * same filter (status active), transform (processed_at) and enrich (region from the same CSV), and the same row
 * (known fields as columns, the rest as JSON in attributes, the origin). Serializable so Flink can ship it to its
 * tasks.
 */
public final class RecordWork implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final String COLUMN_LIST = "robot_id, seq, ts, status, temperature_c, battery_pct, value, region, "
            + "processed_at, attributes, origin_source, origin_position";
    public static final String INSERT = "INSERT INTO robot_telemetry (" + COLUMN_LIST + ") "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    public static final String COPY = "COPY robot_telemetry (" + COLUMN_LIST + ") FROM STDIN";
    static final Set<String> COLUMNS = Set.of("robot_id", "seq", "ts", "status", "temperature_c", "battery_pct", "value",
            "region", "processed_at");

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HashMap<String, String> regions = new HashMap<>();

    /** @param regionsCsv Sluice's own reference table, src/main/resources/reference/robot-regions.csv */
    public RecordWork(Path regionsCsv) {
        try (BufferedReader reader = Files.newBufferedReader(regionsCsv, StandardCharsets.UTF_8)) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] cells = line.split(",");
                regions.put(cells[0], cells[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parse, check, filter, transform and enrich one JSON line; null if it is filtered or invalid. */
    public Map<String, Object> apply(byte[] line, int length) {
        Map<String, Object> record = new LinkedHashMap<>();
        try (JsonParser parser = JSON.createParser(line, 0, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                record.put(name, switch (value) {
                    case VALUE_STRING -> parser.getText();
                    case VALUE_NUMBER_INT -> parser.getLongValue();
                    case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
                    case VALUE_TRUE -> Boolean.TRUE;
                    case VALUE_FALSE -> Boolean.FALSE;
                    case VALUE_NULL -> null;
                    default -> MAPPER.readTree(parser);
                });
            }
        } catch (IOException e) {
            return null;
        }
        return apply(record);
    }

    /** Check, filter, transform and enrich one parsed record; null if it is filtered or invalid. */
    public Map<String, Object> apply(Map<String, Object> record) {
        if (!(record.get("robot_id") instanceof String robot) || !(record.get("seq") instanceof Number)
                || !(record.get("status") instanceof String status) || !(record.get("ts") instanceof String ts)
                || !isTimestamp(ts) || !"active".equals(status)) {
            return null;
        }
        record.put("processed_at", OffsetDateTime.now(ZoneOffset.UTC));
        record.put("region", regions.getOrDefault(robot, "unknown"));
        return record;
    }

    /**
     * The row of one record, in the order of {@link #COLUMN_LIST}: robot_id, seq (Long), ts (OffsetDateTime), status,
     * temperature_c (Double), battery_pct (Integer), value (Double), region, processed_at (OffsetDateTime),
     * attributes (JSON), origin_source, origin_position (Long).
     */
    public Object[] row(Map<String, Object> record, String source, Long position) {
        return new Object[] { record.get("robot_id"), ((Number) record.get("seq")).longValue(),
                OffsetDateTime.parse((String) record.get("ts")), record.get("status"),
                record.get("temperature_c") instanceof Number n ? n.doubleValue() : null,
                record.get("battery_pct") instanceof Number n ? n.intValue() : null,
                record.get("value") instanceof Number n ? n.doubleValue() : null, record.get("region"),
                record.get("processed_at"), attributes(record), source, position };
    }

    /** Binds one {@link #row} to {@link #INSERT}. */
    public static void bind(PreparedStatement insert, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            if (row[i] == null) {
                insert.setNull(i + 1, SQL_TYPES[i]);
            } else {
                insert.setObject(i + 1, row[i], SQL_TYPES[i]);
            }
        }
    }

    private static final int[] SQL_TYPES = { Types.VARCHAR, Types.BIGINT, Types.TIMESTAMP_WITH_TIMEZONE,
            Types.VARCHAR, Types.DOUBLE, Types.INTEGER, Types.DOUBLE, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE,
            Types.OTHER, Types.VARCHAR, Types.BIGINT };

    /** Appends one {@link #row} as a line of PostgreSQL's COPY text format. */
    public static void copyLine(StringBuilder out, Object[] row) {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                out.append('\t');
            }
            if (row[i] == null) {
                out.append("\\N");
                continue;
            }
            String text = row[i].toString();
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
        out.append('\n');
    }

    /** The record as the JSON the Kafka sink writes. */
    public byte[] json(Map<String, Object> record) {
        record.put("processed_at", record.get("processed_at").toString());
        try {
            return MAPPER.writeValueAsBytes(record);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every field no column names, as JSON; null if there is none. */
    public String attributes(Map<String, Object> record) {
        Map<String, Object> rest = new LinkedHashMap<>();
        record.forEach((k, v) -> {
            if (!COLUMNS.contains(k)) {
                rest.put(k, v);
            }
        });
        try {
            return rest.isEmpty() ? null : MAPPER.writeValueAsString(rest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isTimestamp(String ts) {
        try {
            OffsetDateTime.parse(ts);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
