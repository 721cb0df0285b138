package dev.sluice.stage;

/**
 * Strict UTF-8, checked on the bytes without decoding them: what Java's decoder refuses (a stray or missing
 * continuation byte, an overlong form, an encoded surrogate, a code point past U+10FFFF) is refused here.
 */
final class Utf8 {

    /** The bytes are UTF-8 and hold no backslash. */
    static final int PLAIN = 0;
    /** The bytes are UTF-8 and hold a backslash: a JSON escape may spell what UTF-8 cannot (a lone surrogate). */
    static final int ESCAPES = 1;
    /** The bytes are not UTF-8. */
    static final int INVALID = -1;

    private Utf8() {
    }

    static int scan(byte[] bytes) {
        int found = PLAIN;
        int i = 0;
        int n = bytes.length;
        while (i < n) {
            int b0 = bytes[i];
            if (b0 >= 0) {
                if (b0 == '\\') {
                    found = ESCAPES;
                }
                i++;
                continue;
            }
            b0 &= 0xFF;
            int length = b0 < 0xC2 ? 0 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : b0 < 0xF5 ? 4 : 0;
            if (length == 0 || i + length > n) {
                return INVALID;
            }
            for (int k = 1; k < length; k++) {
                if ((bytes[i + k] & 0xC0) != 0x80) {
                    return INVALID;
                }
            }
            int b1 = bytes[i + 1] & 0xFF;
            if (b0 == 0xE0 && b1 < 0xA0 || b0 == 0xED && b1 >= 0xA0 || b0 == 0xF0 && b1 < 0x90
                    || b0 == 0xF4 && b1 >= 0x90) {
                return INVALID; // overlong, a surrogate, past U+10FFFF
            }
            i += length;
        }
        return found;
    }

    static boolean startsWithBom(byte[] bytes) {
        return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
    }
}
