package dev.sluice.record;

/** Where a record was read: a line of a file, an offset in a topic partition, or an item a Java source gave. */
public sealed interface Location permits Location.FileLine, Location.TopicOffset, Location.Item {

    /** The file path, or {@code topic/partition}: what the sink stores as {@code origin_source}. */
    String source();

    /** The 1-based line number, or the offset: what the sink stores as {@code origin_position}. */
    long position();

    /** A line of a JSON Lines file. */
    record FileLine(String file, long line) implements Location {
        @Override
        public String source() {
            return file;
        }

        @Override
        public long position() {
            return line;
        }
    }

    /** The {@code index}-th record (from 1) a Java source or an HTTP request handed to a pipeline. */
    record Item(String input, long index) implements Location {
        @Override
        public String source() {
            return input;
        }

        @Override
        public long position() {
            return index;
        }
    }

    /** A record of a Kafka topic partition, with its key as it was (null if it had none). */
    record TopicOffset(String topic, int partition, long offset, byte[] key) implements Location {
        @Override
        public String source() {
            return topic + "/" + partition;
        }

        @Override
        public long position() {
            return offset;
        }
    }
}
