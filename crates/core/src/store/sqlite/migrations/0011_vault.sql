-- Encryption at rest (issue 14): the store remembers which data key unlocks it, as a one-way
-- derivation of the key (never the key), so that a vault file from another office, or a missing
-- one, is told apart from a wrong password.
CREATE TABLE vault_check (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    key_check TEXT NOT NULL
);
