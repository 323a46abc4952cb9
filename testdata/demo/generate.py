"""Generate the demo audit week (testdata/demo): Hubble exporter files of a
small production cluster.  Run from this directory: python3 generate.py"""
import json, random, gzip, datetime
random.seed(20261119)
T0 = datetime.datetime(2026, 11, 12, 0, 0, 0, tzinfo=datetime.timezone.utc)

def labels(ns, lab):
    out = ["k8s:%s=%s" % kv for kv in sorted(lab.items())]
    out += ["k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=%s" % ns,
            "k8s:io.cilium.k8s.policy.cluster=prod-eu1",
            "k8s:io.cilium.k8s.policy.serviceaccount=%s" % lab.get("app", "default"),
            "k8s:io.kubernetes.pod.namespace=%s" % ns]
    return sorted(out)

# workloads: name -> (ns, labels, pods [(podname, ip)], kind)
W = {}
def wl(key, ns, lab, pods, kind="Deployment"):
    W[key] = dict(ns=ns, labels=lab, pods=pods, kind=kind)

wl("ingress", "ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller", "app.kubernetes.io/instance": "ingress-nginx"},
   [("ingress-nginx-controller-7d9f8b6c4b-x2kqp", "10.42.1.10")])
wl("gw", "prod", {"app": "api-gateway", "tier": "edge"}, [("api-gateway-5c7d9f6b8d-7hx2m", "10.42.1.21"), ("api-gateway-5c7d9f6b8d-q9wzt", "10.42.2.21")])
wl("auth_old", "prod", {"app": "auth-service", "tier": "backend"}, [("auth-service-6f8b7c9d54-tk4vn", "10.42.1.31")])
wl("auth_new", "prod", {"app": "auth-service", "tier": "backend"}, [("auth-service-84d6c7f5b9-m2xzr", "10.42.2.35")])
wl("pay", "prod", {"app": "payment-processor-v4", "tier": "backend"}, [("payment-processor-v4-7b5d8c6f9c-vq7tz", "10.42.2.41")])
wl("orders", "prod", {"app": "orders", "tier": "backend"}, [("orders-6d4c8b7f5d-l5pxs", "10.42.1.51")])
wl("pg", "prod", {"app": "postgres", "tier": "data"}, [("postgres-0", "10.42.3.61")], "StatefulSet")
wl("redis_p", "prod", {"app": "redis", "role": "primary", "tier": "data"}, [("redis-primary-0", "10.42.3.71")], "StatefulSet")
wl("redis_r", "prod", {"app": "redis", "role": "replica", "tier": "data"}, [("redis-replica-0", "10.42.1.72"), ("redis-replica-1", "10.42.2.73")], "StatefulSet")
wl("prom", "monitoring", {"app.kubernetes.io/name": "prometheus", "app.kubernetes.io/instance": "k8s"}, [("prometheus-k8s-0", "10.42.3.81")], "StatefulSet")
wl("dns", "kube-system", {"k8s-app": "kube-dns"}, [("coredns-5d78c9869d-8jxnt", "10.42.0.5"), ("coredns-5d78c9869d-cg7wv", "10.42.0.6")])

def endpoint(key, podidx=None):
    w = W[key]
    i = podidx if podidx is not None else random.randrange(len(w["pods"]))
    pod, ip = w["pods"][i]
    lab = dict(w["labels"])
    ep = {"ID": 1000 + abs(hash(pod)) % 3000, "identity": 20000 + abs(hash(key)) % 40000, "namespace": w["ns"],
          "labels": labels(w["ns"], lab), "pod_name": pod}
    return ep, ip

NODES = ["ip-10-0-1-17.eu-west-1.compute.internal", "ip-10-0-2-29.eu-west-1.compute.internal", "ip-10-0-3-41.eu-west-1.compute.internal"]

def ts(day, sec):
    t = T0 + datetime.timedelta(days=day, seconds=sec)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%09d" % random.randrange(10**9) + "Z"

lines = {n: [] for n in NODES}

def emit(node, flow, t):
    flow["node_name"] = node
    lines[node].append(json.dumps({"flow": flow, "node_name": node, "time": flow["time"]}, separators=(",", ":")))

def conn(day, sec, src, dst, port, proto="TCP", verdict="AUDIT", src_ep=None, dst_ep=None, sip=None, dip=None, node=None, direction="EGRESS"):
    t = ts(day, sec)
    if src_ep is None:
        src_ep, sip = endpoint(src)
    if dst_ep is None:
        dst_ep, dip = endpoint(dst)
    node = node or random.choice(NODES)
    sport = random.randrange(32768, 60999)
    l4 = {proto: {"source_port": sport, "destination_port": port}}
    if proto == "TCP":
        l4[proto]["flags"] = {"SYN": True}
    base = {"time": t, "uuid": "%08x-0000-4000-8000-%012x" % (random.getrandbits(32), random.getrandbits(48)),
            "verdict": verdict, "IP": {"source": sip, "destination": dip, "ipVersion": "IPv4"},
            "l4": l4, "source": src_ep, "destination": dst_ep, "Type": "L3_L4",
            "traffic_direction": direction, "is_reply": False}
    # the policy verdict (audit mode) ...
    pv = dict(base); pv["event_type"] = {"type": 5}; pv["policy_match_type"] = 0
    pv["Summary"] = "TCP Flags: SYN" if proto == "TCP" else proto
    if verdict == "DROPPED":
        pv["drop_reason"] = 133; pv["drop_reason_desc"] = "POLICY_DENIED"; pv["event_type"] = {"type": 1, "sub_type": 133}
    emit(node, pv, t)
    if verdict == "DROPPED":
        return
    # ... the first packet traced to the endpoint ...
    tr = dict(base); tr["event_type"] = {"type": 4}; tr["trace_observation_point"] = "TO_ENDPOINT"
    tr["verdict"] = "FORWARDED"; tr["trace_reason"] = "NEW"; tr["Summary"] = pv["Summary"]
    emit(node, tr, t)
    # ... the reply, and a later packet: never edges.
    rep = dict(base); rep["event_type"] = {"type": 4}; rep["verdict"] = "FORWARDED"; rep["is_reply"] = True; rep["reply"] = True
    rep["IP"] = {"source": dip, "destination": sip, "ipVersion": "IPv4"}
    rl4 = {proto: {"source_port": port, "destination_port": sport}}
    if proto == "TCP":
        rl4[proto]["flags"] = {"SYN": True, "ACK": True}
    rep["l4"] = rl4; rep["source"] = dst_ep; rep["destination"] = src_ep; rep["trace_reason"] = "REPLY"
    rep["trace_observation_point"] = "TO_ENDPOINT"
    emit(node, rep, t)
    if proto == "TCP" and random.random() < 0.5:
        later = dict(base); later["event_type"] = {"type": 4}; later["verdict"] = "FORWARDED"
        later["l4"] = {"TCP": {"source_port": sport, "destination_port": port, "flags": {"PSH": True, "ACK": True}}}
        later["trace_reason"] = "ESTABLISHED"; later["trace_observation_point"] = "TO_ENDPOINT"
        emit(node, later, t)

def host_ep():
    return {"identity": 1, "labels": ["reserved:host"]}

for day in range(7):
    for hour in range(0, 24, 4):
        base = hour * 3600
        # the cloud load balancer's addresses reach the ingress controller
        for lb in ["198.51.100.7", "198.51.100.8"]:
            ep, ip = endpoint("ingress")
            conn(day, base + random.randrange(3600), None, "ingress", 443, src_ep={"identity": 2, "labels": ["reserved:world"]}, sip=lb, dst_ep=ep, dip=ip, direction="INGRESS")
        for _ in range(3): conn(day, base + random.randrange(3600), "ingress", "gw", 8080)
        for _ in range(3): conn(day, base + random.randrange(3600), "gw", "auth_old" if day < 3 else "auth_new", 8080)
        for _ in range(2): conn(day, base + random.randrange(3600), "gw", "orders", 8080)
        for _ in range(2): conn(day, base + random.randrange(3600), "pay", "auth_old" if day < 3 else "auth_new", 8080)
        conn(day, base + random.randrange(3600), "orders", "pay", 8080)
        conn(day, base + random.randrange(3600), "orders", "pg", 5432)
        conn(day, base + random.randrange(3600), "auth_old" if day < 3 else "auth_new", "redis_p", 6379)
        if hour % 8 == 0:
            conn(day, base + random.randrange(3600), "redis_r", "redis_p", 6379)
        for w in ["gw", "auth_old" if day < 3 else "auth_new"]:
            conn(day, base + random.randrange(3600), "prom", w, 9090, direction="INGRESS")
        for w in ["gw", "pay", "orders", "auth_old" if day < 3 else "auth_new"]:
            conn(day, base + random.randrange(3600), w, "dns", 53, proto="UDP")
        # the external payment provider
        ext = {"identity": 2, "labels": ["reserved:world"]}
        ep, ip = endpoint("pay")
        conn(day, base + random.randrange(3600), "pay", None, 443, src_ep=ep, sip=ip, dst_ep=ext, dip="203.0.113.10")
        # kubelet probes from the node
        for w in ["gw", "auth_old" if day < 3 else "auth_new", "orders", "pay"]:
            ep, ip = endpoint(w)
            conn(day, base + random.randrange(3600), None, w, 8081, src_ep=host_ep(), sip="10.0.1.17", dst_ep=ep, dip=ip, direction="INGRESS")
    # one attempt the engine denied
    conn(day, 43200 + day, "gw", "pg", 5432, verdict="DROPPED")

# streams carry more than flows: an L7 record, node status, lost events
for node in NODES:
    lines[node].insert(0, json.dumps({"node_status": {"state_change": "NODE_CONNECTED", "node_names": [node], "message": "Connected"}, "node_name": node, "time": "2026-11-12T00:00:00Z"}, separators=(",", ":")))
    lines[node].append(json.dumps({"lost_events": {"source": "HUBBLE_RING_BUFFER", "num_events_lost": 12, "cpu": 1}, "node_name": node, "time": "2026-11-18T23:59:59Z"}, separators=(",", ":")))

ep, ip = endpoint("gw"); ep2, ip2 = endpoint("orders")
l7 = {"time": "2026-11-13T10:00:00.1Z", "verdict": "FORWARDED", "IP": {"source": ip, "destination": ip2, "ipVersion": "IPv4"},
      "l4": {"TCP": {"source_port": 40000, "destination_port": 8080}}, "source": ep, "destination": ep2, "Type": "L7",
      "event_type": {"type": 129}, "l7": {"type": "REQUEST", "http": {"method": "GET", "url": "http://orders:8080/api/v1/orders", "protocol": "HTTP/1.1"}},
      "traffic_direction": "EGRESS", "Summary": "HTTP/1.1 GET http://orders:8080/api/v1/orders"}
emit(NODES[0], l7, None)

with open("hubble-ip-10-0-1-17.jsonl", "w") as f:
    f.write("\n".join(sorted(lines[NODES[0]], key=lambda l: json.loads(l).get("time", ""))) + "\n")
with open("hubble-ip-10-0-2-29.jsonl", "w") as f:
    f.write("\n".join(sorted(lines[NODES[1]], key=lambda l: json.loads(l).get("time", ""))) + "\n")
with gzip.GzipFile("hubble-ip-10-0-3-41.jsonl.gz", "wb", mtime=0) as f:
    f.write(("\n".join(sorted(lines[NODES[2]], key=lambda l: json.loads(l).get("time", ""))) + "\n").encode())
