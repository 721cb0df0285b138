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

    /** The source's name in dead-letter entries and logs: its class's, or {@code source} for a lambda. */
    default String name() {
        return dev.sluice.record.Names.readable(getClass(), "source");
    }

    /** The same source under a name of your choice. */
    static DataSource named(String name, DataSource source) {
        return new DataSource() {
            @Override
            public Iterator<Map<String, Object>> records() throws Exception {
                return source.records();
            }

            @Override
            public String name() {
                return name;
            }
        };
    }
}
