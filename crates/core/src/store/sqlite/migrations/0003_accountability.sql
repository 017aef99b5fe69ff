-- Schema 3: what the accountability reports need.
-- The day a customer withdrew a request (requests carry it in their ledger payloads too).
ALTER TABLE requests ADD COLUMN withdrawn_on TEXT;

-- The history by period across all contractors (`handover history --from/--to`, the leak
-- report by period) reads handovers in creation order without scanning the table.
CREATE INDEX handovers_by_created ON handovers (created_at);
