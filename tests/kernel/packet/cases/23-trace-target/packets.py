#!/usr/bin/env python3
# Case 23: the TRACE target alone (no packet is traced unless a TRACE rule marks it).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 22))          # traced from raw PREROUTING rule 2 on
lan(c, tcp_pkt(H1, NET1, 40000, 80))          # not traced
lan(c, ping(H1, R_LAN))                       # request untraced; the reply traced in OUTPUT
lan(c, udp_pkt(H1, R_LAN, 5000, 7))           # untraced, and so is the ICMP error
write(c)
