-- Schema 6 (issue 12, the shared store's commit latency with many PCs): a pack checks what it
-- relied on (opt-outs, the contractor, its supervision, the policy) BEFORE taking the ledger's
-- lock, then appends only if no entry was appended since it read the head. Every change to
-- what a pack relies on appends an entry in its own transaction, so an unchanged head means
-- the check read what is still true. Otherwise the function returns no entry and the pack,
-- holding the lock now, checks again. The lock every other PC waits for then covers one round
-- trip instead of five.

INSERT INTO handover_schema SELECT max(version) + 1 FROM handover_schema;

-- Also: an entry's customers are indexed by a plain insert (ledger_append, as in 0001
-- otherwise), and every append queues for the ledger on a transaction-scoped advisory lock
-- before it locks the head row. Waiters on a row lock all wake when it is released and race
-- for it, so with 8 PCs at once some lost again and again (100-customer handovers, 8 writers,
-- 2 cores: p99 42–47 ms); the advisory lock's queue hands the ledger on in turn (p99 28–30
-- ms) at the cost of a slower median (p50 11 → 13–16 ms). The head row stays the chain's
-- truth and its lock is still taken (now always free when reached).
CREATE OR REPLACE FUNCTION ledger_append(p_at TEXT, p_kind TEXT, p_payload TEXT, p_customers TEXT[])
    RETURNS SETOF ledger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    need TEXT COLLATE "C" := handover_kind_role(p_kind);
    h ledger_head;
    e ledger;
BEGIN
    IF NOT handover_is(need) THEN
        RAISE EXCEPTION 'recording "%" needs the % role; % does not have it', p_kind, need, session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM pg_advisory_xact_lock(7521414230331254130);  -- 'handover': the ledger's queue
    SELECT * INTO h FROM ledger_head WHERE id = 1 FOR UPDATE;
    e.seq := h.seq + 1;
    e.at := p_at;
    e.kind := p_kind;
    e.actor := session_user;
    e.payload := p_payload;
    e.payload_hash := sha256(convert_to(p_payload, 'UTF8'));
    e.prev_hash := h.hash;
    e.hash := sha256(convert_to(
        'handover-ledger/v1' || E'\n' || e.seq || E'\n' || e.at || E'\n' || e.kind || E'\n'
        || e.actor || E'\n' || encode(e.payload_hash, 'hex') || E'\n'
        || encode(e.prev_hash, 'hex') || E'\n', 'UTF8'));
    INSERT INTO ledger VALUES (e.*);
    UPDATE ledger_head SET seq = e.seq, hash = e.hash WHERE id = 1;
    -- A new seq: no row can conflict, and a plain insert skips the speculative insertion
    -- that ON CONFLICT costs for each of a large handover's customers.
    INSERT INTO ledger_customers (customer_id, seq)
        SELECT DISTINCT c, e.seq FROM unnest(p_customers) AS c;
    RETURN NEXT e;
END $$;

CREATE FUNCTION ledger_append_after(p_head BIGINT, p_at TEXT, p_kind TEXT, p_payload TEXT,
                                    p_customers TEXT[])
    RETURNS SETOF ledger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(7521414230331254130);  -- 'handover': the ledger's queue
    SELECT seq INTO head FROM ledger_head WHERE id = 1 FOR UPDATE;
    IF head = p_head THEN
        RETURN QUERY SELECT * FROM ledger_append(p_at, p_kind, p_payload, p_customers);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION ledger_lock() RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7521414230331254130);  -- 'handover': the ledger's queue
    PERFORM 1 FROM ledger_head WHERE id = 1 FOR UPDATE;
END $$;
