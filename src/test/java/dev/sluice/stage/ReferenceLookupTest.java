package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import dev.sluice.metrics.PipelineMetrics;
import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ReferenceLookupTest {

    private static ByteArrayInputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheNamedColumnsOfACsvWithAHeader() throws IOException {
        assertThat(ReferenceLookup.loadCsv(csv("region,robot_id,owner\neu-west,r-1,a\n\n\"us-east\", \"r-2\" ,b\n"),
                "robot_id", "region")).containsOnly(java.util.Map.entry("r-1", "eu-west"),
                        java.util.Map.entry("r-2", "us-east"));
    }

    @Test
    void saysWhichColumnIsMissing() {
        assertThatThrownBy(() -> ReferenceLookup.loadCsv(csv("id,zone\n"), "robot_id", "region"))
                .hasMessage("Reference CSV header [id, zone] lacks column robot_id or region");
        assertThatThrownBy(() -> ReferenceLookup.loadCsv(csv(""), "robot_id", "region"))
                .hasMessage("Reference CSV is empty");
    }

    @Test
    void aRecordTheLookupCannotHandleCountsAsFailed() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ReferenceLookup lookup = new ReferenceLookup();
        lookup.setReference("classpath:reference/robot-regions.csv");
        lookup.setKeyField("robot_id");
        lookup.setTargetField("region");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        new RecordOrigin(new PipelineMetrics(registry).pipeline("p"), new Location.FileLine("f", 1), new byte[0],
                TestAcks.NONE, false).attachTo(exchange);
        exchange.getIn().setBody("not a record");

        assertThatThrownBy(() -> lookup.process(exchange)).isInstanceOf(InvalidPayloadException.class);

        assertThat(registry.get("sluice.stage.records").tags("stage", "lookup region", "outcome", "failed").counter()
                .count()).isEqualTo(1.0);
    }

    @Test
    void shipsARegionForEightyOfTheHundredSampleRobots() throws IOException {
        try (var in = getClass().getClassLoader().getResourceAsStream("reference/robot-regions.csv")) {
            var table = ReferenceLookup.loadCsv(in, "robot_id", "region");
            assertThat(table).hasSize(80).containsEntry("r-0001", "eu-west").containsEntry("r-0080", "ap-south")
                    .doesNotContainKey("r-0081");
        }
    }
}
