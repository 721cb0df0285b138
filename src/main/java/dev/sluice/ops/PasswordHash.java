package dev.sluice.ops;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.KeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * How an API user's password is stored: PBKDF2 with HMAC-SHA256, a random 16-byte salt of its own and 600,000
 * iterations (OWASP's figure for this function), as {@code pbkdf2-sha256:<iterations>:<salt>:<hash>} (base64). The
 * unsalted SHA-256 lines of earlier releases are refused with the way to make new ones.
 */
public final class PasswordHash {

    static final String SCHEME = "pbkdf2-sha256";
    static final int ITERATIONS = 600_000;
    /** Fewer iterations than this are refused: a stored hash is only as slow to guess as its iterations. */
    static final int MIN_ITERATIONS = 100_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final Pattern OLD_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** The stored form of a new password. */
    public static String of(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder base64 = Base64.getEncoder();
        return SCHEME + ":" + ITERATIONS + ":" + base64.encodeToString(salt) + ":"
                + base64.encodeToString(derive(password, salt, ITERATIONS));
    }

    /** Reads a stored form; throws, saying what to do, when it is not one Sluice accepts. */
    static PasswordHash parse(String user, String stored) {
        String again = "make its line again with: java -jar quarkus-run.jar credentials " + user + " <roles> "
                + "(docs/security.md#users-and-roles)";
        if (stored == null || OLD_SHA256.matcher(stored.trim()).matches()) {
            throw new IllegalArgumentException("user " + user + ": its password is stored as an unsalted SHA-256, "
                    + "which Sluice no longer accepts; " + again);
        }
        String[] parts = stored.trim().split(":");
        try {
            if (parts.length == 4 && parts[0].equals(SCHEME)) {
                int iterations = Integer.parseInt(parts[1]);
                byte[] salt = Base64.getDecoder().decode(parts[2]);
                byte[] hash = Base64.getDecoder().decode(parts[3]);
                if (iterations >= MIN_ITERATIONS && salt.length >= SALT_BYTES && hash.length == HASH_BITS / 8) {
                    return new PasswordHash(iterations, salt, hash);
                }
            }
        } catch (IllegalArgumentException e) {
            // not base64 or not a number: refused below
        }
        throw new IllegalArgumentException("user " + user + ": its password is not stored as " + SCHEME + ":<iterations"
                + " of at least " + MIN_ITERATIONS + ">:<salt>:<hash>; " + again);
    }

    boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    /** A quick fingerprint of a password that matched, to remember it without deriving again (never stored). */
    byte[] fingerprint(char[] password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(salt);
            digest.update(new String(password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        try {
            KeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hash to compare an unknown user's password with, so a wrong user costs the same time as a wrong password. */
    static PasswordHash decoy() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(ITERATIONS, salt, new byte[HASH_BITS / 8]);
    }
}
