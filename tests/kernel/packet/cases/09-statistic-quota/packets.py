#!/usr/bin/env python3
# Case 09: statistic (nth; random with probability 1 and 0) and quota.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
for i in range(7):
    lan(c, tcp_pkt(H1, NET1, 40000 + i, 80))                      # 40 bytes each
for i in range(4):
    lan(c, udp_pkt(H1, NET1, 5000 + i, 53, b"q" * 22))            # 50 bytes each
write(c)
