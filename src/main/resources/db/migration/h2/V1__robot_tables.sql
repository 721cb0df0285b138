-- The tables of the shipped robot pipelines. Applied by Flyway at start-up (history: sluice_schema_history);
-- IF NOT EXISTS, so a database made by an earlier Sluice, from the schema script this replaced, is taken as it is.
-- The H2 twin of postgresql/V1__robot_tables.sql (attributes hold JSON text).

CREATE TABLE IF NOT EXISTS robot_telemetry (
    robot_id        VARCHAR(128)     NOT NULL,
    seq             BIGINT           NOT NULL,
    ts              TIMESTAMP WITH TIME ZONE NOT NULL,
    status          VARCHAR(64)      NOT NULL,
    temperature_c   DOUBLE PRECISION,
    battery_pct     INTEGER,
    value           DOUBLE PRECISION,
    region          VARCHAR(128),
    processed_at    TIMESTAMP WITH TIME ZONE,
    attributes      CHARACTER VARYING,
    origin_source   VARCHAR(1024),
    origin_position BIGINT,
    -- the SHA-256 of the record as read: a replay of it is a duplicate, another record under its key a conflict
    origin_hash     VARCHAR(64),
    -- when the row was written: left to the database, read by operators and the benchmark's latency figures
    written_at      TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (robot_id, seq)
);

CREATE TABLE IF NOT EXISTS robot_anomalies (
    robot_id        VARCHAR(128)     NOT NULL,
    seq             BIGINT           NOT NULL,
    ts              TIMESTAMP WITH TIME ZONE NOT NULL,
    temperature_c   DOUBLE PRECISION NOT NULL,
    anomaly         BOOLEAN          NOT NULL,
    attributes      CHARACTER VARYING,
    origin_source   VARCHAR(1024),
    origin_position BIGINT,
    origin_hash     VARCHAR(64),
    PRIMARY KEY (robot_id, seq)
);

-- tables made before origin_hash was added
ALTER TABLE robot_telemetry ADD COLUMN IF NOT EXISTS origin_hash VARCHAR(64);
ALTER TABLE robot_anomalies ADD COLUMN IF NOT EXISTS origin_hash VARCHAR(64);

CREATE TABLE IF NOT EXISTS robot_regions (
    robot_id VARCHAR(128) PRIMARY KEY,
    region   VARCHAR(128) NOT NULL
);
