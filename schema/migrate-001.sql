-- flowpol database, schema version 1.
-- Applied by fp_db_open() inside one transaction that also sets
-- PRAGMA user_version = 1.  Never edit a migration that has shipped: add the
-- next migrate-NNN.sql instead.

-- One row per input file completely ingested.  A file is identified by what
-- it holds (size and content hash of its raw bytes), not by its name, so the
-- same log under a new name is recognised and renamed copies are not counted
-- twice.  The row is written in the transaction that stores the file's last
-- flows: a file is either all in, or not in at all.
CREATE TABLE sources (
	id INTEGER PRIMARY KEY,
	fingerprint TEXT NOT NULL UNIQUE,
	path TEXT NOT NULL,
	format TEXT NOT NULL,
	bytes INTEGER NOT NULL,
	lines INTEGER NOT NULL,
	records INTEGER NOT NULL,      -- lines that became flows
	connections INTEGER NOT NULL,  -- flows weighted by their counts
	skipped INTEGER NOT NULL,
	skipped_detail TEXT NOT NULL,  -- JSON object: reason -> count
	rejected INTEGER NOT NULL,
	first_seen INTEGER,            -- unix seconds of the oldest flow, NULL if none
	last_seen INTEGER
);

-- Interned endpoints.  key is the canonical text of every other column, so
-- the same endpoint is stored once however many flows name it.
CREATE TABLE endpoints (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	kind INTEGER NOT NULL,        -- enum fp_ep_kind
	namespace TEXT,
	workload TEXT,
	workload_kind TEXT,
	pod TEXT,
	ip TEXT,
	labels TEXT                   -- "k=v,k=v" sorted by key; NULL for none
);

-- Flows pre-aggregated by minute: the table grows with distinct tuples, not
-- with input lines.  Times are unix seconds.
CREATE TABLE flows (
	bucket INTEGER NOT NULL,      -- start of the minute
	src INTEGER NOT NULL REFERENCES endpoints(id),
	dst INTEGER NOT NULL REFERENCES endpoints(id),
	proto INTEGER NOT NULL,
	port INTEGER NOT NULL,
	verdict INTEGER NOT NULL,     -- enum fp_verdict
	reason INTEGER NOT NULL,      -- drop reason, 0 if none
	count INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	PRIMARY KEY (bucket, src, dst, proto, port, verdict, reason)
) WITHOUT ROWID;

-- Rows of a file whose ingest outgrew its memory budget, parked until the
-- file is complete; merged into flows in the file's final transaction.  Rows
-- left by a run that was killed are deleted when the same file is ingested
-- again, so they are never counted.
CREATE TABLE staging (
	fingerprint TEXT NOT NULL,
	bucket INTEGER NOT NULL,
	src INTEGER NOT NULL,
	dst INTEGER NOT NULL,
	proto INTEGER NOT NULL,
	port INTEGER NOT NULL,
	verdict INTEGER NOT NULL,
	reason INTEGER NOT NULL,
	count INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL
);
CREATE INDEX staging_fingerprint ON staging(fingerprint);

-- Lines that could not be read, with the reason, for the report.
CREATE TABLE rejects (
	source INTEGER NOT NULL REFERENCES sources(id),
	line INTEGER NOT NULL,
	reason TEXT NOT NULL,
	PRIMARY KEY (source, line)
) WITHOUT ROWID;

-- Each aggregate, generate or run: its window and options.
CREATE TABLE runs (
	id INTEGER PRIMARY KEY,
	command TEXT NOT NULL,
	since INTEGER NOT NULL,       -- window start, inclusive
	until INTEGER NOT NULL,       -- window end, exclusive
	options TEXT NOT NULL,        -- JSON object
	output_digest TEXT            -- set by generate
);

-- Identities of an aggregate run: what the policies select.
CREATE TABLE identities (
	run INTEGER NOT NULL REFERENCES runs(id),
	key TEXT NOT NULL,
	kind INTEGER NOT NULL,        -- enum fp_id_kind
	namespace TEXT,
	name TEXT,                    -- workload name, address or CIDR
	workload_kind TEXT,
	labels TEXT,                  -- labels every pod of the workload carried
	selector TEXT,                -- JSON: the chosen label selector
	note TEXT,                    -- why it cannot be selected exactly, if so
	also TEXT,                    -- other workloads with the very same labels
	PRIMARY KEY (run, key)
) WITHOUT ROWID;

-- Edges of an aggregate run: identity to identity on one protocol and port.
CREATE TABLE edges (
	run INTEGER NOT NULL REFERENCES runs(id),
	src TEXT NOT NULL,
	dst TEXT NOT NULL,
	proto INTEGER NOT NULL,
	port INTEGER NOT NULL,
	verdict INTEGER NOT NULL,     -- 1 observed, 2 dropped
	flows INTEGER NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	days INTEGER NOT NULL,        -- distinct UTC days with traffic
	status INTEGER NOT NULL,      -- enum fp_edge_status
	PRIMARY KEY (run, src, dst, proto, port, verdict)
) WITHOUT ROWID;
