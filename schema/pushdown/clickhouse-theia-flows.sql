-- Theia's ClickHouse "flows" table -> flowpol native CSV: one row per
-- minute and (source, destination, protocol, port, verdict), with the
-- number of flow records it stands for.  flowpol buckets flows by minute,
-- so ingesting these rows gives the same edges, counts, first/last seen and
-- days as ingesting every row of the table (flowpol ingest -f theia).
--
--   clickhouse-client --host CLICKHOUSE --user USER --password \
--       --param_since='2026-11-12 00:00:00' --param_until='2026-11-19 00:00:00' \
--       --queries-file schema/pushdown/clickhouse-theia-flows.sql > flows.csv
--   flowpol ingest flows.csv            # detected as native
--
-- For JSON lines instead of CSV, end with FORMAT JSONEachRow: flowpol reads
-- the same names flat.  Times are Unix seconds; since/until are UTC.
SELECT
    toUnixTimestamp(min(flowStartSeconds)) AS first_seen,
    toUnixTimestamp(max(flowStartSeconds)) AS last_seen,
    count() AS count,
    if(sourcePodNamespace = '', 'unknown', 'pod') AS src_kind,
    sourceIP AS src_ip,
    sourcePodNamespace AS src_namespace,
    sourcePodName AS src_pod,
    sourcePodLabels AS src_labels,
    if(destinationPodNamespace = '', 'unknown', 'pod') AS dst_kind,
    destinationIP AS dst_ip,
    destinationPodNamespace AS dst_namespace,
    destinationPodName AS dst_pod,
    destinationPodLabels AS dst_labels,
    protocolIdentifier AS proto,
    -- after Service translation: the backend's port, as NetworkPolicy sees it
    destinationTransportPort AS port,
    if(ingressNetworkPolicyRuleAction IN (2, 3) OR egressNetworkPolicyRuleAction IN (2, 3),
       'DROPPED', 'FORWARDED') AS verdict
FROM flows
WHERE flowStartSeconds >= {since:DateTime('UTC')}
  AND flowStartSeconds < {until:DateTime('UTC')}
  -- only what a NetworkPolicy can speak of: ICMP, TCP, UDP, ICMPv6, SCTP
  AND protocolIdentifier IN (1, 6, 17, 58, 132)
GROUP BY
    toStartOfMinute(flowStartSeconds),
    src_kind, src_ip, src_namespace, src_pod, src_labels,
    dst_kind, dst_ip, dst_namespace, dst_pod, dst_labels,
    proto, port, verdict
ORDER BY first_seen, src_namespace, src_pod, dst_namespace, dst_pod, port
FORMAT CSVWithNames
