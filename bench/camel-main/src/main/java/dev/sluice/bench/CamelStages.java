package dev.sluice.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;

/**
 * The stages as a bean the YAML routes call: the same checks, processed_at and region as Sluice's, on the Map that
 * camel-jackson parsed. The rows are camel-sql's named parameters (one per column), the JSON the Kafka record's
 * value.
 */
public final class CamelStages {

    private static final String[] COLUMNS = RecordWork.COLUMN_LIST.split(", ");

    private RecordWork work;

    /** The reference table region comes from (Sluice's robot-regions.csv). */
    public void setRegions(String csv) {
        work = new RecordWork(Path.of(csv));
    }

    /** A record of a file, as a row whose origin is the file and line. */
    public Map<String, Object> fileRow(@Body Map<String, Object> record,
            @Header(Exchange.FILE_PATH) String file, @ExchangeProperty(Exchange.SPLIT_INDEX) int index) {
        return row(record, file, index + 1L);
    }

    /** A record of a topic, as a row whose origin is the topic, partition and offset. */
    public Map<String, Object> kafkaRow(@Body Map<String, Object> record, @Header("kafka.TOPIC") String topic,
            @Header("kafka.PARTITION") int partition, @Header("kafka.OFFSET") long offset) {
        return row(record, topic + "/" + partition, offset);
    }

    /** The record as the JSON the Kafka sink writes. */
    public byte[] json(@Body Map<String, Object> record) {
        return work.json(checked(record));
    }

    private Map<String, Object> row(Map<String, Object> record, String source, long position) {
        Object[] values = work.row(checked(record), source, position);
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < COLUMNS.length; i++) {
            row.put(COLUMNS[i], values[i]);
        }
        return row;
    }

    /** Checks, transforms and enriches a record; an invalid one fails its exchange. */
    private Map<String, Object> checked(Map<String, Object> record) {
        Map<String, Object> result = work.apply(record);
        if (result == null) {
            throw new IllegalArgumentException("invalid record " + record);
        }
        return result;
    }
}
