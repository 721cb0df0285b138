package dev.sluice.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The orders pipeline on a directory and a currency-rates file of the live-page test's own. */
public class LivePageProfile implements QuarkusTestProfile {

    static final String DIR = "target/test-data/page";

    /** The rates without CHF; written before the service starts, which checks that reference files exist. */
    static final String RATES = "currency,rate,name\nEUR,1,Euro\nUSD,0.92,Dollar\n";

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Files.createDirectories(Path.of(DIR));
            Files.writeString(Path.of(DIR, "currency-rates.csv"), RATES);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("sluice.pipelines.orders.input-dir", DIR + "/in",
                "sluice.reference.currency-rates", DIR + "/currency-rates.csv",
                "sluice.pipelines.orders.batch-window", "200");
    }
}
