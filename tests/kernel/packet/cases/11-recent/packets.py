#!/usr/bin/env python3
# Case 11: recent lists, paced (hits 0.2 s apart, pauses of 1.5 s and 3 s).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
for i in range(5):
    lan(c, tcp_pkt(H1, NET1, 40000 + i, 22), gap=0.2)
lan(c, tcp_pkt(H1, NET1, 40010, 22), gap=1.5)       # older hits out of the 1 s window
lan(c, tcp_pkt(H2, NET1, 40000, 22), src_mac=H2_MAC, gap=0.2)
lan(c, udp_pkt(H1, NET1, 5000, 53), gap=0.2)         # removes H1 from ssh
lan(c, tcp_pkt(H1, NET1, 40011, 22), gap=0.2)
lan(c, ping(H1, NET1), gap=0.2)
lan(c, ping(H2, NET2), src_mac=H2_MAC, gap=0.2)      # same /24 destination entry
lan(c, ping(H1, W1), gap=3.0)                        # another /24; --reap drops old entries
lan(c, ping(H1, NET1, seq=2), gap=0.2)               # NET1's /24 entry is 3.2 s old
write(c)
