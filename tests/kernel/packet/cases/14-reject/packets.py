#!/usr/bin/env python3
# Case 14: REJECT variants. Each ICMP error goes to a different host, so the per-destination
# ICMP rate limit (burst 6, then 1/s) never applies.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
for port in range(1, 9):
    src = "203.0.113.%d" % (10 + port)
    wan(c, udp_pkt(src, H1, 5000 + port, port, b"reject me"))
wan(c, tcp_pkt("203.0.113.21", H1, 40000, 80, SYN, seq=100))            # RST ACK, ack 101
wan(c, tcp_pkt("203.0.113.22", H1, 40001, 80, ACK, seq=100, ack=5000))  # RST, seq 5000
wan(c, tcp_pkt("203.0.113.23", H1, 40002, 80, RST, seq=100))            # nothing back
wan(c, tcp_pkt("203.0.113.24", H1, 40003, 80, FIN | ACK, seq=7, ack=9, payload=b"abc"))
wan(c, icmp_pkt("203.0.113.25", H1, 3, 1, 0, udp_pkt(H1, "203.0.113.25", 1, 2)[:28]))  # error
wan(c, ping("203.0.113.26", H1))
wan(c, ipv4("203.0.113.27", H1, 17, b"frag" * 4, frag=20, ident=3))     # not fragment 0
lan(c, tcp_pkt(H1, R_LAN, 40004, 9, SYN, seq=1))                        # INPUT tcp-reset
lan(c, udp_pkt(H1, R_LAN, 5000, 9))                                     # INPUT port-unreach
lan(c, ping(H1, R_LAN))                                                 # INPUT host-prohibited
write(c)
