package dev.sluice.api;

import java.util.List;
import java.util.Map;

/**
 * Where a Java pipeline writes its batches, implemented in a few lines. {@link #write} gets the records of one batch,
 * in order; when it returns, the records count as written and their source is acknowledged. When it throws, the
 * pipeline's one failure policy applies (docs/delivery-guarantees.md): a {@link SinkUnavailableException} means the
 * target is away, and the batch is written again after growing pauses for as long as the pipeline runs; any other
 * exception is retried up to {@code sluice.retry.attempts} times, then the batch is split until the records at fault
 * are alone, and those are dead-lettered with the exception as the reason.
 */
@FunctionalInterface
public interface DataSink {

    void write(List<Map<String, Object>> batch) throws Exception;

    /** The sink's name in dead-letter entries and health checks: its class's, or {@code sink} for a lambda. */
    default String name() {
        return dev.sluice.record.Names.readable(getClass(), "sink");
    }

    /** The same sink under a name of your choice. */
    static DataSink named(String name, DataSink sink) {
        return new DataSink() {
            @Override
            public void write(List<Map<String, Object>> batch) throws Exception {
                sink.write(batch);
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
