#!/usr/bin/env python3
# Case 10: limit and hashlimit, paced: bursts 50 ms apart, then a 1.3 s pause; every
# bucket decision is at least 0.15 token away from its threshold.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
for i in range(5):
    lan(c, udp_pkt(H1, NET1, 5000, 53), gap=0.05)
for i in range(3):
    lan(c, udp_pkt(H2, NET1, 5000, 53 + i), src_mac=H2_MAC, gap=0.05)
lan(c, udp_pkt(H1, NET1, 5000, 54), gap=1.3)
lan(c, udp_pkt(H1, NET1, 5000, 54), gap=0.05)
lan(c, udp_pkt(H1, NET1, 5000, 54), gap=0.05)
lan(c, tcp_pkt(H1, NET1, 40000, 80), gap=0.05)
write(c)
