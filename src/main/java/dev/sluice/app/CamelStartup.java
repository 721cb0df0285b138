package dev.sluice.app;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.camel.quarkus.core.CamelRuntime;

/**
 * Starts Camel when the application starts, in every mode and in tests. Camel Quarkus does this itself only when
 * its own main class runs; Sluice has a main of its own ({@link SluiceMain}) for its commands, and an application
 * that uses Sluice as a library has its own.
 */
@ApplicationScoped
public class CamelStartup {

    void start(@Observes StartupEvent event, CamelRuntime camel) {
        camel.start(new String[0]);
    }
}
