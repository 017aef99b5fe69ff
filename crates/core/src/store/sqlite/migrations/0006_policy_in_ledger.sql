-- Schema 6: the policy lives in the store.
--
-- The policy in force is the `after` of the newest `policy.changed` entry (the default before
-- the first one), so it is the same on every PC of a shared office and no file beside the
-- database can change it unrecorded. A `policy.toml` left by an older version is adopted once,
-- recorded, when the office is opened. This index finds the newest entry of a kind at once.
CREATE INDEX ledger_by_kind ON ledger (kind, seq);
