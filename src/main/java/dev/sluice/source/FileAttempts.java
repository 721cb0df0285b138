package dev.sluice.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sluice.config.SluiceConfig;
import dev.sluice.deadletter.DeadLetterQueue;
import dev.sluice.record.InputProgress;
import dev.sluice.runtime.PipelineRuntime;
import dev.sluice.runtime.UnitOfWork;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Counts the attempts at each input file on disk, beside it ({@code .sluice/<file>.attempts}), so a file that keeps
 * failing, or keeps crashing the service, is counted across restarts. At the start of an attempt beyond
 * {@code sluice.source.file-attempts} the file is moved to the pipeline's error directory with a dead letter saying
 * why, instead of looping. A file that changed while it was read (a writer still appending) does not count: it is
 * read again once it stopped changing, so its tail is never lost.
 */
@ApplicationScoped
public class FileAttempts {

    private static final Logger LOG = Logger.getLogger(FileAttempts.class);
    static final String DIR = ".sluice";

    /**
     * One attempt at a file, its unit of work: what the file looked like when the attempt began (read again if it no
     * longer does at the end), ended once by {@link #finish}: the marker counts a failed attempt, not a changed file,
     * and the pipeline's runtime hears how it ended.
     */
    public final class Attempt implements UnitOfWork, FileInput {
        private final PipelineRuntime pipeline;
        private final InputProgress progress = new InputProgress();
        private final Path file;
        private final int number;
        private final long size;
        private final long modified;
        private final AtomicBoolean finished = new AtomicBoolean();

        Attempt(PipelineRuntime pipeline, Path file, int number, long size, long modified) {
            this.pipeline = pipeline;
            this.file = file;
            this.number = number;
            this.size = size;
            this.modified = modified;
        }

        public Path file() {
            return file;
        }

        @Override
        public InputProgress progress() {
            return progress;
        }

        /** True when the file is no longer as it was when the attempt began: a writer was still at it. */
        public boolean changed() {
            try {
                BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
                return now.size() != size || now.lastModifiedTime().toMillis() != modified;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void finish(Outcome outcome, String reason) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            Path marker = marker(file);
            try {
                switch (outcome) {
                    case DONE -> {
                        Files.deleteIfExists(marker);
                        removeIfEmpty(marker.getParent());
                    }
                    case CHANGED -> write(marker, number - 1, "it changed while it was read");
                    default -> write(marker, number, String.valueOf(reason).lines().findFirst().orElse(""));
                }
            } catch (IOException e) {
                LOG.warnf("Cannot record the attempt at %s: %s", file, e.getMessage());
            }
            pipeline.inputFinished(file.toString(), outcome, reason);
        }
    }

    /** The file was moved to the error directory instead of being read. */
    public static final class QuarantinedException extends Exception {
        QuarantinedException(String message) {
            super(message, null, false, false);
        }
    }

    private final int maxAttempts;
    private final Map<String, Map<String, String>> pipelines;
    private final DeadLetterQueue deadLetters;

    public FileAttempts(SluiceConfig config, DeadLetterQueue deadLetters) {
        this.maxAttempts = config.source().fileAttempts();
        this.pipelines = config.pipelines();
        this.deadLetters = deadLetters;
    }

    /** Starts an attempt at {@code file}; moves it away instead when it has had all its attempts. */
    public Attempt begin(PipelineRuntime pipeline, Path file) throws QuarantinedException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Path marker = marker(file);
            List<String> previous = Files.exists(marker) ? Files.readAllLines(marker, StandardCharsets.UTF_8) : List.of();
            int number = previous.isEmpty() ? 1 : Integer.parseInt(previous.get(0).trim()) + 1;
            String lastReason = previous.size() > 1 ? previous.get(1) : "the service stopped while reading it";
            if (number > maxAttempts) {
                quarantine(pipeline, file, number - 1, lastReason);
            }
            write(marker, number, lastReason);
            return new Attempt(pipeline, file, number, attributes.size(), attributes.lastModifiedTime().toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot count the attempts at " + file, e);
        }
    }

    private void quarantine(PipelineRuntime pipeline, Path file, int attempts, String lastReason)
            throws IOException, QuarantinedException {
        Path errors = errorDir(pipeline.name(), file.getParent());
        Files.createDirectories(errors);
        Path target = errors.resolve(file.getFileName());
        for (int n = 1; Files.exists(target); n++) {
            target = errors.resolve(file.getFileName() + "." + n);
        }
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(marker(file));
        removeIfEmpty(marker(file).getParent());
        String reason = "failed " + attempts + " times (last: " + lastReason + "); moved to " + target;
        deadLetters.sendFile(pipeline.name(), file.toString(), target.toString(), reason);
        pipeline.inputFinished(file.toString(), UnitOfWork.Outcome.POISON, reason);
        throw new QuarantinedException("File " + file + " " + reason);
    }

    private Path errorDir(String pipeline, Path inputDir) {
        String configured = pipelines.getOrDefault(pipeline, Map.of()).getOrDefault("error-dir", "../error");
        return inputDir.resolve(configured).normalize();
    }

    private static void removeIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException notEmpty) {
            // another file's attempts are counted there
        }
    }

    private static Path marker(Path file) {
        return file.resolveSibling(DIR).resolve(file.getFileName() + ".attempts");
    }

    private static void write(Path marker, int number, String reason) throws IOException {
        Files.createDirectories(marker.getParent());
        Files.writeString(marker, number + "\n" + reason + "\n", StandardCharsets.UTF_8);
    }
}
