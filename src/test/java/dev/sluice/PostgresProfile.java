package dev.sluice;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The application on the PostgreSQL server that the test command starts ({@code scripts/postgres.sh}): the tables
 * owned by {@code sluice}, the pipelines running as {@code sluice_pipelines} (rows only), the region reference read
 * from a database table instead of the CSV file.
 */
public class PostgresProfile implements QuarkusTestProfile {

    public static final String URL = System.getenv().getOrDefault("SLUICE_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:55432/sluice");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "sluice.db.url", URL,
                "sluice.db.username", "sluice",
                "sluice.db.password", "sluice",
                "sluice.db.pipelines-username", "sluice_pipelines",
                "sluice.db.pipelines-password", "sluice_pipelines",
                "sluice.reference.robot-regions", "table:robot_regions");
    }
}
