-- Handover store, schema 1: the customer register, the contractor roster and the ledger.
-- Payment fields (bank account, card number) have no column on purpose: they are dropped at
-- import and can never be stored.

CREATE TABLE customers (
    customer_id       TEXT PRIMARY KEY NOT NULL,
    name              TEXT,
    name_kana         TEXT,
    postal_code       TEXT,
    address           TEXT,
    phone             TEXT,
    email             TEXT,
    birth_date        TEXT,
    gender            TEXT,
    occupation        TEXT,
    service           TEXT,
    notes             TEXT,
    floor_plan_sha256 TEXT,
    floor_plan_ext    TEXT,
    floor_plan_size   INTEGER,
    -- lower-cased, NFKC, katakana-folded text of id, name, kana, address and phone digits
    search            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE contractors (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    address           TEXT,
    contact           TEXT,
    agreement_signed  TEXT NOT NULL,
    agreement_expires TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE contractor_recipients (
    contractor_id TEXT NOT NULL REFERENCES contractors (id),
    position      INTEGER NOT NULL,
    recipient     TEXT NOT NULL,
    PRIMARY KEY (contractor_id, recipient)
) WITHOUT ROWID;

-- The hash-chained, append-only event log. See ledger/chain.rs for the hash definition.
CREATE TABLE ledger (
    seq          INTEGER PRIMARY KEY NOT NULL,
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    actor        TEXT NOT NULL,
    payload      TEXT,
    payload_hash BLOB NOT NULL,
    prev_hash    BLOB NOT NULL,
    hash         BLOB NOT NULL
);

-- The last entry, so that a removed tail is caught too.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);

-- Which entries concern which customer (derived; for the per-customer history).
CREATE TABLE ledger_customers (
    customer_id TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    PRIMARY KEY (customer_id, seq)
) WITHOUT ROWID;

-- Append-only by construction: the program never updates or deletes ledger rows. (Someone
-- with the database file can drop these triggers; `ledger verify` catches what they do next.)
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
