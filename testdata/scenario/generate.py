"""Write one small scenario of traffic in every format flowpol reads
(testdata/scenario).  Run from this directory: python3 generate.py

The same connections, at the same seconds, as Hubble, Calico, native (one
line per connection, and pre-aggregated per minute), the Antrea Flow
Aggregator CSV and GKE policy logs, plus the pods as kubectl lists them.
The golden case 'same-traffic' proves that the first four give the same
policies, byte for byte."""
import csv, datetime, io, json

T0 = datetime.datetime(2026, 11, 19, 8, 0, 0, tzinfo=datetime.timezone.utc)

# name -> (namespace, labels, kind, owner, [(pod, ip)])
W = {
    "web": ("shop", {"app": "web", "tier": "frontend"}, "Deployment", "web-7d9f8b6c5d",
            [("web-7d9f8b6c5d-x2k4q", "10.0.1.10"), ("web-7d9f8b6c5d-p9m4z", "10.0.1.11")]),
    "api": ("shop", {"app": "api", "tier": "backend"}, "Deployment", "api-5c8f9d7b6f",
            [("api-5c8f9d7b6f-k4j2n", "10.0.1.20")]),
    "db": ("shop", {"app": "db", "tier": "data"}, "StatefulSet", "db", [("db-0", "10.0.1.30")]),
    "prometheus": ("monitoring", {"app.kubernetes.io/name": "prometheus"}, "StatefulSet",
                   "prometheus", [("prometheus-0", "10.0.2.40")]),
}
WORLD = "203.0.113.10"

# (seconds after T0, source (workload, pod index) or None, destination (workload, pod
#  index) or WORLD, port, verdict)
C = [
    (5, ("web", 0), ("api", 0), 8080, "FORWARDED"),
    (40, ("web", 1), ("api", 0), 8080, "FORWARDED"),
    (150, ("web", 0), ("api", 0), 8080, "FORWARDED"),
    (65, ("api", 0), ("db", 0), 5432, "FORWARDED"),
    (70, ("api", 0), ("db", 0), 5432, "FORWARDED"),
    (200, ("api", 0), WORLD, 443, "FORWARDED"),
    (30, ("prometheus", 0), ("api", 0), 9090, "FORWARDED"),
    (630, ("prometheus", 0), ("api", 0), 9090, "FORWARDED"),
    (300, ("web", 1), ("db", 0), 5432, "DROPPED"),
]
C.sort(key=lambda c: c[0])


def iso(sec):
    return (T0 + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%SZ")


def unix(sec):
    return int(T0.timestamp()) + sec


def pod(ref):
    ns, lab, kind, owner, pods = W[ref[0]]
    name, ip = pods[ref[1]]
    return ns, lab, kind, owner, name, ip


def volatile(ref):
    """The labels Kubernetes adds that must never be selected."""
    ns, lab, kind, owner, name, ip = pod(ref)
    if kind == "Deployment":
        return {"pod-template-hash": owner.rsplit("-", 1)[1]}
    return {"statefulset.kubernetes.io/pod-name": name, "controller-revision-hash": owner + "-6d5f4c"}


def hubble():
    out = []
    for i, (sec, src, dst, port, verdict) in enumerate(C):
        def ep(ref):
            if ref == WORLD:
                return {"identity": 2, "labels": ["reserved:world"]}, WORLD
            ns, lab, kind, owner, name, ip = pod(ref)
            labels = ["k8s:%s=%s" % kv for kv in sorted({**lab, **volatile(ref)}.items())]
            labels.append("k8s:io.kubernetes.pod.namespace=" + ns)
            return {"identity": 10000 + len(ns) * 7 + len(lab), "namespace": ns,
                    "labels": sorted(labels), "pod_name": name}, ip
        s, sip = ep(src)
        d, dip = ep(dst)
        flow = {"time": iso(sec), "verdict": verdict,
                "IP": {"source": sip, "destination": dip, "ipVersion": "IPv4"},
                "l4": {"TCP": {"source_port": 40000 + i, "destination_port": port,
                               "flags": {"SYN": True}}},
                "source": s, "destination": d, "Type": "L3_L4",
                "event_type": {"type": 1 if verdict == "DROPPED" else 4},
                "traffic_direction": "EGRESS", "is_reply": False}
        if verdict == "DROPPED":
            flow["drop_reason"] = 133
            flow["drop_reason_desc"] = "POLICY_DENIED"
        out.append(json.dumps({"flow": flow, "node_name": "node-a", "time": iso(sec)},
                              separators=(",", ":")))
    return out


def calico():
    """Each pod-to-pod connection is reported at both ends, as Calico does."""
    out = []
    for i, (sec, src, dst, port, verdict) in enumerate(C):
        def ep(prefix, ref):
            if ref == WORLD:
                return {prefix + "_ip": WORLD, prefix + "_name": "-", prefix + "_name_aggr": "pub",
                        prefix + "_namespace": "-", prefix + "_type": "net",
                        prefix + "_labels": None}
            ns, lab, kind, owner, name, ip = pod(ref)
            labels = ["%s=%s" % kv for kv in sorted({**lab, **volatile(ref)}.items())]
            return {prefix + "_ip": ip, prefix + "_name": name,
                    prefix + "_name_aggr": (owner + "-*") if kind == "Deployment" else name,
                    prefix + "_namespace": ns, prefix + "_type": "wep",
                    prefix + "_labels": {"labels": labels}}
        base = {"start_time": unix(sec), "end_time": unix(sec) + 300}
        base.update(ep("source", src))
        base.update(ep("dest", dst))
        base.update({"dest_port": port, "proto": "tcp", "num_flows": 1,
                     "num_flows_started": 1, "num_flows_completed": 1, "bytes_in": 300,
                     "bytes_out": 120, "packets_in": 5, "packets_out": 4})
        action = "deny" if verdict == "DROPPED" else "allow"
        reporters = ["src"] + (["dst"] if dst != WORLD else [])
        for reporter in reporters:
            rec = dict(base)
            # The source allowed what the destination denied.
            rec["action"] = "allow" if reporter == "src" and dst != WORLD else action
            rec["reporter"] = reporter
            out.append(json.dumps(rec, separators=(",", ":")))
    return out


def native_endpoint(ref):
    if ref == WORLD:
        return {"kind": "world", "ip": WORLD}
    ns, lab, kind, owner, name, ip = pod(ref)
    return {"namespace": ns, "pod": name, "labels": {**lab, **volatile(ref)}}


def native():
    out = []
    for sec, src, dst, port, verdict in C:
        out.append(json.dumps({"time": iso(sec), "src": native_endpoint(src),
                               "dst": native_endpoint(dst), "proto": "TCP", "port": port,
                               "verdict": verdict}, separators=(",", ":")))
    return out


def native_aggregated():
    """What 'GROUP BY minute, source, destination, port, verdict' gives."""
    groups = {}
    for sec, src, dst, port, verdict in C:
        # Pods of one workload with the same labels are one identity: group by
        # workload, as the shipped queries group by labels.
        key = (sec // 60, src[0], dst if dst == WORLD else dst[0], port, verdict)
        g = groups.setdefault(key, {"first": sec, "last": sec, "count": 0, "src": src, "dst": dst})
        g["first"], g["last"] = min(g["first"], sec), max(g["last"], sec)
        g["count"] += 1
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["first_seen", "last_seen", "count", "src_kind", "src_ip", "src_namespace",
                "src_workload", "src_workload_kind", "src_labels", "dst_kind", "dst_ip",
                "dst_namespace", "dst_workload", "dst_workload_kind", "dst_labels", "proto",
                "port", "verdict"])
    for key in sorted(groups, key=lambda k: (k[0], k[1], str(k[2]), k[3], k[4])):
        g = groups[key]
        row = [iso(g["first"]), iso(g["last"]), g["count"]]
        for ref in (g["src"], g["dst"]):
            if ref == WORLD:
                row += ["world", WORLD, "", "", "", ""]
            else:
                ns, lab, kind, owner, name, ip = pod(ref)
                row += ["pod", "", ns, ref[0], kind,
                        ",".join("%s=%s" % kv for kv in sorted(lab.items()))]
        row += ["TCP", key[3], key[4]]
        w.writerow(row)
    return buf.getvalue().splitlines()


def antrea():
    """Flow Aggregator CSV, current column order: names, no labels."""
    out = []
    for i, (sec, src, dst, port, verdict) in enumerate(C):
        def ep(ref):
            if ref == WORLD:
                return WORLD, "", "", ""
            ns, lab, kind, owner, name, ip = pod(ref)
            return ip, name, ns, "node-a"
        sip, spod, sns, snode = ep(src)
        dip, dpod, dns, dnode = ep(dst)
        ing = "Drop" if verdict == "DROPPED" else ""
        out.append(",".join(str(f) for f in [
            unix(sec), unix(sec) + 12, sip, dip, 40000 + i, port, "TCP", spod, sns, snode,
            dpod, dns, dnode, "", 0, "", "", "", "", ing, 1 if ing else "", "", "", "", "",
            "", "", "", "", "", ""]))
    return out


def gke():
    out = []
    for i, (sec, src, dst, port, verdict) in enumerate(C):
        def ep(ref):
            if ref == WORLD:
                return {"instance": WORLD}, WORLD
            ns, lab, kind, owner, name, ip = pod(ref)
            wk = "ReplicaSet" if kind == "Deployment" else kind
            return {"pod_name": name, "pod_namespace": ns, "namespace": ns,
                    "workload_name": owner, "workload_kind": wk}, ip
        s, sip = ep(src)
        d, dip = ep(dst)
        out.append(json.dumps({"connection": {"src_ip": sip, "dest_ip": dip,
                                              "src_port": 40000 + i, "dest_port": port,
                                              "protocol": "tcp", "direction": "egress"},
                               "disposition": "deny" if verdict == "DROPPED" else "allow",
                               "src": s, "dest": d, "count": 1,
                               "timestamp": iso(sec)}, separators=(",", ":")))
    return out


def pods():
    items = []
    for key, (ns, lab, kind, owner, plist) in sorted(W.items()):
        for i, (name, ip) in enumerate(plist):
            meta = {"name": name, "namespace": ns,
                    "labels": {**lab, **volatile((key, i))},
                    "creationTimestamp": "2026-11-18T00:00:00Z",
                    "ownerReferences": [{"apiVersion": "apps/v1",
                                         "kind": "ReplicaSet" if kind == "Deployment" else kind,
                                         "name": owner, "controller": True}]}
            items.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                          "spec": {"nodeName": "node-a"},
                          "status": {"phase": "Running", "podIP": ip,
                                     "podIPs": [{"ip": ip}],
                                     "startTime": "2026-11-18T00:00:00Z"}})
    return json.dumps({"apiVersion": "v1", "kind": "List", "items": items}, indent=4).splitlines()


for name, lines in [("hubble.jsonl", hubble()), ("calico.jsonl", calico()),
                    ("native.jsonl", native()), ("native-aggregated.csv", native_aggregated()),
                    ("antrea-flows.csv", antrea()), ("gke-policy_action.log", gke()),
                    ("pods.json", pods())]:
    with open(name, "w") as f:
        f.write("\n".join(lines) + "\n")
