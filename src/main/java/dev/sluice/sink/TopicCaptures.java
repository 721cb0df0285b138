package dev.sluice.sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.record.Batch;
import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.Json;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What topic sinks would have sent, when the fixture tests run ({@code sluice.fixtures-dir} set): a
 * {@code sluice-topic:} endpoint then keeps each message here instead of sending it, so a pipeline with a topic sink
 * is tested without a broker.
 */
@ApplicationScoped
public class TopicCaptures {

    /** One message: its key (the record's keyField) and its value as JSON. */
    public record Message(String key, String value) {
    }

    private final Map<String, List<Message>> topics = new ConcurrentHashMap<>();

    public List<Message> messages(String topic) {
        List<Message> messages = topics.get(topic);
        return messages == null ? List.of() : List.copyOf(messages);
    }

    public void clear() {
        topics.clear();
    }

    /** The sink of one topic, keeping messages here. */
    BatchSink sink(String topic, String keyField) {
        return new BatchSink() {
            @Override
            public String name() {
                return "captured-topic:" + topic;
            }

            @Override
            public void write(List<Batch.Entry> entries, Report report) throws InvalidRecordException {
                List<Message> messages = topics.computeIfAbsent(topic, t -> Collections.synchronizedList(
                        new ArrayList<>()));
                for (Batch.Entry entry : entries) {
                    Object key = entry.record().get(keyField);
                    messages.add(new Message(key == null ? null : key.toString(), Json.writeString(entry.record())));
                }
            }
        };
    }
}
