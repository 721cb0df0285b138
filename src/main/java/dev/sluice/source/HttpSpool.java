package dev.sluice.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The durable entry of a pipeline fed over HTTP: each accepted request's records are written to a JSON Lines file in
 * the pipeline's spool directory and forced to disk before the request is answered, and the pipeline reads that
 * directory like any file pipeline. So a record answered 202 is on disk, is acknowledged (the file deleted) only once
 * settled, and is read again after a crash or a stop while the sink is down.
 *
 * <p>
 * The spool holds at most {@code maxBytes} of disk; one sender at most {@code maxShare} of that, so no client can take
 * all the room. Both count what files take on the disk, not the bytes of their records: a file's size rounded up to
 * whole blocks of the file system, plus a block for its inode and directory entry, so many small posts count what
 * they cost (every file of the directory counts towards the whole). The sender's name is kept in the file name, and
 * so with every dead letter of its records.
 */
public final class HttpSpool {

    /** Marks the sender in a spool file name: {@code <millis>-<n>--<sender>.jsonl}. */
    private static final String SENDER_MARK = "--";

    /** Why a request was not accepted: the spool or the sender's share of it is full. */
    public static final class FullException extends Exception {
        private final boolean senderShare;

        FullException(String message, boolean senderShare) {
            super(message);
            this.senderShare = senderShare;
        }

        /** True when the sender has used its share; others may still post. */
        public boolean senderShare() {
            return senderShare;
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final double maxShare;
    private final AtomicLong written = new AtomicLong();

    public HttpSpool(Path dir, long maxBytes, double maxShare) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxShare = maxShare;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The endpoint that reads the spool like a file pipeline's directory: a file appears whole (renamed in), so no
     * read lock, and is deleted once every record in it is settled.
     */
    public String consumerUri() {
        return "file:" + dir.toAbsolutePath() + "?readLock=none&delay=100&delete=true";
    }

    /**
     * Writes the records (each a JSON object without its line ending) as one spool file, on disk before this returns.
     *
     * @throws FullException the records would not fit in the spool, or in the sender's share of it
     * @throws IOException   the spool cannot be written: nothing was accepted
     */
    public synchronized void accept(List<byte[]> records, String sender) throws FullException, IOException {
        long block = block();
        long size = footprint(records.stream().mapToLong(r -> r.length + 1L).sum(), block);
        Map<String, Long> held = held(block);
        long total = held.values().stream().mapToLong(Long::longValue).sum();
        String name = safeName(sender);
        if (total + size > maxBytes) {
            throw new FullException("the spool of " + dir.getFileName() + " takes " + total + " of " + maxBytes
                    + " bytes of disk: retry when the pipeline has caught up", false);
        }
        if (held.getOrDefault(name, 0L) + size > maxShare * maxBytes) {
            throw new FullException("sender " + sender + " holds its share of the spool (" + (long) (maxShare * maxBytes)
                    + " bytes of disk) in records not yet written: retry later", true);
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + UUID.randomUUID() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] newline = { '\n' };
            for (byte[] record : records) {
                write(out, record);
                write(out, newline);
            }
            out.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Path file = dir.resolve(System.currentTimeMillis() + "-" + written.incrementAndGet() + SENDER_MARK + name + ".jsonl");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true); // the rename itself is durable
        }
    }

    private static void write(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Bytes of disk the spool's files take, by sender ({@code ""} for files of no sender: temporary, locks). */
    private Map<String, Long> held(long block) throws IOException {
        Map<String, Long> held = new HashMap<>();
        if (!Files.isDirectory(dir)) {
            return held;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String sender = senderOf(file.getFileName().toString());
                try {
                    held.merge(sender == null ? "" : sender, footprint(Files.size(file), block), Long::sum);
                } catch (IOException gone) {
                    // read and deleted meanwhile
                }
            }
        }
        return held;
    }

    /** What a file of {@code bytes} takes on disk: whole blocks, and one more for its inode and directory entry. */
    static long footprint(long bytes, long block) {
        return ((bytes + block - 1) / block + 1) * block;
    }

    /** The block size of the spool's file system (4 KiB when it cannot be told). */
    long block() {
        try {
            Path existing = Files.isDirectory(dir) ? dir : dir.toAbsolutePath().getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            long block = existing == null ? 0 : Files.getFileStore(existing).getBlockSize();
            return block > 0 ? block : 4096;
        } catch (IOException | UnsupportedOperationException e) {
            return 4096;
        }
    }

    /** The sender a spool file's name carries, or null for any other file. */
    public static String senderOf(String fileName) {
        int mark = fileName.indexOf(SENDER_MARK);
        if (mark < 0 || !fileName.endsWith(".jsonl") || fileName.startsWith(".")) {
            return null;
        }
        return fileName.substring(mark + SENDER_MARK.length(), fileName.length() - ".jsonl".length());
    }

    /** A user name as it can stand in a file name. */
    static String safeName(String sender) {
        String name = sender == null || sender.isEmpty() ? "anonymous" : sender;
        name = name.replaceAll("[^A-Za-z0-9._@-]", "_");
        return name.length() > 64 ? name.substring(0, 64) : name;
    }
}
