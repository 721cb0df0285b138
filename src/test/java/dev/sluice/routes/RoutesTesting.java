package dev.sluice.routes;

import java.util.HashMap;
import java.util.Map;

import dev.sluice.config.SluiceConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The check of routes files as {@code validate} makes it, under settings of a test's own. */
final class RoutesTesting {

    private RoutesTesting() {
    }

    /** The file roots of the test profile (data, target) and the given settings. */
    static PipelineCheck check(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of("sluice.security.file-roots", "data,target"));
        all.putAll(settings);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class).withDefaultValues(all)
                .build();
        return new PipelineCheck(config.getConfigMapping(SluiceConfig.class),
                key -> config.getOptionalValue(key, String.class).orElse(null), config.getPropertyNames(),
                ApplicationBeans.SLUICE);
    }
}
