#!/usr/bin/env python3
# Case 13: LOG options; TCP options and IP options in the log; the ICMP error the router
# sends for a closed UDP port logged with its inner packet; packets the router sends from a
# socket (a raw socket of uid 0: UID=0 GID=0) and from the stack (RST, ICMP: no UID).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
o = opt_mss(1460) + opt_sackok() + opt_ts(12345, 0) + b"\x01" + opt_wscale(7)
ipopt = bytes([0x94, 4, 0, 0])                                 # router alert
lan(c, tcp_pkt(H1, R_LAN, 40000, 22, SYN, seq=0x01020304, options=o))     # RST back
lan(c, udp_pkt(H1, R_LAN, 5000, 9, options=ipopt))            # port unreachable back
lan(c, tcp_pkt(H1, NET1, 40001, 80, PSH | ACK | URG, seq=77, ack=99, options=opt_mss(1400),
                   tos=0x10, df=True, ttl=30))                # forwarded, DF, URG
lan(c, ping(H1, NET1, options=bytes([1, 1, 1, 0])))          # forwarded with IP options
local(c, "lan0", udp_pkt(R_LAN, H1, 5353, 5353, ident=0x2001), dst_mac=H1_MAC)
local(c, "wan0", tcp_pkt(R_WAN, NET1, 41000, 443, SYN, seq=5, options=o, ident=0x2002),
      dst_mac=GW_MAC)
write(c)
