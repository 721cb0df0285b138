package dev.sluice;

import static io.restassured.RestAssured.when;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A pipeline's metrics as users read them: the JSON of /pipelines and the Prometheus text of /q/metrics. */
public final class Metrics {

    private Metrics() {
    }

    public static Map<String, Object> pipeline(String name) {
        return when().get("/pipelines/" + name).then().statusCode(200).extract().as(new io.restassured.common.mapper.TypeRef<>() {
        });
    }

    public static long delta(Map<String, Object> before, Map<String, Object> after, String key) {
        return (long) (number(after, key) - number(before, key));
    }

    public static double number(Map<String, Object> report, String key) {
        return ((Number) report.get(key)).doubleValue();
    }

    public static double batches(String pipeline, String reason) {
        return meter("sluice_batches_total", "pipeline=\"" + pipeline + "\",reason=\"" + reason + "\"");
    }

    /** The value of a Prometheus sample whose labels contain {@code labels}, 0 if absent. */
    public static double meter(String name, String labels) {
        String text = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE).matcher(text);
        while (m.find()) {
            if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0.0;
    }
}
