package dev.sluice.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesWhatDatabindWritesForEveryKindOfValue() throws Exception {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("text", "tab\t \"quoted\" \\ ünïcødé 🙂 \u0001");
        record.put("int", 42);
        record.put("long", Long.MAX_VALUE);
        record.put("double", 0.1 + 0.2);
        record.put("tiny", 4.9E-324);
        record.put("nan", Double.NaN);
        record.put("decimal", new BigDecimal("12.500"));
        record.put("big", new BigInteger("123456789012345678901234567890"));
        record.put("flag", false);
        record.put("nothing", null);
        record.put("list", Arrays.asList(1, "two", null, List.of(3.5), Map.of("k", true)));
        record.put("nested", Map.of("deeper", Map.of("x", -1)));
        record.put("short", (short) 7);
        record.put("uuid", UUID.fromString("00000000-0000-0000-0000-000000000001"));

        assertThat(Json.writeString(record)).isEqualTo(Json.MAPPER.writeValueAsString(record));
        // byte for byte: the UTF-8 writer escapes characters outside the BMP where the text writer does not
        assertThat(new String(Json.writeBytes(record), StandardCharsets.UTF_8))
                .isEqualTo(new String(Json.MAPPER.writeValueAsBytes(record), StandardCharsets.UTF_8));
    }

    @Test
    void readsDoublesExactlyAsJavaDoes() {
        for (String number : List.of("0.1", "2.2250738585072014E-308", "1.7976931348623157E308", "36.6", "-0.0",
                "123456.78901234567")) {
            Map<String, Object> record = Json.parseObject("{\"v\":" + number + "}");
            assertThat(record.get("v")).as(number).isEqualTo(Double.parseDouble(number));
        }
    }
}
