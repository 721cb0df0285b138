package dev.sluice.stage;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import dev.sluice.record.RecordOrigin;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * Sets {@code field} of the record to the time it passes, UTC ISO-8601 with milliseconds
 * ({@code 2026-11-26T10:00:00.123Z}), the form records use.
 */
public class ProcessingTime implements Processor, RecordStage {

    static final DateTimeFormatter UTC_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSX")
            .withZone(ZoneOffset.UTC);

    private String field;
    /** The last millisecond's text: formatting is most of this stage's cost, and many records share a millisecond. */
    private volatile Stamp last = new Stamp(Long.MIN_VALUE, null);

    private record Stamp(long millis, String text) {
    }

    public void setField(String field) {
        this.field = field;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws InvalidPayloadException {
        apply(exchange.getMessage().getMandatoryBody(Map.class), null);
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record, RecordOrigin origin) {
        long now = System.currentTimeMillis();
        Stamp stamp = last;
        if (stamp.millis() != now) {
            stamp = new Stamp(now, UTC_MILLIS.format(Instant.ofEpochMilli(now)));
            last = stamp;
        }
        record.put(field, stamp.text());
        return record;
    }
}
