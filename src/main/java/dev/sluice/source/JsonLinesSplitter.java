package dev.sluice.source;

import dev.sluice.record.InputProgress;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;

import dev.sluice.config.SluiceConfig;
import dev.sluice.metrics.PipelineStats;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.Exchange;

/**
 * Splits a JSON Lines file into records for a streaming {@code split}: each element is the {@link RecordOrigin}
 * of one line. Pair it with {@link AwaitSettled} after the split, which holds the file until its records are safe.
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
