package dev.sluice.stage;

import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/**
 * Sets {@code field} of the record to the time it passes, UTC ISO-8601 with milliseconds (as {@link Fields} writes
 * dates). What {@code bean: {ref: fields, method: "set(*, 'processed_at', ${date:now})"}} does, without Camel
 * parsing the method's arguments and evaluating their expressions on every record (docs/performance.md).
 */
public class ProcessingTime implements Processor {

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
        long now = System.currentTimeMillis();
        Stamp stamp = last;
        if (stamp.millis() != now) {
            stamp = new Stamp(now, Fields.UTC_MILLIS.format(Instant.ofEpochMilli(now)));
            last = stamp;
        }
        ((Map<String, Object>) exchange.getMessage().getMandatoryBody(Map.class)).put(field, stamp.text());
    }
}
