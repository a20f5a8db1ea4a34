#!/usr/bin/env python3
# Case 60: clashes through MASQUERADE. TCP: H1:40000 -> NET1:80 keeps 40000 (handshake, data,
# answered); H2:40000 -> NET1:80 gets a random port (p001; SYN twice, the same port);
# H2:40001 -> NET1:80 keeps its port. UDP: H1:5000 -> NET1:53 keeps 5000 (answered);
# H2:5000 -> NET1:53 gets p002. ICMP: H1's echo id 0x200 to NET1 is kept (reply); H2's echo
# with the same id gets a random id (p003). Forced: H1:20000 -> NET1:8080 keeps 20000 and
# H2:20000 -> NET1:8080 gets 20001, the only free port of 20000-20001; both answered.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L1 = lambda cap, p, **kw: lan(cap, p, **kw)                         # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)         # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                          # noqa: E731
f = TcpFlow(c, H1, 40000, NET1, 80, L1, W, cisn=60000, sisn=160000, cli=(R_WAN, 40000))
f.c(SYN, options=opt_mss(1460))                                  # 1 kept
f.s(SYN | ACK, options=opt_mss(1460))                            # 2
f.c(ACK)                                                         # 3
g = TcpFlow(c, H2, 40000, NET1, 80, L2, None, cisn=60100)
g.c(SYN, options=opt_mss(1460), consume=False)                   # 4 p001
g.c(SYN, options=opt_mss(1460))                                  # 5 p001
f.c(PSH | ACK, b"GET / HTTP/1.0\r\n\r\n")                        # 6
f.s(PSH | ACK, b"HTTP/1.0 204 No Content\r\n\r\n")               # 7
g = TcpFlow(c, H2, 40001, NET1, 80, L2, None, cisn=60200)
g.c(SYN, options=opt_mss(1460))                                  # 8 kept
lan(c, udp_pkt(H1, NET1, 5000, 53, b"query 1"))                  # 9 kept
lan(c, udp_pkt(H2, NET1, 5000, 53, b"query 2"), src_mac=H2_MAC)  # 10 p002
wan(c, udp_pkt(NET1, R_WAN, 53, 5000, b"answer 1"))              # 11 to H1
lan(c, ping(H1, NET1, 0x200, 1))                                 # 12 kept
lan(c, ping(H2, NET1, 0x200, 1), src_mac=H2_MAC)                 # 13 p003
wan(c, ipv4(NET1, R_WAN, 1, echo(0x200, 1, reply=True)))         # 14 to H1
f = TcpFlow(c, H1, 20000, NET1, 8080, L1, W, cisn=60300, sisn=160300, cli=(R_WAN, 20000))
f.c(SYN, options=opt_mss(1460))                                  # 15 kept
f.s(SYN | ACK, options=opt_mss(1460))                            # 16
f = TcpFlow(c, H2, 20000, NET1, 8080, L2, W, cisn=60400, sisn=160400, cli=(R_WAN, 20001))
f.c(SYN, options=opt_mss(1460))                                  # 17 20001
f.s(SYN | ACK, options=opt_mss(1460))                            # 18 to H2
f.c(ACK)                                                         # 19
write(c)
