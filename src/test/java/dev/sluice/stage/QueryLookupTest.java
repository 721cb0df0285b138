package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.sluice.config.SluiceConfig;
import dev.sluice.dependency.Database;
import dev.sluice.dependency.DependencyHealth;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The query enrich on a real (embedded) database: what it adds, and which answers it keeps. */
class QueryLookupTest {

    static final SluiceConfig CONFIG = new SmallRyeConfigBuilder().withMapping(SluiceConfig.class)
            .withDefaultValue("sluice.db.url", "jdbc:h2:mem:query-lookup;DB_CLOSE_DELAY=-1;MODE=PostgreSQL;"
                    + "DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE")
            .withDefaultValue("sluice.kafka.bootstrap-servers", "unused:9092").build()
            .unwrap(SmallRyeConfig.class).getConfigMapping(SluiceConfig.class);

    static Database database;

    final DefaultCamelContext camel = new DefaultCamelContext();
    final QueryLookup carrier = new QueryLookup();

    @BeforeAll
    static void open() throws Exception {
        database = new Database(CONFIG);
    }

    QueryLookupTest() throws Exception {
        camel.getRegistry().bind("database", database);
        camel.getRegistry().bind("health", new DependencyHealth(database, dev.sluice.runtime.PipelineRuntimes.unwatched(CONFIG)));
        camel.getRegistry().bind("config", SluiceConfig.class, CONFIG);
        // made after the start, so granted here: at a start the owner grants the pipelines' role every table
        try (Connection connection = database.ownerConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS ql_carriers");
            statement.execute("CREATE TABLE ql_carriers (zone TEXT PRIMARY KEY, carrier TEXT, max_kg INTEGER)");
            statement.execute("INSERT INTO ql_carriers VALUES ('north', 'Posten', 30)");
            statement.execute("GRANT SELECT ON ql_carriers TO " + Database.H2_PIPELINES_USER);
        }
        carrier.setCamelContext(camel);
        carrier.setQuery("SELECT carrier, max_kg FROM ql_carriers WHERE zone = :zone");
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private Map<String, Object> parcel(String zone) throws Exception {
        Map<String, Object> record = new LinkedHashMap<>(Map.of("zone", zone));
        return carrier.apply(record);
    }

    @Test
    void addsTheFirstRowsColumnsAndNothingWithoutARow() throws Exception {
        assertThat(parcel("north")).containsExactly(Map.entry("zone", "north"), Map.entry("carrier", "Posten"),
                Map.entry("max_kg", 30));
        assertThat(parcel("south")).containsExactly(Map.entry("zone", "south"));
    }

    @Test
    void aMissIsAskedAgain_soARowAddedAfterADeadLetterCountsOnReplay() throws Exception {
        assertThat(parcel("west")).doesNotContainKey("carrier");
        try (Connection connection = database.ownerConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO ql_carriers VALUES ('west', 'Bring', 20)");
        }

        assertThat(parcel("west")).containsEntry("carrier", "Bring").containsEntry("max_kg", 20);
    }
}
