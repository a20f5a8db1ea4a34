#!/usr/bin/env python3
# Case 66: SNAT in nat INPUT. NET1:50000 -> 198.51.100.1:22 reaches the stack from
# 192.0.2.250:50000; its RST|ACK goes back to NET1 out of wan0 (and the RST ends the entry:
# the SYN sent again is NEW again). NET2:5000 -> :5353 (UDP) arrives from 192.0.2.250:6000;
# the port unreachable reaches NET2, quoting the datagram as NET2 sent it. NET1 pings the
# router (from 192.0.2.250 once SNATed); the echo reply goes to NET1. W1:50002 -> :22 is
# not SNATed (RST straight back).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
wan(c, tcp_pkt(NET1, R_WAN, 50000, 22, SYN, seq=66000, options=opt_mss(1460)))   # 1
wan(c, tcp_pkt(NET1, R_WAN, 50000, 22, SYN, seq=66000, options=opt_mss(1460)))   # 2 again
wan(c, udp_pkt(NET2, R_WAN, 5000, 5353, b"query"))                               # 3
wan(c, ping(NET1, R_WAN, 0x660, 1))                                              # 4
wan(c, ping(NET1, R_WAN, 0x660, 2))                                              # 5
wan(c, tcp_pkt(W1, R_WAN, 50002, 22, SYN, seq=66200, options=opt_mss(1460)),
    src_mac=W1_MAC)                                                              # 6
write(c)
