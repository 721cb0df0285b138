package dev.sluice.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The running totals of one pipeline: the seed's five metrics, as Micrometer meters tagged with the pipeline
 * name. A run lasts from the first record read to the last record settled; duration and throughput describe it.
 */
public final class PipelineStats {

    private final String name;
    private final Counter read;
    private final Counter processed;
    private final Counter filtered;
    private final Counter errors;
    private final Counter duplicates;
    private final Counter conflicts;
    private final Counter updated;
    private final Counter stale;
    private final Counter fieldsDropped;
    /** Fields dropped by name: at most {@link #MAX_DROPPED_NAMES} names, the rest together. */
    private final Map<String, LongAdder> droppedByName = new ConcurrentHashMap<>();
    private static final int MAX_DROPPED_NAMES = 100;
    private final DistributionSummary batchSizes;
    /** Batches by the reason they closed: looked up once per reason, not registered again for every batch. */
    private final Map<String, Counter> batchReasons = new ConcurrentHashMap<>();
    private final Timer latency;
    private final MeterRegistry registry;
    /** By stage, then outcome: two lookups and no key built per record. */
    private final Map<String, Map<String, Counter>> stageCounters = new ConcurrentHashMap<>();
    private final Map<String, Counter> sinkFailures = new ConcurrentHashMap<>();
    private final AtomicLong consumerLag = new AtomicLong(-1);
    private final AtomicLong firstReadNanos = new AtomicLong();
    private final AtomicLong lastSettledNanos = new AtomicLong();

    private final SettleListener listener;

    /** Registers the pipeline's meters with {@code registry}; {@code listener} hears every record settle. */
    public PipelineStats(String name, MeterRegistry registry, SettleListener listener) {
        this.name = name;
        this.listener = listener;
        this.registry = registry;
        this.read = Counter.builder("sluice.records.read").description("Records read from the pipeline's source")
                .tag("pipeline", name).register(registry);
        this.processed = Counter.builder("sluice.records.processed")
                .description("Records written to the pipeline's sink").tag("pipeline", name).register(registry);
        this.filtered = Counter.builder("sluice.records.filtered")
                .description("Records dropped by a filter or stage").tag("pipeline", name).register(registry);
        this.errors = Counter.builder("sluice.errors")
                .description("Records sent to the dead-letter queue").tag("pipeline", name).register(registry);
        this.duplicates = Counter.builder("sluice.records.duplicate")
                .description("Records the sink already held: replays absorbed by the idempotent write")
                .tag("pipeline", name).register(registry);
        this.conflicts = Counter.builder("sluice.records.conflict")
                .description("Records dead-lettered because the sink held another record under their key")
                .tag("pipeline", name).register(registry);
        this.updated = Counter.builder("sluice.records.updated")
                .description("Records that replaced the row another record had written under their key (upsert)")
                .tag("pipeline", name).register(registry);
        this.stale = Counter.builder("sluice.records.stale")
                .description("Records older than their key's row (a versioned upsert): not written, not dead-lettered")
                .tag("pipeline", name).register(registry);
        this.fieldsDropped = Counter.builder("sluice.fields.dropped")
                .description("Record fields no column of the table takes, dropped by a sink with unmapped=drop")
                .tag("pipeline", name).register(registry);
        this.batchSizes = DistributionSummary.builder("sluice.batch.size")
                .description("Records per batch written to the sink").baseUnit("records")
                .serviceLevelObjectives(1, 10, 100, 500, 1000, 5000).tag("pipeline", name).register(registry);
        this.latency = Timer.builder("sluice.record.latency")
                .description("Time from reading a record to its batch being written")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100),
                        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
                        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30))
                .tag("pipeline", name).register(registry);
        Gauge.builder("sluice.duration", this, PipelineStats::durationSeconds)
                .description("Seconds from the first record read to the last record settled")
                .baseUnit("seconds").tag("pipeline", name).register(registry);
        Gauge.builder("sluice.throughput", this, PipelineStats::throughput)
                .description("Records written per second over the run").baseUnit("records.per.second")
                .tag("pipeline", name).register(registry);
    }

    public String name() {
        return name;
    }

    public void recordRead() {
        firstReadNanos.compareAndSet(0, System.nanoTime());
        read.increment();
    }

    /** A record read at {@code readNanos} ({@link System#nanoTime()}) is written. */
    public void recordWritten(long readNanos) {
        processed.increment();
        latency.record(System.nanoTime() - readNanos, TimeUnit.NANOSECONDS);
        settled(false);
    }

    /**
     * One record went through a stage: {@code out} (passed on), {@code filtered} (dropped) or {@code failed}
     * (dead-lettered); what went in is their sum.
     */
    public void stage(String stage, String outcome) {
        // looked up once per stage and outcome: a registry lookup per record costs more than the stage itself
        stageCounters.computeIfAbsent(stage, key -> new ConcurrentHashMap<>()).computeIfAbsent(outcome,
                key -> registry.counter("sluice.stage.records", "pipeline", name, "stage", stage, "outcome", outcome))
                .increment();
    }

    public void recordFiltered() {
        filtered.increment();
        settled(false);
    }

    public void recordFailed() {
        errors.increment();
        settled(true);
    }

    /**
     * A batch reached the sink.
     *
     * @param reason why the batch was closed: {@code size}, {@code time} (its window passed) or {@code shutdown}
     */
    public void batchWritten(int size, String reason) {
        batchSizes.record(size);
        batchReasons.computeIfAbsent(reason, r -> Counter.builder("sluice.batches")
                .description("Batches written to the sink, by the reason they were closed").tag("pipeline", name)
                .tag("reason", r).register(registry)).increment();
    }

    /** Batches written so far, by why they were closed ({@code size}, {@code time}, {@code shutdown}). */
    public Map<String, Long> batchesByReason() {
        Map<String, Long> counts = new TreeMap<>();
        batchReasons.forEach((reason, count) -> counts.put(reason, (long) count.count()));
        return counts;
    }

    /** The mean size of the batches written so far, 0 before the first. */
    public double meanBatchSize() {
        return batchSizes.count() == 0 ? 0 : batchSizes.mean();
    }

    /** Records of the pipeline's Kafka topics not committed yet; registers the gauge on first use. */
    public void consumerLag(long records) {
        if (consumerLag.getAndSet(records) < 0) {
            Gauge.builder("sluice.kafka.consumer.lag", consumerLag, AtomicLong::get)
                    .description("Records of the pipeline's topics not yet committed").baseUnit("records")
                    .tag("pipeline", name).register(registry);
        }
    }

    /** The last consumer lag measured, or null for a pipeline that does not read Kafka. */
    public Long consumerLag() {
        long lag = consumerLag.get();
        return lag < 0 ? null : lag;
    }

    /** A write to {@code sink} failed (it is retried or its records isolated): counted per sink. */
    public void sinkFailure(String sink) {
        sinkFailures.computeIfAbsent(sink, key -> Counter.builder("sluice.sink.failures")
                .description("Failed attempts to write a batch to the sink; each is retried or its records isolated")
                .tag("pipeline", name).tag("sink", sink).register(registry)).increment();
    }

    /** A record whose key the sink held from another record; it is dead-lettered too. */
    public void recordConflict() {
        conflicts.increment();
    }

    public long conflicts() {
        return (long) conflicts.count();
    }

    /** {@code count} records the sink held already: replays the idempotent write absorbed. */
    public void recordDuplicates(long count) {
        duplicates.increment(count);
    }

    /** {@code count} records that replaced another record's row under their key. */
    public void recordUpdates(long count) {
        updated.increment(count);
    }

    public long updated() {
        return (long) updated.count();
    }

    /** {@code count} records whose version was below their key's row: left out (a versioned upsert). */
    public void recordStale(long count) {
        stale.increment(count);
    }

    public long stale() {
        return (long) stale.count();
    }

    /** {@code count} values of {@code field} dropped because no column takes them. */
    public void recordFieldsDropped(String field, long count) {
        fieldsDropped.increment(count);
        String name = droppedByName.size() < MAX_DROPPED_NAMES || droppedByName.containsKey(field) ? field
                : "(other fields)";
        droppedByName.computeIfAbsent(name, n -> new LongAdder()).add(count);
    }

    /** The fields dropped because no column takes them, by name, and how often. */
    public Map<String, Long> fieldsDroppedByName() {
        Map<String, Long> byName = new TreeMap<>();
        droppedByName.forEach((name, count) -> byName.put(name, count.sum()));
        return byName;
    }

    public long fieldsDropped() {
        return (long) fieldsDropped.count();
    }

    /** Records that made a new row (or message): the processed ones that were neither replays, updates nor stale. */
    public long rowsWritten() {
        return Math.max(0, recordsProcessed() - duplicates() - updated() - stale());
    }

    /** The pipeline met an error it cannot go on after, in {@code where} (a stage, a sink): it stops. */
    public void fatal(String where, Throwable error) {
        listener.fatal(where, error);
    }

    /** A record {@code sender} posted settled: {@code failed} when dead-lettered, for {@code reason}. */
    public void senderSettled(String sender, boolean failed, String reason) {
        listener.senderSettled(sender, failed, reason);
    }

    private void settled(boolean failed) {
        lastSettledNanos.set(System.nanoTime());
        listener.settled(failed);
    }

    public long recordsRead() {
        return (long) read.count();
    }

    public long recordsProcessed() {
        return (long) processed.count();
    }

    public long recordsFiltered() {
        return (long) filtered.count();
    }

    public long errors() {
        return (long) errors.count();
    }

    public long duplicates() {
        return (long) duplicates.count();
    }

    public double durationSeconds() {
        long first = firstReadNanos.get();
        long last = lastSettledNanos.get();
        return first == 0 || last < first ? 0.0 : (last - first) / 1e9;
    }

    public double throughput() {
        double seconds = durationSeconds();
        return seconds == 0.0 ? 0.0 : recordsProcessed() / seconds;
    }
}
