#!/usr/bin/env python3
# Case 21: forwarding disabled.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, udp_pkt(H1, NET1, 5000, 53))
lan(c, tcp_pkt(H1, W1, 40000, 22))
lan(c, udp_pkt(H1, NET1, 5000, 53, ttl=1))      # no time exceeded either
lan(c, udp_pkt(H1, "100.64.0.1", 5000, 53))     # no route at all: still silent
lan(c, ping(H1, R_LAN))
lan(c, ping(H1, R_WAN))                          # the other interface's address: local
wan(c, udp_pkt(NET1, R_LAN, 5000, 7))            # port unreachable back via wan0
write(c)
