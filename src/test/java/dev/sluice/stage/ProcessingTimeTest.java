package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ProcessingTimeTest {

    @Test
    void setsTheFieldToNowInUtcWithMilliseconds() throws Exception {
        ProcessingTime stage = new ProcessingTime();
        stage.setField("processed_at");
        Map<String, Object> record = new LinkedHashMap<>(Map.of("robot_id", "r-1"));
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(record);

        Instant before = Instant.now();
        stage.process(exchange);
        Instant after = Instant.now();

        String stamped = (String) record.get("processed_at");
        assertThat(stamped).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(Instant.parse(stamped)).isBetween(before.minusMillis(1), after);
        assertThat(record).containsEntry("robot_id", "r-1").hasSize(2);
    }
}
