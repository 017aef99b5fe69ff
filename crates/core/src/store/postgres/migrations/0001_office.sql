-- The shared office store (PostgreSQL 15 or later). Run once by `handover init` as the
-- database's owner, in one transaction. The tables mirror the embedded store's; what differs is
-- who may do what: rights are enforced here, by the server, not by the app.
--
-- Every text column compares byte-wise (COLLATE "C"), as in the embedded store: ids and
-- RFC 3339 times sort and compare the same whatever the database's locale.
--
-- Three group roles, named after the database so that two offices can share a cluster:
--   <db>_staff    import, prepare and pack, register requests, confirm destruction
--   <db>_manager  staff + decide/notify/withdraw requests, roster, policy, purge, export
--   <db>_admin    manager + manage operators (logins)
-- Nobody gets INSERT, UPDATE or DELETE on the ledger: entries go in through ledger_append(),
-- which takes the actor from session_user and seals the entry under the head row's lock;
-- payloads are redacted only through ledger_redact(), by the purge that records it.

CREATE TABLE handover_schema (
    version INTEGER NOT NULL
);
INSERT INTO handover_schema VALUES (1);

CREATE TABLE customers (
    customer_id       TEXT COLLATE "C" PRIMARY KEY,
    name              TEXT COLLATE "C",
    name_kana         TEXT COLLATE "C",
    postal_code       TEXT COLLATE "C",
    address           TEXT COLLATE "C",
    phone             TEXT COLLATE "C",
    email             TEXT COLLATE "C",
    birth_date        TEXT COLLATE "C",
    gender            TEXT COLLATE "C",
    occupation        TEXT COLLATE "C",
    service           TEXT COLLATE "C",
    notes             TEXT COLLATE "C",
    floor_plan_sha256 TEXT,
    floor_plan_ext    TEXT COLLATE "C",
    floor_plan_size   BIGINT,
    search            TEXT COLLATE "C" NOT NULL,
    created_at        TEXT COLLATE "C" NOT NULL,
    updated_at        TEXT COLLATE "C" NOT NULL,
    contract_ended    TEXT COLLATE "C"
);
CREATE INDEX customers_by_contract_end ON customers (contract_ended)
    WHERE contract_ended IS NOT NULL;

CREATE TABLE contractors (
    id                TEXT COLLATE "C" PRIMARY KEY,
    name              TEXT COLLATE "C" NOT NULL,
    address           TEXT COLLATE "C",
    contact           TEXT COLLATE "C",
    agreement_signed  TEXT COLLATE "C" NOT NULL,
    agreement_expires TEXT COLLATE "C" NOT NULL,
    created_at        TEXT COLLATE "C" NOT NULL,
    updated_at        TEXT COLLATE "C" NOT NULL
);

CREATE TABLE contractor_recipients (
    contractor_id TEXT COLLATE "C" NOT NULL REFERENCES contractors (id),
    position      INTEGER NOT NULL,
    recipient     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (contractor_id, recipient)
);

CREATE TABLE ledger (
    seq          BIGINT PRIMARY KEY,
    at           TEXT COLLATE "C" NOT NULL,
    kind         TEXT COLLATE "C" NOT NULL,
    actor        TEXT COLLATE "C" NOT NULL,
    payload      TEXT COLLATE "C",
    payload_hash BYTEA NOT NULL,
    prev_hash    BYTEA NOT NULL,
    hash         BYTEA NOT NULL
);

-- Floor plans, content-addressed (the SHA-256 of their bytes), in chunks of 1 MiB so that a
-- pack streams them with the same bounded memory as from files. Plans are images and PDFs,
-- already compressed: stored EXTERNAL (out of line, not compressed again).
CREATE TABLE floor_plans (
    sha256 TEXT COLLATE "C" PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size   BIGINT NOT NULL CHECK (size >= 0)
);
CREATE TABLE floor_plan_chunks (
    sha256 TEXT COLLATE "C" NOT NULL REFERENCES floor_plans (sha256) ON DELETE CASCADE,
    n      INTEGER NOT NULL CHECK (n >= 0),
    data   BYTEA NOT NULL,
    PRIMARY KEY (sha256, n)
);
ALTER TABLE floor_plan_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- The newest entry of a kind (the last policy.changed is the policy in force).
CREATE INDEX ledger_by_kind ON ledger (kind, seq);

-- Always exactly one row (seq 0 and 32 zero bytes before the first entry): appends lock it.
CREATE TABLE ledger_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO ledger_head VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE ledger_customers (
    customer_id TEXT COLLATE "C" NOT NULL,
    seq         BIGINT NOT NULL,
    PRIMARY KEY (customer_id, seq)
);
CREATE INDEX ledger_customers_by_seq ON ledger_customers (seq, customer_id);

CREATE TABLE requests (
    id               TEXT COLLATE "C" PRIMARY KEY,
    customer_id      TEXT COLLATE "C" NOT NULL,
    scope            TEXT COLLATE "C" NOT NULL,
    received         TEXT COLLATE "C" NOT NULL,
    channel          TEXT COLLATE "C" NOT NULL,
    note             TEXT COLLATE "C",
    status           TEXT COLLATE "C" NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn')),
    decided_on       TEXT COLLATE "C",
    reason           TEXT COLLATE "C",
    notified_on      TEXT COLLATE "C",
    notified_channel TEXT COLLATE "C",
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL,
    withdrawn_on     TEXT COLLATE "C"
);
CREATE INDEX requests_by_customer ON requests (customer_id, status);

CREATE TABLE handovers (
    id            TEXT COLLATE "C" PRIMARY KEY,
    created_at    TEXT COLLATE "C" NOT NULL,
    operator      TEXT COLLATE "C" NOT NULL,
    contractor_id TEXT COLLATE "C" NOT NULL REFERENCES contractors (id),
    work_type     TEXT COLLATE "C" NOT NULL,
    method        TEXT COLLATE "C" NOT NULL CHECK (method IN ('transfer', 'media', 'paper')),
    encryption    TEXT COLLATE "C" NOT NULL CHECK (encryption IN ('x25519', 'passphrase', 'none')),
    return_by     TEXT COLLATE "C" NOT NULL,
    bundle_sha256 TEXT,
    bundle_size   BIGINT,
    recipients    TEXT COLLATE "C" NOT NULL,
    closed_on     TEXT COLLATE "C",
    closed_note   TEXT COLLATE "C",
    ledger_seq    BIGINT NOT NULL
);
CREATE INDEX handovers_by_contractor ON handovers (contractor_id, created_at);
CREATE INDEX handovers_by_created ON handovers (created_at);
CREATE INDEX handovers_by_ledger_seq ON handovers (ledger_seq);

CREATE TABLE handover_customers (
    handover_id TEXT COLLATE "C" NOT NULL REFERENCES handovers (id),
    customer_id TEXT COLLATE "C" NOT NULL,
    position    INTEGER NOT NULL,
    fields      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (handover_id, customer_id)
);
CREATE INDEX handover_customers_by_customer ON handover_customers (customer_id);

CREATE TABLE id_counters (
    prefix TEXT COLLATE "C" PRIMARY KEY,
    n      BIGINT NOT NULL
);

-- The name of one of this office's group roles.
CREATE FUNCTION handover_role(r TEXT) RETURNS TEXT
    LANGUAGE sql STABLE AS $$ SELECT current_database() || '_' || r $$;

-- Is the signed-in person (session_user, whatever role is set) in a group?
CREATE FUNCTION handover_is(r TEXT) RETURNS BOOLEAN
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = handover_role(r))
       AND pg_has_role(session_user, handover_role(r), 'MEMBER') $$;

-- The group an event kind needs.
CREATE FUNCTION handover_kind_role(kind TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN kind LIKE 'operator.%' OR kind LIKE 'office.%' THEN 'admin'
        WHEN kind IN ('request.decided', 'request.notified', 'request.withdrawn',
                      'policy.changed', 'retention.purged', 'ledger.exported', 'report.leak')
          OR kind LIKE 'contractor.%' THEN 'manager'
        ELSE 'staff'
    END $$;

-- Take the ledger's write lock (the head row) for the rest of the transaction: a pack takes it
-- before it re-reads the opt-outs it relied on, so none can be accepted in between.
CREATE FUNCTION ledger_lock() RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM ledger_head WHERE id = 1 FOR UPDATE;
END $$;

-- Append an entry: the only way in. The actor is the server's session_user, never sent by the
-- client; the entry is sealed after the head under its lock, so concurrent appends from many
-- PCs serialise and the chain never forks. The text hashed is the one chain.rs documents.
CREATE FUNCTION ledger_append(p_at TEXT, p_kind TEXT, p_payload TEXT, p_customers TEXT[])
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
    INSERT INTO ledger_customers (customer_id, seq)
        SELECT DISTINCT c, e.seq FROM unnest(p_customers) AS c
        ON CONFLICT DO NOTHING;
    RETURN NEXT e;
END $$;

-- The purge entry appended by this very transaction that lists `seq` as redacted, if any.
CREATE FUNCTION ledger_purging(p_seq BIGINT) RETURNS BOOLEAN
    LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM ledger p
         WHERE p.kind = 'retention.purged'
           AND p.xmin::text = (pg_current_xact_id()::xid)::text
           AND p.payload IS NOT NULL
           AND p.payload::jsonb -> 'redacted' @> to_jsonb(p_seq)) $$;

-- Redact the payloads a purge entry lists: only a manager, only the entry's own author, in the
-- transaction that appended it. Returns how many payloads were redacted.
CREATE FUNCTION ledger_redact(p_purge_seq BIGINT) RETURNS BIGINT
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    p ledger;
    n BIGINT := 0;
    s BIGINT;
BEGIN
    SELECT * INTO p FROM ledger WHERE seq = p_purge_seq;
    IF NOT handover_is('manager') OR NOT FOUND OR p.kind <> 'retention.purged'
       OR p.actor <> session_user OR p.xmin::text <> (pg_current_xact_id()::xid)::text THEN
        RAISE EXCEPTION 'payloads are redacted only by a manager''s purge that records it, in its own transaction'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    FOR s IN SELECT value::BIGINT FROM jsonb_array_elements_text(p.payload::jsonb -> 'redacted') LOOP
        UPDATE ledger SET payload = NULL WHERE seq = s AND payload IS NOT NULL;
        IF FOUND THEN
            n := n + 1;
            DELETE FROM ledger_customers WHERE seq = s;
        END IF;
    END LOOP;
    RETURN n;
END $$;

-- Append-only, for everyone including the owner: an UPDATE may only redact a payload that a
-- purge entry of the same transaction lists; DELETE and TRUNCATE are refused.
CREATE FUNCTION ledger_guard() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.payload IS NOT NULL AND NEW.payload IS NULL
       AND OLD.kind <> 'retention.purged'
       AND NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.kind = OLD.kind
       AND NEW.actor = OLD.actor AND NEW.payload_hash = OLD.payload_hash
       AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
       AND ledger_purging(OLD.seq) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the ledger is append-only (only a recorded purge redacts a payload)'
        USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER ledger_no_change BEFORE UPDATE OR DELETE ON ledger
    FOR EACH ROW EXECUTE FUNCTION ledger_guard();
CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_guard();
CREATE TRIGGER ledger_head_no_truncate BEFORE TRUNCATE ON ledger_head
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_guard();

-- Staff register requests; only a manager records one already decided.
CREATE FUNCTION requests_guard() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status <> 'pending' AND NOT handover_is('manager') THEN
        RAISE EXCEPTION 'deciding a request needs the manager role; % does not have it', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER requests_decided_by_manager BEFORE INSERT ON requests
    FOR EACH ROW EXECUTE FUNCTION requests_guard();

-- Operators. A login is created with a SCRAM verifier computed on the client, so the password
-- itself never reaches the server (nor its logs).
CREATE FUNCTION operator_create(p_name TEXT, p_role TEXT, p_verifier TEXT) RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT handover_is('admin') THEN
        RAISE EXCEPTION 'adding an operator needs the admin role; % does not have it', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_role NOT IN ('staff', 'manager', 'admin') THEN
        RAISE EXCEPTION 'unknown role %', p_role USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'the password must come as a SCRAM verifier' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', p_name, p_verifier, handover_role(p_role));
END $$;

CREATE FUNCTION operator_disable(p_name TEXT) RETURNS VOID
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT handover_is('admin') THEN
        RAISE EXCEPTION 'disabling an operator needs the admin role; % does not have it', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT pg_has_role(p_name, handover_role('staff'), 'MEMBER') OR p_name = session_user THEN
        RAISE EXCEPTION '% is not an operator of this office that you may disable', p_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
END $$;

-- The office's people: each login in one of the groups, with its highest role.
CREATE VIEW operators AS
    SELECT r.rolname AS name,
           CASE WHEN pg_has_role(r.oid, handover_role('admin'), 'MEMBER') THEN 'admin'
                WHEN pg_has_role(r.oid, handover_role('manager'), 'MEMBER') THEN 'manager'
                ELSE 'staff' END AS role,
           r.rolcanlogin AS active
      FROM pg_roles r
     WHERE r.rolname NOT IN (handover_role('staff'), handover_role('manager'), handover_role('admin'))
       AND NOT r.rolsuper
       AND pg_has_role(r.oid, handover_role('staff'), 'MEMBER');
