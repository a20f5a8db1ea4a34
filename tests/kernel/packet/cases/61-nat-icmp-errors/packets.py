#!/usr/bin/env python3
# Case 61: ICMP errors and NAT. Masqueraded UDP H1:5000 -> NET1:33434: NET1's port
# unreachable and GW's time exceeded (each quoting 28 bytes of the datagram as it left,
# from 198.51.100.1) reach H1 translated. Masqueraded TCP H1:40000 -> NET1:80: after the
# handshake a 600-byte DF segment; GW answers "fragmentation needed" quoting the IP and
# the whole TCP header (40 bytes) and "time exceeded" quoting 28 bytes; NET1's data with
# TTL 1 makes the router send time exceeded back to NET1 about the de-NATed packet; H1's
# ACK with TTL 1 gets time exceeded from the router (nothing to translate). DNAT
# NET1:50000 -> 198.51.100.1:2222 -> H1:22: after the handshake NET1's segment with TTL 1
# gets time exceeded from the router; GW's host unreachable about H1's SYN/ACK (as it
# left, from 198.51.100.1:2222) reaches H1. NET1:50001 -> 198.51.100.1:2323 -> H1:23 is
# REJECTed in FORWARD: the port unreachable quotes 198.51.100.1:2323.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
q = udp_pkt(H1, NET1, 5000, 33434, b"traceroute?")
lan(c, q)                                                                    # 1
left = rewrite(q, src=R_WAN, ttl=63)
wan(c, icmp_pkt(NET1, R_WAN, 3, 3, 0, left[:28]))                            # 2
wan(c, icmp_pkt(GW, R_WAN, 11, 0, 0, rewrite(q, src=R_WAN, ttl=1)[:28]))     # 3
f = TcpFlow(c, H1, 40000, NET1, 80, L, W, cisn=61000, sisn=161000, cli=(R_WAN, 40000))
f.c(SYN, options=opt_mss(1460))                                              # 4
f.s(SYN | ACK, options=opt_mss(1460))                                        # 5
f.c(ACK)                                                                     # 6
seg = f.c(PSH | ACK, b"x" * 600, df=True)                                    # 7
left = rewrite(seg, src=R_WAN, ttl=63)
wan(c, icmp_pkt(GW, R_WAN, 3, 4, 576, left[:40]))                            # 8 whole TCP header
wan(c, icmp_pkt(GW, R_WAN, 11, 0, 0, left[:28]))                             # 9 8 bytes of it
f.s(PSH | ACK, b"y" * 100, ttl=1)                                            # 10 TTL 1 from NET1
f.c(ACK, ttl=1)                                                              # 11 TTL 1 from H1
f = TcpFlow(c, NET1, 50000, R_WAN, 2222, W, L, cisn=61100, sisn=161100, srv=(H1, 22))
f.c(SYN, options=opt_mss(1460))                                              # 12
synack = f.s(SYN | ACK, options=opt_mss(1460))                               # 13
f.c(ACK)                                                                     # 14
f.c(PSH | ACK, b"z" * 50, ttl=1)                                             # 15 TTL 1
left = rewrite(synack, src=R_WAN, sport=2222, ttl=63)
wan(c, icmp_pkt(GW, R_WAN, 3, 1, 0, left[:28]))                              # 16
wan(c, tcp_pkt(NET1, R_WAN, 50001, 2323, SYN, seq=61200, options=opt_mss(1460)))   # 17
write(c)
