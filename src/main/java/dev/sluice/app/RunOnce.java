package dev.sluice.app;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;

import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.PipelineRuntimes;
import dev.sluice.source.FileInputs;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.CamelContext;

/**
 * A bounded run, the seed's {@code metrics = await pipeline.run()}: waits until every file pipeline has consumed
 * all matching files from its input directory and nothing is in flight, then reports. A file whose processing
 * failed outright (it stays in the input directory, to be read again), or an input directory that cannot be listed,
 * ends the run as a failure.
 */
@ApplicationScoped
public class RunOnce {

    private static final Duration POLL = Duration.ofMillis(200);

    private final CamelContext camel;
    private final PipelineRuntimes runtimes;
    private volatile String problem;

    public RunOnce(CamelContext camel, PipelineRuntimes runtimes) {
        this.camel = camel;
        this.runtimes = runtimes;
    }

    /** Blocks until drained; false if {@code timeout} (zero: none) passed first, a file failed or a directory is unreadable. */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        int quietPolls = 0;
        while (quietPolls < 2) {
            if (System.nanoTime() > deadline || failedFiles() > 0 || problem != null) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
            quietPolls = isDrained() ? quietPolls + 1 : 0;
        }
        return true;
    }

    public long failedFiles() {
        return runtimes.all().stream().mapToLong(PipelineRuntime::failedInputs).sum();
    }

    /** Why the run could not see its input (an input directory that cannot be listed), or null. */
    public String problem() {
        return problem;
    }

    private boolean isDrained() {
        // Camel starts on its own thread: before it has, nothing was consumed yet
        if (!camel.getStatus().isStarted() || camel.getInflightRepository().size() != 0) {
            return false;
        }
        try {
            return runtimes.all().stream().map(runtime -> camel.getRoute(runtime.name())).filter(Objects::nonNull)
                    .noneMatch(FileInputs::pending);
        } catch (UncheckedIOException e) {
            problem = e.getMessage();
            return false;
        }
    }
}
