-- Schema 7 (issue 12, the shared store's commit latency with many PCs packing at once): a pack
-- that read the head at seq N before the ledger's lock seals in that one round trip also when
-- every entry appended since N records another pack (`handover.created`, with its
-- `approval.used`). Those transactions write only handover rows, approvals and the ledger,
-- none of which a pack's check reads (opt-outs, the contractor with its recipients, its
-- supervision record, the policy in force), so the check made before the lock still holds.
-- Any other entry since N — a request registered or decided, a contractor, supervision or
-- policy change, anything new — sends the pack back to check again under the lock, as schema 6
-- did for every entry. With 8 PCs packing, nearly every pack found the head moved and ran its
-- checks again while every other PC waited: four more round trips under the lock.
--
-- The kinds are named here, not in the client: a client cannot widen the list.

INSERT INTO handover_schema SELECT max(version) + 1 FROM handover_schema;

CREATE OR REPLACE FUNCTION ledger_append_after(p_head BIGINT, p_at TEXT, p_kind TEXT,
                                               p_payload TEXT, p_customers TEXT[])
    RETURNS SETOF ledger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    head BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(7521414230331254130);  -- 'handover': the ledger's queue
    SELECT seq INTO head FROM ledger_head WHERE id = 1 FOR UPDATE;
    -- Under the lock every entry up to the head is committed and visible here.
    IF head = p_head OR (head > p_head AND NOT EXISTS (
            SELECT 1 FROM ledger
             WHERE seq > p_head AND seq <= head
               AND kind NOT IN ('handover.created', 'approval.used'))) THEN
        RETURN QUERY SELECT * FROM ledger_append(p_at, p_kind, p_payload, p_customers);
    END IF;
END $$;

-- A pack in one statement, committed by the server as it ends (issue 12): the handover's rows
-- (written before the lock, as in schema 5), then its entry appended by `ledger_append_after`
-- and the rows sealed with its seq. With the statement run on its own (no BEGIN), the lock is
-- released by the commit that ends it; in a transaction the client ends, it was held while
-- the result travelled to the PC and the PC's COMMIT came back, a round trip through a busy
-- PC for every other PC's commit. If the ledger moved on in a way that needs the pack's checks
-- run again, nothing is kept (SQLSTATE H0001) and the client records it the long way, holding
-- the lock from its checks to its commit. Runs with the caller's rights (staff may insert
-- handover rows; the two functions it calls hold their own rules). The commit does not wait
-- for its WAL flush (see `BEGIN` in store/postgres/mod.rs): the client waits for it next, so
-- the lock is not held through a disk sync.
CREATE FUNCTION handover_record(
    p_head BIGINT,
    p_id TEXT, p_created_at TEXT, p_operator TEXT, p_contractor_id TEXT, p_work_type TEXT,
    p_method TEXT, p_encryption TEXT, p_return_by TEXT, p_bundle_sha256 TEXT,
    p_bundle_size BIGINT, p_recipients TEXT,
    p_customer_ids TEXT[], p_positions INT[], p_fields TEXT[],
    p_at TEXT, p_kind TEXT, p_payload TEXT, p_customers TEXT[])
    RETURNS SETOF ledger
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    e ledger;
BEGIN
    INSERT INTO handovers (id, created_at, operator, contractor_id, work_type, method,
                           encryption, return_by, bundle_sha256, bundle_size, recipients,
                           closed_on, closed_note, ledger_seq)
        VALUES (p_id, p_created_at, p_operator, p_contractor_id, p_work_type, p_method,
                p_encryption, p_return_by, p_bundle_sha256, p_bundle_size, p_recipients,
                NULL, NULL, 0);
    INSERT INTO handover_customers (handover_id, customer_id, position, fields)
        SELECT p_id, u.customer_id, u.position, u.fields
          FROM unnest(p_customer_ids, p_positions, p_fields) AS u(customer_id, position, fields);
    SELECT * INTO e FROM ledger_append_after(p_head, p_at, p_kind, p_payload, p_customers);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the ledger moved on since seq % in a way that needs the checks again', p_head
            USING ERRCODE = 'H0001';
    END IF;
    PERFORM handover_seal(p_id, e.seq);
    PERFORM set_config('synchronous_commit', 'off', true);
    RETURN NEXT e;
END $$;

-- A handover's customers still need their handover, checked once per statement instead of
-- once per row: the foreign key's trigger ran a query for each of a 100-customer pack's rows
-- (1.2 ms of the pack's 2.5 ms in the server). The same rule, both ways: no customer row
-- without its handover, no handover deleted (or renumbered) from under its customers.
ALTER TABLE handover_customers DROP CONSTRAINT handover_customers_handover_id_fkey;

CREATE FUNCTION handover_customers_need_handover() RETURNS TRIGGER
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM added a
                WHERE NOT EXISTS (SELECT 1 FROM handovers h WHERE h.id = a.handover_id)) THEN
        RAISE EXCEPTION 'a handover''s customers are recorded only with the handover'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER handover_customers_inserted AFTER INSERT ON handover_customers
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT
    EXECUTE FUNCTION handover_customers_need_handover();

CREATE FUNCTION handovers_keep_customers() RETURNS TRIGGER
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM gone g JOIN handover_customers c ON c.handover_id = g.id
                WHERE NOT EXISTS (SELECT 1 FROM handovers h WHERE h.id = g.id)) THEN
        RAISE EXCEPTION 'a handover is removed only after its customers'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER handovers_deleted AFTER DELETE ON handovers
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT
    EXECUTE FUNCTION handovers_keep_customers();

-- Keys that change (nothing of ours changes them; the owner could), row by row.
CREATE FUNCTION handover_renumbered() RETURNS TRIGGER
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM handover_customers c WHERE c.handover_id = OLD.id) THEN
        RAISE EXCEPTION 'a handover is renumbered only without customers'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER handovers_renumbered AFTER UPDATE OF id ON handovers FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION handover_renumbered();

CREATE FUNCTION handover_customer_moved() RETURNS TRIGGER
    LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM handovers h WHERE h.id = NEW.handover_id) THEN
        RAISE EXCEPTION 'a handover''s customers are recorded only with the handover'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER handover_customers_moved AFTER UPDATE OF handover_id ON handover_customers
    FOR EACH ROW WHEN (OLD.handover_id IS DISTINCT FROM NEW.handover_id)
    EXECUTE FUNCTION handover_customer_moved();

-- A pack's entry is found in its customers' histories through the handover's own customer
-- rows (handover_customers, written before the lock, the pack's customers exactly: `ledger
-- verify` compares both with the entry) instead of a second copy of them in ledger_customers,
-- written under the ledger's lock (0.6 ms of a 100-customer pack). ledger_customers keeps
-- every other entry's customers. Reading the index (history, the derived check) joins the
-- two; see `INDEX_ROWS` in store/postgres/mod.rs.
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
    IF p_kind <> 'handover.created' THEN
        INSERT INTO ledger_customers (customer_id, seq)
            SELECT DISTINCT c, e.seq FROM unnest(p_customers) AS c;
    END IF;
    RETURN NEXT e;
END $$;

DELETE FROM ledger_customers c USING ledger l
 WHERE l.seq = c.seq AND l.kind = 'handover.created';
