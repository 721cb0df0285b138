package dev.sluice.metrics;

import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Makes every meter of /q/metrics follow Prometheus conventions, as {@code promtool check metrics} checks them
 * (docs/operations.md): label names in snake_case (Camel tags its meters {@code routeId}, {@code camelContext}, …),
 * a help text for every meter, no double quotes in help texts (escaped as {@code \"}, which the text format does not
 * allow there), and no abbreviated units or {@code _count} on meters that are not histograms.
 */
public class PrometheusConventions {

    @Produces
    @Singleton
    MeterFilter conventions() {
        return new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                // its unit is nanoseconds, spelled "ns" in the name; process_cpu_usage tells the same
                return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }

            @Override
            public Meter.Id map(Meter.Id id) {
                String name = id.getName().equals("system.cpu.count") ? "system.cpus" : id.getName();
                String description = id.getDescription() == null ? name.replace('.', ' ')
                        : id.getDescription().replace('"', '\'');
                List<Tag> tags = id.getTags().stream().map(t -> Tag.of(snakeCase(t.getKey()), t.getValue())).toList();
                return new Meter.Id(name, io.micrometer.core.instrument.Tags.of(tags), id.getBaseUnit(), description,
                        id.getType());
            }
        };
    }

    static String snakeCase(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
