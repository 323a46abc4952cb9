-- flowpol database, schema version 2: the Kubernetes inventory.
--
-- Each snapshot file (kubectl get ... -A -o json) is stored as it was seen:
-- one row per object per snapshot.  The intervals in which a pod held an
-- address are derived from these observations when flows are resolved, so
-- snapshots may arrive in any order and any number.  Like flow logs, a
-- snapshot is recognised by its content and stored once.

CREATE TABLE inv_sources (
	id INTEGER PRIMARY KEY,
	fingerprint TEXT NOT NULL UNIQUE,
	path TEXT NOT NULL,
	at INTEGER NOT NULL,         -- the snapshot's time (unix seconds)
	objects INTEGER NOT NULL,
	pod_list INTEGER NOT NULL,   -- 1 if it lists pods: absence then means gone
	rejected INTEGER NOT NULL
);

CREATE TABLE inv_pods (
	source INTEGER NOT NULL REFERENCES inv_sources(id),
	uid TEXT NOT NULL,
	namespace TEXT NOT NULL,
	name TEXT NOT NULL,
	labels TEXT,                 -- "k=v,k=v" sorted
	owner_kind TEXT,             -- the controlling owner reference
	owner_name TEXT,
	node TEXT,
	host_network INTEGER NOT NULL,
	ips TEXT,                    -- "ip,ip"
	ports TEXT,                  -- container ports "name/proto/port,..."
	phase TEXT,
	started INTEGER,             -- status.startTime, else creationTimestamp
	deleted INTEGER,             -- metadata.deletionTimestamp
	finished INTEGER,            -- latest container termination, when terminated
	PRIMARY KEY (source, uid)
) WITHOUT ROWID;

CREATE TABLE inv_services (
	source INTEGER NOT NULL REFERENCES inv_sources(id),
	uid TEXT NOT NULL,
	namespace TEXT NOT NULL,
	name TEXT NOT NULL,
	cluster_ips TEXT,            -- "ip,ip"; NULL for headless
	selector TEXT,               -- "k=v,k=v"; NULL without selector
	ports TEXT,                  -- "name/proto/port/target,..." target: number or name
	created INTEGER,
	deleted INTEGER,
	PRIMARY KEY (source, uid)
) WITHOUT ROWID;

CREATE TABLE inv_slices (
	source INTEGER NOT NULL REFERENCES inv_sources(id),
	uid TEXT NOT NULL,
	namespace TEXT NOT NULL,
	service TEXT NOT NULL,       -- kubernetes.io/service-name
	pods TEXT,                   -- "ip=name,ip=name" (targetRef pods)
	ports TEXT,                  -- "name/proto/port,..."
	PRIMARY KEY (source, uid)
) WITHOUT ROWID;

CREATE TABLE inv_nodes (
	source INTEGER NOT NULL REFERENCES inv_sources(id),
	uid TEXT NOT NULL,
	name TEXT NOT NULL,
	ips TEXT,                    -- InternalIP and ExternalIP addresses
	pod_cidrs TEXT,              -- "cidr,cidr"
	created INTEGER,
	deleted INTEGER,
	PRIMARY KEY (source, uid)
) WITHOUT ROWID;

CREATE TABLE inv_namespaces (
	source INTEGER NOT NULL REFERENCES inv_sources(id),
	name TEXT NOT NULL,
	labels TEXT,
	PRIMARY KEY (source, name)
) WITHOUT ROWID;

-- Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs.
CREATE TABLE inv_controllers (
	source INTEGER NOT NULL REFERENCES inv_sources(id),
	uid TEXT NOT NULL,
	kind TEXT NOT NULL,
	namespace TEXT NOT NULL,
	name TEXT NOT NULL,
	selector TEXT,               -- JSON label selector (matchLabels, matchExpressions)
	owner_kind TEXT,
	owner_name TEXT,
	PRIMARY KEY (source, uid)
) WITHOUT ROWID;

-- How each aggregation resolved addresses and names: exact, near, none.
ALTER TABLE runs ADD COLUMN resolution TEXT;
