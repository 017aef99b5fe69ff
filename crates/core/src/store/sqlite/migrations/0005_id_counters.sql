-- Schema 5: ids are allocated inside the transaction that records them.
--
-- `id_counters` keeps the last number given out per prefix (`HO-2026-`, `REQ-2026-`, `CTR-`).
-- A handover id is reserved before its bundle is written (the bundle carries it), so a pack that
-- is refused or interrupted leaves a gap instead of an id that the next pack would reuse for a
-- different bundle. The same table exists on a shared PostgreSQL store.
CREATE TABLE id_counters (
    prefix TEXT PRIMARY KEY NOT NULL,
    n      INTEGER NOT NULL
);
