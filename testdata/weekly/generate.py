"""Generate two consecutive audit weeks of a small shop (testdata/weekly):
week1.jsonl covers 2026-11-02 to 2026-11-09, week2.jsonl the week after.
Between them one connection appears (api -> payments, on one day only), one
disappears (api -> cache) and one changes port (worker -> api, 9090 to
9091); the rest is steady.  Run from this directory: python3 generate.py"""
import datetime, json

T0 = datetime.datetime(2026, 11, 2, tzinfo=datetime.timezone.utc)
PODS = {
    "web": ("web-7d9f8b6c4b-x2kqp", "10.42.1.10"),
    "api": ("api-5c7d9f6b8d-7hx2m", "10.42.1.20"),
    "db": ("db-0", "10.42.2.30"),
    "cache": ("cache-6f8b7c9d54-tk4vn", "10.42.2.40"),
    "worker": ("worker-84d6c7f5b9-m2xzr", "10.42.3.50"),
    "payments": ("payments-7b5d8c6f9c-vq7tz", "10.42.3.60"),
}
HASH = {"web": "7d9f8b6c4b", "api": "5c7d9f6b8d", "cache": "6f8b7c9d54",
        "worker": "84d6c7f5b9", "payments": "7b5d8c6f9c"}

def endpoint(app):
    pod, _ = PODS[app]
    labels = ["k8s:app=%s" % app, "k8s:io.kubernetes.pod.namespace=shop"]
    if app in HASH:
        labels.append("k8s:pod-template-hash=%s" % HASH[app])
    return {"identity": 20000 + sorted(PODS).index(app), "namespace": "shop",
            "labels": sorted(labels), "pod_name": pod}

def flow(day, minute, src, dst, port):
    t = (T0 + datetime.timedelta(days=day, minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
    f = {"time": t, "verdict": "AUDIT",
         "IP": {"source": PODS[src][1], "destination": PODS[dst][1], "ipVersion": "IPv4"},
         "l4": {"TCP": {"source_port": 40000 + minute, "destination_port": port,
                        "flags": {"SYN": True}}},
         "source": endpoint(src), "destination": endpoint(dst), "Type": "L3_L4",
         "event_type": {"type": 5}, "traffic_direction": "EGRESS", "is_reply": False}
    return json.dumps({"flow": f, "node_name": "node-a", "time": t}, separators=(",", ":"))

def week(first_day, edges):
    out = []
    for day in range(first_day, first_day + 7):
        for minute, (src, dst, port, days) in enumerate(edges):
            if days is None or day - first_day in days:
                out.append(flow(day, 60 + minute, src, dst, port))
    return out

STEADY = [("web", "api", 8080, None), ("api", "db", 5432, None)]
W1 = STEADY + [("api", "cache", 6379, None), ("worker", "api", 9090, None)]
W2 = STEADY + [("worker", "api", 9091, None), ("api", "payments", 8443, {2})]

for name, lines in (("week1.jsonl", week(0, W1)), ("week2.jsonl", week(7, W2))):
    with open(name, "w") as f:
        f.write("\n".join(lines) + "\n")
