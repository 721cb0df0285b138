package dev.sluice;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the robot telemetry pipelines make of one record, decided without Sluice's code: the schema of
 * routes/robot-telemetry-stages.yaml checked with plain Jackson trees and the JDK's ISO-8601 parser, and the
 * filter's rule (status "active"). An independent oracle for tests of whole pipelines.
 */
public final class Expected {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private Expected() {
    }

    /** {@code robot_id/seq} of the row the record becomes, null if it is filtered or dead-lettered. */
    public static String rowKey(byte[] record) {
        JsonNode node = valid(record);
        return node != null && node.get("status").asText().equals("active")
                ? node.get("robot_id").asText() + "/" + node.get("seq").asLong()
                : null;
    }

    /** True when the record breaks the schema, so the parse stage dead-letters it. */
    public static boolean malformed(byte[] record) {
        return valid(record) == null;
    }

    /** The record as a JSON object if it meets the schema, else null. */
    private static JsonNode valid(byte[] record) {
        JsonNode node;
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(record));
            node = PLAIN.readTree(record);
        } catch (CharacterCodingException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        if (node == null || !node.isObject()) {
            return null;
        }
        boolean required = node.path("robot_id").isTextual() && isTimestamp(node.path("ts"))
                && node.path("seq").isIntegralNumber() && node.path("status").isTextual();
        boolean optional = optional(node, "temperature_c", JsonNode::isNumber)
                && optional(node, "battery_pct", JsonNode::isIntegralNumber) && optional(node, "value", JsonNode::isNumber);
        return required && optional ? node : null;
    }

    private static boolean optional(JsonNode record, String field, Predicate<JsonNode> type) {
        JsonNode value = record.get(field);
        return value == null || value.isNull() || type.test(value);
    }

    private static boolean isTimestamp(JsonNode value) {
        if (!value.isTextual()) {
            return false;
        }
        try {
            OffsetDateTime.parse(value.asText());
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
