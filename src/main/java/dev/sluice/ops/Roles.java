package dev.sluice.ops;

/**
 * The roles of Sluice's HTTP API (docs/security.md). A user holds any of them, set with its credentials.
 */
public final class Roles {

    /** {@code GET /pipelines} and everything else that only reads. */
    public static final String READ = "read";
    /** Acting on a running pipeline: resume it, replay its dead letters. */
    public static final String OPERATE = "operate";
    /** Posting records to any HTTP-fed pipeline. */
    public static final String INGEST = "ingest";

    private Roles() {
    }

    /** Posting records to one HTTP-fed pipeline only. */
    public static String ingest(String pipeline) {
        return INGEST + ":" + pipeline;
    }
}
