package dev.sluice.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;

/**
 * In the running service, Camel's properties component (which resolves {@code {{…}}} in whatever Camel evaluates)
 * answers only Camel's own settings and those routes files may read: no user's hash, no other Sluice or Quarkus
 * setting, no environment variable, no system property, no function; nor does the simple language's
 * {@code properties:} function.
 */
@QuarkusTest
class SettingsFenceTest {

    @Inject
    CamelContext camel;

    @Inject
    Config config;

    @Test
    void theSettingsRoutesMayReadAreThere() {
        assertThat(camel.resolvePropertyPlaceholders("{{sluice.pipelines.robot-telemetry-etl.input-dir}}"))
                .isEqualTo("target/test-data/etl/in");
    }

    @Test
    void secretsAndOtherSettingsAreNot() {
        assertThat(config.getValue("quarkus.security.users.embedded.users.dev", String.class)).isNotBlank();
        for (String key : new String[] { "quarkus.security.users.embedded.users.dev", "sluice.db.url",
                "sluice.http.spool-dir", "quarkus.http.port", "HOME", "home", "PATH", "user.home", "java.version" }) {
            assertThatThrownBy(() -> camel.resolvePropertyPlaceholders("{{" + key + "}}")).as(key)
                    .hasMessageContaining("not found");
        }
    }

    @Test
    void noFunctionReachesTheEnvironmentTheSystemOrABean() {
        assertThat(camel.resolvePropertyPlaceholders("{{env:HOME}}")).isEqualTo("HOME");
        assertThat(camel.resolvePropertyPlaceholders("{{sys:user.home}}")).isEqualTo("user.home");
        assertThat(camel.resolvePropertyPlaceholders("{{bean:database.toString}}")).isEqualTo("database.toString");
    }

    @Test
    void theSimpleLanguageReadsNoSettingEither() {
        Exchange exchange = new DefaultExchange(camel);
        assertThatThrownBy(() -> camel.resolveLanguage("simple")
                .createExpression("${properties:quarkus.security.users.embedded.users.dev}")
                .evaluate(exchange, String.class)).hasMessageContaining("not found");
    }
}
