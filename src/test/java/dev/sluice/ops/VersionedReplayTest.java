package dev.sluice.ops;

import static io.restassured.RestAssured.given;
import static io.restassured.RestAssured.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.sluice.PipelineFiles;
import dev.sluice.Rows;
import dev.sluice.dependency.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * The shipped orders pipeline upserts by revision: an order's first revision is dead-lettered (its currency has no
 * rate), its second is written; once the rate is there, replaying the first is stale. The row keeps the second,
 * the replay says so, and the dead letter is closed.
 */
@QuarkusTest
@TestProfile(LivePageProfile.class)
class VersionedReplayTest {

    static final Path DIR = Path.of(LivePageProfile.DIR);

    @Inject
    Database database;

    @Test
    void aReplayedOlderRevisionIsStaleAndChangesNothing() throws Exception {
        Rows rows = new Rows(database);
        rows.execute("DELETE FROM orders WHERE order_id LIKE 'rv-%'");
        PipelineFiles.clean(DIR.resolve("in"));
        PipelineFiles.clean(Path.of("target/test-data/dlq"));
        Files.writeString(DIR.resolve("currency-rates.csv"), LivePageProfile.RATES);
        Files.setLastModifiedTime(DIR.resolve("currency-rates.csv"), FileTime.from(Instant.now().plusSeconds(1)));

        PipelineFiles.drop(DIR.resolve("in"), "revisions.jsonl", String.join("\n",
                order("rv-1", "30.00", "CHF", 1), order("rv-1", "40.00", "EUR", 2), "").getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(rows.query("SELECT revision, amount_eur FROM orders WHERE order_id = 'rv-1'")).containsExactly(
                    Map.of("revision", 2L, "amount_eur", new BigDecimal("40.00")));
            assertThat(when().get("/pipelines/orders/dead-letters").then().extract().jsonPath()
                    .getList("dead_letters")).hasSize(1);
        });

        Files.writeString(DIR.resolve("currency-rates.csv"), "CHF,1.05,Franc\n", StandardOpenOption.APPEND);
        Files.setLastModifiedTime(DIR.resolve("currency-rates.csv"), FileTime.from(Instant.now().plusSeconds(3)));
        given().contentType(ContentType.JSON).body(Map.of("all", true)).post("/pipelines/orders/dead-letters/replay")
                .then().statusCode(200).body("replayed", is(1)).body("outcomes.stale", is(1))
                .body("results[0].outcome", is("stale"));

        assertThat(rows.query("SELECT revision, amount, currency FROM orders WHERE order_id = 'rv-1'")).containsExactly(
                Map.of("revision", 2L, "amount", new BigDecimal("40.00"), "currency", "EUR"));
        when().get("/pipelines/orders/dead-letters").then().body("total", is(1)).body("open", is(0))
                .body("dead_letters[0].replay.outcome", is("stale"));
        assertThat(((Number) when().get("/pipelines/orders").then().extract().path("records_stale")).longValue())
                .isPositive();
    }

    private static String order(String id, String amount, String currency, int revision) {
        return "{\"order_id\":\"" + id + "\",\"customer_id\":\"c-001\",\"status\":\"paid\",\"amount\":" + amount
                + ",\"currency\":\"" + currency + "\",\"revision\":" + revision + "}";
    }
}
