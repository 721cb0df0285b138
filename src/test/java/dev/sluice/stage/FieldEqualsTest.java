package dev.sluice.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class FieldEqualsTest {

    private static Exchange record(Object body) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private static FieldEquals predicate(String field, String value, boolean negate) {
        FieldEquals predicate = new FieldEquals();
        predicate.setField(field);
        predicate.setValue(value);
        predicate.setNegate(negate);
        return predicate;
    }

    @Test
    void comparesTheFieldsTextAndMissingFieldsNeverEqual() {
        FieldEquals active = predicate("status", "active", false);
        assertThat(active.matches(record(Map.of("status", "active")))).isTrue();
        assertThat(active.matches(record(Map.of("status", "idle")))).isFalse();
        assertThat(active.matches(record(Map.of("other", "active")))).isFalse();
        assertThat(predicate("seq", "7", false).matches(record(Map.of("seq", 7L)))).isTrue();
        assertThat(predicate("ok", "true", false).matches(record(Map.of("ok", true)))).isTrue();
    }

    @Test
    void negatedMatchesWhatTheSimpleNotEqualsMatches() {
        // simple: "${body[status]} != 'active'" is true for another status and for no status at all
        FieldEquals inactive = predicate("status", "active", true);
        assertThat(inactive.matches(record(Map.of("status", "active")))).isFalse();
        assertThat(inactive.matches(record(Map.of("status", "idle")))).isTrue();
        assertThat(inactive.matches(record(Map.of("seq", 1)))).isTrue();
    }
}
