-- The application's own table, applied by Sluice's Flyway at start-up (sluice.db.migrations-dir).
CREATE TABLE readings (
    station     VARCHAR(32)   NOT NULL,
    seq         BIGINT        NOT NULL,
    celsius     NUMERIC(6, 2) NOT NULL,
    country     VARCHAR(32)   NOT NULL,
    origin_hash VARCHAR(64),
    PRIMARY KEY (station, seq)
);
