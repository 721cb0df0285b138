package dev.sluice.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every {@code sluice.*} setting of the service, declared once with its default. {@code docs/configuration.md}
 * documents each key; {@code ConfigurationDocTest} fails when a key here is missing there.
 */
@ConfigMapping(prefix = "sluice")
public interface SluiceConfig {

    /** Directory of the pipeline files (*.yaml), read at start-up: a mounted ConfigMap in Kubernetes. */
    @WithDefault("routes")
    String routesDir();

    /**
     * Reload a pipeline file when it changes, after the same checks as at start-up: a file that fails them leaves
     * the running pipelines as they are. On in dev mode.
     */
    @WithDefault("false")
    boolean routesReload();

    /**
     * Settings of each pipeline, by pipeline name, which the pipeline's YAML reads through placeholders with
     * defaults: see Pipeline settings below.
     */
    Map<String, Map<String, String>> pipelines();

    /** Location of each reference table used by enrich stages, by name: see Pipeline settings below. */
    Map<String, String> reference();

    Db db();

    Batch batch();

    Source source();

    Retry retry();

    Kafka kafka();

    Http http();

    ErrorBudget errorBudget();

    Security security();

    DeadLetter deadLetter();

    Anomaly anomaly();

    RunOnce runOnce();

    /**
     * Set by the {@code test} command, not by hand: every pipeline reads its input from {@code <dir>/<pipeline>/} and
     * topic sinks keep their messages instead of sending them (docs/pipelines.md, "Testing a pipeline").
     */
    Optional<Path> fixturesDir();

    interface Db {
        /**
         * The embedded H2 file database, in this process only: it opens no port (the {@code sql} command opens it
         * while the service is stopped). {@code WRITE_DELAY=0}: a commit is in the file when it returns, so what a
         * source is told is written (a row, a dead letter) is not lost if the disk fills or the process dies after
         * (H2's default writes a second later, and a full disk then loses commits already answered:
         * DeadLettersOnAFullDiskTest).
         */
        String H2_FILE = "jdbc:h2:file:./data/sluice;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                + "NON_KEYWORDS=VALUE;WRITE_DELAY=0";

        /** JDBC URL of the sink database; the H2 file database under data/ when unset. */
        @WithDefault(H2_FILE)
        String url();

        /**
         * The database role that owns the tables: it applies the migrations and grants the pipelines' role its rights.
         */
        Optional<String> username();

        /** Password of {@code username}: from a Secret (environment or a mounted file), never in a file of the image. */
        Optional<String> password();

        /**
         * The role pipelines' connections use, which may only read, insert and update rows (docs/deploy.md). On the
         * embedded H2 database Sluice makes one itself when unset; on PostgreSQL, unset, pipelines use the owner's
         * role and Sluice warns at start.
         */
        Optional<String> pipelinesUsername();

        /** Password of {@code pipelines-username}: from a Secret, never in a file of the image. */
        Optional<String> pipelinesPassword();

        /** Maximum connections in the pool. */
        @WithDefault("4")
        int poolSize();

        /**
         * How long start-up waits out a database that is not ready for the migrations (connection refused, too many
         * clients, a pool that gets no connection, a server starting or shutting down), retrying with growing pauses
         * while readiness says so; after that the service exits with code 1 and the reason.
         */
        @WithDefault("PT5M")
        Duration startupTimeout();

        /**
         * Apply the SQL migrations at start-up (Flyway): Sluice's own tables, then those in {@code migrations-dir}.
         * Off: the tables are made by someone else, with the same files (docs/first-pipeline.md).
         */
        @WithDefault("true")
        boolean migrate();

        /**
         * A directory of your own versioned SQL migrations ({@code V1__orders.sql} …), applied after Sluice's own;
         * an {@code h2} or {@code postgresql} subdirectory in it is used for that database only. Mount it from a
         * ConfigMap in Kubernetes.
         */
        Optional<Path> migrationsDir();
    }

    interface Batch {
        /** Records per batch of a pipeline that does not set its own (Java pipelines, stream processors). */
        @WithDefault("500")
        int size();

        /** Longest a batch stays open after its first record, for a pipeline that does not set its own window. */
        @WithDefault("PT1S")
        Duration window();

        /**
         * Bytes of records (as read) at which a batch closes even before its size, for a pipeline that does not set
         * {@code sluice.pipelines.<pipeline>.batch-bytes}: bounds the memory of batches of large records.
         */
        @WithDefault("4194304")
        long bytes();

        /**
         * Flush on idle: a batch also closes when its last record was the last its source had ready (the end of a
         * file or of an HTTP request, the end of a Kafka poll), so a trickle is written at once instead of at the end
         * of the window; a flood still fills batches. Records handed in by Java code keep to size and window.
         */
        @WithDefault("true")
        boolean flushOnIdle();
    }

    interface Source {
        /**
         * The largest record, in bytes, from any source (a line of a file, a Kafka value, a record posted over HTTP); a
         * longer one is dead-lettered with only its first bytes, before it is parsed. It also bounds what the JSON
         * parser accepts (document and string length).
         */
        @WithDefault("1048576")
        int maxRecordBytes();

        /**
         * Attempts at a file (failures and crashes while reading it both count) before it is moved to the pipeline's
         * error directory ({@code sluice.pipelines.<pipeline>.error-dir}, default {@code ../error}) with a dead letter
         * saying why.
         */
        @WithDefault("3")
        int fileAttempts();
    }

    interface Kafka {
        /** Run the Kafka pipelines; off by default, so the service starts without a broker. */
        @WithDefault("false")
        boolean enabled();

        /** Kafka bootstrap servers, for every Kafka pipeline, sink and dead-letter topic. */
        @WithDefault("localhost:9092")
        String bootstrapServers();

        /** The dead-letter topic of a source topic is the source topic's name with this suffix. */
        @WithDefault(".dlq")
        String deadLetterSuffix();

        /**
         * Largest dead letter written to a dead-letter topic, key, value and headers together: below the brokers'
         * message.max.bytes. A record too large for it is dead-lettered as a cut copy marked
         * {@code sluice.error.truncated}, with its original size and SHA-256.
         */
        @WithDefault("1000000")
        int deadLetterMaxBytes();

        /**
         * Records of one partition in flight (read, not yet settled) before the partition is paused; it resumes when
         * half of them settled. Bounds memory when one record holds the commit point.
         */
        @WithDefault("10000")
        int maxInFlight();

        /**
         * Consumer threads of each Kafka pipeline (camel-kafka {@code consumersCount}), each with its own share of the
         * topic's partitions, commits and batches: a partition's records stay in order, the partitions are read and
         * processed in parallel. Raise it when cores are free (on 2 cores shared with the broker and the database, 2
         * threads were slower than 1: docs/performance.md). More threads than partitions stay idle; a route's own
         * {@code consumersCount} wins.
         */
        @WithDefault("1")
        int consumers();

        /** How often the consumer lag of each Kafka pipeline is measured. */
        @WithDefault("PT5S")
        Duration lagInterval();

        /** Kafka security protocol of consumers and producers: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
        @WithDefault("PLAINTEXT")
        String securityProtocol();

        /** SASL mechanism, such as SCRAM-SHA-512, when the protocol is SASL_*. */
        Optional<String> saslMechanism();

        /** SASL JAAS configuration, with the credentials: only ever from a Secret (SLUICE_KAFKA_SASL_JAAS_CONFIG). */
        Optional<String> saslJaasConfig();

        /** Trust store (PKCS12) of the brokers' certificate authority, for SSL and SASL_SSL. */
        Optional<String> sslTruststoreLocation();

        /** Password of the trust store: only ever from a Secret. */
        Optional<String> sslTruststorePassword();
    }

    interface Http {
        /** Run the robot-telemetry-http pipeline, fed by {@code POST /pipelines/robot-telemetry-http/records}. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Directory where each accepted request's records are written, and forced to disk, before the 202 answer; one
         * subdirectory per HTTP-fed pipeline, read like a file pipeline's input.
         */
        @WithDefault("data/http")
        String spoolDir();

        /**
         * Bytes of disk a pipeline's spool may take with records not yet written (each file counted in whole blocks
         * plus one for its inode, so many small posts count what they cost); beyond, requests are answered 503.
         */
        @WithDefault("268435456")
        long maxSpoolBytes();

        /**
         * Share of the spool's disk one user may take; beyond, that user's requests are answered 429 and others go on.
         */
        @WithDefault("0.5")
        double maxSenderShare();

        /** Records one request may carry; more is answered 413. */
        @WithDefault("10000")
        int maxRecordsPerRequest();

        /** Largest request body (a size such as 10M); a larger one is answered 413 before it is read. */
        @WithDefault("10M")
        String maxBodyBytes();

        /**
         * Origins ({@code https://ops.example.com}) besides the service's own whose pages may send requests that
         * change something (post records, resume, replay), comma-separated; any other is answered 403.
         */
        Optional<List<String>> allowedOrigins();
    }

    interface Security {
        /**
         * Directories under which routes files may name paths (a file pipeline's input, done and error directories, a
         * reference file), comma-separated; symbolic links are followed before the comparison.
         */
        @WithDefault("data")
        List<String> fileRoots();
    }

    interface ErrorBudget {
        /** Pause a pipeline's source when too many of its records go to the dead-letter queue. */
        @WithDefault("true")
        boolean enabled();

        /** Share of a pipeline's settled records that may be dead-lettered within the window before it pauses. */
        @WithDefault("0.5")
        double threshold();

        /** The window over which the share is measured. */
        @WithDefault("PT1M")
        Duration window();

        /** Settled records the window must hold before the share counts, so a few early errors do not pause. */
        @WithDefault("100")
        int minRecords();

        /** How long a paused pipeline waits before it resumes by itself; POST /pipelines/{name}/resume resumes now. */
        @WithDefault("PT5M")
        Duration pause();
    }

    interface Retry {
        /** First pause after a failure that may pass (database down); doubles after every failed attempt. */
        @WithDefault("PT0.2S")
        Duration initialBackoff();

        /** Longest pause between two attempts. */
        @WithDefault("PT30S")
        Duration maxBackoff();

        /**
         * Attempts at a write that failed for a reason the sink cannot name (not a database or broker outage, not the
         * data) before its records are isolated and those at fault dead-lettered.
         */
        @WithDefault("5")
        int attempts();
    }

    interface DeadLetter {
        /**
         * Directory of Sluice's own dead-letter files: the seal key when {@code seal-key} is unset, and the files of
         * earlier releases, imported into the database once at start.
         */
        @WithDefault("data/dlq")
        String dir();

        /**
         * Cap on the dead letters in the database (bytes of their entries). At the cap a dead letter is refused: its
         * record is not acknowledged (read again later) and readiness is DOWN until dead letters are replayed,
         * removed or past their retention.
         */
        @WithDefault("536870912")
        long maxTotalBytes();

        /**
         * How long a dead letter of the database is kept (an ISO-8601 duration such as P30D); unset: until it is
         * removed by hand. Checked at start and every hour.
         */
        Optional<Duration> retention();

        /**
         * The secret that seals each dead letter Sluice writes (HMAC-SHA256), so one it did not write is listed as
         * unverified and not replayed unless asked for; from the environment or a mounted file, the same for every
         * replica. Unset: a random key kept in {@code <dir>/.seal-key}, made at the first start.
         */
        Optional<String> sealKey();
    }

    interface Anomaly {
        /** The anomaly detector marks a record whose temperature_c is above this value. */
        @WithDefault("80.0")
        double threshold();
    }

    interface RunOnce {
        /** Longest a run-once or demo run may take before it gives up with exit code 1; 0 waits forever. */
        @WithDefault("PT0S")
        Duration timeout();
    }
}
