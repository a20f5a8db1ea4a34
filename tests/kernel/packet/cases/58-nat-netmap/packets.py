#!/usr/bin/env python3
# Case 58: NETMAP both ways. H1:40000 -> NET1:80 leaves as 198.18.0.10:40000 (handshake, the
# answers to 198.18.0.10 reach H1); NET1:50000 -> 198.18.0.11:22 reaches H2:22 (handshake,
# H2's answers leave from 198.18.0.11); H2:5000 -> NET2:53 (UDP) leaves as 198.18.0.11 and
# is answered.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L1 = lambda cap, p, **kw: lan(cap, p, **kw)                         # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)         # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                          # noqa: E731
f = TcpFlow(c, H1, 40000, NET1, 80, L1, W, cisn=58000, sisn=158000, cli=("198.18.0.10", 40000))
f.c(SYN, options=opt_mss(1460))                                  # 1 source mapped
f.s(SYN | ACK, options=opt_mss(1460))                            # 2
f.c(ACK)                                                         # 3
f = TcpFlow(c, NET1, 50000, "198.18.0.11", 22, W, L2, cisn=58100, sisn=158100, srv=(H2, 22))
f.c(SYN, options=opt_mss(1460))                                  # 4 destination mapped
f.s(SYN | ACK, options=opt_mss(1460))                            # 5
f.c(ACK)                                                         # 6
lan(c, udp_pkt(H2, NET2, 5000, 53, b"query"), src_mac=H2_MAC)    # 7
wan(c, udp_pkt(NET2, "198.18.0.11", 53, 5000, b"answer"))        # 8
write(c)
