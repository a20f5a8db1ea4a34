#!/usr/bin/env python3
# Case 50: MASQUERADE out of wan0. H1:40000 -> NET1:80 TCP from SYN to the last ACK (NET1
# answers 198.51.100.1:40000, the kept port); H1:5000 -> NET1:53 UDP query and answer; H1
# pings NET1 (id 0x4e46, kept) and gets the reply; NET2:53 -> 198.51.100.1:5000, a datagram
# matching no connection's reply, is delivered to the router (port unreachable).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
f = TcpFlow(c, H1, 40000, NET1, 80, L, W, cisn=10000, sisn=20000, cli=(R_WAN, 40000))
f.c(SYN, options=opt_mss(1460))                                  # 1 nat POSTROUTING: MASQUERADE
f.s(SYN | ACK, options=opt_mss(1460))                            # 2 to 198.51.100.1: de-NATed
f.c(ACK)                                                         # 3
f.c(PSH | ACK, b"GET / HTTP/1.0\r\n\r\n")                        # 4
f.s(PSH | ACK, b"HTTP/1.0 200 OK\r\n\r\nhello\n")                # 5
f.c(ACK)                                                         # 6
f.c(FIN | ACK)                                                   # 7
f.s(FIN | ACK)                                                   # 8
f.c(ACK)                                                         # 9 TIME_WAIT
lan(c, udp_pkt(H1, NET1, 5000, 53, b"query"))                    # 10
wan(c, udp_pkt(NET1, R_WAN, 53, 5000, b"answer"))                # 11
lan(c, ping(H1, NET1, 0x4e46, 1))                                # 12
wan(c, ipv4(NET1, R_WAN, 1, echo(0x4e46, 1, reply=True)))        # 13
lan(c, ping(H1, NET1, 0x4e46, 2))                                # 14
wan(c, ipv4(NET1, R_WAN, 1, echo(0x4e46, 2, reply=True)))        # 15
wan(c, udp_pkt(NET2, R_WAN, 53, 5000, b"stray"))                 # 16 no such reply: local
write(c)
