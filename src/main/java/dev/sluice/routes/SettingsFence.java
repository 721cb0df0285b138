package dev.sluice.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.camel.CamelContext;
import org.apache.camel.Ordered;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.component.properties.PropertiesFunctionResolver;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.quarkus.main.events.BeforeConfigure;
import org.apache.camel.spi.LoadablePropertiesSource;
import org.apache.camel.spi.PropertiesFunction;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.util.OrderedProperties;

/**
 * Keeps the service's secrets (the database password, the Kafka SASL and SSL settings, the users) where nothing
 * Camel evaluates can read them, whatever a check above it misses: Camel's properties component sees only Camel's own
 * settings ({@code camel.*}) and those routes files may read ({@link Placeholders#visible}); it reads no environment
 * variable and no system property by itself, and has no functions ({@code env:}, {@code sys:}, {@code bean:}…).
 * Sluice reads its secrets through its own configuration, which Camel's properties component no longer reaches.
 */
@ApplicationScoped
public class SettingsFence {

    /** What Camel's properties component may answer. */
    static boolean reachable(String key) {
        return key.startsWith("camel.") || Placeholders.visible(key);
    }

    void beforeConfigure(@Observes BeforeConfigure event) {
        fence(event.getCamelContext());
    }

    /** Again once Camel's main has applied camel.component.properties.* settings, which could reopen the modes. */
    void afterConfigure(@Observes AfterConfigure event) {
        fence(event.getCamelContext());
    }

    static void fence(CamelContext camel) {
        PropertiesComponent properties = (PropertiesComponent) camel.getPropertiesComponent();
        List<PropertiesSource> open = new ArrayList<>();
        properties.getPropertiesSources().removeIf(source -> !(source instanceof Fenced) && open.add(source));
        open.forEach(source -> properties.addPropertiesSource(new Fenced(source, SettingsFence::reachable)));
        properties.setEnvironmentVariableMode(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_NEVER);
        properties.setSystemPropertiesMode(PropertiesComponent.SYSTEM_PROPERTIES_MODE_NEVER);
        properties.setPropertiesFunctionResolver(NO_FUNCTIONS);
    }

    private static final PropertiesFunctionResolver NO_FUNCTIONS = new PropertiesFunctionResolver() {
        @Override
        public void addPropertiesFunction(PropertiesFunction function) {
            throw new UnsupportedOperationException("Sluice's properties have no functions");
        }

        @Override
        public Map<String, PropertiesFunction> getFunctions() {
            return Map.of();
        }

        @Override
        public boolean hasFunction(String name) {
            return false;
        }

        @Override
        public PropertiesFunction resolvePropertiesFunction(String name) {
            return null;
        }
    };

    /** A source of Camel's properties that answers only for the keys it may. */
    static final class Fenced implements LoadablePropertiesSource, Ordered {
        private final PropertiesSource source;
        private final Predicate<String> reachable;

        Fenced(PropertiesSource source, Predicate<String> reachable) {
            this.source = source;
            this.reachable = reachable;
        }

        @Override
        public String getName() {
            return "fenced " + source.getName();
        }

        @Override
        public String getProperty(String name) {
            return reachable.test(name) ? source.getProperty(name) : null;
        }

        @Override
        public String getProperty(String name, String defaultValue) {
            return reachable.test(name) ? source.getProperty(name, defaultValue) : defaultValue;
        }

        @Override
        public Properties loadProperties() {
            return loadProperties(key -> true);
        }

        @Override
        public Properties loadProperties(Predicate<String> filter) {
            Properties answer = new OrderedProperties();
            if (source instanceof LoadablePropertiesSource loadable) {
                Properties loaded = loadable.loadProperties(key -> reachable.test(key) && filter.test(key));
                loaded.stringPropertyNames().stream().filter(key -> reachable.test(key) && filter.test(key))
                        .forEach(key -> answer.put(key, loaded.getProperty(key)));
            }
            return answer;
        }

        @Override
        public void reloadProperties(String location) {
            if (source instanceof LoadablePropertiesSource loadable) {
                loadable.reloadProperties(location);
            }
        }

        @Override
        public int getOrder() {
            return source instanceof Ordered ordered ? ordered.getOrder() : Ordered.LOWEST;
        }
    }
}
