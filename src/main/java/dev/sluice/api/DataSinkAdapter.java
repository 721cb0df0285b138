package dev.sluice.api;

import java.util.List;
import java.util.Map;

import dev.sluice.record.Batch;
import dev.sluice.sink.BatchSink;

/** A user's {@link DataSink} as a {@link BatchSink}: it writes the records; the sink protocol does the rest. */
final class DataSinkAdapter implements BatchSink {

    private final DataSink sink;

    DataSinkAdapter(DataSink sink) {
        this.sink = sink;
    }

    @Override
    public String name() {
        return sink.name();
    }

    @Override
    public void write(List<Batch.Entry> entries, Report report) throws Exception {
        List<Map<String, Object>> records = entries.stream().map(Batch.Entry::record).toList();
        sink.write(records);
    }

    @Override
    public Failure classify(Exception failure) {
        return failure instanceof SinkUnavailableException ? Failure.TRANSIENT : Failure.UNKNOWN;
    }
}
