-- flowpol database, schema version 3: identities that stand for address
-- ranges (a known network, the nodes) keep them.
ALTER TABLE identities ADD COLUMN cidrs TEXT;
