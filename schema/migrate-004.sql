-- flowpol database, schema version 4: history across windows.
-- Each edge keeps the UTC days it was seen on (so stability over several
-- windows counts each day once however the windows overlap), its evidence
-- over every recorded window, and how many windows it went without traffic
-- (a rule carried forward from an earlier window so production does not
-- break).  Each run keeps the inputs it read.
ALTER TABLE edges ADD COLUMN day_list TEXT;             -- "20404,20405": days since 1970-01-01
ALTER TABLE edges ADD COLUMN days_all INTEGER NOT NULL DEFAULT 0;
ALTER TABLE edges ADD COLUMN first_all INTEGER NOT NULL DEFAULT 0;
ALTER TABLE edges ADD COLUMN last_all INTEGER NOT NULL DEFAULT 0;
ALTER TABLE edges ADD COLUMN stale INTEGER NOT NULL DEFAULT 0; -- windows without traffic
ALTER TABLE runs ADD COLUMN inputs TEXT;                -- JSON: the sources of the window
