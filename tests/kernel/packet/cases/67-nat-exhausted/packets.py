#!/usr/bin/env python3
# Case 67: SNAT to a two-port range, exhausted. H1:30000 and H2:30001 -> NET1:80 keep their
# ports (handshakes). H2:30000 -> NET1:80 and H1:40000 -> NET1:80 find no free port: their
# SYNs are dropped. H1's connection closes (FIN both ways, last ACK: TIME_WAIT); H2:30000's
# SYN again, with a sequence number past H1's, evicts H1's entry and gets 30000
# (answered: the SYN/ACK reaches H2).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L1 = lambda cap, p, **kw: lan(cap, p, **kw)                         # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)         # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                          # noqa: E731
a = TcpFlow(c, H1, 30000, NET1, 80, L1, W, cisn=67000, sisn=167000, cli=(R_WAN, 30000))
a.c(SYN, options=opt_mss(1460))                                  # 1 30000
a.s(SYN | ACK, options=opt_mss(1460))                            # 2
a.c(ACK)                                                         # 3
b = TcpFlow(c, H2, 30001, NET1, 80, L2, W, cisn=68000, sisn=168000, cli=(R_WAN, 30001))
b.c(SYN, options=opt_mss(1460))                                  # 4 30001
b.s(SYN | ACK, options=opt_mss(1460))                            # 5
b.c(ACK)                                                         # 6
lan(c, tcp_pkt(H2, NET1, 30000, 80, SYN, seq=69000, options=opt_mss(1460)),
    src_mac=H2_MAC)                                              # 7 no port: dropped
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, seq=69500, options=opt_mss(1460)))   # 8 dropped
a.c(FIN | ACK)                                                   # 9
a.s(FIN | ACK)                                                   # 10
a.c(ACK)                                                         # 11 TIME_WAIT
d = TcpFlow(c, H2, 30000, NET1, 80, L2, W, cisn=70000, sisn=170000, cli=(R_WAN, 30000))
d.c(SYN, options=opt_mss(1460))                                  # 12 evicts, 30000
d.s(SYN | ACK, options=opt_mss(1460))                            # 13 to H2
d.c(ACK)                                                         # 14
write(c)
