#!/usr/bin/env python3
# Case 22: strict (lan0) and loose (wan0) reverse-path filtering, for forwarded and local
# packets; a source the router has no route for at all.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, udp_pkt(H1, NET1, 5000, 53))                 # reverse path lan0: passes
lan(c, udp_pkt(NET2, W1, 5000, 53))                 # spoofed: reverse path is wan0 -> drop
lan(c, udp_pkt("198.18.0.1", NET1, 5000, 53))       # no route back at all -> drop
lan(c, ping(NET2, R_LAN))                           # to the router: strict check too
wan(c, udp_pkt("192.0.2.50", H1, 5000, 53))         # loose: a route exists (via lan0)
wan(c, udp_pkt("198.18.0.1", H1, 5000, 53))         # loose: no route -> drop
wan(c, udp_pkt(NET1, H1, 53, 5000))                 # normal
write(c)
