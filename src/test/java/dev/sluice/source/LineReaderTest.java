package dev.sluice.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<String> read(byte[] content, int max) {
        List<String> lines = new ArrayList<>();
        LineReader reader = new LineReader(new ByteArrayInputStream(content), max);
        reader.forEachRemaining(l -> lines.add(l.number() + ":" + new String(l.bytes(), StandardCharsets.ISO_8859_1)
                + (l.truncated() ? ":cut" : "")));
        return lines;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void numbersLinesAsAnEditorDoesAndSkipsBlankOnes() {
        assertThat(read(bytes("a\n\nb\n  \t \nc"), 100)).containsExactly("1:a", "3:b", "5:c");
    }

    @Test
    void dropsCarriageReturnsOfCrlfEndings() {
        assertThat(read(bytes("a\r\nb\r\n\r\nc\r"), 100)).containsExactly("1:a", "2:b", "4:c");
    }

    @Test
    void ignoresAUtf8ByteOrderMarkAtTheStartOnly() {
        assertThat(read(bytes("\u00ef\u00bb\u00bfa\n\u00ef\u00bb\u00bfb\n"), 100))
                .containsExactly("1:a", "2:\u00ef\u00bb\u00bfb");
    }

    @Test
    void keepsBytesThatAreNotUtf8AsTheyAre() {
        LineReader reader = new LineReader(new ByteArrayInputStream(new byte[] { 'x', (byte) 0xff, (byte) 0xfe, '\n' }),
                100);
        assertThat(reader.next().bytes()).containsExactly('x', (byte) 0xff, (byte) 0xfe);
        assertThat(reader.hasNext()).isFalse();
    }

    @Test
    void cutsALineLongerThanTheLimitAndGoesOnWithTheNext() {
        assertThat(read(bytes("0123456789\nok\n"), 4)).containsExactly("1:0123:cut", "2:ok");
    }

    @Test
    void readsLinesLongerThanItsBufferWhole() {
        String longLine = "y".repeat(200_000);
        assertThat(read(bytes(longLine + "\nz"), 1_000_000)).containsExactly("1:" + longLine, "2:z");
    }

    @Test
    void readsAStreamThatDeliversOneByteAtATime() {
        InputStream trickle = new ByteArrayInputStream(bytes("ab\r\ncd")) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(1, len));
            }
        };
        List<String> lines = new ArrayList<>();
        new LineReader(trickle, 10).forEachRemaining(l -> lines.add(new String(l.bytes(), StandardCharsets.UTF_8)));
        assertThat(lines).containsExactly("ab", "cd");
    }
}
