package dev.sluice.source;

import dev.sluice.record.Chunk;
import dev.sluice.record.InputProgress;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import dev.sluice.config.SluiceConfig;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/**
 * Splits a JSON Lines file into records for a streaming {@code split}: {@code chunks} hands on a {@link Chunk} of up
 * to {@link Chunk#MAX_RECORDS} lines (and {@link Chunk#MAX_BYTES} bytes) at a time, what the templates' compiled
 * stages take; {@code split} one {@link RecordOrigin} per line, what a Java pipeline's steps take. Pair either with
 * {@link AwaitSettled} after the split, which holds the file until its records are safe.
 *
 * <pre>
 * - split:
 *     streaming: true
 *     method: {ref: jsonLines, method: split}
 * </pre>
 */
@ApplicationScoped
@Named("jsonLines")
public class JsonLinesSplitter {

    private final PipelineRuntimes runtimes;
    private final int maxRecordBytes;
    private final FileAttempts attempts;

    public JsonLinesSplitter(PipelineRuntimes runtimes, SluiceConfig config, FileAttempts attempts) {
        this.runtimes = runtimes;
        this.maxRecordBytes = config.source().maxRecordBytes();
        this.attempts = attempts;
    }

    public Iterator<Chunk> chunks(Exchange file) throws FileAttempts.QuarantinedException {
        return new Chunks(split(file));
    }

    public Iterator<RecordOrigin> split(Exchange file) throws FileAttempts.QuarantinedException {
        if (file.getProperty(FileInput.PROPERTY) instanceof Replay replay) {
            return replay.records().iterator();
        }
        PipelineRuntime runtime = runtimes.get(file.getFromRouteId());
        PipelineStats pipeline = runtime.stats();
        String source = file.getIn().getHeader(Exchange.FILE_PATH, String.class);
        FileAttempts.Attempt attempt = attempts.begin(runtime, Path.of(source));
        file.setProperty(FileInput.PROPERTY, attempt);
        String sender = runtime.part(HttpSpool.class).isPresent()
                ? HttpSpool.senderOf(file.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class))
                : null;
        InputProgress progress = attempt.progress();
        InputStream in;
        try {
            in = file.getIn().getMandatoryBody(InputStream.class);
        } catch (Exception e) {
            throw new UncheckedIOException(new IOException("Cannot open " + source, e));
        }
        return new Records(new LineReader(in, maxRecordBytes), pipeline, source, progress, sender);
    }

    /** Gathers records into chunks lazily, so only one chunk of lines is in memory. */
    private record Chunks(Iterator<RecordOrigin> records) implements Iterator<Chunk>, Closeable {

        @Override
        public boolean hasNext() {
            return records.hasNext();
        }

        @Override
        public Chunk next() {
            List<RecordOrigin> chunk = new ArrayList<>();
            long bytes = 0;
            while (records.hasNext() && chunk.size() < Chunk.MAX_RECORDS && bytes < Chunk.MAX_BYTES) {
                RecordOrigin record = records.next();
                chunk.add(record);
                bytes += record.payload().length;
            }
            return new Chunk(chunk);
        }

        @Override
        public void close() throws IOException {
            if (records instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }

    /** Turns lines into origins lazily, one per {@code next()}, so only the current line is in memory. */
    private record Records(LineReader lines, PipelineStats pipeline, String source, InputProgress progress,
            String sender)
            implements Iterator<RecordOrigin>, Closeable {

        @Override
        public boolean hasNext() {
            return lines.hasNext();
        }

        @Override
        public RecordOrigin next() {
            LineReader.Line line = lines.next();
            return new RecordOrigin(pipeline, new Location.FileLine(source, line.number()), line.bytes(), progress,
                    line.cut(), sender).lastReady(!lines.hasNext());
        }

        @Override
        public void close() throws IOException {
            lines.close();
        }
    }
}
