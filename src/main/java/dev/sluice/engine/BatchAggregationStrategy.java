package dev.sluice.engine;

import dev.sluice.record.Batch;
import dev.sluice.record.Chunk;
import java.util.Map;

import dev.sluice.record.RecordOrigin;
import jakarta.inject.Singleton;
import jakarta.inject.Named;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers records into a {@link Batch} for Camel's aggregator: the records a {@link Chunk} kept, or one record's
 * exchange (a Java pipeline). Reference it by name from a pipeline's
 * {@code aggregate} step ({@code aggregationStrategy: batch}); {@link PipelineDefinitions} then completes the
 * step's settings so that batching never loses or piles up records.
 */
// a singleton, not application-scoped: used for every record, so no client proxy looks up the instance on each call
@Singleton
@Named(BatchAggregationStrategy.NAME)
public class BatchAggregationStrategy implements AggregationStrategy {

    public static final String NAME = "batch";

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange batchExchange, Exchange recordExchange) {
        Chunk chunk = Chunk.of(recordExchange);
        RecordOrigin origin = RecordOrigin.of(recordExchange);
        if (chunk == null && origin == null) {
            throw new IllegalStateException("A record reached the batch of route " + recordExchange.getFromRouteId()
                    + " without passing a parse stage first");
        }
        Map<String, Object> record = chunk == null ? recordExchange.getIn().getBody(Map.class) : null;
        Batch batch;
        Exchange answer;
        if (batchExchange == null) {
            batch = new Batch();
            recordExchange.getIn().setBody(batch);
            answer = recordExchange;
        } else {
            batch = batchExchange.getIn().getBody(Batch.class);
            answer = batchExchange;
        }
        if (chunk != null) {
            batch.add(chunk);
            chunk.batchStarted(batch.startedNanos()); // what BatchWindow counts the window from
        } else {
            batch.add(record, origin);
            origin.batchStarted(batch.startedNanos());
        }
        return answer;
    }

    /** The batch is closed and goes to its sink: if its exchange fails first, the batch lets go of its records. */
    @Override
    public void onCompletion(Exchange batchExchange) {
        Batch batch = batchExchange.getIn().getBody(Batch.class);
        if (batch != null) {
            batchExchange.getExchangeExtension().addOnCompletion(batch);
        }
    }
}
