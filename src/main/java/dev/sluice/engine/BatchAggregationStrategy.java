package dev.sluice.engine;

import dev.sluice.record.Batch;
import java.util.Map;

import dev.sluice.record.RecordOrigin;
import jakarta.inject.Singleton;
import jakarta.inject.Named;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers records into a {@link Batch} for Camel's aggregator. Reference it by name from a pipeline's
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
        RecordOrigin origin = RecordOrigin.of(recordExchange);
        if (origin == null) {
            throw new IllegalStateException("A record reached the batch of route " + recordExchange.getFromRouteId()
                    + " without passing a parse stage first");
        }
        Map<String, Object> record = recordExchange.getIn().getBody(Map.class);
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
        batch.add(record, origin);
        origin.batchStarted(batch.startedNanos()); // what BatchWindow counts the window from
        return answer;
    }
}
