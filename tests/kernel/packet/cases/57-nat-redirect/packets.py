#!/usr/bin/env python3
# Case 57: REDIRECT. H1:40000 -> NET1:80 is redirected to 192.0.2.1:3128: the router's RST
# leaves lan0 from NET1:80. H1:40001 -> 192.0.2.2:80 (lan0's secondary address) goes to
# 192.0.2.1:3128 too. H1:5000 -> NET2:53 (UDP) is redirected to 192.0.2.1:53: the port
# unreachable comes back from NET2, quoting the datagram as H1 sent it. The router's own
# R_WAN:41000 -> NET1:80 (locally generated) is redirected to 127.0.0.1:8080 and delivered
# over lo: the stack's RST (127.0.0.1 -> 198.51.100.1, de-NATed to come from NET1:80) goes
# to the router itself; likewise its UDP R_WAN:5001 -> W1:5353 gets a port unreachable
# from 127.0.0.1 made to come from W1.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, seq=57000, options=opt_mss(1460)))      # 1
lan(c, tcp_pkt(H1, "192.0.2.2", 40001, 80, SYN, seq=57100, options=opt_mss(1460)))   # 2
lan(c, udp_pkt(H1, NET2, 5000, 53, b"query"))                                    # 3
local(c, "wan0", tcp_pkt(R_WAN, NET1, 41000, 80, SYN, seq=57200,
                         options=opt_mss(1460)), GW_MAC)                         # 4
local(c, "wan0", udp_pkt(R_WAN, W1, 5001, 5353, b"router query"), W1_MAC)        # 5
write(c)
