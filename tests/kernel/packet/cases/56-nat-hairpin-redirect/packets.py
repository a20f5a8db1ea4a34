#!/usr/bin/env python3
# Case 56: hairpin NAT with ICMP redirects on (the default). H1:40000 -> 198.51.100.1:8080
# is DNATed to H2:80 and masqueraded to 192.0.2.1:40000: handshake, data both ways, FIN
# both ways; NET1:50000 -> 198.51.100.1:8080 reaches H2:80 unmasqueraded (handshake). Each
# hairpinned packet gets a redirect generated (and dropped, see rules.v4); the times keep
# each host's packets well clear of the redirect rate limit.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L1 = lambda cap, p, **kw: lan(cap, p, **kw)                         # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)         # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                          # noqa: E731
f = TcpFlow(c, H1, 40000, R_WAN, 8080, L1, L2, cisn=56000, sisn=156000, srv=(H2, 80),
            cli=(R_LAN, 40000))
f.c(SYN, options=opt_mss(1460), at=0.0)                          # 1
f.s(SYN | ACK, options=opt_mss(1460), at=0.25)                   # 2
f.c(ACK, at=0.5)                                                 # 3
f.c(PSH | ACK, b"GET / HTTP/1.0\r\n\r\n", at=1.0)                # 4
f.s(PSH | ACK, b"HTTP/1.0 200 OK\r\n\r\nhairpin\n", at=1.25)      # 5
f.c(FIN | ACK, at=1.5)                                           # 6
f.s(FIN | ACK, at=1.75)                                          # 7
f.c(ACK, at=2.3)                                                 # 8
f = TcpFlow(c, NET1, 50000, R_WAN, 8080, W, L2, cisn=56100, sisn=156100, srv=(H2, 80))
f.c(SYN, options=opt_mss(1460), at=2.5)                          # 9
f.s(SYN | ACK, options=opt_mss(1460))                            # 10
f.c(ACK)                                                         # 11
write(c)
