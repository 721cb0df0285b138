package dev.sluice.app;

import java.nio.charset.StandardCharsets;

import dev.sluice.ops.HttpErrors;
import dev.sluice.record.Cut;

/** The stored form of an API user's password: HEX(SHA-256(user:realm:password)), as Quarkus' embedded realm checks it. */
final class Credentials {

    private Credentials() {
    }

    static String hash(String user, String password) {
        return Cut.hex(Cut.digest().digest((user + ":" + HttpErrors.REALM + ":" + password)
                .getBytes(StandardCharsets.UTF_8)));
    }
}
