package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

    private final AnomalyDetector detector = new AnomalyDetector(80.0, new SimpleMeterRegistry());

    @Test
    void marksOnlyTemperaturesAboveTheThresholdAndCountsThem() {
        assertThat(detector.apply(new HashMap<>(Map.of("temperature_c", 80.01)))).containsEntry("anomaly", true);
        assertThat(detector.apply(new HashMap<>(Map.of("temperature_c", 80.0)))).containsEntry("anomaly", false);
        assertThat(detector.apply(new HashMap<>(Map.of("temperature_c", 95)))).containsEntry("anomaly", true);
        assertThat(detector.apply(new HashMap<>(Map.of("temperature_c", "hot")))).containsEntry("anomaly", false);
        assertThat(detector.apply(new HashMap<>())).containsEntry("anomaly", false);
        assertThat(detector.anomalies()).isEqualTo(2);
    }
}
