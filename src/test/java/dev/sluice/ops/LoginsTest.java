package dev.sluice.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logins: passwords stored as salted PBKDF2, the old unsalted lines refused at start, every failed login logged with
 * the user and address (never the password), and guessing slowed down to 429 with Retry-After, per user and per
 * address, while other users log in. Its own profile: the throttle it trips is the service's.
 */
@QuarkusTest
@TestProfile(LoginsTest.Users.class)
class LoginsTest {

    public static class Users implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.security.users.embedded.users.alice", PasswordHash.of("a-pass".toCharArray()),
                    "quarkus.security.users.embedded.roles.alice", "read",
                    "quarkus.security.users.embedded.users.bob", PasswordHash.of("b-pass".toCharArray()),
                    "quarkus.security.users.embedded.roles.bob", "read");
        }
    }

    final List<String> logged = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(String.valueOf(record.getParameters() == null ? record.getMessage()
                    : String.format(record.getMessage(), record.getParameters())));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger(Logins.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(Logins.class.getName()).removeHandler(capture);
    }

    @Test
    void guessingOneUsersPasswordIsLoggedAndSlowedDownWhileOthersLogIn() throws Exception {
        given().auth().preemptive().basic("alice", "a-pass").get("/pipelines").then().statusCode(200);
        for (int i = 1; i <= LoginThrottle.USER_FAILURES; i++) {
            given().auth().preemptive().basic("alice", "guess-" + i).get("/pipelines").then().statusCode(401);
        }
        assertThat(logged).filteredOn(line -> line.startsWith("Failed login of user \"alice\" from 127.0.0.1"))
                .hasSize(LoginThrottle.USER_FAILURES);
        assertThat(logged).noneMatch(line -> line.contains("guess-"));

        // held back now, even with the right password; bob is not
        String wait = given().auth().preemptive().basic("alice", "a-pass").get("/pipelines").then().statusCode(429)
                .body("error", startsWith("too many failed logins")).extract().header("Retry-After");
        assertThat(Long.parseLong(wait)).isBetween(1L, 2L);
        given().auth().preemptive().basic("bob", "b-pass").get("/pipelines").then().statusCode(200);

        Thread.sleep(Long.parseLong(wait) * 1000 + 200);
        given().auth().preemptive().basic("alice", "a-pass").get("/pipelines").then().statusCode(200);
    }

    @Test
    void aUserNameThatIsNoUserIsLoggedAsSuchAndEscaped() {
        given().auth().preemptive().basic("mallory\nINFO forged line", "x").get("/pipelines").then().statusCode(401);
        assertThat(logged).contains("Failed login of user \"mallory\\u000aINFO forged line\" from 127.0.0.1 (no such user)");
    }

    @Test
    void theOldUnsaltedLinesAreRefusedWithTheWayToMakeNewOnes() {
        var config = new SmallRyeConfigBuilder().withDefaultValue("quarkus.security.users.embedded.users.dev",
                "98257c8c22ffe63c355c0466e32c98e96d6b9109adcec8eb95fb6f383c561881").build();
        assertThatThrownBy(() -> Logins.users(config)).hasMessage("user dev: its password is stored as an unsalted "
                + "SHA-256, which Sluice no longer accepts; make its line again with: java -jar quarkus-run.jar "
                + "credentials dev <roles> (docs/security.md#users-and-roles)");
        var weak = new SmallRyeConfigBuilder().withDefaultValue("quarkus.security.users.embedded.users.dev",
                "pbkdf2-sha256:1000:Y2FuYXJ5Y2FuYXJ5Y2FuYQ==:dXNlcnMtY2FuYXJ5LXVzZXJzLWNhbmFyeS11c2VycyE=").build();
        assertThatThrownBy(() -> Logins.users(weak)).hasMessageStartingWith("user dev: its password is not stored as "
                + "pbkdf2-sha256:<iterations of at least 100000>");
    }

    @Test
    void aStoredPasswordIsSaltedAndChecked() {
        String one = PasswordHash.of("same".toCharArray());
        String two = PasswordHash.of("same".toCharArray());
        assertThat(one).startsWith("pbkdf2-sha256:600000:").isNotEqualTo(two);
        assertThat(PasswordHash.parse("u", one).matches("same".toCharArray())).isTrue();
        assertThat(PasswordHash.parse("u", one).matches("Same".toCharArray())).isFalse();
    }
}
