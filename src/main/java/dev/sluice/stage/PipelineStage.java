package dev.sluice.stage;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A custom stage written in Java: it gets one record and returns it changed, or {@code null} to drop it. Make it
 * a named CDI bean and reference it from a YAML pipeline with {@code - process: {ref: <name>}}.
 *
 * <pre>
 * &#64;ApplicationScoped &#64;Named("anomalyDetector")
 * public class AnomalyDetector implements PipelineStage {
 *     public Map&lt;String, Object&gt; apply(Map&lt;String, Object&gt; record) { ... }
 * }
 * </pre>
 *
 * A stage that throws sends the record to the dead-letter queue under the stage's {@link #name()}; the
 * pipeline goes on with the next record. A dropped record counts as filtered.
 */
public interface PipelineStage extends Processor {

    /** Returns the record, changed or not, or {@code null} to drop it. */
    Map<String, Object> apply(Map<String, Object> record) throws Exception;

    /** The name dead-letter entries give for this stage. */
    default String name() {
        return getClass().getSimpleName();
    }

    @Override
    @SuppressWarnings("unchecked")
    default void process(Exchange exchange) throws Exception {
        Map<String, Object> out;
        try {
            out = apply(exchange.getIn().getMandatoryBody(Map.class));
        } catch (Exception e) {
            throw new StageException(name(), e);
        }
        if (out == null) {
            exchange.setRouteStop(true);
        } else {
            exchange.getIn().setBody(out);
        }
    }
}
