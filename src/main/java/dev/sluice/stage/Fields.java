package dev.sluice.stage;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

/**
 * Sets a field of the record from any Camel expression, so transform and enrich stages stay in YAML:
 *
 * <pre>
 * - bean:
 *     ref: fields
 *     method: "set(*, 'processed_at', ${date:now})"
 * </pre>
 *
 * Dates and instants are written as UTC ISO-8601 with milliseconds ({@code 2026-11-26T10:00:00.123Z}), the form
 * records use; other values are stored as they are.
 */
@ApplicationScoped
@Named("fields")
public class Fields {

    static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    public Map<String, Object> set(Map<String, Object> record, String field, Object value) {
        record.put(field, normalise(value));
        return record;
    }

    static Object normalise(Object value) {
        if (value instanceof Date date) {
            return UTC_MILLIS.format(date.toInstant());
        }
        if (value instanceof Instant || value instanceof OffsetDateTime || value instanceof ZonedDateTime) {
            return UTC_MILLIS.format((TemporalAccessor) value);
        }
        return value;
    }
}
