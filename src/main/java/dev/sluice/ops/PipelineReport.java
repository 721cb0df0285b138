package dev.sluice.ops;

import java.util.List;
import java.util.Map;

import dev.sluice.metrics.PipelineStats;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A pipeline's state and metrics as {@code GET /pipelines} serves them and the run-once mode prints them. */
public record PipelineReport(
        String name,
        String source,
        String status,
        @JsonProperty("records_read") long recordsRead,
        @JsonProperty("records_processed") long recordsProcessed,
        @JsonProperty("records_filtered") long recordsFiltered,
        long errors,
        @JsonProperty("records_duplicate") long recordsDuplicate,
        @JsonProperty("records_conflict") long recordsConflict,
        @JsonProperty("rows_written") long rowsWritten,
        @JsonProperty("rows_updated") long rowsUpdated,
        @JsonProperty("records_stale") long recordsStale,
        @JsonProperty("fields_dropped") long fieldsDropped,
        @JsonProperty("fields_dropped_by_name") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> fieldsDroppedByName,
        @JsonProperty("duration_seconds") double durationSeconds,
        double throughput,
        @JsonProperty("consumer_lag") @JsonInclude(JsonInclude.Include.NON_NULL) Long consumerLag,
        @JsonProperty("routes_problems") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> routesProblems,
        @JsonProperty("mean_batch_size") double meanBatchSize,
        @JsonProperty("batches_by_reason") Map<String, Long> batchesByReason,
        @JsonInclude(JsonInclude.Include.NON_NULL) String problem) {

    /**
     * @param problem why the pipeline is not running as it should (paused by its error budget, stopped by a fatal
     *                error), or null
     */
    static PipelineReport of(String name, String source, String status, PipelineStats stats,
            List<String> routesProblems, String problem) {
        return new PipelineReport(name, source, status, stats.recordsRead(), stats.recordsProcessed(),
                stats.recordsFiltered(), stats.errors(), stats.duplicates(), stats.conflicts(),
                stats.rowsWritten(), stats.updated(), stats.stale(), stats.fieldsDropped(), stats.fieldsDroppedByName(), round(stats.durationSeconds()),
                round(stats.throughput()), stats.consumerLag(), routesProblems, round(stats.meanBatchSize()),
                stats.batchesByReason(), problem);
    }

    private static double round(double value) {
        return Math.round(value * 1000.0) / 1000.0;
    }

    /** The seed's metrics block, as the run-once mode prints it. */
    public String summary() {
        return String.format("""
                pipeline           %s
                records_processed  %d
                records_filtered   %d
                errors             %d
                duration_seconds   %.3f
                throughput         %.1f records/s
                  rows_written     %d
                  rows_updated     %d
                  duplicates       %d (replays already written)
                  stale            %d (older than their row)
                  conflicts        %d""", name, recordsProcessed, recordsFiltered, errors,
                durationSeconds, throughput, rowsWritten, rowsUpdated, recordsDuplicate, recordsStale, recordsConflict)
                + (fieldsDropped == 0 ? "" : String.format("%n  fields_dropped   %d (%s)", fieldsDropped,
                        fieldsDroppedByName.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                                .collect(java.util.stream.Collectors.joining(", "))));
    }
}
