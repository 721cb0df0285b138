package dev.sluice.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Arrays;

import dev.sluice.record.Cut;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads JSON Lines as raw bytes, one line at a time, so a file of any size goes through in bounded memory and a
 * line that is not valid UTF-8 can still be dead-lettered byte for byte. Lines end with LF or CRLF; empty lines
 * (or only blanks) are skipped but counted, so line numbers match what an editor shows; a UTF-8 byte-order mark at the start of
 * the file is ignored. A line longer than {@code maxLineBytes} keeps only its first {@code maxLineBytes} bytes, with
 * its whole size and SHA-256 ({@link Cut}), so one giant line cannot exhaust the heap and its dead letter still says
 * what it was.
 */
public final class LineReader implements Iterator<LineReader.Line>, Closeable {

    /** One non-empty line: its 1-based number, its bytes without the line ending, and, if it was cut, what it was. */
    public record Line(long number, byte[] bytes, Cut cut) {
        public boolean truncated() {
            return cut != null;
        }
    }

    private static final int BUFFER_SIZE = 64 * 1024;

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int bufferPos;
    private int bufferEnd;
    private boolean eof;
    private boolean atFileStart = true;
    private long lineNumber;
    private Line next;
    /** Digest of the current line once it is longer than the limit. */
    private MessageDigest digest;

    public LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = readNonEmptyLine();
        }
        return next != null;
    }

    @Override
    public Line next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Line line = next;
        next = null;
        return line;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private Line readNonEmptyLine() {
        try {
            while (true) {
                Line line = readLine();
                if (line == null || line.truncated() || !isBlank(line.bytes())) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private Line readLine() throws IOException {
        byte[] line = new byte[256];
        int length = 0;
        long total = 0;
        boolean sawAnyByte = false;
        while (true) {
            if (bufferPos == bufferEnd && !fill()) {
                if (!sawAnyByte) {
                    return null;
                }
                break;
            }
            sawAnyByte = true;
            int start = bufferPos;
            int end = start;
            while (end < bufferEnd && buffer[end] != '\n') {
                end++;
            }
            int chunk = end - start;
            int keep = (int) Math.max(0, Math.min(chunk, maxLineBytes - total));
            if (keep > 0) {
                if (length + keep > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, length + keep));
                }
                System.arraycopy(buffer, start, line, length, keep);
                length += keep;
            }
            if (keep < chunk) {
                // the line is too long: only its size and digest are kept from here on
                if (digest == null) {
                    digest = Cut.digest();
                    digest.update(line, 0, length - keep);
                }
                digest.update(buffer, start, chunk);
            } else if (digest != null) {
                digest.update(buffer, start, chunk);
            }
            total += chunk;
            if (end < bufferEnd) {
                bufferPos = end + 1;
                break;
            }
            bufferPos = bufferEnd;
        }
        lineNumber++;
        Cut cut = null;
        if (digest != null) {
            cut = new Cut(total, Cut.hex(digest.digest()));
            digest = null;
        } else if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return new Line(lineNumber, Arrays.copyOf(line, length), cut);
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            eof = true;
            return false;
        }
        bufferPos = 0;
        bufferEnd = n;
        if (atFileStart) {
            atFileStart = false;
            if (n >= 3 && (buffer[0] & 0xFF) == 0xEF && (buffer[1] & 0xFF) == 0xBB && (buffer[2] & 0xFF) == 0xBF) {
                bufferPos = 3;
            }
        }
        return true;
    }
}
