-- flowpol database, schema version 5: logs that grow.
-- A file ingested again after lines were appended to it is recognised by
-- its first bytes, which an earlier source holds whole: only the lines after
-- them are counted.  bytes, lines and every count of a source are its own
-- part; resumed_bytes and resumed_lines are the part earlier sources counted.
ALTER TABLE sources ADD COLUMN resumed_bytes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN resumed_lines INTEGER NOT NULL DEFAULT 0;
-- The fingerprint of a plain file's first 4 KiB (of all of it when it is
-- shorter): only a source whose head is the new file's can be its start,
-- so a folder of new logs is not read once per stored one.  NULL for gzip
-- and standard input, which are never resumed.
ALTER TABLE sources ADD COLUMN head TEXT;
-- A JSON document (an array, objects over many lines) is cut into records:
-- how many were complete at the file's end.  A resume skips that many, which
-- holds wherever the earlier read stopped, even inside a line.
ALTER TABLE sources ADD COLUMN split_records INTEGER NOT NULL DEFAULT 0;
