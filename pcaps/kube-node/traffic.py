#!/usr/bin/env python3
# The traffic of pcaps/kube-node (README.md says what happens to each packet): run it to
# rewrite capture.pcapng next to it. build(full=False) is the part whose outcome does not
# depend on a random choice of the kernel -- tests/kernel/packet/cases/71-kube-node/packets.py
# writes that as the case's packets.pcapng. The rest (full=True adds it at the end) reaches
# `statistic --mode random` (Services with several endpoints) or `MASQUERADE --random-fully`
# (KUBE-POSTROUTING), so only the first packet of each of those flows is in the capture:
# the endpoint or port the kernel picks, and so the address of any answer, is not known.
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from natflow import (Capture, Flow, Side, sender, udp_from, SYN, ACK, PSH, FIN,  # noqa: E402
                     SYN_OPTS)

NODE, NODE_MAC = "198.51.100.11", "52:54:00:4b:38:11"        # eth0 of node-1
GW_MAC = "52:54:00:4b:38:01"                                  # 198.51.100.1
CP, CP_MAC = "198.51.100.10", "52:54:00:4b:38:10"             # control plane (apiserver)
NODE2_MAC = "52:54:00:4b:38:12"                               # node-2, 198.51.100.12
CNI0, CNI0_MAC = "10.244.1.1", "9e:6f:2a:31:c4:01"
PODS = {  # the pods of node-1
    "coredns": ("10.244.1.2", "7a:91:3e:0c:55:02"),
    "web-1": ("10.244.1.10", "4e:0d:b2:19:7a:10"),
    "web-2": ("10.244.1.11", "86:57:c4:aa:31:11"),
    "api": ("10.244.1.20", "d2:3f:08:6e:90:20"),
    "ingress": ("10.244.1.30", "1a:c8:75:42:e6:30"),
    "toolbox": ("10.244.1.40", "f6:12:9b:d3:04:40"),
}
WEB3 = "10.244.2.10"                 # the third web replica, on node-2
KUBERNETES_SVC = "10.96.0.1"         # -> 198.51.100.10:6443
DNS_SVC = "10.96.0.10"
WEB_SVC = "10.96.45.12"
API_SVC = "10.96.120.7"
BROKEN_SVC = "10.96.200.200"
LB_VIP = "203.0.113.200"             # ingress-nginx-controller's LoadBalancer IP
USER1, USER2, USER3 = "203.0.113.50", "203.0.113.51", "203.0.113.52"
LB_HC = "203.0.113.9"                # the cloud load balancer's health checker
API_EXT = "203.0.113.80"             # something on the internet
ATTACKER = "203.0.113.66"


def from_pod(name):
    return sender("cni0", PODS[name][1], CNI0_MAC)


def ip(name):
    return PODS[name][0]


from_gw = sender("eth0", GW_MAC, NODE_MAC)
from_cp = sender("eth0", CP_MAC, NODE_MAC)
from_node2 = sender("eth0", NODE2_MAC, NODE_MAC)
from_node = sender("lo", "00:00:00:00:00:00", "00:00:00:00:00:00")     # the node itself
from_node_cni0 = sender("cni0", CNI0_MAC, PODS["api"][1])               # the node, via cni0


def deterministic(c):
    tb = from_pod("toolbox")
    # D1. toolbox -> default/kubernetes (10.96.0.1:443): DNAT to the apiserver
    # 198.51.100.10:6443 (one endpoint); a pod source gets no KUBE-MARK-MASQ, but the CNI
    # chain of the pod masquerades (destination outside 10.244.1.0/24): 198.51.100.11:40100.
    f = Flow(c, Side(ip("toolbox"), 40100, KUBERNETES_SVC, 443, tb, ident=0x0100),
             Side(CP, 6443, NODE, 40100, from_cp, ident=0x2200), cisn=1000000, sisn=9000000)
    f.c(SYN, options=SYN_OPTS)                                                       # 1
    f.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 2
    f.c(ACK, win=502)                                                                # 3
    f.c(PSH | ACK, b"\x16\x03\x01\x00\x05hello", win=502)                            # 4
    f.s(ACK, win=509)                                                                # 5
    # D2. toolbox -> the internet: the CNI chain's MASQUERADE, port kept.
    g = Flow(c, Side(ip("toolbox"), 40110, API_EXT, 443, tb, ident=0x0105),
             Side(API_EXT, 443, NODE, 40110, from_gw, ttl=54, ident=0x5000),
             cisn=1100000, sisn=9100000)
    g.c(SYN, options=SYN_OPTS)                                                       # 6
    g.s(SYN | ACK, options=SYN_OPTS, win=65535)                                      # 7
    # D3. toolbox -> web-1's pod IP directly (same node): the CNI chain ACCEPTs
    # (10.244.1.0/24), no NAT.
    h = Flow(c, Side(ip("toolbox"), 40120, ip("web-1"), 8080, tb, ident=0x0106),
             Side(ip("web-1"), 8080, ip("toolbox"), 40120, from_pod("web-1"), ident=0x0300),
             cisn=1200000, sisn=9200000)
    h.c(SYN, options=SYN_OPTS)                                                       # 8
    h.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 9
    # D4. toolbox -> web-3 on node-2 directly: routed to node-2, and masqueraded by the
    # bridge plugin's chain (it only exempts this node's /24), so node-2 sees 198.51.100.11.
    i = Flow(c, Side(ip("toolbox"), 40130, WEB3, 8080, tb, ident=0x0107),
             Side(WEB3, 8080, NODE, 40130, from_node2, ttl=63, ident=0x0400),
             cisn=1300000, sisn=9300000)
    i.c(SYN, options=SYN_OPTS)                                                       # 10
    i.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 11
    # D5. A user reaches the LoadBalancer IP (the LB delivers it to this node): KUBE-SERVICES
    # -> KUBE-EXT (externalTrafficPolicy Local) -> KUBE-SVL -> the local ingress pod, the
    # client address kept (no masquerade). Then a segment far beyond the window: conntrack
    # calls it INVALID and KUBE-FORWARD drops it (kubernetes#74839).
    j = Flow(c, Side(USER1, 52000, LB_VIP, 443, from_gw, ttl=50, ident=0x7000),
             Side(ip("ingress"), 443, USER1, 52000, from_pod("ingress"), ident=0x0500),
             cisn=2000000, sisn=9400000)
    j.c(SYN, options=SYN_OPTS)                                                       # 12
    j.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 13
    j.c(ACK, win=502)                                                                # 14
    j.c(PSH | ACK, b"\x16\x03\x01\x00\x05hello", win=502)                            # 15
    j.c(PSH | ACK, b"stray", seq=(j.nxt["c"] + 0x40000000) & 0xFFFFFFFF, win=502,
        consume=False)                                                               # 16
    j.s(PSH | ACK, b"\x16\x03\x03\x00\x05world", win=509)                            # 17
    j.c(FIN | ACK, win=502)                                                          # 18
    # D6. Another user uses the NodePort 31443 of the same Service on the node's address:
    # the last KUBE-SERVICES rule (dst-type LOCAL) -> KUBE-NODEPORTS -> the same KUBE-EXT.
    k = Flow(c, Side(USER2, 52100, NODE, 31443, from_gw, ttl=50, ident=0x7100),
             Side(ip("ingress"), 443, USER2, 52100, from_pod("ingress"), ident=0x0510),
             cisn=2100000, sisn=9500000)
    k.c(SYN, options=SYN_OPTS)                                                       # 19
    k.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 20
    # D7. The load balancer's health check on NodePort 32000: filter KUBE-NODEPORTS accepts
    # (kube-proxy answers it on a real node; nothing listens here: RST).
    m = Flow(c, Side(LB_HC, 41000, NODE, 32000, from_gw, ttl=60, ident=0x7200),
             Side(NODE, 32000, LB_HC, 41000, None), cisn=2200000)
    m.c(SYN, options=SYN_OPTS)                                                       # 21
    # D8. toolbox -> default/broken (no endpoints): filter KUBE-SERVICES REJECTs in FORWARD.
    n = Flow(c, Side(ip("toolbox"), 40140, BROKEN_SVC, 80, tb, ident=0x0108),
             Side(BROKEN_SVC, 80, ip("toolbox"), 40140, None), cisn=1400000)
    n.c(SYN, options=SYN_OPTS)                                                       # 22
    # D9. ... and the node itself -> default/broken: REJECTed in OUTPUT.
    o = Flow(c, Side(NODE, 45000, BROKEN_SVC, 80, from_node, ident=0x4000),
             Side(BROKEN_SVC, 80, NODE, 45000, None), cisn=3000000)
    o.c(SYN, options=SYN_OPTS)                                                       # 23
    # D10. Someone on the node network sends to 127.0.0.1:10248 (kubelet's healthz):
    # route_localnet=1 lets it in; KUBE-FIREWALL drops it.
    p = Flow(c, Side(ATTACKER, 40000, "127.0.0.1", 10248, from_gw, ttl=60, ident=0x7300),
             Side("127.0.0.1", 10248, ATTACKER, 40000, None), cisn=2300000)
    p.c(SYN, options=SYN_OPTS)                                                       # 24
    # D11. kubelet probes api's pod directly (node -> 10.244.1.20:8080 from 10.244.1.1);
    # no socket behind the probe here, so the pod's SYN/ACK gets a RST.
    q = Flow(c, Side(CNI0, 47000, ip("api"), 8080, from_node_cni0, ident=0x4001),
             Side(ip("api"), 8080, CNI0, 47000, from_pod("api"), ident=0x0600),
             cisn=3100000, sisn=9600000)
    q.c(SYN, options=SYN_OPTS)                                                       # 25
    q.s(SYN | ACK, options=SYN_OPTS, win=65160)                                      # 26
    # D1 again: the apiserver answers on the established connection.
    f.s(PSH | ACK, b"\x16\x03\x03\x00\x05world", win=509)                            # 27
    f.c(ACK, win=502)                                                                # 28


def random_choices(c):
    tb = from_pod("toolbox")
    # R1. toolbox asks kube-dns (10.96.0.10:53/udp): two endpoints, statistic 0.5.
    from_pod("toolbox")(c, udp_from(Side(ip("toolbox"), 53000, DNS_SVC, 53, tb, ident=0x0110),
                                    b"\x1f\x2f\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                                    b"\x03api\x07default\x03svc\x07cluster\x05local\x00"
                                    b"\x00\x01\x00\x01"))                            # 29
    # R2. toolbox -> default/web (10.96.45.12:80) three times: 3 endpoints, probabilities
    # 1/3 then 1/2.
    for n, port in enumerate((40200, 40201, 40202)):
        Flow(c, Side(ip("toolbox"), port, WEB_SVC, 80, tb, ident=0x0111 + n),
             Side(WEB_SVC, 80, ip("toolbox"), port, None), cisn=1500000 + n).c(
            SYN, options=SYN_OPTS)                                                   # 30-32
    # R3. A user -> NodePort 30080 (default/api, externalTrafficPolicy Cluster): KUBE-EXT
    # marks it, KUBE-POSTROUTING masquerades it --random-fully: it reaches api's pod from
    # 10.244.1.1 and a random port.
    Flow(c, Side(USER3, 52200, NODE, 30080, from_gw, ttl=50, ident=0x7400),
         Side(NODE, 30080, USER3, 52200, None), cisn=2400000).c(SYN, options=SYN_OPTS)  # 33
    # R4. api's pod -> its own Service (hairpin): KUBE-SEP's "-s 10.244.1.20 -j
    # KUBE-MARK-MASQ", DNAT to itself, masqueraded --random-fully to 10.244.1.1.
    Flow(c, Side(ip("api"), 41000, API_SVC, 8080, from_pod("api"), ident=0x0610),
         Side(API_SVC, 8080, ip("api"), 41000, None), cisn=3200000).c(SYN, options=SYN_OPTS)  # 34
    # R5. The node -> default/kubernetes: not from a pod, so KUBE-MARK-MASQ; DNAT to the
    # apiserver and --random-fully source port.
    Flow(c, Side(NODE, 46000, KUBERNETES_SVC, 443, from_node, ident=0x4002),
         Side(KUBERNETES_SVC, 443, NODE, 46000, None), cisn=3300000).c(SYN, options=SYN_OPTS)  # 35
    # R6. The node -> 127.0.0.1:30080 (localhost NodePort): DNAT to api's pod, masqueraded
    # --random-fully from 10.244.1.1 (route_localnet lets 127.0.0.1 be routed out first).
    Flow(c, Side("127.0.0.1", 46010, "127.0.0.1", 30080, from_node, ident=0x4003),
         Side("127.0.0.1", 30080, "127.0.0.1", 46010, None), cisn=3400000).c(
        SYN, options=SYN_OPTS)                                                       # 36
    # R7. toolbox -> the LoadBalancer IP: "pod traffic for ... external destinations" goes
    # to KUBE-SVC (both endpoints, statistic 0.5), not to the local-only KUBE-SVL.
    Flow(c, Side(ip("toolbox"), 40300, LB_VIP, 443, tb, ident=0x0120),
         Side(LB_VIP, 443, ip("toolbox"), 40300, None), cisn=1600000).c(
        SYN, options=SYN_OPTS)                                                       # 37


def build(full=True):
    c = Capture()
    deterministic(c)
    if full:
        random_choices(c)
    return c


if __name__ == "__main__":
    build().write(os.path.join(HERE, "capture.pcapng"))
