package dev.sluice.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

import dev.sluice.DevCredentials;
import dev.sluice.PipelineFiles;
import dev.sluice.Rows;
import dev.sluice.dependency.Database;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live page in a real browser (Debian's chromium, driven by Selenium) against the running service and its real
 * orders pipeline: the counts change as a file is processed, an order in a currency the rates file lacks is
 * dead-lettered and listed with its reason, and once the rate is added, the Replay button on the page writes it to
 * the orders table. Leaves a screenshot in target/live-page.png (docs/live-page.png is one of these).
 */
@QuarkusTest
@TestProfile(LivePageProfile.class)
class LivePageBrowserTest {

    static final Path DIR = Path.of(LivePageProfile.DIR);
    static final Path RATES = DIR.resolve("currency-rates.csv");

    @TestHTTPResource("/")
    URL service;

    @Inject
    Database database;

    ChromeDriver browser;
    Rows rows;

    @BeforeEach
    void openThePage() throws Exception {
        rows = new Rows(database);
        rows.execute("DELETE FROM orders WHERE order_id LIKE 'page-%'");
        PipelineFiles.clean(DIR.resolve("in"));
        PipelineFiles.clean(Path.of("target/test-data/dlq"));
        Files.writeString(RATES, LivePageProfile.RATES);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900");
        browser = new ChromeDriver(new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).build(), options);
        // HTTP Basic credentials in the address, as an operator's browser would ask for them
        browser.get(service.toString().replace("://", "://" + DevCredentials.USER + ":" + DevCredentials.PASSWORD + "@"));
    }

    @AfterEach
    void close() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOperatorSeesTheCountsFindsTheDeadLetterFixesTheRatesAndReplaysItFromThePage() throws Exception {
        WebElement orders = waitFor(() -> browser.findElements(By.cssSelector("section[data-pipeline='orders']"))
                .stream().findFirst().orElse(null));
        String written = text(orders, ".records-processed");
        String errors = text(orders, ".errors");

        PipelineFiles.drop(DIR.resolve("in"), "page-orders.jsonl", String.join("\n",
                order("page-1", "paid", "12.50", "EUR"), order("page-2", "paid", "20.00", "USD"),
                order("page-3", "cancelled", "5.00", "EUR"), order("page-4", "paid", "30.00", "CHF"), "")
                .getBytes(StandardCharsets.UTF_8));

        // the counts change on the page as the file is processed
        waitFor(() -> text(orders, ".records-processed").equals(String.valueOf(Long.parseLong(written) + 2))
                && text(orders, ".errors").equals(String.valueOf(Long.parseLong(errors) + 1)) ? true : null);
        assertThat(rows.query("SELECT order_id FROM orders WHERE order_id LIKE 'page-%' ORDER BY order_id"))
                .containsExactly(Map.of("order_id", "page-1"), Map.of("order_id", "page-2"));

        // the dead letter, with why
        orders.findElement(By.cssSelector(".dead-letters summary")).click();
        WebElement letter = waitFor(() -> orders.findElements(By.cssSelector(".dead-letters tbody tr")).stream()
                .filter(row -> row.findElement(By.cssSelector(".record")).getAttribute("title").contains("page-4"))
                .findFirst().orElse(null));
        assertThat(text(orders, ".dead-letter-count")).isEqualTo("1");
        assertThat(letter.findElement(By.cssSelector(".stage")).getText()).isEqualTo("to-euro");
        assertThat(letter.findElement(By.cssSelector(".reason")).getAttribute("title")).isNotBlank();

        // fix the rates, replay from the page, see the row
        Files.writeString(RATES, "CHF,1.05,Franc\n", StandardOpenOption.APPEND);
        Files.setLastModifiedTime(RATES, FileTime.from(Instant.now().plusSeconds(2)));
        letter.findElement(By.cssSelector("button.replay")).click();
        waitFor(() -> browser.findElement(By.id("message")).getText().contains("replayed 1: 1 written") ? true : null);
        assertThat(rows.query("SELECT order_id, currency, amount_eur FROM orders WHERE order_id = 'page-4'"))
                .containsExactly(Map.of("order_id", "page-4", "currency", "CHF",
                        "amount_eur", new java.math.BigDecimal("31.50")));
        waitFor(() -> orders.findElements(By.cssSelector(".dead-letters tbody tr .replay")).stream()
                .anyMatch(cell -> cell.getText().equals("written")) ? true : null);

        Files.write(Path.of("target/live-page.png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /**
     * A page of another site, opened in the operator's browser (which holds the service's Basic credentials): it
     * posts to resume and replay with fetch, with and without a content type, submits forms to both, and frames the
     * live page. None of it reaches the service: the dead letter stays unreplayed, and the frame stays empty.
     */
    @Test
    void aPageOfAnotherSiteChangesNothingAndCannotFrameThePage() throws Exception {
        PipelineFiles.drop(DIR.resolve("in"), "page-cross.jsonl", (order("page-9", "paid", "9.00", "CHF") + "\n")
                .getBytes(StandardCharsets.UTF_8));
        waitFor(() -> io.restassured.RestAssured.given().get("/pipelines/orders/dead-letters").jsonPath()
                .getList("dead_letters").size() == 1 ? true : null);
        Files.writeString(RATES, "CHF,1.05,Franc\n", StandardOpenOption.APPEND); // a replay would now write it
        Files.setLastModifiedTime(RATES, FileTime.from(Instant.now().plusSeconds(2)));
        String target = service.toString().replaceFirst("/$", "");
        String hostile = """
                <!doctype html><html><body>
                <form id="resume" method="post" target="sink1" action="%1$s/pipelines/orders/resume"></form>
                <form id="replay" method="post" target="sink2" enctype="text/plain"
                      action="%1$s/pipelines/orders/dead-letters/replay"><input name='{"all":true,"x":"' value='"}'></form>
                <iframe name="sink1"></iframe><iframe name="sink2"></iframe>
                <iframe id="framed" src="%1$s/"></iframe>
                <script>
                  const replay = '%1$s/pipelines/orders/dead-letters/replay';
                  const tries = [
                    fetch('%1$s/pipelines/orders/resume', {method: 'POST', credentials: 'include', mode: 'no-cors'}),
                    fetch('%1$s/pipelines/orders/resume', {method: 'POST', credentials: 'include', mode: 'no-cors',
                                   body: new Blob(['{}'])}),
                    fetch(replay, {method: 'POST', credentials: 'include', mode: 'no-cors',
                                   body: new Blob(['{"all":true}'])}),
                    fetch(replay, {method: 'POST', credentials: 'include', mode: 'no-cors', body: '{"all":true}'}),
                    fetch(replay, {method: 'POST', credentials: 'include', mode: 'no-cors',
                                   headers: {'Content-Type': 'text/plain'}, body: '{"all":true}'}),
                    fetch(replay, {method: 'POST', credentials: 'include',
                                   headers: {'Content-Type': 'application/json'}, body: '{"all":true}'})];
                  Promise.allSettled(tries).then(() => {
                    document.getElementById('resume').submit();
                    document.getElementById('replay').submit();
                    setTimeout(() => document.title = 'done', 2000);
                  });
                </script></body></html>""".formatted(target);
        com.sun.net.httpserver.HttpServer other = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] page = hostile.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        other.start();
        // The worst case of a browser that remembers the login: it sends the credentials with every request to the
        // service, whichever page makes it (Chrome keeps credentials typed into its prompt for cross-site requests too).
        browser.executeCdpCommand("Network.enable", Map.of());
        browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((DevCredentials.USER + ":" + DevCredentials.PASSWORD)
                        .getBytes(StandardCharsets.UTF_8)))));
        try {
            browser.get("http://127.0.0.1:" + other.getAddress().getPort() + "/evil.html");
            waitFor(() -> "done".equals(browser.getTitle()) ? true : null);
            browser.switchTo().frame("framed");
            assertThat(browser.getPageSource()).as("the live page inside another site's frame")
                    .doesNotContain("<title>Sluice");
            browser.switchTo().defaultContent();
        } finally {
            other.stop(0);
        }
        Thread.sleep(1000);
        assertThat(io.restassured.RestAssured.given().get("/pipelines/orders/dead-letters").jsonPath()
                .getList("dead_letters.replay")).as("the dead letter's replay").containsExactly((Object) null);
        assertThat(rows.query("SELECT order_id FROM orders WHERE order_id = 'page-9'")).isEmpty();
    }

    private static String order(String id, String status, String amount, String currency) {
        return "{\"order_id\":\"" + id + "\",\"customer_id\":\"c-1\",\"status\":\"" + status + "\",\"amount\":" + amount
                + ",\"currency\":\"" + currency + "\",\"ordered_at\":\"2026-12-01T10:00:00Z\",\"revision\":1}";
    }

    private static String text(WebElement card, String selector) {
        return card.findElement(By.cssSelector(selector)).getText();
    }

    private <T> T waitFor(Supplier<T> found) {
        try {
            return new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> found.get());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("The page did not get there; it shows: " + browser.findElement(By.tagName("body"))
                    .getText(), e);
        }
    }
}
