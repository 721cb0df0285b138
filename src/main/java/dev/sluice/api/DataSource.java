package dev.sluice.api;

import java.util.Iterator;
import java.util.Map;

/**
 * Records for a Java pipeline, implemented in a few lines. A bounded source's iterator ends (a file, a query): run
 * the pipeline with {@link Pipeline#run()}. An unbounded one blocks in {@code hasNext()} until the next record: run
 * it with {@link Pipeline#start()} and {@link Pipeline#stop()}.
 *
 * <pre>
 * DataSource lines = () -&gt; Files.lines(path).map(Json::parse).iterator();
 * </pre>
 */
@FunctionalInterface
public interface DataSource {

    /** Opens the source and yields its records, in order. */
    Iterator<Map<String, Object>> records() throws Exception;

    /** The source's name in dead-letter entries. */
    default String name() {
        return getClass().getSimpleName();
    }
}
