-- The table of the shipped orders pipeline (routes/orders.yaml): one row per order, replaced by a correction (upsert).
CREATE TABLE IF NOT EXISTS orders (
    order_id        VARCHAR(64)    PRIMARY KEY,
    customer_id     VARCHAR(64)    NOT NULL,
    status          VARCHAR(16)    NOT NULL,
    amount          NUMERIC(14, 2) NOT NULL,
    currency        CHAR(3)        NOT NULL,
    -- amount in euros: amount × the currency's rate, exact, rounded half-even to cents
    amount_eur      NUMERIC(14, 2) NOT NULL,
    tier            VARCHAR(16)    NOT NULL,
    ordered_at      TIMESTAMPTZ,
    attributes      JSONB,
    origin_source   VARCHAR(1024),
    origin_position BIGINT,
    origin_hash     VARCHAR(64),
    written_at      TIMESTAMPTZ    DEFAULT clock_timestamp()
);
