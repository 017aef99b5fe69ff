-- Schema 2: 上長承認, a manager's approval before data leaves (issue 13); the embedded store's
-- migration 0008. Applied by `init` on a new office, or by `store upgrade` (the database's
-- owner) on an office made by an older Handover, in one transaction with the other missing
-- migrations and the grants (roles.sql).
--
-- `ask` (the selection, the exact content and its SHA-256 in `digest`, the rules) never
-- changes. pending → approved | rejected by a manager other than the person who asked (four
-- eyes); approved → used once, by the pack that records the handover. The server holds these
-- rules (approvals_guard), so plain psql is held to them too: column grants (roles.sql) let
-- staff only ask and use, and a manager only decide.

INSERT INTO handover_schema VALUES (2);

CREATE TABLE approvals (
    id           TEXT COLLATE "C" PRIMARY KEY,
    requested_by TEXT COLLATE "C" NOT NULL,
    requested_at TEXT COLLATE "C" NOT NULL,
    ask          TEXT COLLATE "C" NOT NULL,
    digest       TEXT COLLATE "C" NOT NULL,
    status       TEXT COLLATE "C" NOT NULL
        CHECK (status IN ('pending', 'approved', 'rejected', 'used')),
    decided_by   TEXT COLLATE "C",
    decided_at   TEXT COLLATE "C",
    reason       TEXT COLLATE "C",
    expires_at   TEXT COLLATE "C" NOT NULL,
    used_by      TEXT COLLATE "C",
    used_at      TEXT COLLATE "C",
    handover_id  TEXT COLLATE "C"
);
CREATE INDEX approvals_by_status ON approvals (status, id);

-- A decision is a manager's; upgrading the schema is the owner's (an admin).
CREATE OR REPLACE FUNCTION handover_kind_role(kind TEXT) RETURNS TEXT
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN kind LIKE 'operator.%' OR kind LIKE 'office.%' OR kind LIKE 'store.%' THEN 'admin'
        WHEN kind IN ('request.decided', 'request.notified', 'request.withdrawn',
                      'policy.changed', 'retention.purged', 'ledger.exported', 'report.leak',
                      'approval.decided')
          OR kind LIKE 'contractor.%' THEN 'manager'
        ELSE 'staff'
    END $$;

-- Who may ask, decide and use: a request is asked as oneself and pending (only an admin, who
-- copies a one-PC office in, inserts other rows); what was asked never changes; a pending
-- request is decided once, by a manager who did not ask, in their own name; an approved one is
-- used once, in the packer's name.
CREATE FUNCTION approvals_guard() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF (NEW.status <> 'pending' OR NEW.requested_by <> session_user)
           AND NOT handover_is('admin') THEN
            RAISE EXCEPTION 'an approval is requested pending, in one''s own name'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.id <> OLD.id OR NEW.requested_by <> OLD.requested_by
       OR NEW.requested_at <> OLD.requested_at OR NEW.ask <> OLD.ask
       OR NEW.digest <> OLD.digest THEN
        RAISE EXCEPTION 'what an approval request asked never changes'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.status = 'pending' AND NEW.status IN ('approved', 'rejected') THEN
        IF NOT handover_is('manager') OR NEW.decided_by IS DISTINCT FROM session_user
           OR OLD.requested_by = session_user THEN
            RAISE EXCEPTION 'approval % is decided by a manager other than %, in their own name',
                OLD.id, OLD.requested_by USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSIF OLD.status = 'approved' AND NEW.status = 'used' THEN
        IF NEW.used_by IS DISTINCT FROM session_user
           OR NEW.decided_by IS DISTINCT FROM OLD.decided_by
           OR NEW.decided_at IS DISTINCT FROM OLD.decided_at
           OR NEW.expires_at <> OLD.expires_at THEN
            RAISE EXCEPTION 'approval % is used once, in the packer''s own name', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    ELSE
        RAISE EXCEPTION 'approval % is % and cannot become %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER approvals_guarded BEFORE INSERT OR UPDATE ON approvals
    FOR EACH ROW EXECUTE FUNCTION approvals_guard();
