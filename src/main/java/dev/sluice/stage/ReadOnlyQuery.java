package dev.sluice.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * The one kind of SQL a routes file may hold: a lookup's query, read by a real SQL parser (JSqlParser) and allowed
 * when it is exactly one {@code SELECT} that reads tables and calls only the functions of {@link #FUNCTIONS}: no
 * {@code INTO}, no locking clause, no table functions ({@code CSVREAD}, {@code FILE_READ}, {@code pg_read_file}…), no
 * system catalogs. The database role pipelines run as is the second fence (docs/security.md): it may read and write
 * rows and nothing else.
 */
public final class ReadOnlyQuery {

    /** The functions a lookup query may call: arithmetic, text, dates, conditions and aggregates. */
    public static final Set<String> FUNCTIONS = Set.of("abs", "ceil", "ceiling", "floor", "round", "trunc", "mod",
            "power", "sqrt", "sign", "greatest", "least", "coalesce", "nullif", "lower", "upper", "length",
            "char_length", "character_length", "trim", "ltrim", "rtrim", "btrim", "substring", "substr", "left",
            "right", "replace", "concat", "concat_ws", "position", "strpos", "lpad", "rpad", "split_part", "date_trunc",
            "date_part", "now", "current_date", "current_timestamp", "count", "sum", "min", "max", "avg", "bool_and",
            "bool_or", "every", "string_agg");

    /** Schemas of the databases' own catalogs, which a lookup has no business reading. */
    private static final Set<String> CATALOGS = Set.of("information_schema", "pg_catalog", "pg_toast");

    private ReadOnlyQuery() {
    }

    /** Why {@code sql} may not be a lookup's query, or null when it may. */
    public static String problem(String sql) {
        Statements statements;
        try {
            statements = CCJSqlParserUtil.parseStatements(sql);
        } catch (JSQLParserException e) {
            String reason = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            return "not a SELECT the SQL parser can read: " + String.valueOf(reason).lines().findFirst().orElse("");
        }
        if (statements.size() != 1) {
            return "a lookup query is one SELECT, not " + statements.size() + " statements";
        }
        Statement statement = statements.get(0);
        if (!(statement instanceof Select select)) {
            return "a lookup query is a SELECT, not " + statement.getClass().getSimpleName().toUpperCase(Locale.ROOT);
        }
        Reader reader = new Reader();
        try {
            reader.getTables((Statement) select);
        } catch (RuntimeException e) {
            return "a lookup query is a plain SELECT: " + e.getMessage();
        }
        return reader.problems.isEmpty() ? null : String.join("; ", reader.problems);
    }

    /** Walks every part of the statement, subqueries included, noting what a lookup may not do. */
    private static final class Reader extends TablesNamesFinder<Void> {
        final List<String> problems = new ArrayList<>();
        final Set<String> functions = new TreeSet<>();

        Reader() {
            init(false);
        }

        @Override
        public <S> Void visit(PlainSelect select, S context) {
            if (select.getIntoTables() != null && !select.getIntoTables().isEmpty()) {
                problems.add("SELECT … INTO writes a table");
            }
            if (select.getForMode() != null || select.getForUpdateTable() != null) {
                problems.add("a locking clause (FOR UPDATE, FOR SHARE) is not allowed");
            }
            return super.visit(select, context);
        }

        @Override
        public <S> Void visit(TableFunction function, S context) {
            String name = function.getFunction().getName();
            functions.add(String.valueOf(name).toLowerCase(Locale.ROOT));
            problems.add("table function " + name + " is not allowed in a lookup query");
            return super.visit(function, context);
        }

        @Override
        public <S> Void visit(Table table, S context) {
            String schema = table.getSchemaName() == null ? "" : table.getSchemaName().toLowerCase(Locale.ROOT);
            String name = table.getName().toLowerCase(Locale.ROOT).replace("\"", "");
            if (CATALOGS.contains(schema.replace("\"", "")) || name.startsWith("pg_")) {
                problems.add("the system catalog " + table.getFullyQualifiedName() + " is not allowed");
            }
            return super.visit(table, context);
        }

        @Override
        public <S> Void visit(Function function, S context) {
            String name = function.getName() == null ? "" : function.getName().toLowerCase(Locale.ROOT);
            if (!FUNCTIONS.contains(name) && functions.add(name)) {
                problems.add("function " + function.getName() + " is not allowed in a lookup query (docs/security.md "
                        + "lists those that are)");
            }
            return super.visit(function, context);
        }
    }
}
