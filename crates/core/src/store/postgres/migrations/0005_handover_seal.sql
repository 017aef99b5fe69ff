-- Schema 5 (issue 12, the shared store's commit latency): a pack writes its handover rows
-- before it takes the ledger's lock, so that the lock every other PC waits for covers only the
-- entry. The rows are the pack's own until it commits (nobody else sees them; the key refuses a
-- second handover with the same id, or waits for the first to commit or roll back), written
-- with ledger_seq 0 ("not sealed yet"); under the lock the pack appends the entry and seals
-- the handover with the entry's seq, in the same transaction.
--
-- Staff may insert handover rows but not update them (roles.sql): the seal is the one change a
-- handover row takes, only from 0, only to a `handover.created` entry appended by the same
-- login. It grants nothing staff could not already do with INSERT (a row with any seq), and
-- `ledger verify` checks every handover row against the entry that records it.

INSERT INTO handover_schema SELECT max(version) + 1 FROM handover_schema;

CREATE FUNCTION handover_seal(p_id TEXT, p_seq BIGINT) RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    UPDATE handovers h SET ledger_seq = p_seq
     WHERE h.id = p_id AND h.ledger_seq = 0
       AND EXISTS (SELECT 1 FROM ledger l
                    WHERE l.seq = p_seq AND l.kind = 'handover.created'
                      AND l.actor = session_user);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'handover % is sealed only once, by the entry that records it', p_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END $$;
