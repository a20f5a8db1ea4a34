#!/bin/sh
# How packets.pcapng was made (run as root; not part of the suite): the case's router in a
# network namespace, dumpcap (Wireshark's capture engine; pcapng, both directions) on its
# lan0, and H1's frames sent into lan0 from the wire side 200 ms apart -- a ping to the
# router, a SYN to a closed port, a UDP datagram to a closed port, a SYN forwarded to the
# internet.  The router's answers are in the capture as it sent them.
set -e
cd "$(dirname "$0")"
. ../../lib/capture-router.sh
ip netns exec $R dumpcap -q -i lan0 -w "$PWD/packets.pcapng" & DC=$!
sleep 2
ip netns exec $W python3 - <<'PY'
import os, socket, sys, time
sys.path.insert(0, os.path.join("..", "..", "lib"))
from net import *  # noqa
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("lan0", 0))
for p in (ping(H1, R_LAN), tcp_pkt(H1, R_LAN, 40002, 22, SYN), udp_pkt(H1, R_LAN, 5000, 69),
          tcp_pkt(H1, "203.0.113.5", 40000, 80, SYN)):
    s.send(ether(R_LAN_MAC, H1_MAC, p))
    time.sleep(0.2)
PY
sleep 1
kill -INT $DC; wait $DC || true
