#!/usr/bin/env python3
# Case 53: NAT flags. --persistent (UDP to port 53): H1 gets .3 towards NET1 and NET2, H3
# (192.0.2.12) .1 towards both, each answered. Without it (port 54, same range): H1 -> NET1
# .1 and H3 -> NET1 .2 (the destination seeds the hash), answered. --random (port 123, range
# 20000-20999): H1:20005 is in the range yet gets a random port (p001, twice the same for
# the flow), H2:5000 too (p002). MASQUERADE --to-ports 30000-30010 (port 124): H1:30005
# keeps 30005 (answered), H2:5000 gets a random port in the range (p003). MASQUERADE
# --random-fully (TCP): H1:40000 -> NET1:80 gets a random port (p004), SYN sent twice.
# MASQUERADE --random (ICMP): H1's echo id 0x100 becomes a random id (p005), two requests.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

H3_MAC, H3 = "02:00:00:00:01:0c", "192.0.2.12"
c = Capture()
for src, mac, sport, dst, dport, pub in (
        (H1, H1_MAC, 5301, NET1, 53, "198.51.100.3"),         # 1, 2 persistent
        (H1, H1_MAC, 5302, NET2, 53, "198.51.100.3"),         # 3, 4
        (H3, H3_MAC, 5303, NET1, 53, "198.51.100.1"),         # 5, 6
        (H3, H3_MAC, 5304, NET2, 53, "198.51.100.1"),         # 7, 8
        (H1, H1_MAC, 5401, NET1, 54, "198.51.100.1"),         # 9, 10 not persistent
        (H3, H3_MAC, 5402, NET1, 54, "198.51.100.2")):        # 11, 12
    lan(c, udp_pkt(src, dst, sport, dport, b"query"), src_mac=mac)
    wan(c, udp_pkt(dst, pub, dport, sport, b"answer"))
lan(c, udp_pkt(H1, NET1, 20005, 123, b"ntp 1"))                              # 13 p001
lan(c, udp_pkt(H1, NET1, 20005, 123, b"ntp 2"))                              # 14 p001
lan(c, udp_pkt(H2, NET1, 5000, 123, b"ntp 3"), src_mac=H2_MAC)               # 15 p002
lan(c, udp_pkt(H1, NET1, 30005, 124, b"other 1"))                            # 16 30005
wan(c, udp_pkt(NET1, R_WAN, 124, 30005, b"other 1 answer"))                  # 17
lan(c, udp_pkt(H2, NET1, 5000, 124, b"other 2"), src_mac=H2_MAC)             # 18 p003
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, seq=53000, options=opt_mss(1460)))  # 19 p004
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, seq=53000, options=opt_mss(1460)))  # 20 p004
lan(c, ping(H1, NET1, 0x100, 1))                                             # 21 p005
lan(c, ping(H1, NET1, 0x100, 2))                                             # 22 p005
write(c)
