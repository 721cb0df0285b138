-- The H2 twin of postgresql/V2__orders.sql.
CREATE TABLE IF NOT EXISTS orders (
    order_id        VARCHAR(64)    PRIMARY KEY,
    customer_id     VARCHAR(64)    NOT NULL,
    status          VARCHAR(16)    NOT NULL,
    amount          NUMERIC(14, 2) NOT NULL,
    currency        CHAR(3)        NOT NULL,
    amount_eur      NUMERIC(14, 2) NOT NULL,
    tier            VARCHAR(16)    NOT NULL,
    ordered_at      TIMESTAMP WITH TIME ZONE,
    attributes      CHARACTER VARYING,
    origin_source   VARCHAR(1024),
    origin_position BIGINT,
    origin_hash     VARCHAR(64),
    written_at      TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP
);
