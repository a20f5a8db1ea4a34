#!/usr/bin/env python3
# Case 18: the forwarding path's own verdicts and the ICMP errors they send.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, udp_pkt(H1, NET1, 5000, 53, ttl=1))                   # time exceeded
lan(c, udp_pkt(H1, NET1, 5000, 53, ttl=0))                   # time exceeded too
lan(c, udp_pkt(H1, NET1, 5000, 53, ttl=2))                   # leaves with TTL 1
lan(c, udp_pkt(H1, NET1, 5000, 53, b"d" * 1452, df=True))    # 1480 > 1400: frag needed
lan(c, udp_pkt(H1, NET1, 5000, 53, b"f" * 1452, ident=0x77))  # fragmented: 2 frames
lan(c, udp_pkt(H1, NET1, 5000, 53, b"e" * 1372, df=True))    # exactly 1400: forwarded
wan(c, udp_pkt(NET1, H1, 53, 5000, b"g" * 1372, df=True))    # 1400 in by wan0, out by lan0
lan(c, udp_pkt(H1, "100.64.0.1", 5000, 53))                  # no route: net unreachable
lan(c, tcp_pkt(H1, "100.64.0.2", 40000, 80))
for i in range(8):                                           # 8 expiries 50 ms apart from
    lan(c, udp_pkt(H2, NET1, 6000 + i, 53, ttl=1), src_mac=H2_MAC, gap=0.05)  # one host
lan(c, udp_pkt(H2, NET1, 6100, 53, ttl=1), src_mac=H2_MAC, gap=1.5)  # a token again
write(c)
