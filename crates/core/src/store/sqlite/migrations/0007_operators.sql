-- Schema 7: the people of a one-PC office (issue 13).
--
-- Each operator signs in with a password kept as an Argon2id hash in PHC form (it names its
-- own parameters). `failed` counts wrong passwords in a row; reaching the policy's lockout
-- attempts sets `locked_until` (RFC 3339 UTC) and starts the count again. A disabled operator
-- cannot sign in; their ledger entries stay theirs, so nobody is ever deleted. Every change
-- here is recorded in the ledger with it (operator.added, operator.disabled, operator.signed_in,
-- operator.sign_in_failed, operator.locked).
CREATE TABLE operators (
    name TEXT PRIMARY KEY NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'manager', 'admin')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
    locked_until TEXT,
    created_at TEXT NOT NULL
) STRICT;
