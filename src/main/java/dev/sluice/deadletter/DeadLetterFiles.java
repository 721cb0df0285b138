package dev.sluice.deadletter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

/**
 * The dead-letter files of a directory: one current file per pipeline ({@code <pipeline>.jsonl}), rotated to
 * {@code <pipeline>.<time>.jsonl} when it reaches {@code maxFileBytes}; all of them together never beyond
 * {@code maxTotalBytes}. At the cap a dead letter is refused rather than an old one deleted: its record is not
 * acknowledged (read again later), readiness says so, and the volume cannot fill up in silence.
 */
final class DeadLetterFiles {

    private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmssSSS")
            .withZone(ZoneOffset.UTC);

    private final Path dir;
    private final long maxFileBytes;
    private final long maxTotalBytes;
    private long totalBytes = -1;

    DeadLetterFiles(Path dir, long maxFileBytes, long maxTotalBytes) {
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    Path file(String pipeline) {
        return dir.resolve(pipeline + ".jsonl");
    }

    /** Appends one entry (a line) to the pipeline's current file, rotating it first when it is full. */
    synchronized void append(String pipeline, byte[] line) throws IOException {
        Files.createDirectories(dir);
        if (totalBytes < 0 || totalBytes + line.length > maxTotalBytes) {
            totalBytes = measure(); // files may have been removed by an operator since
        }
        if (totalBytes + line.length > maxTotalBytes) {
            throw new IOException("the dead-letter files in " + dir + " hold " + totalBytes + " bytes, the cap of "
                    + "sluice.dead-letter.max-total-bytes (" + maxTotalBytes + "): replay or remove dead letters");
        }
        Path current = file(pipeline);
        if (Files.exists(current) && Files.size(current) + line.length > maxFileBytes) {
            String stamp = pipeline + "." + ROTATED.format(Instant.now());
            Path rotated = dir.resolve(stamp + ".jsonl");
            for (int n = 1; Files.exists(rotated); n++) {
                rotated = dir.resolve(stamp + "-" + n + ".jsonl");
            }
            Files.move(current, rotated, StandardCopyOption.ATOMIC_MOVE);
        }
        try (FileChannel channel = FileChannel.open(current, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long end = channel.size();
            try {
                ByteBuffer bytes = ByteBuffer.wrap(line);
                while (bytes.hasRemaining()) {
                    channel.write(bytes, end + bytes.position());
                }
            } catch (IOException e) {
                // a full disk: take back what part of the entry got written, so no torn line stays behind
                channel.truncate(end);
                throw e;
            }
        }
        totalBytes += line.length;
    }

    /** True when a dead letter could be written now: the directory is there (or can be made) and below the cap. */
    synchronized boolean writable() {
        try {
            Files.createDirectories(dir);
            totalBytes = measure();
            return Files.isWritable(dir) && totalBytes < maxTotalBytes;
        } catch (IOException e) {
            return false;
        }
    }

    /** Bytes in every dead-letter file of the directory. */
    synchronized long totalBytes() {
        if (totalBytes < 0) {
            try {
                totalBytes = measure();
            } catch (IOException e) {
                return 0;
            }
        }
        return totalBytes;
    }

    private long measure() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long sum = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList()) {
                sum += Files.size(file);
            }
        }
        return sum;
    }
}
