package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.sluice.record.InvalidRecordException;
import dev.sluice.record.StageException;
import net.thisptr.jackson.jq.exception.JsonQueryException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JqStagesTest {

    private static JqMapping mapping(String expression) throws JsonQueryException {
        JqMapping mapping = new JqMapping();
        mapping.setExpression(expression);
        mapping.setCamelContext(new DefaultCamelContext());
        return mapping;
    }

    private static Map<String, Object> record(Object... pairs) {
        Map<String, Object> record = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            record.put((String) pairs[i], pairs[i + 1]);
        }
        return record;
    }

    @Test
    void setsRenamesAndRemovesFieldsInOneExpression() throws Exception {
        Map<String, Object> out = mapping("{id: .order_id, total: .amount, status} | .source = \"shop\"")
                .apply(record("order_id", "o-1", "amount", 12L, "status", "paid", "note", "x"));

        assertThat(out).containsExactlyInAnyOrderEntriesOf(Map.of("id", "o-1", "total", 12L, "status", "paid",
                "source", "shop"));
    }

    @Test
    void decimalArithmeticIsExact() throws Exception {
        // with doubles, 123.45 * 0.92 is 113.57400000000001 and 0.1 + 0.2 is 0.30000000000000004
        JqMapping mapping = mapping("""
                .amount_eur = decimal_mul(.amount; $rate) | .sum = decimal_add(0.1; 0.2)
                | .third = decimal_div(.amount; 3; 4) | .rounded = decimal_round(decimal_mul(.amount; $rate); 2)""");
        mapping.setVariables("{\"rate\": 0.92}");
        Map<String, Object> out = mapping.apply(record("amount", new BigDecimal("123.45")));

        assertThat(out.get("amount_eur")).isEqualTo(new BigDecimal("113.5740"));
        assertThat(out.get("sum")).isEqualTo(new BigDecimal("0.3"));
        assertThat(out.get("third")).isEqualTo(new BigDecimal("41.1500"));
        assertThat(out.get("rounded")).isEqualTo(new BigDecimal("113.57"));
        assertThat(out.get("amount")).isEqualTo(new BigDecimal("123.45"));
    }

    @Test
    void variablesComeFromAReferenceTable(@TempDir Path dir) throws Exception {
        Path rates = dir.resolve("rates.csv");
        Files.writeString(rates, "currency,rate\nUSD,0.92\n\"GBP\",1.17\n");
        CamelContext camel = new DefaultCamelContext();
        ReferenceTable table = new ReferenceTable();
        table.setSource(rates.toString());
        table.setKey("currency");
        table.setTypes("rate:decimal");
        table.setCamelContext(camel);
        camel.getRegistry().bind("currencyRates", table);
        JqMapping mapping = new JqMapping();
        mapping.setExpression(".amount_eur = decimal_mul(.amount; $rates[.currency])");
        mapping.setTables("rates=currencyRates.rate");
        mapping.setCamelContext(camel);

        assertThat(mapping.apply(record("amount", new BigDecimal("10.10"), "currency", "GBP")))
                .containsEntry("amount_eur", new BigDecimal("11.8170"));
    }

    @Test
    void anErrorOrANonObjectResultNamesTheExpression() throws Exception {
        assertThatThrownBy(() -> mapping(".total = (.amount - .discount)").apply(record("amount", "12", "discount", 2L)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("jq '.total = (.amount - .discount)' failed: ");
        assertThatThrownBy(() -> mapping(".amount").apply(record("amount", 12L)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("jq '.amount' gave 12, not a record (an object)");
        assertThatThrownBy(() -> mapping(".a, .b").apply(record("a", Map.of(), "b", Map.of())))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("jq '.a, .b' gave 2 results, not one record");
        // a long program is quoted by its first 200 characters, on one line
        String program = ".x = 1\n" + "| .y = 2 ".repeat(60) + "| .total = (.amount - .discount)";
        assertThatThrownBy(() -> mapping(program).apply(record("amount", "12", "discount", 2L)))
                .hasMessageStartingWith("jq '.x = 1\\n| .y = 2 ").hasMessageContaining("…' failed: ")
                .satisfies(e -> assertThat(e.getMessage().indexOf("…' failed")).isEqualTo(4 + 200));
    }

    @Test
    void noOutputDropsTheRecord() throws Exception {
        assertThat(mapping("select(.status == \"paid\")").apply(record("status", "open"))).isNull();
        assertThat(mapping("select(.status == \"paid\")").apply(record("status", "paid"))).containsEntry("status", "paid");
    }

    @Test
    void anExpressionThatDoesNotCompileFailsWhenTheStageIsMade() {
        assertThatThrownBy(() -> mapping(".amount_eur = (.amount *"))
                .isInstanceOf(JsonQueryException.class);
    }

    @Test
    void aFilterMatchesOnJqTruth() throws Exception {
        JqFilter unpaid = new JqFilter();
        unpaid.setExpression(".status != \"paid\"");
        assertThat(unpaid.matches(exchange(record("status", "open")))).isTrue();
        assertThat(unpaid.matches(exchange(record("status", "paid")))).isFalse();

        JqFilter large = new JqFilter();
        large.setExpression(".amount > $limit");
        large.setVariables("{\"limit\": 100}");
        assertThat(large.matches(exchange(record("amount", 100.5)))).isTrue();
        assertThat(large.matches(exchange(record("amount", 99L)))).isFalse();

        // jq's truth: only false and null are false; an object, an empty string, 0 and [] are true
        JqFilter kept = new JqFilter();
        kept.setExpression(".meta");
        assertThat(kept.matches(exchange(record("meta", Map.of("a", 1))))).isTrue();
        assertThat(kept.matches(exchange(record("meta", Map.of())))).isTrue();
        assertThat(kept.matches(exchange(record("meta", 0L)))).isTrue();
        assertThat(kept.matches(exchange(record("meta", "")))).isTrue();
        assertThat(kept.matches(exchange(record("meta", java.util.List.of())))).isTrue();
        assertThat(kept.matches(exchange(record("meta", false)))).isFalse();
        assertThat(kept.matches(exchange(record("other", 1L)))).isFalse();
    }

    @Test
    void timestampsWithOffsetsGiveExactDurations() throws Exception {
        Map<String, Object> out = mapping("""
                .minutes = (seconds_between(.start; .end) / 60) | .exact = seconds_between(.start; .end)
                | .day = (.start | epoch_seconds | floor | strftime("%Y-%m-%d")) | .until = (.end | epoch_seconds)""")
                .apply(record("start", "2026-03-29T01:30:00+01:00", "end", "2026-03-29T03:30:00.125+02:00"));

        assertThat(out.get("exact")).isEqualTo(new BigDecimal("3600.125"));
        assertThat(out.get("minutes")).isEqualTo(60.00208333333333);
        assertThat(out.get("day")).isEqualTo("2026-03-29");
        assertThat(out.get("until")).isEqualTo(new BigDecimal("1774747800.125"));
    }

    @Test
    void aRecordWithAnInfiniteNumberIsRefusedWithItsField() {
        assertThatThrownBy(() -> mapping(".meta.big = 1e1000").apply(record("meta", new HashMap<>())))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("jq '.meta.big = 1e1000' gave field 'meta.big' an infinite number or NaN, which no column "
                        + "or JSON holds");
    }

    @Test
    void aFilterThatFailsOnARecordFailsThatRecordWithTheExpression() throws Exception {
        JqFilter filter = new JqFilter();
        filter.setExpression(".amount - 1 > 0");
        assertThatThrownBy(() -> filter.matches(exchange(record("amount", "ten"))))
                .isInstanceOf(RuntimeCamelException.class)
                .cause().isInstanceOf(StageException.class)
                .cause().hasMessageStartingWith("jq '.amount - 1 > 0' failed: ");
    }

    private static Exchange exchange(Map<String, Object> record) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(record);
        return exchange;
    }
}
