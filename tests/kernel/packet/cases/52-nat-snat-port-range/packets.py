#!/usr/bin/env python3
# Case 52: SNAT --to-source 198.51.100.1:10000-10010, and bysource. UDP: H1:10005 -> NET1:123
# keeps 10005 (answered); H1:5000 -> NET1:123 is outside the range: a random port (p001),
# sent twice (the same port again); H2:10005 -> NET1:123 is in the range but 10005 towards
# NET1:123 is taken: a random port (p002), neither 10005 nor p001. Then bysource: H2:10005 ->
# NET2:123 gets p002 again, not 10005 -- the source address is not in the range, so the
# mapping H2:10005 already has (find_appropriate_src) is tried before the kept-port rule and,
# in range and free towards NET2, is used; likewise H1:10005 -> NET2:123 gets 10005
# (answered). TCP: H1:10003 -> NET1:80 keeps 10003 (handshake); H2:40000 -> NET1:80 gets a
# random port (p003), its SYN retransmitted on the same mapping.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, udp_pkt(H1, NET1, 10005, 123, b"ntp a"))                              # 1 kept
wan(c, udp_pkt(NET1, R_WAN, 123, 10005, b"ntp a answer"))                    # 2
lan(c, udp_pkt(H1, NET1, 5000, 123, b"ntp b"))                               # 3 p001
lan(c, udp_pkt(H1, NET1, 5000, 123, b"ntp b again"))                         # 4 p001
lan(c, udp_pkt(H2, NET1, 10005, 123, b"ntp c"), src_mac=H2_MAC)              # 5 p002
lan(c, udp_pkt(H2, NET2, 10005, 123, b"ntp d"), src_mac=H2_MAC)              # 6 p002
lan(c, udp_pkt(H1, NET2, 10005, 123, b"ntp e"))                              # 7 10005
wan(c, udp_pkt(NET2, R_WAN, 123, 10005, b"ntp e answer"))                    # 8
f = TcpFlow(c, H1, 10003, NET1, 80, lambda cap, p, **kw: lan(cap, p, **kw),
            lambda cap, p, **kw: wan(cap, p, **kw), cisn=52000, sisn=152000,
            cli=(R_WAN, 10003))
f.c(SYN, options=opt_mss(1460))                                              # 9 kept
f.s(SYN | ACK, options=opt_mss(1460))                                        # 10
f.c(ACK)                                                                     # 11
g = TcpFlow(c, H2, 40000, NET1, 80, lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw),
            None, cisn=53000)
g.c(SYN, options=opt_mss(1460), consume=False)                               # 12 p003
g.c(SYN, options=opt_mss(1460))                                              # 13 again
write(c)
