package dev.sluice.app;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.sluice.config.SluiceConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The settings as the service reads them (environment, system properties, {@code config/application.properties},
 * the packaged {@code application.properties}, the prod profile), for the commands that do not start it:
 * {@code sql} and {@code validate}.
 */
final class Settings {

    private Settings() {
    }

    static SmallRyeConfig load() throws IOException {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withProfile("prod").withMapping(SluiceConfig.class);
        URL packaged = Settings.class.getClassLoader().getResource("application.properties");
        if (packaged != null) {
            builder.withSources(new PropertiesConfigSource(packaged, 250));
        }
        Path local = Path.of("config/application.properties");
        if (Files.isRegularFile(local)) {
            builder.withSources(new PropertiesConfigSource(local.toUri().toURL(), 260));
        }
        return builder.build();
    }
}
