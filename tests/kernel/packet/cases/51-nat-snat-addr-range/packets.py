#!/usr/bin/env python3
# Case 51: SNAT --to-source 198.51.100.1-198.51.100.3. Five (source, destination) pairs, each
# a UDP query answered at the address the jhash picked (computed beforehand, confirmed by the
# recording): H1 -> NET1 .1, H1 -> NET2 .3, H1 -> 203.0.113.7 .2, H2 -> NET1 .3, H2 -> W1 .1;
# a second query of H1 -> NET1 from another port gets the same address (the hash has no
# ports); a TCP handshake H1:40051 -> NET2:80 on .3, like the UDP flow of that pair.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

NET3 = "203.0.113.7"
c = Capture()
for src, mac, sport, dst, pub in ((H1, H1_MAC, 5101, NET1, "198.51.100.1"),     # 1, 2
                                  (H1, H1_MAC, 5102, NET2, "198.51.100.3"),     # 3, 4
                                  (H1, H1_MAC, 5103, NET3, "198.51.100.2"),     # 5, 6
                                  (H2, H2_MAC, 5104, NET1, "198.51.100.3"),     # 7, 8
                                  (H2, H2_MAC, 5105, W1, "198.51.100.1"),       # 9, 10
                                  (H1, H1_MAC, 5106, NET1, "198.51.100.1")):    # 11, 12
    lan(c, udp_pkt(src, dst, sport, 53, b"query"), src_mac=mac)
    wan(c, udp_pkt(dst, pub, 53, sport, b"answer"), src_mac=W1_MAC if dst == W1 else GW_MAC)
f = TcpFlow(c, H1, 40051, NET2, 80, lambda cap, p, **kw: lan(cap, p, **kw),
            lambda cap, p, **kw: wan(cap, p, **kw), cisn=51000, sisn=151000,
            cli=("198.51.100.3", 40051))
f.c(SYN, options=opt_mss(1460))                                  # 13
f.s(SYN | ACK, options=opt_mss(1460))                            # 14
f.c(ACK)                                                         # 15
write(c)
