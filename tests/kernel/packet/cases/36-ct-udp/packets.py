#!/usr/bin/env python3
# Case 36: UDP. H1:5000 -> NET1:53 query and answer; H1:5001 -> NET2:53 twice, never
# answered; H1:5002 -> NET1:123 answered, then again 2.5 s after the first packet (a stream:
# ASSURED); H1:5003 -> NET1:124 answered and again 1 s after (not yet a stream); the router's
# own query R_WAN:5353 -> W1:53 and its answer.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, udp_pkt(H1, NET1, 5000, 53, b"query 1"), at=0.0)            # 1
wan(c, udp_pkt(NET1, H1, 53, 5000, b"answer 1"), at=0.1)           # 2
lan(c, udp_pkt(H1, NET2, 5001, 53, b"query 2"), at=0.2)            # 3
lan(c, udp_pkt(H1, NET2, 5001, 53, b"query 2 again"), at=0.3)      # 4
lan(c, udp_pkt(H1, NET1, 5002, 123, b"ntp 1"), at=0.4)             # 5
wan(c, udp_pkt(NET1, H1, 123, 5002, b"ntp 1 answer"), at=0.5)      # 6
lan(c, udp_pkt(H1, NET1, 5003, 124, b"other 1"), at=0.6)           # 7
wan(c, udp_pkt(NET1, H1, 124, 5003, b"other 1 answer"), at=0.7)    # 8
local(c, "wan0", udp_pkt(R_WAN, W1, 5353, 53, b"router query"), W1_MAC, at=0.8)   # 9
wan(c, udp_pkt(W1, R_WAN, 53, 5353, b"router answer"), src_mac=W1_MAC, at=0.9)   # 10
lan(c, udp_pkt(H1, NET1, 5003, 124, b"other 2"), at=1.6)           # 11 1.0 s after 7
lan(c, udp_pkt(H1, NET1, 5002, 123, b"ntp 2"), at=2.9)             # 12 2.5 s after 5
write(c)
