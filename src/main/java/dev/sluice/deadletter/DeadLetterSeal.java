package dev.sluice.deadletter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sluice.config.SluiceConfig;
import dev.sluice.record.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Seals the dead letters Sluice writes with an HMAC-SHA256 keyed by a secret of the deployment
 * ({@code sluice.dead-letter.seal-key}), so a dead letter someone else added (to a dead-letter file, or to a
 * {@code <topic>.dlq} anyone may produce to) is told apart: it is listed with {@code "verified": false} and replayed
 * only when a replay asks for unverified dead letters by name.
 */
@ApplicationScoped
public class DeadLetterSeal {

    /** The field of a file entry, and the header ({@code sluice.error.mac}) of a topic record, that holds the seal. */
    static final String FIELD = "mac";
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    @Inject
    public DeadLetterSeal(SluiceConfig config) {
        this(config.deadLetter().sealKey().filter(text -> !text.isBlank())
                .map(text -> text.getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> keptKey(Path.of(config.deadLetter().dir()).resolve(".seal-key"))));
    }

    DeadLetterSeal(byte[] secret) {
        this.key = new SecretKeySpec(secret, ALGORITHM);
    }

    /** The seal of a file entry: over its fields but the seal, in the order of their names. */
    String seal(Map<String, Object> entry) {
        TreeMap<String, Object> fields = new TreeMap<>(entry);
        fields.remove(FIELD);
        try {
            return mac(Json.MAPPER.writeValueAsBytes(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean verifies(Map<String, Object> entry) {
        return entry.get(FIELD) instanceof String seal && equal(seal, seal(entry));
    }

    /** The seal of a topic record: over its headers ({@code name=value} lines, sorted), key and value. */
    String seal(List<Map.Entry<String, String>> headers, byte[] key, byte[] value) {
        StringBuilder text = new StringBuilder();
        headers.stream().filter(h -> !h.getKey().equals(FIELD)).map(h -> h.getKey() + "=" + h.getValue())
                .sorted().forEach(line -> text.append(line.replace("\n", "\\n")).append('\n'));
        Mac mac = mac();
        mac.update(text.toString().getBytes(StandardCharsets.UTF_8));
        mac.update(Integer.toString(key == null ? -1 : key.length).getBytes(StandardCharsets.UTF_8));
        mac.update((byte) '\n');
        if (key != null) {
            mac.update(key);
        }
        mac.update(value == null ? new byte[0] : value);
        return HexFormat.of().formatHex(mac.doFinal());
    }

    static boolean equal(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private String mac(byte[] bytes) {
        return HexFormat.of().formatHex(mac().doFinal(bytes));
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key kept in {@code file}, made (32 random bytes, readable by the owner only) when there is none. */
    private static byte[] keptKey(Path file) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                byte[] made = new byte[32];
                new SecureRandom().nextBytes(made);
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                    Files.write(file, HexFormat.of().formatHex(made).getBytes(StandardCharsets.US_ASCII),
                            StandardOpenOption.TRUNCATE_EXISTING);
                } catch (FileAlreadyExistsException e) {
                    // another process made it first: use theirs
                } catch (UnsupportedOperationException e) {
                    Files.write(file, HexFormat.of().formatHex(made).getBytes(StandardCharsets.US_ASCII),
                            StandardOpenOption.CREATE_NEW);
                }
            }
            return Files.readString(file, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot keep the dead letters' seal key in " + file + " (or set "
                    + "sluice.dead-letter.seal-key): " + e.getMessage(), e);
        }
    }
}
