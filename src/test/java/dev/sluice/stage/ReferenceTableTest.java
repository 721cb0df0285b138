package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

import dev.sluice.record.Location;
import dev.sluice.record.RecordOrigin;
import dev.sluice.record.TestAcks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceTableTest {

    private static InputStream csv(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsQuotedValuesWithCommasAndQuotesAsOneCell() throws IOException {
        var rows = ReferenceTable.readCsv(csv("customer_id,name,tier\nc-1,\"Smith, John\",gold\nc-2,\"Say \"\"hi\"\"\",silver\n"),
                "customer_id", Map.of());

        assertThat(rows.get("c-1")).containsEntry("name", "Smith, John").containsEntry("tier", "gold");
        assertThat(rows.get("c-2")).containsEntry("name", "Say \"hi\"");
    }

    @Test
    void typesTheColumnsItIsToldTo() throws IOException {
        var rows = ReferenceTable.readCsv(csv("currency,rate,digits,active\nUSD,0.92,2,true\nJPY,0.0061,0,false\nXXX,,,\n"),
                "currency", Map.of("rate", FieldType.DECIMAL, "digits", FieldType.INTEGER, "active", FieldType.BOOLEAN));

        assertThat(rows.get("USD")).containsEntry("rate", new BigDecimal("0.92")).containsEntry("digits", 2L)
                .containsEntry("active", true);
        assertThat(rows.get("JPY").get("rate")).isEqualTo(new BigDecimal("0.0061"));
        assertThat(rows.get("XXX")).containsEntry("rate", null).containsEntry("digits", null);
    }

    @Test
    void saysWhatIsWrongWithTheFile() {
        assertThatThrownBy(() -> ReferenceTable.readCsv(csv("id,zone\nr-1,a\n"), "robot_id", Map.of()))
                .hasMessage("Reference CSV header [id, zone] lacks the key column robot_id");
        assertThatThrownBy(() -> ReferenceTable.readCsv(csv("currency,rate\nUSD,zero\n"), "currency",
                Map.of("rate", FieldType.DECIMAL)))
                .hasMessage("Reference CSV column rate holds 'zero', not a number");
        assertThatThrownBy(() -> ReferenceTable.readCsv(csv("currency,rate\nUSD,1\n"), "currency",
                Map.of("fee", FieldType.DECIMAL)))
                .hasMessage("Reference CSV header [currency, rate] lacks the typed column fee");
    }

    @Test
    void anEmptyFileIsAnError() {
        assertThatThrownBy(() -> ReferenceTable.readCsv(csv(""), "robot_id", Map.of()))
                .hasMessage("Reference CSV is empty: it needs a header row naming its columns");
    }

    @Test
    void shipsARegionForEightyOfTheHundredSampleRobots() throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("reference/robot-regions.csv")) {
            var rows = ReferenceTable.readCsv(in, "robot_id", Map.of());
            assertThat(rows).hasSize(80);
            assertThat(rows.get("r-0001")).containsEntry("region", "eu-west");
            assertThat(rows.get("r-0080")).containsEntry("region", "ap-south");
            assertThat(rows).doesNotContainKey("r-0081");
        }
    }

    @Test
    void aLookupFillsTheTypedValueAndTheTypedDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tiers.csv");
        Files.writeString(file, "customer_id,discount\nc-1,0.15\n");
        ReferenceLookup lookup = new ReferenceLookup();
        lookup.setReference("file:" + file);
        lookup.setKeyField("customer_id");
        lookup.setTargetField("discount");
        lookup.setTypes("discount:decimal");
        lookup.setDefaultValue("0");
        lookup.setCamelContext(new DefaultCamelContext());

        assertThat(enrich(lookup, Map.of("customer_id", "c-1"))).containsEntry("discount", new BigDecimal("0.15"));
        assertThat(enrich(lookup, Map.of("customer_id", "c-9"))).containsEntry("discount", BigDecimal.ZERO);
    }

    @Test
    void aTableReloadsWhenItsFileChanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rates.csv");
        Files.writeString(file, "currency,rate\nUSD,0.92\n");
        ReferenceTable table = new ReferenceTable();
        table.setSource(file.toString());
        table.setKey("currency");
        table.setTypes("rate:decimal");
        table.setReload("on-change");
        table.setCamelContext(new DefaultCamelContext());
        assertThat(table.row("USD")).containsEntry("rate", new BigDecimal("0.92"));

        Files.writeString(file, "currency,rate\nUSD,0.93\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));

        assertThat(table.row("USD")).containsEntry("rate", new BigDecimal("0.93"));
    }

    @Test
    void aTableThatCannotBeReloadedKeepsItsRows(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("rates.csv");
        Files.writeString(file, "currency,rate\nUSD,0.92\n");
        ReferenceTable table = new ReferenceTable();
        table.setSource(file.toString());
        table.setKey("currency");
        table.setTypes("rate:decimal");
        table.setReload("on-change");
        table.setCamelContext(new DefaultCamelContext());
        table.row("USD");

        Files.writeString(file, "currency,rate\nUSD,broken\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));

        assertThat(table.row("USD")).containsEntry("rate", new BigDecimal("0.92"));
    }

    @Test
    void aRecordTheLookupCannotHandleCountsAsFailed() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ReferenceLookup lookup = new ReferenceLookup();
        lookup.setReference("classpath:reference/robot-regions.csv");
        lookup.setKeyField("robot_id");
        lookup.setTargetField("region");
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        new RecordOrigin(new dev.sluice.metrics.PipelineStats("p", registry, failed -> {
        }), new Location.FileLine("f", 1), new byte[0],
                TestAcks.NONE, false).attachTo(exchange);
        exchange.getIn().setBody("not a record");

        assertThatThrownBy(() -> lookup.process(exchange)).isInstanceOf(InvalidPayloadException.class);

        assertThat(registry.get("sluice.stage.records").tags("stage", "lookup region", "outcome", "failed").counter()
                .count()).isEqualTo(1.0);
    }

    private static Map<String, Object> enrich(ReferenceLookup lookup, Map<String, Object> record) throws Exception {
        Exchange exchange = new DefaultExchange(lookup.getCamelContext());
        exchange.getIn().setBody(new HashMap<>(record));
        lookup.process(exchange);
        @SuppressWarnings("unchecked")
        Map<String, Object> out = exchange.getIn().getBody(Map.class);
        return out;
    }
}
