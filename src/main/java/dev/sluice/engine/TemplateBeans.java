package dev.sluice.engine;

import dev.sluice.stage.JsonRecordParser;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** The default of the templates' {@code parser} parameter (dev.sluice.routes.Templates). */
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
}
