package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

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
    void shipsARegionForEightyOfTheHundredSampleRobots() throws IOException {
        try (var in = getClass().getClassLoader().getResourceAsStream("reference/robot-regions.csv")) {
            var table = ReferenceLookup.loadCsv(in, "robot_id", "region");
            assertThat(table).hasSize(80).containsEntry("r-0001", "eu-west").containsEntry("r-0080", "ap-south")
                    .doesNotContainKey("r-0081");
        }
    }
}
