-- The orders pipeline upserts by version (routes/orders.yaml, version: revision): a correction carries a greater
-- revision and replaces its order's row; an older revision arriving later (a replay, a file fed again) changes nothing.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS revision BIGINT DEFAULT 1 NOT NULL;
