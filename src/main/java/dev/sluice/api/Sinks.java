package dev.sluice.api;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

import dev.sluice.sink.JdbcSink;
import dev.sluice.sink.KafkaSink;
import dev.sluice.stage.Json;
import org.apache.camel.Processor;

/** The sinks a Java pipeline can write to: the same as the YAML pipelines', or your own. */
public final class Sinks {

    private Sinks() {
    }

    /** A table of the sink database, written as {@code JdbcSink} does for YAML pipelines (idempotent insert). */
    public static Sink jdbc(String table) {
        return new Sink() {
            @Override
            Processor processor(SluiceApi api) {
                JdbcSink sink = new JdbcSink();
                sink.setTable(table);
                return sink;
            }
        };
    }

    /** A Kafka topic, each record as JSON keyed by the value of {@code keyField}. */
    public static Sink kafka(String topic, String keyField) {
        return new Sink() {
            @Override
            Processor processor(SluiceApi api) {
                KafkaSink sink = new KafkaSink();
                sink.setTopic(topic);
                sink.setKeyField(keyField);
                return sink;
            }
        };
    }

    /** A JSON Lines file, each batch appended in one write. */
    public static Sink jsonLines(Path file) {
        return of(new DataSink() {
            @Override
            public void write(java.util.List<Map<String, Object>> batch) throws Exception {
                ByteArrayOutputStream lines = new ByteArrayOutputStream();
                for (Map<String, Object> record : batch) {
                    lines.write(Json.MAPPER.writeValueAsBytes(record));
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
            Processor processor(SluiceApi api) {
                return new DataSinkProcessor(sink, api);
            }
        };
    }
}
