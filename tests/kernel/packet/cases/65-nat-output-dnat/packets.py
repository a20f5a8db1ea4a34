#!/usr/bin/env python3
# Case 65: DNAT of the router's own packets (locally generated, written as they would leave
# wan0 before the DNAT). 198.51.100.1:41000 -> NET1:80 (SYN) goes to H1:8080 out of lan0;
# H1's SYN/ACK comes back as from NET1:80 and, with no socket, gets the stack's RST, which
# the connection's DNAT sends to H1. 198.51.100.1:5000 -> NET2:53 (UDP) goes to H2; H2's
# answer gets a port unreachable, sent to H2. An echo request to 203.0.113.7 goes to W1 (on
# wan0, W1's MAC); W1's reply is delivered to the router.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
local(c, "wan0", tcp_pkt(R_WAN, NET1, 41000, 80, SYN, seq=65000, options=opt_mss(1460)),
      GW_MAC)                                                                    # 1
lan(c, tcp_pkt(H1, R_WAN, 8080, 41000, SYN | ACK, seq=165000, ack=65001,
               options=opt_mss(1460)))                                           # 2
local(c, "wan0", udp_pkt(R_WAN, NET2, 5000, 53, b"router query"), GW_MAC)        # 3
lan(c, udp_pkt(H2, R_WAN, 53, 5000, b"answer"), src_mac=H2_MAC)                  # 4
local(c, "wan0", ping(R_WAN, "203.0.113.7", 0x650, 1), GW_MAC)                   # 5
wan(c, ipv4(W1, R_WAN, 1, echo(0x650, 1, reply=True)), src_mac=W1_MAC)           # 6
write(c)
