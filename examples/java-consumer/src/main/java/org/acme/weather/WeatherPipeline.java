package org.acme.weather;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.sluice.api.DataSource;
import dev.sluice.api.Pipeline;
import dev.sluice.api.RunMetrics;
import dev.sluice.api.Sinks;
import dev.sluice.api.SluiceApi;
import jakarta.enterprise.context.ApplicationScoped;

/** Weather readings in Fahrenheit from stations → valid ones only → Celsius → the station's country → a table. */
@ApplicationScoped
public class WeatherPipeline {

    private static final Map<String, String> COUNTRIES = Map.of("ws-1", "NO", "ws-2", "CL");

    private final SluiceApi sluice;

    public WeatherPipeline(SluiceApi sluice) {
        this.sluice = sluice;
    }

    public RunMetrics load(List<Map<String, Object>> readings) throws Exception {
        Pipeline pipeline = sluice.pipeline("weather")
                .from(DataSource.named("stations", readings::iterator))
                .filter(reading -> reading.get("fahrenheit") instanceof Number)
                .transform(reading -> {
                    BigDecimal f = new BigDecimal(reading.remove("fahrenheit").toString());
                    reading.put("celsius", f.subtract(BigDecimal.valueOf(32)).multiply(BigDecimal.valueOf(5))
                            .divide(BigDecimal.valueOf(9), 2, RoundingMode.HALF_EVEN));
                    return reading;
                })
                .enrich(reading -> Map.of("country", COUNTRIES.getOrDefault(reading.get("station"), "??")))
                .batch(100, Duration.ofMillis(200))
                .to(Sinks.jdbc("readings"));
        return pipeline.run();
    }
}
