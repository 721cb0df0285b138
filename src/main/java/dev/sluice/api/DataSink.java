package dev.sluice.api;

import java.util.List;
import java.util.Map;

/**
 * Where a Java pipeline writes its batches, implemented in a few lines. {@link #write} gets the records of one batch,
 * in order; when it returns, the records count as written and their source is acknowledged. When it throws, the
 * batch is written again after a pause, up to {@link #attempts()} times; then its records are dead-lettered with the
 * last exception as the reason.
 */
@FunctionalInterface
public interface DataSink {

    void write(List<Map<String, Object>> batch) throws Exception;

    /** How many times one batch is tried before its records are dead-lettered. */
    default int attempts() {
        return 5;
    }

    /** The sink's name in dead-letter entries and health checks. */
    default String name() {
        return getClass().getSimpleName();
    }
}
