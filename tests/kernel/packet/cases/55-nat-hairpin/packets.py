#!/usr/bin/env python3
# Case 55: hairpin NAT, no ICMP redirects. H1:40000 -> 198.51.100.1:8080 is DNATed to H2:80
# and masqueraded to 192.0.2.1:40000: handshake, data both ways, FIN both ways (H2 answers
# 192.0.2.1, de-NATed back to H1 from 198.51.100.1:8080). H1:5000 -> 198.51.100.1:5353 (UDP)
# likewise to H2:53 and back. H2 reaches its own service through the public address
# (H2:40001 -> 198.51.100.1:8080 -> H2:80 from 192.0.2.1:40001). NET1:50000 ->
# 198.51.100.1:8080 reaches H2:80 unmasqueraded (handshake).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L1 = lambda cap, p, **kw: lan(cap, p, **kw)                         # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)         # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                          # noqa: E731
f = TcpFlow(c, H1, 40000, R_WAN, 8080, L1, L2, cisn=55000, sisn=155000, srv=(H2, 80),
            cli=(R_LAN, 40000))
f.c(SYN, options=opt_mss(1460))                                  # 1
f.s(SYN | ACK, options=opt_mss(1460))                            # 2
f.c(ACK)                                                         # 3
f.c(PSH | ACK, b"GET / HTTP/1.0\r\n\r\n")                        # 4
f.s(PSH | ACK, b"HTTP/1.0 200 OK\r\n\r\nhairpin\n")              # 5
f.c(FIN | ACK)                                                   # 6
f.s(FIN | ACK)                                                   # 7
f.c(ACK)                                                         # 8
lan(c, udp_pkt(H1, R_WAN, 5000, 5353, b"query"))                 # 9
lan(c, udp_pkt(H2, R_LAN, 53, 5000, b"answer"), src_mac=H2_MAC)  # 10
f = TcpFlow(c, H2, 40001, R_WAN, 8080, L2, L2, cisn=55100, sisn=155100, srv=(H2, 80),
            cli=(R_LAN, 40001))
f.c(SYN, options=opt_mss(1460))                                  # 11 to itself
f.s(SYN | ACK, options=opt_mss(1460))                            # 12
f.c(ACK)                                                         # 13
f = TcpFlow(c, NET1, 50000, R_WAN, 8080, W, L2, cisn=55200, sisn=155200, srv=(H2, 80))
f.c(SYN, options=opt_mss(1460))                                  # 14
f.s(SYN | ACK, options=opt_mss(1460))                            # 15
f.c(ACK)                                                         # 16
write(c)
