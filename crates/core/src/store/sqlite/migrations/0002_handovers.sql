-- Schema 2: handovers (what went to whom) and customers' opt-out / restriction requests.
-- Both are derived from the ledger entries recorded in the same transactions; `ledger verify`
-- can rebuild and compare them.

CREATE TABLE requests (
    id               TEXT PRIMARY KEY NOT NULL,
    customer_id      TEXT NOT NULL,
    -- 'all' (stop all provision to contractors) or comma-separated field ids
    scope            TEXT NOT NULL,
    received         TEXT NOT NULL,
    channel          TEXT NOT NULL,
    note             TEXT,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn')),
    decided_on       TEXT,
    reason           TEXT,
    notified_on      TEXT,
    notified_channel TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX requests_by_customer ON requests (customer_id, status);

CREATE TABLE handovers (
    id            TEXT PRIMARY KEY NOT NULL,
    created_at    TEXT NOT NULL,
    operator      TEXT NOT NULL,
    contractor_id TEXT NOT NULL REFERENCES contractors (id),
    work_type     TEXT NOT NULL,
    method        TEXT NOT NULL CHECK (method IN ('transfer', 'media', 'paper')),
    encryption    TEXT NOT NULL CHECK (encryption IN ('x25519', 'passphrase', 'none')),
    return_by     TEXT NOT NULL,
    bundle_sha256 TEXT,
    bundle_size   INTEGER,
    recipients    TEXT NOT NULL,
    closed_on     TEXT,
    closed_note   TEXT,
    ledger_seq    INTEGER NOT NULL
);
CREATE INDEX handovers_by_contractor ON handovers (contractor_id, created_at);

CREATE TABLE handover_customers (
    handover_id TEXT NOT NULL REFERENCES handovers (id),
    customer_id TEXT NOT NULL,
    position    INTEGER NOT NULL,
    -- comma-separated field ids the contractor received
    fields      TEXT NOT NULL,
    PRIMARY KEY (handover_id, customer_id)
) WITHOUT ROWID;
CREATE INDEX handover_customers_by_customer ON handover_customers (customer_id);
