package dev.sluice.sink;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sink endpoints a pipeline writes to, read without making them: what {@code validate} checks before anything
 * runs ({@code sluice-table:<table>?mode&key&unmapped&version&rounding}).
 */
public final class SinkUris {

    private SinkUris() {
    }

    /**
     * What is wrong with a table sink against the database as it is now (the table, its key, the columns the options
     * need), or null.
     */
    public static String tableProblem(Connection connection, String uri) {
        try {
            TableMapping.read(connection, path(uri), tableOptions(uri));
            return null;
        } catch (SQLException | IllegalArgumentException e) {
            return uri + ": " + e.getMessage();
        }
    }

    /** The path of an endpoint URI: what follows the scheme, without {@code //} and options (a table, a directory). */
    public static String path(String uri) {
        return uri.substring(uri.indexOf(':') + 1).replaceFirst("\\?.*", "").replaceFirst("^//", "");
    }

    private static TableOptions tableOptions(String uri) {
        Map<String, String> options = options(uri);
        return TableOptions.of(options.get("mode"), options.get("key"), options.get("unmapped"), options.get("version"),
                options.get("rounding"));
    }

    private static Map<String, String> options(String uri) {
        Map<String, String> options = new LinkedHashMap<>();
        int query = uri.indexOf('?');
        if (query < 0) {
            return options;
        }
        for (String pair : uri.substring(query + 1).split("&")) {
            if (!pair.isEmpty()) {
                String[] kv = pair.split("=", 2);
                options.put(kv[0], kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return options;
    }
}
