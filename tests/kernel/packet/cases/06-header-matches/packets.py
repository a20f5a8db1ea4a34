#!/usr/bin/env python3
# Case 06: length, ttl, tos, dscp and ecn matches on forwarded packets.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 80))                          # len 40, ttl 63 in FORWARD
lan(c, udp_pkt(H1, NET1, 5000, 53, b"x" * 100, ttl=200))      # len 128, ttl 199
lan(c, udp_pkt(H1, NET1, 5000, 53, ttl=5, tos=0x10))          # Minimize-Delay
lan(c, udp_pkt(H1, NET1, 5000, 53, tos=0xb8))                 # DSCP EF (0x2e)
lan(c, udp_pkt(H1, NET1, 5000, 53, tos=0x88 | 1))             # AF41 (0x22) + ECT(1)
lan(c, tcp_pkt(H1, NET1, 40001, 80, SYN | ECE | CWR, tos=2))  # ECN setup SYN, ECT(0)
lan(c, tcp_pkt(H1, NET1, 40001, 80, ACK | ECE, tos=3))        # CE
lan(c, udp_pkt(H1, NET1, 5000, 53, tos=0xff))
write(c)
