#!/usr/bin/env python3
# Case 05: MARK variants and the mark match; CLASSIFY (invisible on the wire, counted).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 80))          # mark 0x10 -> xset 0x13 -> FORWARD ACCEPT
lan(c, udp_pkt(H1, NET1, 5000, 53))           # 0x10 & 0xf0 = 0x10 -> ACCEPT
lan(c, ping(H1, R_LAN))                       # 0x10 | 0x100 -> INPUT; echo reply marked 0x77
wan(c, ping(NET1, H1))                        # 0x100 ^ 0x101 = 0x1 -> FORWARD policy DROP
wan(c, tcp_pkt(NET1, H1, 80, 40000, SYN | ACK, ack=1001))  # xset 0x3 -> DROP
write(c)
