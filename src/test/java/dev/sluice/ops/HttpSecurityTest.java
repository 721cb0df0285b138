package dev.sluice.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.sluice.Management;
import dev.sluice.PipelineFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * Who may do what over HTTP: nobody without credentials, each user only what its roles allow, only JSON records,
 * bodies and requests within their limits, and health and metrics on the management port only.
 */
@QuarkusTest
@TestProfile(HttpSecurityTest.Users.class)
class HttpSecurityTest {

    static final String RECORDS = "/pipelines/robot-telemetry-http/records";
    static final String RECORD = "{\"robot_id\":\"s-1\",\"ts\":\"2026-11-26T10:00:00Z\",\"seq\":1,\"status\":\"active\"}";

    public static class Users implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.security.users.embedded.users.reader", hash("r-pass"),
                    "quarkus.security.users.embedded.roles.reader", "read",
                    "quarkus.security.users.embedded.users.feeder", hash("f-pass"),
                    "quarkus.security.users.embedded.roles.feeder", "ingest:robot-telemetry-http",
                    "quarkus.security.users.embedded.users.stranger", hash("s-pass"),
                    "quarkus.security.users.embedded.roles.stranger", "ingest:another-pipeline",
                    "quarkus.security.users.embedded.users.operator", hash("o-pass"),
                    "quarkus.security.users.embedded.roles.operator", "operate",
                    "sluice.http.max-records-per-request", "3",
                    "sluice.http.max-body-bytes", "2K");
        }
    }

    /** The stored form of a password, as the credentials command makes it. */
    static String hash(String password) {
        return PasswordHash.of(password.toCharArray());
    }

    @Test
    void nobodyGetsInWithoutCredentials() {
        given().auth().none().contentType("application/json").body(RECORD).post(RECORDS).then().statusCode(401)
                .header("WWW-Authenticate", "Basic realm=\"Sluice\"")
                .body("error", startsWith("authentication required"));
        given().auth().none().get("/pipelines").then().statusCode(401);
        given().auth().none().contentType("application/json").post("/pipelines/robot-telemetry-etl/resume").then()
                .statusCode(401);
        given().auth().preemptive().basic("feeder", "wrong").contentType("application/json").body(RECORD).post(RECORDS)
                .then().statusCode(401);
    }

    @Test
    void eachUserDoesOnlyWhatItsRolesAllow() {
        given().auth().preemptive().basic("reader", "r-pass").get("/pipelines").then().statusCode(200);
        given().auth().preemptive().basic("reader", "r-pass").contentType("application/json").body(RECORD).post(RECORDS)
                .then().statusCode(403).body("error", is("user reader may not post records to pipeline "
                        + "robot-telemetry-http: it needs the role ingest or ingest:robot-telemetry-http"));
        given().auth().preemptive().basic("reader", "r-pass").contentType("application/json")
                .post("/pipelines/robot-telemetry-etl/resume").then().statusCode(403);
        // operate alone: resume and replay, nothing to read
        given().auth().preemptive().basic("operator", "o-pass").contentType("application/json")
                .post("/pipelines/robot-telemetry-etl/resume").then().statusCode(200).body("name",
                        is("robot-telemetry-etl"));
        given().auth().preemptive().basic("operator", "o-pass").contentType("application/json")
                .body("{\"ids\":[\"file:none\"]}").post("/pipelines/robot-telemetry-etl/dead-letters/replay").then()
                .statusCode(200).body("replayed", is(0));
        given().auth().preemptive().basic("operator", "o-pass").get("/pipelines").then().statusCode(403);
        given().auth().preemptive().basic("reader", "r-pass").contentType("application/json").body("{\"all\":true}")
                .post("/pipelines/robot-telemetry-etl/dead-letters/replay").then().statusCode(403);
        given().auth().preemptive().basic("reader", "r-pass").get("/pipelines/robot-telemetry-etl/dead-letters").then()
                .statusCode(200);
        // the live page and its files: the read role, like the API it polls
        given().auth().preemptive().basic("reader", "r-pass").get("/").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("<title>Sluice"));
        given().auth().preemptive().basic("reader", "r-pass").get("/service").then().statusCode(200);
        given().auth().none().get("/").then().statusCode(401);
        given().auth().none().get("/live/page.js").then().statusCode(401);
        given().auth().preemptive().basic("stranger", "s-pass").get("/").then().statusCode(403);
        given().auth().preemptive().basic("stranger", "s-pass").contentType("application/json").body(RECORD).post(RECORDS)
                .then().statusCode(403);
        given().auth().preemptive().basic("feeder", "f-pass").get("/pipelines").then().statusCode(403);
        given().auth().preemptive().basic("feeder", "f-pass").contentType("application/json").body(RECORD).post(RECORDS)
                .then().statusCode(202).body("accepted", is(1));
    }

    @Test
    void aDeadLetterSaysWhoSentTheRecord() {
        PipelineFiles.clean(Path.of("target/test-data/dlq"));
        given().auth().preemptive().basic("feeder", "f-pass").contentType("application/x-ndjson")
                .body("{\"robot_id\":\"s-2\"}\n".getBytes(StandardCharsets.UTF_8)).post(RECORDS).then().statusCode(202);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(PipelineFiles.deadLetters(
                Path.of("target/test-data/dlq/robot-telemetry-http.jsonl"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("sender", "feeder")
                        .containsEntry("reason", "missing required field 'ts'")));
    }

    @Test
    void onlyJsonIsTaken() {
        for (String type : new String[] { "text/plain", "image/png" }) {
            given().contentType(type).body(RECORD.getBytes(StandardCharsets.UTF_8)).post(RECORDS).then().statusCode(415)
                    .body("error", startsWith("a request that changes something is sent as application/json"));
        }
        // what an HTML form in a user's browser would send
        given().formParam("robot_id", "s-9").post(RECORDS).then().statusCode(415);
    }

    @Test
    void aRequestBeyondItsLimitsIsRefusedWith413() {
        given().contentType("application/json").body("[{\"a\":1},{\"a\":2},{\"a\":3},{\"a\":4}]").post(RECORDS).then()
                .statusCode(413).body("error", is("more than 3 records in one request "
                        + "(sluice.http.max-records-per-request): split it"));
        given().contentType("application/json").body("{\"a\":\"" + "x".repeat(3000) + "\"}").post(RECORDS).then()
                .statusCode(413);
    }

    @Test
    void healthAndMetricsAreOnTheManagementPortOnly() {
        given().get("/q/health").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
        Management.given().get("/q/health/ready").then().statusCode(200);
        Management.given().get("/q/metrics").then().statusCode(200);
    }
}
