package dev.sluice.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.sluice.Management;
import dev.sluice.api.RecordsResource;
import dev.sluice.config.SluiceConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

/**
 * The web surface as another site, a browser and a scanner meet it: no write without the API's own content type or
 * from another origin, the page's headers keep it out of frames and caches, only paths in their normal form are
 * routed, and made-up paths add no label to the metrics.
 */
@QuarkusTest
@TestProfile(HttpSecurityTest.Users.class)
class WebSurfaceTest {

    static final String RESUME = "/pipelines/robot-telemetry-etl/resume";
    static final String REPLAY = "/pipelines/robot-telemetry-etl/dead-letters/replay";

    @Test
    void aWriteWithoutTheApisContentTypeIsRefused() {
        // no Content-Type at all: what fetch(url, {method: 'POST', body}) from another site sends as text/plain
        given().post(RESUME).then().statusCode(415).body("error", startsWith("a request that changes something is "
                + "sent as application/json"));
        given().contentType("text/plain").body("{\"all\":true}").post(REPLAY).then().statusCode(415);
        given().formParam("all", "true").post(REPLAY).then().statusCode(415);
        given().contentType("multipart/form-data").multiPart("all", "true").post(RESUME).then().statusCode(415);
        given().contentType("application/json").post(RESUME).then().statusCode(200);
    }

    @Test
    void aWriteFromAnotherOriginIsRefused() {
        given().contentType("application/json").header("Origin", "https://evil.example").post(RESUME).then()
                .statusCode(403).body("error", startsWith("a request that changes something comes from the service's "
                        + "own page, not from https://evil.example"));
        given().contentType("application/json").header("Origin", "null").post(RESUME).then().statusCode(403);
        given().contentType("application/json").header("Referer", "https://evil.example/page.html").body("{\"all\":true}")
                .post(REPLAY).then().statusCode(403);
        given().contentType("application/json").header("Origin", "http://localhost:" + RestAssured.port).post(RESUME)
                .then().statusCode(200);
        given().contentType("application/json").header("Origin", "http://localhost:1").post(RESUME).then()
                .statusCode(403);
    }

    @Test
    void theOriginsOfTheSettingMayWrite() {
        SluiceConfig config = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
                .withDefaultValue("sluice.http.allowed-origins", "https://ops.example.com/").build()
                .getConfigMapping(SluiceConfig.class);
        assertThat(new RequestGuard(config, new LoginThrottle()).refusal(io.vertx.core.http.HttpMethod.POST, RESUME, "application/json", "https://OPS.example.com", null,
                        "sluice.internal:8080")).isNull();
    }

    @Test
    void everyAnswerCarriesThePagesSecurityHeaders() {
        for (String path : List.of("/", "/live/page.js", "/pipelines", "/nowhere")) {
            Response response = given().get(path);
            assertThat(response.header("Content-Security-Policy")).as(path).contains("default-src 'self'")
                    .contains("frame-ancestors 'none'");
            assertThat(response.header("X-Frame-Options")).as(path).isEqualTo("DENY");
            assertThat(response.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(response.header("Referrer-Policy")).as(path).isEqualTo("no-referrer");
            assertThat(response.header("Cache-Control")).as(path).isEqualTo("no-store");
        }
        assertThat(given().auth().none().get("/").header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void onlyPathsInTheirNormalFormAreRouted() throws Exception {
        // sent as written (a client library would normalize some of them first)
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (String path : List.of("/live%2Fpage.js", "/live%2fpage.js", "/live/./page.js", "//live/page.js",
                "/live/page.js;jsessionid=1", "/pipelines/%2e%2e/service", "/live/%2e/page.js", "/live%5Cpage.js",
                "/pipelines/x/..", "/live/page.js%3B", "/live/../pipelines")) {
            java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://localhost:" + RestAssured.port + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(400);
            assertThat(response.body()).as(path).contains("the path is not in its normal form");
        }
        given().auth().none().get("/live/page.js").then().statusCode(401);
    }

    @Test
    void madeUpPathsAddNoLabelToTheMetrics() {
        for (int i = 0; i < 20; i++) {
            given().auth().none().get("/made-up-" + i).then().statusCode(org.hamcrest.Matchers.oneOf(401, 404));
            given().get("/pipelines/nope/made/up/" + i);
        }
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher uri = Pattern.compile("http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"").matcher(metrics);
        List<String> labels = new ArrayList<>();
        while (uri.find()) {
            labels.add(uri.group(1));
        }
        assertThat(labels).isNotEmpty().allMatch(label -> RequestMetrics.PATHS.contains(label)
                || label.equals(RequestMetrics.OTHER)).contains(RequestMetrics.OTHER);
    }

    @Test
    void everyPathOfTheApiHasItsLabel() {
        List<String> paths = new ArrayList<>();
        for (Class<?> resource : List.of(PipelinesResource.class, ServiceResource.class, RecordsResource.class)) {
            String base = resource.getAnnotation(Path.class).value();
            paths.add(base);
            for (Method method : resource.getDeclaredMethods()) {
                if (method.isAnnotationPresent(Path.class)) {
                    paths.add(base + method.getAnnotation(Path.class).value());
                }
            }
        }
        assertThat(RequestMetrics.PATHS).containsAll(paths);
        given().get("/service").then().statusCode(is(200));
    }
}
