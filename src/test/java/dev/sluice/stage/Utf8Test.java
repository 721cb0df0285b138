package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The parser's UTF-8 check refuses exactly what Java's strict decoder refuses, on every byte sequence tried. */
class Utf8Test {

    private static boolean decodes(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static void agrees(byte[] bytes) {
        int scanned = Utf8.scan(bytes);
        assertThat(scanned != Utf8.INVALID).as("UTF-8 %s", java.util.HexFormat.of().formatHex(bytes))
                .isEqualTo(decodes(bytes));
        if (scanned != Utf8.INVALID) {
            boolean backslash = new String(bytes, StandardCharsets.UTF_8).indexOf('\\') >= 0;
            assertThat(scanned).isEqualTo(backslash ? Utf8.ESCAPES : Utf8.PLAIN);
        }
    }

    @Test
    void everyOneTwoAndThreeByteSequenceAgreesWithTheDecoder() {
        for (int a = 0; a < 256; a++) {
            agrees(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                agrees(new byte[] {(byte) a, (byte) b});
                if (a >= 0xE0 && a < 0xF8) {
                    for (int c = 0x70; c < 0xD0; c++) { // around the continuation range
                        agrees(new byte[] {(byte) a, (byte) b, (byte) c});
                    }
                }
            }
        }
    }

    @Test
    void randomTextOfEveryKindAgreesWithTheDecoder() {
        Random random = new Random(26);
        int[] points = {'a', '\\', '"', 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(12); k > 0; k--) {
                text.appendCodePoint(points[random.nextInt(points.length)]);
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0 && random.nextBoolean()) { // break one byte, or cut the end
                if (random.nextBoolean()) {
                    bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                } else {
                    bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                }
            }
            agrees(bytes);
        }
    }

    @Test
    void fourByteFormsAtTheirLimitsAgreeWithTheDecoder() {
        for (int lead = 0xF0; lead <= 0xF7; lead++) {
            for (int second = 0x70; second < 0xD0; second++) {
                agrees(new byte[] {(byte) lead, (byte) second, (byte) 0x80, (byte) 0x80});
                agrees(new byte[] {(byte) lead, (byte) second, (byte) 0xBF, (byte) 0x7F});
            }
        }
    }
}
