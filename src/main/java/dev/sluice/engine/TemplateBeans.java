package dev.sluice.engine;

import dev.sluice.stage.JsonRecordParser;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.camel.Processor;

/** The defaults of the templates' {@code parser} and {@code stages} parameters (dev.sluice.routes.Templates). */
@ApplicationScoped
public class TemplateBeans {

    /** Any JSON object is a record; anything else is dead-lettered. */
    @Produces
    @Named("sluiceJsonRecord")
    @Unremovable
    @Singleton // called for every record: no client proxy in between
    JsonRecordParser anyJsonObject() {
        return new JsonRecordParser();
    }

    /** The stage of a pipeline without stages: the record goes on as it is. */
    @Produces
    @Named("sluiceNoStage")
    @Unremovable
    @Singleton
    Processor noStage() {
        return exchange -> {
        };
    }
}
