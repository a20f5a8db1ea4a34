#!/usr/bin/env python3
# Case 71: a Kubernetes node (the example pcaps/kube-node: kubelet + kube-proxy 1.28 iptables
# mode + the CNI bridge plugin), with the traffic whose outcome is deterministic: a pod to
# the one-endpoint ClusterIP default/kubernetes (DNAT, then the CNI chain's MASQUERADE), a
# pod to the internet and to pods on this and the other node, a LoadBalancer IP and a
# NodePort of an externalTrafficPolicy=Local Service (DNAT to the local endpoint, client
# address kept) with an out-of-window segment dropped as INVALID by KUBE-FORWARD, the health
# check NodePort, a Service without endpoints REJECTed in FORWARD and OUTPUT, 127.0.0.1 from
# outside dropped by KUBE-FIREWALL, a kubelet probe. Left out (they are only in the
# example's capture): flows that reach `statistic --mode random` (Services with several
# endpoints) or KUBE-POSTROUTING's `MASQUERADE --random-fully` (NodePort with policy
# Cluster, hairpin, the node's own Service traffic, localhost NodePorts).
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "..", "..", "..", "..", "pcaps", "kube-node", "traffic.py")
spec = importlib.util.spec_from_file_location("kube_traffic", GEN)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
mod.build(full=False).write(os.path.join(HERE, "packets.pcapng"))
