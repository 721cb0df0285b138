-- A table Sluice has never seen, written the way docs/first-pipeline.md says; plain SQL that H2 and PostgreSQL take.
CREATE TABLE parcels (
    parcel_id    VARCHAR(32)    PRIMARY KEY,
    zone         VARCHAR(8)     NOT NULL,
    weight_kg    NUMERIC(8, 3)  NOT NULL,
    status       VARCHAR(16)    NOT NULL,
    price        NUMERIC(10, 2) NOT NULL,
    days         INTEGER        NOT NULL,
    carrier      VARCHAR(32),
    revision     INTEGER        NOT NULL,
    origin_hash  VARCHAR(64)
);

-- looked up by query (dev.sluice.stage.QueryLookup)
CREATE TABLE carriers (
    zone    VARCHAR(8)  PRIMARY KEY,
    carrier VARCHAR(32) NOT NULL
);
INSERT INTO carriers (zone, carrier) VALUES ('A', 'bike'), ('B', 'van'), ('C', 'air');
