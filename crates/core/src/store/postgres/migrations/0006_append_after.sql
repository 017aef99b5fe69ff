-- Schema 6 (issue 12, the shared store's commit latency with many PCs): a pack checks what it
-- relied on (opt-outs, the contractor, its supervision, the policy) BEFORE taking the ledger's
-- lock, then appends only if no entry was appended since it read the head. Every change to
-- what a pack relies on appends an entry in its own transaction, so an unchanged head means
-- the check read what is still true. Otherwise the function returns no entry and the pack,
-- holding the lock now, checks again. The lock every other PC waits for then covers one round
-- trip instead of five.

INSERT INTO handover_schema SELECT max(version) + 1 FROM handover_schema;

CREATE FUNCTION ledger_append_after(p_head BIGINT, p_at TEXT, p_kind TEXT, p_payload TEXT,
                                    p_customers TEXT[])
    RETURNS SETOF ledger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head BIGINT;
BEGIN
    SELECT seq INTO head FROM ledger_head WHERE id = 1 FOR UPDATE;
    IF head = p_head THEN
        RETURN QUERY SELECT * FROM ledger_append(p_at, p_kind, p_payload, p_customers);
    END IF;
END $$;
