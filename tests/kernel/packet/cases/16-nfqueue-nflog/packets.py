#!/usr/bin/env python3
# Case 16: NFQUEUE and NFLOG with nobody listening.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
for port in (1000, 1001, 1002, 1003, 1004):
    lan(c, udp_pkt(H1, R_LAN, 5000, port))
lan(c, tcp_pkt(H1, NET1, 40000, 80))
lan(c, udp_pkt(H1, NET1, 5000, 53))
write(c)
