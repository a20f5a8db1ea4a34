#!/usr/bin/env python3
# Builds capture.pcapng of this case (standard library only: ../../lib/capgen.py).
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "lib"))
from capgen import PcapNg, ether, tcp, udp  # noqa: E402

LAN_MAC, H1_MAC, H1, NET1 = "02:00:00:00:01:01", "02:00:00:00:01:0a", "192.0.2.10", "203.0.113.5"
T0, MS = 1741003200 * 10**9, 10**6

ng = PcapNg()
L = ng.interface("lan0")
for i, pkt in enumerate([
        udp(H1, NET1, 5353, 53),                # NFQUEUE 5 --queue-bypass: on to the next hook
        udp(H1, NET1, 40123, 123),              # NFLOG group 2, then recent --set, ACCEPT
        tcp(H1, NET1, 40022, 22),               # LOG level 6 with TCP options, then NFQUEUE 7
]):
    ng.epb(L, T0 + i * 100 * MS, ether(LAN_MAC, H1_MAC, pkt))
with open(os.path.join(HERE, "capture.pcapng"), "wb") as f:
    f.write(ng.bytes())
