-- The supervision record of each contractor (委託先監督台帳, APPI Art. 25): the selection
-- check, the agreement's clauses, the people allowed, reviews and incidents, kept whole as one
-- JSON document per contractor (`supervision::Supervision`), written in the same transaction
-- as the `contractor.*` ledger entry that carries the same document. Managers write it (grants
-- in roles.sql); everyone reads it.
CREATE TABLE contractor_supervision (
    contractor_id TEXT COLLATE "C" PRIMARY KEY REFERENCES contractors (id),
    record        TEXT COLLATE "C" NOT NULL CHECK (record::jsonb IS NOT NULL),
    updated_at    TEXT COLLATE "C" NOT NULL
);

-- The version after the migrations before this one, whatever their number.
INSERT INTO handover_schema SELECT max(version) + 1 FROM handover_schema;
