#!/bin/sh
# How packets.pcap was made (run as root; not part of the suite): the case's router in a
# network namespace, `tcpdump -i any` (pcap, LINKTYPE_LINUX_SLL2) on all its interfaces
# and frames sent into lan0 and wan0 from the wire side 200 ms apart -- a ping to the
# router, a SYN to a closed port, a SYN forwarded to the internet and its SYN-ACK back, a
# ping from the gateway to the router.  Every answer and forwarded copy is in the capture.
set -e
cd "$(dirname "$0")"
. ../../lib/capture-router.sh
ip netns exec $R tcpdump -q -i any -w "$PWD/packets.pcap" 2>/dev/null & DC=$!
sleep 2
ip netns exec $W python3 - <<'PY'
import os, socket, sys, time
sys.path.insert(0, os.path.join("..", "..", "lib"))
from net import *  # noqa
socks = {}
for n in ("lan0", "wan0"):
    socks[n] = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    socks[n].bind((n, 0))
for n, p in (("lan0", ether(R_LAN_MAC, H1_MAC, ping(H1, R_LAN))),
             ("lan0", ether(R_LAN_MAC, H1_MAC, tcp_pkt(H1, R_LAN, 40002, 22, SYN))),
             ("lan0", ether(R_LAN_MAC, H1_MAC, tcp_pkt(H1, "203.0.113.5", 40000, 80, SYN))),
             ("wan0", ether(R_WAN_MAC, GW_MAC, tcp_pkt("203.0.113.5", H1, 80, 40000, SYN | ACK,
                                                       seq=5000, ack=1001))),
             ("wan0", ether(R_WAN_MAC, GW_MAC, ping("198.51.100.254", R_WAN)))):
    socks[n].send(p)
    time.sleep(0.2)
PY
sleep 1
kill -INT $DC; wait $DC || true
