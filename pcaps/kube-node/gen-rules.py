#!/usr/bin/env python3
# Prints, as iptables-restore input, what the components of pcaps/kube-node write on that node,
# in the order they write it, with the names they compute:
#   kubelet 1.28 (kubelet_network_linux.go): mangle KUBE-IPTABLES-HINT, filter KUBE-FIREWALL
#     with its INPUT/OUTPUT jumps and the "block incoming localnet connections" rule, the
#     KUBE-KUBELET-CANARY chains;
#   kube-proxy 1.28, iptables mode (pkg/proxy/iptables/proxier.go), --cluster-cidr
#     10.244.0.0/16 (detect-local-mode ClusterCIDR), masquerade bit 14, localhost NodePorts
#     on (route_localnet=1), iptables with --random-fully: the jump rules (EnsureRule
#     Prepend, one by one) and then one iptables-restore --noflush of its chains;
#   the CNI bridge plugin v1.5.1 with ipMasq (pkg/ip/ipmasq_linux.go), per pod: a CNI-<hash>
#     chain and a POSTROUTING jump.
# rules.v4 is `iptables-legacy-save` after loading this into an empty netns (the save file
# sorts user chains by name and writes iptables' canonical option order).
#   ip netns add k; ./gen-rules.py | ip netns exec k iptables-legacy-restore
#   ip netns exec k iptables-legacy-save; ip netns del k
# Chain names: KUBE-SVC/SVL/EXT/FW = prefix + base32(sha256(svcPortName + proto))[:16],
# KUBE-SEP = prefix + base32(sha256(svcPortName + proto + "ip:port"))[:16],
# CNI = ("CNI-" + hex(sha512(netname + containerID)))[:28].
import base64
import hashlib

CLUSTER_CIDR = "10.244.0.0/16"
NODE_POD_CIDR = "10.244.1.0/24"
MASQ = "0x4000"


def h16(s):
    return base64.b32encode(hashlib.sha256(s.encode()).digest()).decode()[:16]


class Svc:
    def __init__(self, ns, name, port_name, proto, cip, port, eps, node_port=0,
                 etp_local=False, lb_ips=(), hc_node_port=0):
        self.spn = "%s/%s" % (ns, name) + (":" + port_name if port_name else "")
        self.proto, self.cip, self.port = proto, cip, port
        self.eps = eps                      # [(ip, port, local?)], sorted by ip
        self.node_port, self.etp_local = node_port, etp_local
        self.lb_ips, self.hc = list(lb_ips), hc_node_port
        hh = h16(self.spn + proto)
        self.svc, self.svl, self.ext = "KUBE-SVC-" + hh, "KUBE-SVL-" + hh, "KUBE-EXT-" + hh

    def sep(self, ip, port):
        return "KUBE-SEP-" + h16(self.spn + self.proto + "%s:%d" % (ip, port))


# The node's services (see README.md). Endpoints are listed by address, as kube-proxy gets them.
SERVICES = [
    Svc("default", "kubernetes", "https", "tcp", "10.96.0.1", 443,
        [("198.51.100.10", 6443, False)]),
    Svc("kube-system", "kube-dns", "dns", "udp", "10.96.0.10", 53,
        [("10.244.1.2", 53, True), ("10.244.2.2", 53, False)]),
    Svc("kube-system", "kube-dns", "dns-tcp", "tcp", "10.96.0.10", 53,
        [("10.244.1.2", 53, True), ("10.244.2.2", 53, False)]),
    Svc("kube-system", "kube-dns", "metrics", "tcp", "10.96.0.10", 9153,
        [("10.244.1.2", 9153, True), ("10.244.2.2", 9153, False)]),
    Svc("default", "web", "http", "tcp", "10.96.45.12", 80,
        [("10.244.1.10", 8080, True), ("10.244.1.11", 8080, True), ("10.244.2.10", 8080, False)]),
    Svc("default", "api", "http", "tcp", "10.96.120.7", 8080,
        [("10.244.1.20", 8080, True)], node_port=30080),
    Svc("ingress-nginx", "ingress-nginx-controller", "https", "tcp", "10.96.8.44", 443,
        [("10.244.1.30", 443, True), ("10.244.2.30", 443, False)], node_port=31443,
        etp_local=True, lb_ips=["203.0.113.200"], hc_node_port=32000),
    Svc("default", "broken", "http", "tcp", "10.96.200.200", 80, []),
]

# Pods on this node, in the order they started: (name, IP); their CNI network is "bridge".
PODS = [("coredns-7db6d8ff4d-x2fqk", "10.244.1.2"), ("web-5d8f7c9b6-4kq2m", "10.244.1.10"),
        ("web-5d8f7c9b6-hx7tn", "10.244.1.11"), ("api-0", "10.244.1.20"),
        ("ingress-nginx-controller-7c6974c4d8-p9wzl", "10.244.1.30"),
        ("toolbox", "10.244.1.40")]


def container_id(pod):
    """A stand-in for the sandbox's container id (64 hex digits, as containerd makes them)."""
    return hashlib.sha256(("sandbox " + pod).encode()).hexdigest()


def q(s):
    return '"%s"' % s


def main():
    out = []
    w = out.append
    # --- kubelet -----------------------------------------------------------------------
    w("*mangle\n:KUBE-IPTABLES-HINT - [0:0]\nCOMMIT")
    w("*filter\n:KUBE-FIREWALL - [0:0]\n-I OUTPUT -j KUBE-FIREWALL\n-I INPUT -j KUBE-FIREWALL\n"
      "-A KUBE-FIREWALL -m comment --comment \"block incoming localnet connections\" "
      "--dst 127.0.0.0/8 ! --src 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT "
      "-j DROP\nCOMMIT")
    for t in ("mangle", "nat", "filter"):                      # kubelet's Monitor
        w("*%s\n:KUBE-KUBELET-CANARY - [0:0]\nCOMMIT" % t)
    # --- kube-proxy: canaries, then EnsureChain + EnsureRule(Prepend) for every jump -----
    for t in ("mangle", "nat", "filter"):
        w("*%s\n:KUBE-PROXY-CANARY - [0:0]\nCOMMIT" % t)
    ct_new = "-m conntrack --ctstate NEW "
    jumps = [
        ("filter", "KUBE-EXTERNAL-SERVICES", "INPUT", "kubernetes externally-visible service portals", ct_new),
        ("filter", "KUBE-EXTERNAL-SERVICES", "FORWARD", "kubernetes externally-visible service portals", ct_new),
        ("filter", "KUBE-NODEPORTS", "INPUT", "kubernetes health check service ports", ""),
        ("filter", "KUBE-SERVICES", "FORWARD", "kubernetes service portals", ct_new),
        ("filter", "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", ct_new),
        ("filter", "KUBE-FORWARD", "FORWARD", "kubernetes forwarding rules", ""),
        ("filter", "KUBE-PROXY-FIREWALL", "INPUT", "kubernetes load balancer firewall", ct_new),
        ("filter", "KUBE-PROXY-FIREWALL", "OUTPUT", "kubernetes load balancer firewall", ct_new),
        ("filter", "KUBE-PROXY-FIREWALL", "FORWARD", "kubernetes load balancer firewall", ct_new),
        ("nat", "KUBE-SERVICES", "OUTPUT", "kubernetes service portals", ""),
        ("nat", "KUBE-SERVICES", "PREROUTING", "kubernetes service portals", ""),
        ("nat", "KUBE-POSTROUTING", "POSTROUTING", "kubernetes postrouting rules", ""),
    ]
    made = set()
    for table, dst, src, comment, extra in jumps:
        lines = ["*" + table]
        if (table, dst) not in made:
            lines.append(":%s - [0:0]" % dst)
            made.add((table, dst))
        lines.append("-I %s %s-m comment --comment %s -j %s" % (src, extra, q(comment), dst))
        w("\n".join(lines) + "\nCOMMIT")
    # (the kubelet jump chains, KUBE-FIREWALL from INPUT/OUTPUT, exist already)

    # --- kube-proxy: the restore (filter, then nat) ------------------------------------
    fchains = ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-FORWARD", "KUBE-NODEPORTS",
               "KUBE-PROXY-FIREWALL", "KUBE-FIREWALL"]
    frules = ['-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" '
              '-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT '
              '-j DROP']
    nchains = ["KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-MARK-MASQ"]
    nrules = [
        "-A KUBE-POSTROUTING -m mark ! --mark %s/%s -j RETURN" % (MASQ, MASQ),
        "-A KUBE-POSTROUTING -j MARK --xor-mark %s" % MASQ,
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" '
        "-j MASQUERADE --random-fully",
        "-A KUBE-MARK-MASQ -j MARK --or-mark %s" % MASQ,
    ]
    for s in SERVICES:
        p = s.proto
        if not s.eps:
            frules.append("-A KUBE-SERVICES -m comment --comment %s -m %s -p %s -d %s --dport %d "
                          "-j REJECT" % (q(s.spn + " has no endpoints"), p, p, s.cip, s.port))
            continue
        local = [e for e in s.eps if e[2]]
        ext_used = bool(s.node_port or s.lb_ips)
        nrules.append("-A KUBE-SERVICES -m comment --comment %s -m %s -p %s -d %s --dport %d -j %s"
                      % (q(s.spn + " cluster IP"), p, p, s.cip, s.port, s.svc))
        for lb in s.lb_ips:
            nrules.append("-A KUBE-SERVICES -m comment --comment %s -m %s -p %s -d %s --dport %d "
                          "-j %s" % (q(s.spn + " loadbalancer IP"), p, p, lb, s.port, s.ext))
        if s.node_port:
            nrules.append("-A KUBE-NODEPORTS -m comment --comment %s -m %s -p %s --dport %d -j %s"
                          % (s.spn, p, p, s.node_port, s.ext))
        if s.hc:
            frules.append("-A KUBE-NODEPORTS -m comment --comment %s -m tcp -p tcp --dport %d "
                          "-j ACCEPT" % (q(s.spn + " health check node port"), s.hc))
        # internal traffic
        nrules.append("-A %s -m comment --comment %s -m %s -p %s -d %s --dport %d ! -s %s "
                      "-j KUBE-MARK-MASQ" % (s.svc, q(s.spn + " cluster IP"), p, p, s.cip,
                                             s.port, CLUSTER_CIDR))
        if ext_used:
            nchains.append(s.ext)
            if not s.etp_local:
                nrules.append("-A %s -m comment --comment %s -j KUBE-MARK-MASQ"
                              % (s.ext, q("masquerade traffic for %s external destinations"
                                          % s.spn)))
                nrules.append("-A %s -j %s" % (s.ext, s.svc))
            else:
                nrules.append("-A %s -m comment --comment %s -s %s -j %s"
                              % (s.ext, q("pod traffic for %s external destinations" % s.spn),
                                 CLUSTER_CIDR, s.svc))
                nrules.append("-A %s -m comment --comment %s -m addrtype --src-type LOCAL "
                              "-j KUBE-MARK-MASQ"
                              % (s.ext, q("masquerade LOCAL traffic for %s external destinations"
                                          % s.spn)))
                nrules.append("-A %s -m comment --comment %s -m addrtype --src-type LOCAL -j %s"
                              % (s.ext, q("route LOCAL traffic for %s external destinations"
                                          % s.spn), s.svc))
                nrules.append("-A %s -j %s" % (s.ext, s.svl))
        for chain, eps in [(s.svc, s.eps)] + ([(s.svl, local)] if s.etp_local else []):
            nchains.append(chain)
            n = len(eps)
            for i, (ip, port, _) in enumerate(eps):
                stat = ""
                if i < n - 1:
                    stat = " -m statistic --mode random --probability %0.10f" % (1.0 / (n - i))
                nrules.append("-A %s -m comment --comment %s%s -j %s"
                              % (chain, q("%s -> %s:%d" % (s.spn, ip, port)), stat,
                                 s.sep(ip, port)))
        for ip, port, _ in s.eps:
            sep = s.sep(ip, port)
            nchains.append(sep)
            nrules.append("-A %s -m comment --comment %s -s %s -j KUBE-MARK-MASQ"
                          % (sep, s.spn, ip))
            nrules.append("-A %s -m comment --comment %s -m %s -p %s -j DNAT --to-destination "
                          "%s:%d" % (sep, s.spn, p, p, ip, port))
    nrules.append('-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: '
                  'this must be the last rule in this chain" -m addrtype --dst-type LOCAL '
                  "-j KUBE-NODEPORTS")
    frules += ["-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP",
               '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark '
               "--mark %s/%s -j ACCEPT" % (MASQ, MASQ),
               '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" '
               "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"]
    w("*filter\n" + "".join(":%s - [0:0]\n" % c for c in fchains) + "\n".join(frules)
      + "\nCOMMIT")
    w("*nat\n" + "".join(":%s - [0:0]\n" % c for c in nchains) + "\n".join(nrules) + "\nCOMMIT")

    # --- the CNI bridge plugin, one pod after another ----------------------------------
    for pod, ip in PODS:
        cid = container_id(pod)
        chain = ("CNI-" + hashlib.sha512(("bridge" + cid).encode()).hexdigest())[:28]
        comment = 'name: \\"bridge\\" id: \\"%s\\"' % cid
        w("*nat\n:%s - [0:0]\n"
          "-A %s -d %s/24 -j ACCEPT -m comment --comment \"%s\"\n"
          "-A %s ! -d 224.0.0.0/4 -j MASQUERADE -m comment --comment \"%s\"\n"
          "-A POSTROUTING -s %s -j %s -m comment --comment \"%s\"\nCOMMIT"
          % (chain, chain, ip, comment, chain, comment, ip, chain, comment))
    print("\n".join(out))


if __name__ == "__main__":
    main()
