-- The supervision record of each contractor (委託先監督台帳, APPI Art. 25): the selection
-- check, the agreement's clauses, the people allowed, reviews and incidents, kept whole as one
-- JSON document per contractor (`supervision::Supervision`), written in the same transaction
-- as the `contractor.*` ledger entry that carries the same document.
CREATE TABLE contractor_supervision (
    contractor_id TEXT PRIMARY KEY REFERENCES contractors (id),
    record        TEXT NOT NULL CHECK (json_valid(record)),
    updated_at    TEXT NOT NULL
);
