-- AWS VPC Flow Logs in Athena or Trino -> flowpol native CSV: one row per
-- minute and (source address, destination address, protocol, port,
-- verdict).  The table is the one the VPC user guide creates for flow logs
-- in S3 (columns version, account_id, interface_id, srcaddr, dstaddr,
-- srcport, dstport, protocol, packets, bytes, start, "end", action,
-- log_status); change the table name and the window below.
--
--   Run it in the Athena console (or trino --output-format CSV_HEADER),
--   save the result as CSV, then:  flowpol ingest result.csv   (native)
--
-- Records carry addresses only: flowpol resolves them to workloads with an
-- inventory.  A record has no reply flag, so a connection's answer looks
-- like a connection the other way; the heuristic here keeps the direction
-- whose destination port is the lower one (a service port, against an
-- ephemeral client port).  A connection between two interfaces of the VPC
-- is logged at both; counting distinct source ports counts it once.
SELECT
    min("start") AS first_seen,
    max("start") AS last_seen,
    count(DISTINCT srcport) AS count,
    'unknown' AS src_kind,
    srcaddr AS src_ip,
    'unknown' AS dst_kind,
    dstaddr AS dst_ip,
    CAST(protocol AS varchar) AS proto,
    CASE WHEN protocol IN (6, 17, 132) THEN dstport ELSE 0 END AS port,
    CASE action WHEN 'ACCEPT' THEN 'FORWARDED' ELSE 'DROPPED' END AS verdict
FROM vpc_flow_logs
WHERE "start" >= to_unixtime(TIMESTAMP '2026-11-12 00:00:00 UTC')
  AND "start" < to_unixtime(TIMESTAMP '2026-11-19 00:00:00 UTC')
  AND log_status = 'OK'
  AND protocol IN (1, 6, 17, 58, 132)
  AND (protocol NOT IN (6, 17, 132) OR dstport <= srcport)
GROUP BY
    "start" - "start" % 60,
    srcaddr, dstaddr, protocol,
    CASE WHEN protocol IN (6, 17, 132) THEN dstport ELSE 0 END,
    action
ORDER BY first_seen, src_ip, dst_ip, port
