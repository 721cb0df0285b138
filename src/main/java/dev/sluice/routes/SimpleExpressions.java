package dev.sluice.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.camel.language.simple.SimpleExpressionParser;
import org.apache.camel.language.simple.SimplePredicateParser;
import org.apache.camel.language.simple.ast.BinaryExpression;
import org.apache.camel.language.simple.ast.BooleanExpression;
import org.apache.camel.language.simple.ast.DoubleQuoteStart;
import org.apache.camel.language.simple.ast.LiteralNode;
import org.apache.camel.language.simple.ast.LogicalExpression;
import org.apache.camel.language.simple.ast.NullExpression;
import org.apache.camel.language.simple.ast.NumericExpression;
import org.apache.camel.language.simple.ast.SimpleFunctionStart;
import org.apache.camel.language.simple.ast.SimpleNode;
import org.apache.camel.language.simple.ast.SingleQuoteStart;
import org.apache.camel.language.simple.ast.UnaryExpression;
import org.apache.camel.language.simple.types.SimpleToken;
import org.apache.camel.language.simple.types.TokenType;

/**
 * The simple language as a routes file may use it: parsed by Camel's own parser (whatever opens a function, {@code ${}
 * or {@code $simple{}), then allowed only when every function reads a field of the record ({@code ${body[field]}},
 * nested fields as {@code ${body[a][b]}}) or a header ({@code ${header.name}}, {@code ${headers[name]}}), and every
 * operator compares. No method call, no nested function, no other function (environment, properties, beans,
 * classes, files, dates, other languages), no {@code is} (it loads classes), no {@code regex}, no placeholder and no
 * {@code resource:} script.
 */
public final class SimpleExpressions {

    private static final String KEY = "[A-Za-z0-9_-]+";
    private static final Pattern FUNCTION = Pattern.compile("body(\\[" + KEY + "])*|header\\." + KEY + "|headers\\["
            + KEY + "]|headers\\['" + KEY + "']");
    /** The operators a routes file's simple expression may use. */
    public static final Set<String> OPERATORS = Set.of("==", "!=", ">", ">=", "<", "<=", "=~", "!=~", "&&", "||",
            "contains", "!contains", "~~", "!~~", "startsWith", "endsWith", "in", "!in", "range", "!range");
    /** The functions, as docs/security.md states them. */
    public static final String FUNCTIONS = "${body}, ${body[field]} (also nested: ${body[a][b]}), ${header.name}, "
            + "${headers[name]}";

    private SimpleExpressions() {
    }

    /** Why {@code text} may not be used (as a predicate, or as a message), or null when it may. */
    public static String problem(String text, boolean predicate) {
        if (text.contains("{{")) {
            return "a placeholder {{…}} may not stand in a simple expression once settings are in";
        }
        if (text.trim().startsWith("resource:")) {
            return "resource: would load a script";
        }
        List<String> problems = new ArrayList<>();
        List<SimpleNode> nodes;
        List<SimpleToken> tokens;
        try {
            if (predicate) {
                Predicates parser = new Predicates(text);
                nodes = parser.parseTokens();
                tokens = parser.tokens();
            } else {
                Expressions parser = new Expressions(text);
                nodes = parser.nodes();
                tokens = parser.tokens();
            }
        } catch (RuntimeException e) {
            return "does not compile: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        int[] functions = new int[1];
        nodes.forEach(node -> walk(node, problems, functions));
        long opened = tokens.stream().filter(token -> token.getType().getType() == TokenType.functionStart).count();
        if (problems.isEmpty() && opened != functions[0]) {
            problems.add("a function inside double quotes is not allowed");
        }
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static void walk(SimpleNode node, List<String> problems, int[] functions) {
        if (node instanceof SimpleFunctionStart function) {
            functions[0]++;
            List<SimpleNode> inside = function.getBlock().getChildren();
            String text = inside.size() == 1 && inside.get(0) instanceof LiteralNode literal ? literal.getText() : null;
            if (text == null) {
                problems.add("function " + function + " holds another function: not allowed");
            } else if (!FUNCTION.matcher(text).matches()) {
                problems.add("function ${" + text + "} is not allowed: only " + FUNCTIONS);
            }
        } else if (node instanceof BinaryExpression binary) {
            operator(binary.getOperator().toString(), problems);
            walk(binary.getLeft(), problems, functions);
            walk(binary.getRight(), problems, functions);
        } else if (node instanceof LogicalExpression logical) {
            operator(logical.getOperator().toString(), problems);
            walk(logical.getLeft(), problems, functions);
            walk(logical.getRight(), problems, functions);
        } else if (node instanceof UnaryExpression unary) {
            operator(unary.getOperator().toString(), problems);
        } else if (node instanceof SingleQuoteStart quoted) {
            quoted.getBlock().getChildren().forEach(child -> walk(child, problems, functions));
        } else if (!(node instanceof LiteralNode || node instanceof NumericExpression || node instanceof BooleanExpression
                || node instanceof NullExpression || node instanceof DoubleQuoteStart)) {
            problems.add("'" + node + "' is not allowed");
        }
    }

    private static void operator(String operator, List<String> problems) {
        if (!OPERATORS.contains(operator)) {
            problems.add("operator " + operator + " is not allowed");
        }
    }

    /** Camel's parser of predicates, which parses without evaluating. */
    private static final class Predicates extends SimplePredicateParser {
        Predicates(String text) {
            super(null, text, true, null);
        }

        List<SimpleToken> tokens() {
            return tokens;
        }
    }

    /** Camel's parser of expressions (templates such as a log message); its parse without evaluating is protected. */
    private static final class Expressions extends SimpleExpressionParser {
        Expressions(String text) {
            super(null, text, true, null);
        }

        List<SimpleNode> nodes() {
            return parseTokens();
        }

        List<SimpleToken> tokens() {
            return tokens;
        }
    }
}
