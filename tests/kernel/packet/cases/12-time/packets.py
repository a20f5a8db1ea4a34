#!/usr/bin/env python3
# Case 12: time match rules that hold (or fail) at any instant between 2020 and 2037.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 80))
lan(c, udp_pkt(H1, NET1, 5000, 53))
write(c)
