-- Schema 8: 上長承認, a manager's approval before data leaves (issue 13).
--
-- `ask` is what was asked, as JSON (the selection, the exact content and its SHA-256 in
-- `digest`, the policy rules it fell under); it never changes. The rest is where the request
-- stands: pending → approved | rejected (by a manager who is not `requested_by`), approved →
-- used (once, by the pack that records handover `handover_id`, in the same transaction).
-- `expires_at` (RFC 3339 UTC): a pending request must be decided, and an approval packed,
-- before it. Every change is recorded in the ledger with it (approval.requested,
-- approval.decided, approval.used).
CREATE TABLE approvals (
    id TEXT PRIMARY KEY NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    ask TEXT NOT NULL,
    digest TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'used')),
    decided_by TEXT,
    decided_at TEXT,
    reason TEXT,
    expires_at TEXT NOT NULL,
    used_by TEXT,
    used_at TEXT,
    handover_id TEXT
) STRICT;
CREATE INDEX approvals_by_status ON approvals (status, id);
