-- The record of use (操作記録, issue 13): every look at and output of customer data.
--
-- Each use is inserted at once, in its own transaction; `sealed_by` stays NULL until its batch
-- is sealed into the ledger by a `usage.sealed` entry (see usage.rs for why and when), and then
-- names that entry's seq. The entry's payload lists the ids and the SHA-256 of the rows, so
-- `ledger verify` catches a sealed row deleted or edited. The triggers stop accidents (a row is
-- only ever sealed, once); someone who drops them is caught by the seals.
CREATE TABLE usage (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL CHECK (count >= 0),
    sealed_by INTEGER
) STRICT;

-- The uses waiting to be sealed, per operator (checked at every use: kept small).
CREATE INDEX usage_pending ON usage (operator, id) WHERE sealed_by IS NULL;
-- The report by period.
CREATE INDEX usage_by_at ON usage (at);

-- The customers a use showed, for "who looked at this customer's data".
CREATE TABLE usage_customers (
    usage_id INTEGER NOT NULL REFERENCES usage (id),
    customer_id TEXT NOT NULL,
    PRIMARY KEY (customer_id, usage_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX usage_customers_by_use ON usage_customers (usage_id);

CREATE TRIGGER usage_only_sealed BEFORE UPDATE ON usage
WHEN NOT (
    OLD.sealed_by IS NULL AND NEW.sealed_by IS NOT NULL
    AND NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.operator IS OLD.operator
    AND NEW.kind IS OLD.kind AND NEW.detail IS OLD.detail AND NEW.count IS OLD.count
)
BEGIN
    SELECT RAISE(ABORT, 'the record of use is append-only (a use is only ever sealed, once)');
END;

CREATE TRIGGER usage_no_delete BEFORE DELETE ON usage
BEGIN
    SELECT RAISE(ABORT, 'the record of use is append-only');
END;

CREATE TRIGGER usage_customers_no_update BEFORE UPDATE ON usage_customers
BEGIN
    SELECT RAISE(ABORT, 'the record of use is append-only');
END;

CREATE TRIGGER usage_customers_no_delete BEFORE DELETE ON usage_customers
BEGIN
    SELECT RAISE(ABORT, 'the record of use is append-only');
END;
