#!/usr/bin/env python3
# Case 20: locally generated traffic (source = one of the router's addresses: sent by a
# socket of uid 0 on the router) next to traffic the stack generates on its own.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
local(c, "lan0", udp_pkt(R_LAN, H1, 5353, 5353, ident=0x100), dst_mac=H1_MAC)
local(c, "wan0", tcp_pkt(R_WAN, NET1, 41000, 443, SYN, ident=0x101), dst_mac=GW_MAC)
local(c, "wan0", ping(R_WAN, W1, ident=0x102), dst_mac=W1_MAC)
local(c, "lan0", udp_pkt(R_LAN, H1, 5353, 9, ident=0x103), dst_mac=H1_MAC)   # REJECTed
local(c, "lo", udp_pkt("127.0.0.1", "127.0.0.1", 5353, 7, ident=0x104), dst_mac="00:00:00:00:00:00")
lan(c, tcp_pkt(H1, R_LAN, 40000, 22))                      # RST from the stack
lan(c, udp_pkt(H1, R_LAN, 5000, 7))                        # port unreachable from the stack
write(c)
