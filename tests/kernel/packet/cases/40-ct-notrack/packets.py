#!/usr/bin/env python3
# Case 40: NOTRACK. H1:5040 -> NET1:5353 (CT --notrack) and its answer NET1:5353 -> H1:5040
# (tracked: a new connection the other way); H1:5041 -> NET1:5354 (NOTRACK); H1 pings NET1
# (the request untracked, the reply NEW: an echo reply cannot start a connection, INVALID);
# H1 pings the router (the request untracked, the router's reply tracked at LOCAL_OUT);
# the router's own R_WAN:5355 -> W1:53 (untracked in raw OUTPUT) and R_WAN:5356 -> W1:53.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, udp_pkt(H1, NET1, 5040, 5353, b"mdns?"))                          # 1
wan(c, udp_pkt(NET1, H1, 5353, 5040, b"mdns!"))                          # 2
lan(c, udp_pkt(H1, NET1, 5041, 5354, b"notrack"))                        # 3
lan(c, ping(H1, NET1, 0x500, 1))                                         # 4
wan(c, ipv4(NET1, H1, 1, echo(0x500, 1, reply=True)))                    # 5
lan(c, ping(H1, R_LAN, 0x501, 1))                                        # 6
local(c, "wan0", udp_pkt(R_WAN, W1, 5355, 53, b"untracked"), W1_MAC)     # 7
local(c, "wan0", udp_pkt(R_WAN, W1, 5356, 53, b"tracked"), W1_MAC)       # 8
write(c)
