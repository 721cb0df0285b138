package dev.sluice.source;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The file consumer options every file pipeline shares, in one place: a pipeline's {@code from: file:<dir>} names its
 * directory, and {@link #complete} adds what it does not set itself.
 * <ul>
 * <li>{@code include=.*\.jsonl}: JSON Lines files only;</li>
 * <li>{@code readLock=changed}, {@code readLockMinAge=1000}, {@code readLockCheckInterval=250}: a file is read once it
 * stopped changing;</li>
 * <li>{@code readLockMinLength=0}: an empty file is read too (no records) and moves to done; Camel's default of 1
 * would leave it locked in place for good, holding up the files behind it;</li>
 * <li>{@code sortBy=file:modified;file:name}: oldest first;</li>
 * <li>{@code initialDelay=0}: the directory is looked at once the pipeline starts, so readiness does not wait;</li>
 * <li>{@code filter=#sluiceNoSymlinks}: symbolic links are never followed ({@link NoSymlinks});</li>
 * <li>{@code readLockDeleteOrphanLockFiles=true}: a lock file left by a crash never blocks its file;</li>
 * <li>{@code move}: a file done goes to {@code sluice.pipelines.<pipeline>.done-dir} (default {@code ../done},
 * relative to the input directory) under its name and the time it was done.</li>
 * </ul>
 */
public final class FileConsumerOptions {

    /** A file is read once it has not changed for this long. */
    static final long READ_LOCK_MIN_AGE_MILLIS = 1000;

    private FileConsumerOptions() {
    }

    /** The options for the file pipeline {@code pipeline}, by name, as they go into its endpoint URI. */
    static Map<String, String> defaults(String pipeline) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("include", "RAW(.*\\.jsonl)");
        options.put("readLock", "changed");
        options.put("readLockMinAge", Long.toString(READ_LOCK_MIN_AGE_MILLIS));
        options.put("readLockCheckInterval", "250");
        options.put("readLockMinLength", "0");
        options.put("sortBy", "RAW(file:modified;file:name)");
        options.put("initialDelay", "0");
        options.put("filter", "#" + NoSymlinks.NAME);
        options.put("readLockDeleteOrphanLockFiles", "true");
        options.put("move", "RAW({{sluice.pipelines." + pipeline + ".done-dir:../done}}/"
                + "${file:name.noext.single}-${date:now:yyyyMMdd-HHmmssSSS}.jsonl)");
        return options;
    }

    /** {@code uri} ({@code file:...}) with the options of {@link #defaults} it does not set. */
    public static String complete(String uri, String pipeline) {
        int query = uri.indexOf('?');
        String given = query < 0 ? "" : uri.substring(query + 1);
        StringBuilder completed = new StringBuilder(uri);
        char separator = query < 0 ? '?' : '&';
        boolean deletes = hasOption(given, "delete");
        for (Map.Entry<String, String> option : defaults(pipeline).entrySet()) {
            if (!hasOption(given, option.getKey()) && !(deletes && option.getKey().equals("move"))) {
                completed.append(separator).append(option.getKey()).append('=').append(option.getValue());
                separator = '&';
            }
        }
        return completed.toString();
    }

    private static boolean hasOption(String query, String name) {
        for (String pair : query.split("&")) {
            if (pair.equals(name) || pair.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
    }
}
