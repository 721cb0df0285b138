package dev.sluice.api;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import dev.sluice.record.Json;
import dev.sluice.sink.SinkWriters;
import org.apache.camel.model.ProcessorDefinition;

/** The sinks a Java pipeline can write to: the same as the YAML pipelines', or your own. */
public final class Sinks {

    private Sinks() {
    }

    /** A table of the sink database, as {@code sluice-table:<table>} writes it for YAML pipelines (idempotent insert). */
    public static Sink jdbc(String table) {
        return endpoint(SinkWriters.TABLE_SCHEME + ":" + table);
    }

    /** A Kafka topic, each record as JSON keyed by the value of {@code keyField}. */
    public static Sink kafka(String topic, String keyField) {
        return endpoint(SinkWriters.TOPIC_SCHEME + ":" + topic + "?keyField=" + keyField);
    }

    /** A JSON Lines file, each batch appended in one write. */
    public static Sink jsonLines(Path file) {
        return of(new DataSink() {
            @Override
            public void write(List<Map<String, Object>> batch) throws Exception {
                ByteArrayOutputStream lines = new ByteArrayOutputStream();
                for (Map<String, Object> record : batch) {
                    lines.write(Json.writeBytes(record));
                    lines.write('\n');
                }
                Files.write(file, lines.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }

            @Override
            public String name() {
                return "file:" + file;
            }
        });
    }

    /** Your own sink. */
    public static Sink of(DataSink sink) {
        return new Sink() {
            @Override
            void addTo(ProcessorDefinition<?> batchSteps, SluiceApi api) {
                batchSteps.process(api.sinkWriters().writer(new DataSinkAdapter(sink)));
            }
        };
    }

    private static Sink endpoint(String uri) {
        return new Sink() {
            @Override
            void addTo(ProcessorDefinition<?> batchSteps, SluiceApi api) {
                batchSteps.to(uri);
            }
        };
    }
}
