#!/usr/bin/env python3
# Case 59: bysource. UDP to port 53 (SNAT to 198.51.100.1:20000-20001): H2:20000 -> NET1 keeps
# 20000; H1:5000 -> NET1 gets 20001, the only free port towards NET1; H1:5000 -> NET2 and ->
# W1 get 20001 again (its mapping) although 20000 is free towards them; all answered. UDP to
# port 54 (SNAT to 198.51.100.1:30000): H1:5000 -> NET1 gets 30000 (its 20001 is not in this
# range), answered; H2:5000 -> NET1:54 is mapped to 30000 too and its entry clashes: dropped.
# TCP (MASQUERADE): H1:40000 -> NET1:80 keeps 40000; H2:40000 -> NET1:80 clashes and gets a
# random port (p001); H2:40000 -> NET2:80 gets p001 again, not its own free 40000.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
for src, mac, sport, dst, dport, pub in (
        (H2, H2_MAC, 20000, NET1, 53, 20000),       # 1, 2 kept
        (H1, H1_MAC, 5000, NET1, 53, 20001),        # 3, 4 the free one
        (H1, H1_MAC, 5000, NET2, 53, 20001),        # 5, 6 bysource
        (H1, H1_MAC, 5000, W1, 53, 20001),          # 7, 8 bysource
        (H1, H1_MAC, 5000, NET1, 54, 30000)):       # 9, 10 other range
    lan(c, udp_pkt(src, dst, sport, dport, b"query"), src_mac=mac)
    wan(c, udp_pkt(dst, R_WAN, dport, pub, b"answer"), src_mac=W1_MAC if dst == W1 else GW_MAC)
lan(c, udp_pkt(H2, NET1, 5000, 54, b"query"), src_mac=H2_MAC)                    # 11 dropped
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, seq=59000, options=opt_mss(1460)))      # 12 40000
lan(c, tcp_pkt(H2, NET1, 40000, 80, SYN, seq=59100, options=opt_mss(1460)),
    src_mac=H2_MAC)                                                              # 13 p001
lan(c, tcp_pkt(H2, NET2, 40000, 80, SYN, seq=59200, options=opt_mss(1460)),
    src_mac=H2_MAC)                                                              # 14 p001
write(c)
