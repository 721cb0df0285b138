package dev.sluice.app;

import dev.sluice.api.Pipeline;
import dev.sluice.api.Sinks;
import dev.sluice.api.Sources;
import dev.sluice.api.SluiceApi;
import dev.sluice.config.SluiceConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.camel.quarkus.main.events.AfterStart;
import org.jboss.logging.Logger;

/**
 * {@code robot-telemetry-http}, a pipeline written in Java: records posted to
 * {@code POST /pipelines/robot-telemetry-http/records} (spooled to disk before the answer) → the YAML stages
 * {@code direct:robot-telemetry-stages} → batches → table robot_telemetry. It shows Java and YAML pipelines sharing
 * one engine.
 */
@ApplicationScoped
public class HttpPipeline {

    private static final Logger LOG = Logger.getLogger(HttpPipeline.class);

    static final String NAME = "robot-telemetry-http";

    private final SluiceApi sluice;
    private final SluiceConfig config;
    private Pipeline pipeline;

    public HttpPipeline(SluiceApi sluice, SluiceConfig config) {
        this.sluice = sluice;
        this.config = config;
    }

    /** After the YAML routes, whose stages it uses, have started. */
    void start(@Observes AfterStart event) throws Exception {
        if (!config.http().enabled()) {
            return;
        }
        if (event.getCamelContext().getRoute("robot-telemetry-stages") == null) {
            // an application without the shipped robot pipelines (Sluice as a library): nothing to feed
            LOG.infof("No route robot-telemetry-stages: the HTTP pipeline %s is not started", NAME);
            return;
        }
        pipeline = sluice.pipeline(NAME)
                .from(Sources.http())
                .parser("robotTelemetryParser")
                .via("direct:robot-telemetry-stages")
                .to(Sinks.jdbc("robot_telemetry"));
        pipeline.start();
    }

    void stop(@Observes ShutdownEvent event) throws Exception {
        if (pipeline != null) {
            pipeline.stop();
        }
    }
}
