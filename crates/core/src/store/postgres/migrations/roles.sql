-- The office's group roles and what each may do (run by `init` after the migrations, and by
-- `store upgrade` after the missing ones, as the owner; running it again changes nothing).
-- Names carry the database's, so two offices can share a cluster.
DO $$
DECLARE
    db TEXT := current_database();
    s TEXT := db || '_staff';
    m TEXT := db || '_manager';
    a TEXT := db || '_admin';
    r TEXT;
BEGIN
    FOREACH r IN ARRAY ARRAY[s, m, a] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
    EXECUTE format('GRANT %I TO %I', s, m);
    EXECUTE format('GRANT %I TO %I', m, a);
    -- The owner who ran init is the first admin.
    EXECUTE format('GRANT %I TO %I', a, session_user);

    EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', db);
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, s);
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', s);
    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
    REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;

    -- staff: read everything; import; register requests; pack; confirm destruction.
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', s);
    EXECUTE format('GRANT INSERT, UPDATE ON customers TO %I', s);
    EXECUTE format('GRANT INSERT ON requests TO %I', s);
    EXECUTE format('GRANT INSERT ON handovers, handover_customers TO %I', s);
    EXECUTE format('GRANT UPDATE (closed_on, closed_note) ON handovers TO %I', s);
    EXECUTE format('GRANT INSERT, UPDATE ON id_counters TO %I', s);
    EXECUTE format('GRANT INSERT ON floor_plans, floor_plan_chunks TO %I', s);
    -- approvals (schema 2): staff ask and use; the guard (0002) holds who decides.
    EXECUTE format('GRANT INSERT ON approvals TO %I', s);
    EXECUTE format('GRANT UPDATE (status, used_by, used_at, handover_id) ON approvals TO %I', s);
    -- the record of use: everyone records their own uses and seals them (usage.sql).
    EXECUTE format('GRANT INSERT ON usage, usage_customers TO %I', s);
    EXECUTE format('GRANT UPDATE (sealed_by) ON usage TO %I', s);
    EXECUTE format('GRANT EXECUTE ON FUNCTION handover_role(TEXT), handover_is(TEXT), '
                   'handover_kind_role(TEXT), ledger_lock(), '
                   'ledger_append(TEXT, TEXT, TEXT, TEXT[]) TO %I', s);
    -- a pack seals the handover rows it wrote before taking the ledger's lock (schema 5).
    EXECUTE format('GRANT EXECUTE ON FUNCTION handover_seal(TEXT, BIGINT) TO %I', s);
    -- ... and appends its entry only if nothing was appended since its checks (schema 6).
    EXECUTE format('GRANT EXECUTE ON FUNCTION '
                   'ledger_append_after(BIGINT, TEXT, TEXT, TEXT, TEXT[]) TO %I', s);
    -- ... in one statement that the server commits as it ends (schema 7).
    EXECUTE format('GRANT EXECUTE ON FUNCTION handover_record(BIGINT, TEXT, TEXT, TEXT, TEXT, '
                   'TEXT, TEXT, TEXT, TEXT, TEXT, BIGINT, TEXT, TEXT[], INT[], TEXT[], TEXT, '
                   'TEXT, TEXT, TEXT[]) TO %I', s);

    -- manager: the roster, deciding requests, the purge.
    EXECUTE format('GRANT INSERT, UPDATE ON contractors TO %I', m);
    EXECUTE format('GRANT INSERT, DELETE ON contractor_recipients TO %I', m);
    EXECUTE format('GRANT INSERT, UPDATE ON contractor_supervision TO %I', m);
    EXECUTE format('GRANT UPDATE ON requests TO %I', m);
    EXECUTE format('GRANT DELETE ON customers, requests, handovers, handover_customers, '
                   'floor_plans, floor_plan_chunks TO %I', m);
    EXECUTE format('GRANT EXECUTE ON FUNCTION ledger_redact(BIGINT) TO %I', m);
    EXECUTE format('GRANT UPDATE (status, decided_by, decided_at, reason, expires_at) '
                   'ON approvals TO %I', m);

    -- admin: operators.
    EXECUTE format('GRANT EXECUTE ON FUNCTION operator_create(TEXT, TEXT, TEXT), '
                   'operator_disable(TEXT) TO %I', a);
END $$;
