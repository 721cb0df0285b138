package dev.sluice.deadletter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.sluice.record.Json;
import org.jboss.logging.Logger;

/**
 * Reads a JSON Lines file of Sluice's (dead letters, replay notes) one entry at a time, with the byte position each
 * entry starts at, so a caller keeps where an entry is rather than the entry. A line that is not a JSON object (torn
 * by a full disk or a crash while it was written, or the unfinished last line) is skipped with a warning: one bad
 * line never makes the rest unreadable.
 */
final class JsonLines {

    private static final Logger LOG = Logger.getLogger(JsonLines.class);
    /** Longer lines are no entry of Sluice's (a payload is at most sluice.source.max-record-bytes, escaped). */
    static final int MAX_LINE_BYTES = 64 << 20;
    private static final TypeReference<LinkedHashMap<String, Object>> ENTRY = new TypeReference<>() {
    };

    /** What is done with each entry; false ends the reading. */
    interface Visitor {
        boolean visit(Map<String, Object> entry, long position);
    }

    private JsonLines() {
    }

    /** Reads the entries of {@code file} from byte {@code from}; false when the visitor ended the reading. */
    static boolean read(Path file, long from, Visitor visitor) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                InputStream in = Channels.newInputStream(channel.position(from))) {
            byte[] buffer = new byte[1 << 16];
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long start = from;
            long length = 0;
            boolean tooLong = false;
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                int begin = 0;
                for (int i = 0; i < read; i++) {
                    if (buffer[i] != '\n') {
                        continue;
                    }
                    tooLong |= !append(line, buffer, begin, i - begin);
                    length += i - begin;
                    Map<String, Object> entry = tooLong ? null : parse(file, start, line);
                    if (entry != null && !visitor.visit(entry, start)) {
                        return false;
                    }
                    start += length + 1;
                    length = 0;
                    line.reset();
                    tooLong = false;
                    begin = i + 1;
                }
                tooLong |= !append(line, buffer, begin, read - begin);
                length += read - begin;
            }
            return true;
        } catch (NoSuchFileException e) {
            return true; // rotated or removed since it was listed
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Adds bytes to the line unless it would pass {@link #MAX_LINE_BYTES}; false when it did not. */
    private static boolean append(ByteArrayOutputStream line, byte[] bytes, int offset, int length) {
        if (line.size() + (long) length > MAX_LINE_BYTES) {
            return false;
        }
        line.write(bytes, offset, length);
        return true;
    }

    private static Map<String, Object> parse(Path file, long position, ByteArrayOutputStream line) {
        if (line.size() == 0) {
            return null;
        }
        try {
            return Json.OWN.readValue(line.toByteArray(), ENTRY);
        } catch (JsonProcessingException e) {
            LOG.warnf("Skipped the entry of %s at byte %d: it is not a whole JSON object (%s)", file, position,
                    e.getOriginalMessage());
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
