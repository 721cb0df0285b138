package dev.sluice.stage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import dev.sluice.record.Json;
import net.thisptr.jackson.jq.BuiltinFunctionLoader;
import net.thisptr.jackson.jq.Expression;
import net.thisptr.jackson.jq.Function;
import net.thisptr.jackson.jq.Scope;
import net.thisptr.jackson.jq.Version;
import net.thisptr.jackson.jq.Versions;
import net.thisptr.jackson.jq.exception.JsonQueryException;

/**
 * The jq scope of Sluice's jq stages: jq 1.7's built-in functions, and exact decimal arithmetic, which jq's own
 * {@code + - * /} do not give (they compute with doubles, as jq does):
 * <ul>
 * <li>{@code decimal(x)}: x, a number or a numeric string, as an exact decimal;</li>
 * <li>{@code decimal_add(a; b)}, {@code decimal_sub(a; b)}, {@code decimal_mul(a; b)}: exact;</li>
 * <li>{@code decimal_div(a; b; scale)}: rounded half-even to {@code scale} digits after the point;</li>
 * <li>{@code decimal_round(x; scale)}: rounded half-even to {@code scale} digits after the point.</li>
 * </ul>
 * A number read from a record is exact when its schema says {@code decimal}; {@code decimal(…)} makes any number exact
 * from its shortest text (so {@code 0.92} is 0.92, not the double nearest it). Dates and times: {@link JqTime}.
 */
public final class JqFunctions {

    /** The jq version whose built-in functions Sluice's stages offer. */
    public static final Version VERSION = Versions.JQ_1_7;

    private static final Scope ROOT = root();

    private JqFunctions() {
    }

    /** A scope of its own for one stage, over the shared built-ins. */
    public static Scope newScope() {
        return Scope.newChildScope(ROOT);
    }

    private static Scope root() {
        Scope scope = Scope.newEmptyScope();
        BuiltinFunctionLoader.getInstance().loadFunctions(VERSION, scope);
        addDecimalFunctions(scope);
        JqTime.addTo(scope);
        return scope;
    }

    private static void addDecimalFunctions(Scope scope) {
        scope.addFunction("decimal", 1, (s, args, in, path, out, v) -> each(s, args, in, values -> out.emit(
                decimal(exact(values.get(0))), null)));
        scope.addFunction("decimal_add", 2, binary(BigDecimal::add));
        scope.addFunction("decimal_sub", 2, binary(BigDecimal::subtract));
        scope.addFunction("decimal_mul", 2, binary(BigDecimal::multiply));
        scope.addFunction("decimal_div", 3, (s, args, in, path, out, v) -> each(s, args, in, values -> {
            BigDecimal divisor = exact(values.get(1));
            if (divisor.signum() == 0) {
                throw new JsonQueryException("decimal_div: division by zero");
            }
            out.emit(decimal(exact(values.get(0)).divide(divisor, scale(values.get(2)), RoundingMode.HALF_EVEN)), null);
        }));
        scope.addFunction("decimal_round", 2, (s, args, in, path, out, v) -> each(s, args, in, values -> out.emit(
                decimal(exact(values.get(0)).setScale(scale(values.get(1)), RoundingMode.HALF_EVEN)), null)));
    }

    private interface Operation {
        BigDecimal apply(BigDecimal a, BigDecimal b);
    }

    private static Function binary(Operation operation) {
        return (s, args, in, path, out, v) -> each(s, args, in, values -> out.emit(
                decimal(operation.apply(exact(values.get(0)), exact(values.get(1)))), null));
    }

    interface Body {
        void apply(List<JsonNode> values) throws JsonQueryException;
    }

    /** Evaluates each argument on the input and calls {@code body} for every combination of their outputs. */
    static void each(Scope scope, List<Expression> args, JsonNode in, Body body) throws JsonQueryException {
        List<List<JsonNode>> outputs = new ArrayList<>();
        for (Expression arg : args) {
            List<JsonNode> values = new ArrayList<>();
            arg.apply(scope, in, values::add);
            outputs.add(values);
        }
        combine(outputs, 0, new ArrayList<>(), body);
    }

    private static void combine(List<List<JsonNode>> outputs, int index, List<JsonNode> chosen, Body body)
            throws JsonQueryException {
        if (index == outputs.size()) {
            body.apply(List.copyOf(chosen));
            return;
        }
        for (JsonNode value : outputs.get(index)) {
            chosen.add(value);
            combine(outputs, index + 1, chosen, body);
            chosen.remove(chosen.size() - 1);
        }
    }

    /** An exact decimal from a number (its shortest text for a double) or a numeric string. */
    static BigDecimal exact(JsonNode value) throws JsonQueryException {
        if (value.isBigDecimal() || value.isIntegralNumber()) {
            return value.decimalValue();
        }
        if (value.isNumber()) {
            return new BigDecimal(Double.toString(value.doubleValue()));
        }
        if (value.isTextual()) {
            try {
                return new BigDecimal(value.textValue().trim());
            } catch (NumberFormatException e) {
                throw new JsonQueryException("\"" + value.textValue() + "\" is not a number");
            }
        }
        throw new JsonQueryException(Json.describe(value) + " is not a number");
    }

    private static int scale(JsonNode value) throws JsonQueryException {
        if (!value.isIntegralNumber()) {
            throw new JsonQueryException("a scale is a whole number of digits, not " + Json.describe(value));
        }
        return value.intValue();
    }

    private static JsonNode decimal(BigDecimal value) {
        return DecimalNode.valueOf(value);
    }
}
