package dev.sluice.stage;

import java.util.Map;

import dev.sluice.config.SluiceConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/**
 * The seed's custom stage: marks a record whose {@code temperature_c} is above {@code sluice.anomaly.threshold}
 * with {@code "anomaly": true} (others get {@code false}) and counts the anomalies in
 * {@code sluice_anomalies_total}.
 */
@ApplicationScoped
@Named("anomalyDetector")
public class AnomalyDetector implements PipelineStage {

    private final double threshold;
    private final Counter anomalies;

    @Inject
    public AnomalyDetector(SluiceConfig config, MeterRegistry registry) {
        this(config.anomaly().threshold(), registry);
    }

    AnomalyDetector(double threshold, MeterRegistry registry) {
        this.threshold = threshold;
        this.anomalies = Counter.builder("sluice.anomalies")
                .description("Records the anomaly detector marked as anomalous").register(registry);
    }

    @Override
    public Map<String, Object> apply(Map<String, Object> record) {
        boolean anomaly = record.get("temperature_c") instanceof Number t && t.doubleValue() > threshold;
        record.put("anomaly", anomaly);
        if (anomaly) {
            anomalies.increment();
        }
        return record;
    }

    @Override
    public String name() {
        return "anomalyDetector";
    }

    public long anomalies() {
        return (long) anomalies.count();
    }
}
