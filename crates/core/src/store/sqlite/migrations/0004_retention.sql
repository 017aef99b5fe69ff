-- Schema 4: retention (R9).
--
-- * `customers.contract_ended`: the day the customer's contract ended (ISO 8601), read at import
--   from a 解約日 / 契約終了日 / 退会日 column. It decides when the customer's personal data is
--   purged. It is register bookkeeping, not a `Field`: it can never be handed to a contractor.
-- * The ledger's update guard is replaced: the only update it lets through is a purge redacting
--   an entry's payload (non-NULL to NULL, every other column unchanged), and never on a purge
--   event itself. The entry keeps committing to the payload's hash, so the chain still
--   verifies; `ledger verify` accepts a NULL payload only where a later `retention.purged`
--   entry lists the seq (see ledger/chain.rs).
-- * Indexes for the purge and for `ledger verify`'s streaming comparison of the derived tables
--   with the log (handovers by their ledger entry, index rows by entry).

ALTER TABLE customers ADD COLUMN contract_ended TEXT;

CREATE INDEX customers_by_contract_end ON customers (contract_ended)
    WHERE contract_ended IS NOT NULL;

CREATE INDEX handovers_by_ledger_seq ON handovers (ledger_seq);

CREATE INDEX ledger_customers_by_seq ON ledger_customers (seq, customer_id);

DROP TRIGGER ledger_no_update;

CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
WHEN NOT (
    OLD.payload IS NOT NULL AND NEW.payload IS NULL
    AND OLD.kind <> 'retention.purged'
    AND NEW.seq IS OLD.seq AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind
    AND NEW.actor IS OLD.actor AND NEW.payload_hash IS OLD.payload_hash
    AND NEW.prev_hash IS OLD.prev_hash AND NEW.hash IS OLD.hash
)
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only (a purge may only redact a payload)');
END;
