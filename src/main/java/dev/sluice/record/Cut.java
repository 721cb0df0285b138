package dev.sluice.record;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** What a record longer than the largest one kept was: only its first bytes are kept, and this says the rest. */
public record Cut(long originalSize, String sha256) {

    /** What {@code whole} was, before it is cut. */
    public static Cut of(byte[] whole) {
        return new Cut(whole.length, hex(digest().digest(whole)));
    }

    /** The first {@code keep} bytes of {@code whole}. */
    public static byte[] head(byte[] whole, int keep) {
        return Arrays.copyOf(whole, Math.min(keep, whole.length));
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
