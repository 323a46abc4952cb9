-- flowpol database, schema version 5: logs that grow.
-- A file ingested again after lines were appended to it is recognised by
-- its first bytes, which an earlier source holds whole: only the lines after
-- them are counted.  bytes, lines and every count of a source are its own
-- part; resumed_bytes and resumed_lines are the part earlier sources counted.
ALTER TABLE sources ADD COLUMN resumed_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN resumed_lines INTEGER NOT NULL DEFAULT 0;
