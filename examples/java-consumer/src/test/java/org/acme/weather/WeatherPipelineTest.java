package org.acme.weather;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.api.RunMetrics;
import dev.sluice.dependency.Database;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WeatherPipelineTest {

    @Inject
    WeatherPipeline weather;

    @Inject
    Database database;

    private static Map<String, Object> reading(String station, long seq, Object fahrenheit) {
        Map<String, Object> reading = new HashMap<>();
        reading.put("station", station);
        reading.put("seq", seq);
        reading.put("fahrenheit", fahrenheit);
        return reading;
    }

    @Test
    void readingsBecomeRowsInCelsiusWithTheirCountry() throws Exception {
        RunMetrics metrics = weather.load(List.of(reading("ws-1", 1, 212), reading("ws-2", 1, 50.5),
                reading("ws-1", 2, "broken"), reading("ws-3", 1, -40)));

        assertThat(metrics.recordsProcessed()).isEqualTo(3);
        assertThat(metrics.recordsFiltered()).isEqualTo(1);
        assertThat(metrics.errors()).isZero();
        List<String> rows = new ArrayList<>();
        try (Connection connection = database.connection();
                ResultSet result = connection.createStatement().executeQuery(
                        "SELECT station, seq, celsius, country FROM readings ORDER BY station, seq")) {
            while (result.next()) {
                rows.add(result.getString(1) + "|" + result.getLong(2) + "|" + result.getBigDecimal(3) + "|"
                        + result.getString(4));
            }
        }
        assertThat(rows).containsExactly("ws-1|1|100.00|NO", "ws-2|1|10.28|CL", "ws-3|1|-40.00|??");
    }
}
