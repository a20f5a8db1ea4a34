#!/usr/bin/env python3
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
flows = []
for i in range(3):
    f = TcpFlow(c, H1, 40100 + i, NET1, 80, L, W, cisn=1000 + i, sisn=9000 + i)
    f.c(SYN)
    f.s(SYN | ACK)
    f.c(ACK)
    flows.append(f)
lan(c, udp_pkt(H1, NET1, 5001, 5000, b"zone seven"))                  # zone 7
lan(c, udp_pkt(H1, NET2, 5353, 53, b"q" * 30))                        # 11
wan(c, udp_pkt(NET2, H1, 53, 5353, b"a" * 120))
lan(c, udp_pkt(H1, NET2, 5353, 53, b"q" * 30))
lan(c, udp_pkt(H1, NET2, 5353, 53, b"q" * 30))
lan(c, udp_pkt(H2, NET2, 6000, 54, b"hm"), src_mac=H2_MAC)
f = TcpFlow(c, H2, 40200, NET2, 80, L2, W, cisn=3000, sisn=4000)
f.c(SYN)
f.s(SYN | ACK)
f.c(ACK)
f.c(PSH | ACK, b"GET / HTTP/1.0\r\n\r\n")
f.s(PSH | ACK, b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 200)
f = TcpFlow(c, H2, 40201, NET2, 80, L2, W, cisn=3100, sisn=4100)
f.c(SYN)
flows[0].c(FIN | ACK)
flows[0].s(FIN | ACK)
flows[0].c(ACK)
f = TcpFlow(c, H1, 40110, NET1, 80, L, W, cisn=5000, sisn=6000)
f.c(SYN)
write(c)
