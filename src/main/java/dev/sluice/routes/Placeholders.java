package dev.sluice.routes;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The settings a routes file may read, as {@code {{key}}} or {@code {{key:default}}} in any value: the pipelines'
 * own ({@code sluice.pipelines.*}), the reference tables' locations ({@code sluice.reference.*}) and
 * {@code sluice.kafka.enabled}; never a secret, another setting, the environment or the system properties. Sluice
 * puts them in itself, before any value reaches Camel, and the default may not hold another placeholder.
 */
public final class Placeholders {

    /** The keys routes files may read, as docs/security.md states them. */
    public static final String VISIBLE = "sluice.pipelines.*, sluice.reference.*, sluice.kafka.enabled";

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private Placeholders() {
    }

    /** Whether a routes file may read the setting {@code key}. */
    public static boolean visible(String key) {
        return KEY.matcher(key).matches() && (key.startsWith("sluice.pipelines.") || key.startsWith("sluice.reference.")
                || key.equals("sluice.kafka.enabled"));
    }

    /** {@code text} with every placeholder replaced by its setting, or its default when the setting is not set. */
    static String resolve(String text, Function<String, String> settings) throws RoutesException {
        int open = text.indexOf("{{");
        if (open < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        while (open >= 0) {
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                throw new RoutesException("placeholder '" + text.substring(open) + "' is not closed with }}");
            }
            String inside = text.substring(open + 2, close);
            if (inside.contains("{{")) {
                throw new RoutesException("placeholder {{" + inside + "}}: a placeholder may not hold another one");
            }
            int colon = inside.indexOf(':');
            String key = colon < 0 ? inside : inside.substring(0, colon);
            if (!visible(key)) {
                throw new RoutesException("placeholder {{" + inside + "}} is not allowed: a routes file reads only the "
                        + "settings " + VISIBLE + " (no secrets, env:, sys: or other keys)");
            }
            String value = settings.apply(key);
            if (value == null && colon < 0) {
                throw new RoutesException("setting " + key + " is not set and {{" + key + "}} has no default: set it, "
                        + "or write {{" + key + ":<default>}}");
            }
            out.append(text, from, open).append(value != null ? value : inside.substring(colon + 1));
            from = close + 2;
            open = text.indexOf("{{", from);
        }
        return out.append(text.substring(from)).toString();
    }
}
