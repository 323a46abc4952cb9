"""Generate the churn week (testdata/churn): one audit week of a cluster whose
pods restart, roll out and reuse each other's addresses, written three ways:

  inventory/*.json  kubectl get ... -A -o json snapshots every 6 hours
  hubble.jsonl      the traffic as Cilium's Hubble exporter writes it (labels)
  vpc.log           the same traffic as AWS VPC Flow Logs (addresses only,
                    version 2 default format: no TCP flags, both directions)

Every connection is one policy-verdict event in Hubble and one request plus
one reply record in the VPC log, so both give the same evidence.
Run from this directory: python3 generate.py
"""
import json, os, random, datetime

random.seed(7)
T0 = datetime.datetime(2026, 11, 9, 0, 0, 0, tzinfo=datetime.timezone.utc)
DAY = 86400
END = 7 * DAY

def iso(t):
    return (T0 + datetime.timedelta(seconds=t)).strftime("%Y-%m-%dT%H:%M:%SZ")

NODES = [("node-a", "10.0.0.11", "10.244.1.0/24"), ("node-b", "10.0.0.12", "10.244.2.0/24"),
         ("node-c", "10.0.0.13", "10.244.3.0/24")]

# Pods: name, ns, labels, owner (kind, name), node, ip, start, end (None = running),
# ports [(name, port)], host_network
PODS = []
def pod(name, ns, labels, owner, node, ip, start, end=None, ports=(), uid=None):
    PODS.append(dict(name=name, ns=ns, labels=labels, owner=owner, node=node, ip=ip, start=start,
                     end=end, ports=list(ports), uid=uid or "%08x-0000-4000-8000-%012x" % (len(PODS), len(PODS))))
    return PODS[-1]

CTLS = []  # kind, ns, name, selector, owner
def ctl(kind, ns, name, match, owner=None):
    CTLS.append(dict(kind=kind, ns=ns, name=name, match=match, owner=owner))

# shop: frontend, cart (rollout on day 2, its first pod's address goes to checkout on day 3),
# checkout, redis StatefulSet, two Helm releases of one chart, a game stream on an
# ephemeral-range port and its player
ctl("Deployment", "shop", "frontend", {"app": "frontend"})
ctl("ReplicaSet", "shop", "frontend-6d8f7b9c5d", {"app": "frontend", "pod-template-hash": "6d8f7b9c5d"}, ("Deployment", "frontend"))
fe = pod("frontend-6d8f7b9c5d-x2kqp", "shop", {"app": "frontend", "pod-template-hash": "6d8f7b9c5d"},
         ("ReplicaSet", "frontend-6d8f7b9c5d"), "node-a", "10.244.1.10", -DAY, ports=[("http", 8080)])
ctl("Deployment", "shop", "cart", {"app": "cart"})
ctl("ReplicaSet", "shop", "cart-7c9d8b6f4b", {"app": "cart", "pod-template-hash": "7c9d8b6f4b"}, ("Deployment", "cart"))
ctl("ReplicaSet", "shop", "cart-5f6b7c8d9f", {"app": "cart", "pod-template-hash": "5f6b7c8d9f"}, ("Deployment", "cart"))
cart1 = pod("cart-7c9d8b6f4b-tk4vn", "shop", {"app": "cart", "pod-template-hash": "7c9d8b6f4b", "version": "1.4"},
            ("ReplicaSet", "cart-7c9d8b6f4b"), "node-a", "10.244.1.20", -DAY, 3 * DAY + 10 * 3600, ports=[("http", 8080)])
cart2 = pod("cart-5f6b7c8d9f-m2xzr", "shop", {"app": "cart", "pod-template-hash": "5f6b7c8d9f", "version": "1.5"},
            ("ReplicaSet", "cart-5f6b7c8d9f"), "node-b", "10.244.2.21", 2 * DAY, ports=[("http", 8080)])
ctl("Deployment", "shop", "checkout", {"app": "checkout"})
ctl("ReplicaSet", "shop", "checkout-84d6c7f5b9", {"app": "checkout", "pod-template-hash": "84d6c7f5b9"}, ("Deployment", "checkout"))
co1 = pod("checkout-84d6c7f5b9-qz7lp", "shop", {"app": "checkout", "pod-template-hash": "84d6c7f5b9"},
          ("ReplicaSet", "checkout-84d6c7f5b9"), "node-c", "10.244.3.30", -DAY, 3 * DAY + 9 * 3600, ports=[("grpc", 9000)])
# the restarted checkout pod gets the address cart's first pod gave back
co2 = pod("checkout-84d6c7f5b9-w8n4d", "shop", {"app": "checkout", "pod-template-hash": "84d6c7f5b9"},
          ("ReplicaSet", "checkout-84d6c7f5b9"), "node-a", "10.244.1.20", 3 * DAY + 10 * 3600 + 120, ports=[("grpc", 9000)])
ctl("StatefulSet", "shop", "redis", {"app": "redis"})
r0 = pod("redis-0", "shop", {"app": "redis", "controller-revision-hash": "redis-5b8d7", "statefulset.kubernetes.io/pod-name": "redis-0"},
         ("StatefulSet", "redis"), "node-b", "10.244.2.40", -DAY, ports=[("redis", 6379)])
r1 = pod("redis-1", "shop", {"app": "redis", "controller-revision-hash": "redis-5b8d7", "statefulset.kubernetes.io/pod-name": "redis-1"},
         ("StatefulSet", "redis"), "node-c", "10.244.3.41", -DAY, ports=[("redis", 6379)])
for rel, ip, node in [("blue", "10.244.1.50", "node-a"), ("green", "10.244.2.51", "node-b")]:
    name = "web-" + rel
    h = {"blue": "7b6c5d4f8d", "green": "6c5b4d7f9b"}[rel]
    labels = {"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": rel, "app.kubernetes.io/managed-by": "Helm",
              "helm.sh/chart": "web-2.3.1", "pod-template-hash": h}
    ctl("Deployment", "shop", name, {"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": rel})
    ctl("ReplicaSet", "shop", "%s-%s" % (name, h), {"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": rel, "pod-template-hash": h}, ("Deployment", name))
    pod("%s-%s-%s" % (name, h, {"blue": "f4hxd", "green": "c8vbn"}[rel]), "shop", labels, ("ReplicaSet", "%s-%s" % (name, h)),
        node, ip, -DAY, ports=[("http", 8080)])
web = {"blue": PODS[-2], "green": PODS[-1]}
ctl("Deployment", "shop", "stream", {"app": "stream"})
ctl("ReplicaSet", "shop", "stream-59d7c8b6f4", {"app": "stream", "pod-template-hash": "59d7c8b6f4"}, ("Deployment", "stream"))
stream = pod("stream-59d7c8b6f4-r2d2x", "shop", {"app": "stream", "pod-template-hash": "59d7c8b6f4"},
             ("ReplicaSet", "stream-59d7c8b6f4"), "node-c", "10.244.3.60", -DAY, ports=[("game", 40000)])
ctl("Deployment", "shop", "player", {"app": "player"})
ctl("ReplicaSet", "shop", "player-6f5d4c7b8d", {"app": "player", "pod-template-hash": "6f5d4c7b8d"}, ("Deployment", "player"))
player = pod("player-6f5d4c7b8d-k9w2z", "shop", {"app": "player", "pod-template-hash": "6f5d4c7b8d"},
             ("ReplicaSet", "player-6f5d4c7b8d"), "node-b", "10.244.2.61", -DAY)
# batch: a CronJob's daily Job; each pod a new address
ctl("CronJob", "batch", "report", None)
jobs = []
for d in range(7):
    ts = 29400000 + d * 1440
    jname = "report-%d" % ts
    ctl("Job", "batch", jname, {"batch.kubernetes.io/controller-uid": "c0ffee%02d-0000-4000-8000-000000000000" % d}, ("CronJob", "report"))
    jobs.append(pod("%s-%s" % (jname, "x7k2p"), "batch", {"app": "report", "batch.kubernetes.io/job-name": jname, "job-name": jname,
                                                 "batch.kubernetes.io/controller-uid": "c0ffee%02d-0000-4000-8000-000000000000" % d},
                    ("Job", jname), "node-c", "10.244.3.%d" % (100 + d), d * DAY + 2 * 3600, d * DAY + 2 * 3600 + 900))
# logging: a DaemonSet shipping logs outside
ctl("DaemonSet", "logging", "fluent-bit", {"app.kubernetes.io/name": "fluent-bit"})
fb = [pod("fluent-bit-%s" % sfx, "logging", {"app.kubernetes.io/name": "fluent-bit", "controller-revision-hash": "6b7c8d9f4", "pod-template-generation": "3"},
          ("DaemonSet", "fluent-bit"), n[0], "10.244.%d.70" % (i + 1), -DAY) for i, (n, sfx) in enumerate(zip(NODES, ["q8vzt", "n4kxp", "b7mwd"]))]
# kube-system: DNS
ctl("Deployment", "kube-system", "coredns", {"k8s-app": "kube-dns"})
ctl("ReplicaSet", "kube-system", "coredns-5d78c9869d", {"k8s-app": "kube-dns", "pod-template-hash": "5d78c9869d"}, ("Deployment", "coredns"))
dns = [pod("coredns-5d78c9869d-%s" % s, "kube-system", {"k8s-app": "kube-dns", "pod-template-hash": "5d78c9869d"},
           ("ReplicaSet", "coredns-5d78c9869d"), n, ip, -7 * DAY, ports=[("dns", 53), ("metrics", 9153)])
       for s, n, ip in [("8jxnt", "node-a", "10.244.1.5"), ("cg7wv", "node-b", "10.244.2.5")]]

SERVICES = [
    dict(ns="shop", name="cart", ip="10.96.10.20", selector={"app": "cart"}, ports=[("web", 80, "http", "TCP")]),
    dict(ns="shop", name="checkout", ip="10.96.10.30", selector={"app": "checkout"}, ports=[("grpc", 9000, 9000, "TCP")]),
    dict(ns="shop", name="redis", ip="10.96.10.40", selector={"app": "redis"}, ports=[("redis", 6379, 6379, "TCP")]),
    dict(ns="kube-system", name="kube-dns", ip="10.96.0.10", selector={"k8s-app": "kube-dns"},
         ports=[("dns", 53, 53, "UDP"), ("dns-tcp", 53, 53, "TCP")]),
]

def alive(p, t):
    return p["start"] <= t and (p["end"] is None or t < p["end"])

def k8s_pod(p, at):
    phase = "Running"
    meta = {"name": p["name"], "namespace": p["ns"], "uid": p["uid"], "labels": p["labels"],
            "creationTimestamp": iso(p["start"] - 5)}
    meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": p["owner"][0], "name": p["owner"][1],
                                "uid": "00000000-0000-4000-8000-000000000001", "controller": True, "blockOwnerDeletion": True}]
    status = {"phase": phase, "podIP": p["ip"], "podIPs": [{"ip": p["ip"]}], "hostIP": dict((n, i) for n, i, _ in NODES)[p["node"]],
              "startTime": iso(p["start"])}
    if p["ns"] == "batch" and p["end"] is not None and at >= p["end"]:
        status["phase"] = "Succeeded"
        status["containerStatuses"] = [{"name": "report", "state": {"terminated": {"exitCode": 0, "finishedAt": iso(p["end"]), "reason": "Completed"}}}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": p["node"], "containers": [{"name": "main", "image": "example/%s:1" % p["owner"][1],
                     "ports": [{"name": n, "containerPort": port, "protocol": "UDP" if n == "dns" else "TCP"} for n, port in p["ports"]]
                              + ([{"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}] if p["ns"] == "kube-system" else [])}]},
            "status": status}

def terminating(p, at):
    return p["end"] is not None and p["end"] <= at < p["end"] + 60 and p["ns"] != "batch"

def snapshot(at):
    items = []
    for n, ip, cidr in NODES:
        items.append({"apiVersion": "v1", "kind": "Node", "metadata": {"name": n, "uid": "n0de%04d-0000-4000-8000-000000000000" % NODES.index((n, ip, cidr)),
                      "creationTimestamp": iso(-30 * DAY)},
                      "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
                      "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": n}]}})
    for ns in ["shop", "batch", "logging", "kube-system"]:
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}}})
    for c in CTLS:
        obj = {"apiVersion": "apps/v1" if c["kind"] not in ("Job", "CronJob") else "batch/v1", "kind": c["kind"],
               "metadata": {"name": c["name"], "namespace": c["ns"], "uid": "c7l%05d-0000-4000-8000-000000000000" % CTLS.index(c)},
               "spec": {}}
        if c["match"] is not None:
            obj["spec"]["selector"] = {"matchLabels": c["match"]}
        if c["owner"]:
            obj["metadata"]["ownerReferences"] = [{"kind": c["owner"][0], "name": c["owner"][1], "controller": True,
                                                   "uid": "00000000-0000-4000-8000-000000000002"}]
        items.append(obj)
    for p in PODS:
        # a finished Job pod stays listed until the next day's run
        listed = alive(p, at) or (p["ns"] == "batch" and p["start"] <= at < p["start"] + DAY)
        if listed:
            items.append(k8s_pod(p, at))
        elif terminating(p, at):
            obj = k8s_pod(p, at)
            obj["metadata"]["deletionTimestamp"] = iso(p["end"])
            obj["metadata"]["deletionGracePeriodSeconds"] = 30
            items.append(obj)
    for s in SERVICES:
        items.append({"apiVersion": "v1", "kind": "Service", "metadata": {"name": s["name"], "namespace": s["ns"],
                      "uid": "5e7c%04d-0000-4000-8000-000000000000" % SERVICES.index(s), "creationTimestamp": iso(-30 * DAY)},
                      "spec": {"clusterIP": s["ip"], "clusterIPs": [s["ip"]], "selector": s["selector"], "type": "ClusterIP",
                               "ports": [{"name": n, "port": port, "targetPort": tp, "protocol": pr} for n, port, tp, pr in s["ports"]]}})
    return {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}

os.makedirs("inventory", exist_ok=True)
for f in os.listdir("inventory"):
    os.unlink(os.path.join("inventory", f))
# every 6 hours, and once while cart's first pod was terminating
for at in sorted([k * 6 * 3600 for k in range(0, 7 * 4 + 1)] + [3 * DAY + 10 * 3600 + 30]):
    with open("inventory/inventory-%s.json" % iso(at).replace(":", "").replace("-", "")[:13], "w") as f:
        json.dump(snapshot(at), f, indent=2, sort_keys=True)
        f.write("\n")

# ---- traffic ----
CONNS = []  # t, src (pod or ("host", ip) or ("world", ip)), dst, port, proto, svc (Service used, or None)
def conn(t, src, dst, port, proto="TCP", svc=None):
    CONNS.append((t, src, dst, port, proto, svc))

def pick(pods, t):
    live = [p for p in pods if alive(p, t)]
    return random.choice(live) if live else None

for hour in range(0, 7 * 24):
    base = hour * 3600
    for _ in range(2):
        t = base + random.randrange(3600)
        c = pick([cart1, cart2], t)
        if c: conn(t, fe, c, 8080, svc="cart")
    t = base + random.randrange(3600)
    c = pick([cart1, cart2], t)
    if c and t < 3 * DAY + 9 * 3600 + 50 * 60 or t > 3 * DAY + 10 * 3600 + 10 * 60:
        c = pick([cart1, cart2], t)
        if c: conn(t, c, pick([r0, r1], t), 6379)
    t = base + random.randrange(3600)
    co = pick([co1, co2], t)
    c = pick([cart1, cart2], t)
    if co and c: conn(t, co, c, 8080, svc="cart")
    if hour % 3 == 0:
        conn(base + random.randrange(3600), r1, r0, 6379)
        conn(base + random.randrange(3600), fe, web["blue"], 8080)
        t = base + random.randrange(3600)
        co = pick([co1, co2], t)
        if co: conn(t, co, web["green"], 8080)
        conn(base + random.randrange(3600), player, stream, 40000)
        for f in fb:
            conn(base + random.randrange(3600), f, ("world", "203.0.113.50"), 443)
    for p in [fe, cart1, cart2, co1, co2]:
        t = base + random.randrange(3600)
        if alive(p, t):
            conn(t, p, pick(dns, t), 53, "UDP", svc="kube-dns")
    # kubelet probes come from the node's own address
    for p in [fe, cart1, cart2, co1, co2]:
        t = base + random.randrange(3600)
        if alive(p, t):
            node_ip = dict((n, i) for n, i, _ in NODES)[p["node"]]
            conn(t, ("host", node_ip), p, p["ports"][0][1])
for j in jobs:
    for k in range(3):
        conn(j["start"] + 60 + k * 120, j, co1 if alive(co1, j["start"] + 60) else co2, 9000, svc="checkout")
# a connection in flight while cart's first pod was going away: no pod held
# the address at that minute, the one that had just let it go is a near match
conn(3 * DAY + 10 * 3600 + 20, fe, cart1, 8080)
CONNS.sort(key=lambda c: c[0])

def cilium_labels(p):
    out = ["k8s:%s=%s" % kv for kv in sorted(p["labels"].items())
           if kv[0] not in ("pod-template-hash", "controller-revision-hash", "pod-template-generation",
                            "statefulset.kubernetes.io/pod-name", "batch.kubernetes.io/controller-uid")]
    out += ["k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=%s" % p["ns"],
            "k8s:io.cilium.k8s.policy.cluster=churn", "k8s:io.kubernetes.pod.namespace=%s" % p["ns"]]
    return sorted(out)

def hub_ep(x):
    if isinstance(x, tuple):
        return ({"identity": 1, "labels": ["reserved:host"]} if x[0] == "host"
                else {"identity": 2, "labels": ["reserved:world"]}), x[1]
    ep = {"ID": 100 + PODS.index(x), "identity": 30000 + PODS.index(x), "namespace": x["ns"], "labels": cilium_labels(x), "pod_name": x["name"],
          "workloads": [{"name": x["owner"][1] if x["owner"][0] not in ("ReplicaSet", "Job") else
                         ("report" if x["owner"][0] == "Job" else x["owner"][1].rsplit("-", 1)[0]),
                         "kind": {"ReplicaSet": "Deployment", "Job": "CronJob"}.get(x["owner"][0], x["owner"][0])}]}
    return ep, x["ip"]

def node_of(x):
    return NODES[0][0] if isinstance(x, tuple) else x["node"]

hub, vpc = [], ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status"]
svc_ip = dict((s["name"], s["ip"]) for s in SERVICES)
for i, (t, src, dst, port, proto, svc) in enumerate(CONNS):
    sep, sip = hub_ep(src)
    dep, dip = hub_ep(dst)
    sport = 33000 + (i * 7919) % 27000
    frac = random.randrange(10**9)
    l4 = {proto: {"source_port": sport, "destination_port": port}}
    if proto == "TCP":
        l4["TCP"]["flags"] = {"SYN": True}
    flow = {"time": iso(t)[:-1] + ".%09dZ" % frac, "verdict": "AUDIT", "IP": {"source": sip, "destination": dip, "ipVersion": "IPv4"},
            "l4": l4, "source": sep, "destination": dep, "Type": "L3_L4", "node_name": node_of(src),
            "event_type": {"type": 5}, "traffic_direction": "EGRESS", "is_reply": False, "Summary": proto}
    hub.append(json.dumps({"flow": flow, "node_name": node_of(src), "time": flow["time"]}, separators=(",", ":")))
    # VPC: the node's ENI logs the request and the reply; a Service address is
    # logged before translation, with the service port
    vdip, vport = dip, port
    if svc is not None and svc != "kube-dns" and random.random() < 0.5:
        vdip = svc_ip[svc]
        vport = {"cart": 80, "checkout": 9000}[svc]
    elif svc == "kube-dns":
        vdip, vport = svc_ip["kube-dns"], 53
    pnum = 6 if proto == "TCP" else 17
    eni = "eni-0%016x" % (abs(hash(node_of(src))) % (1 << 60))
    vpc.append("2 123456789012 %s %s %s %d %d %d 5 420 %d %d ACCEPT OK" % (eni, sip, vdip, sport, vport, pnum, T0.timestamp() + t, T0.timestamp() + t + 30))
    vpc.append("2 123456789012 %s %s %s %d %d %d 4 380 %d %d ACCEPT OK" % (eni, vdip, sip, vport, sport, pnum, T0.timestamp() + t, T0.timestamp() + t + 30))

with open("hubble.jsonl", "w") as f:
    f.write("\n".join(hub) + "\n")
with open("vpc.log", "w") as f:
    f.write("\n".join(vpc) + "\n")
print(len(CONNS), "connections,", len(PODS), "pods")
