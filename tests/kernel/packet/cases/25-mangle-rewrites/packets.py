#!/usr/bin/env python3
# Case 25: rewriting targets of group A, on forwarded and locally generated packets.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
ts = opt_mss(1460) + opt_sackok() + opt_ts(1, 0) + b"\x01" + opt_wscale(7)
lan(c, tcp_pkt(H1, NET1, 40000, 81, SYN, options=ts))           # strip TS, SACK-perm; clamp 1260
lan(c, tcp_pkt(H1, NET1, 40000, 81, ACK, options=opt_ts(5, 6), payload=b"data"))
lan(c, tcp_pkt(H1, NET1, 40001, 82, SYN | ECE | CWR, tos=2))      # ECN bits removed; clamp adds
lan(c, udp_pkt(H1, NET1, 5000, 83, tos=0xfc))                     # ECT 3
lan(c, udp_pkt(H1, NET1, 5000, 83, tos=0x01))
lan(c, udp_pkt(H1, NET1, 5000, 84, ttl=30))
lan(c, udp_pkt(H1, NET1, 5000, 84, ttl=5))                       # 4 after forwarding, dec to 0
lan(c, udp_pkt(H1, NET1, 5000, 85, ttl=200))                     # saturates at 255
lan(c, udp_pkt(H1, NET1, 5000, 86, tos=0x03))
lan(c, udp_pkt(H1, NET1, 5000, 87, tos=0xff))
lan(c, udp_pkt(H1, NET1, 5000, 88, tos=0x5a))
lan(c, tcp_pkt(H1, NET1, 40002, 89, SYN, options=opt_mss(1460)))  # set 1000
lan(c, tcp_pkt(H1, NET1, 40003, 89, SYN))                        # option added (536)
lan(c, tcp_pkt(H1, NET1, 40004, 90, SYN, payload=b"syn-data"))   # data: left alone
wan(c, tcp_pkt(NET1, H1, 443, 50000, SYN | ACK, options=opt_mss(1460)))   # to lan0: 1260
wan(c, tcp_pkt(NET1, H1, 443, 50001, SYN | ACK, options=opt_mss(1200)))   # already lower
local(c, "wan0", tcp_pkt(R_WAN, W1, 33000, 22, SYN, options=opt_mss(1460)), GW_MAC)
lan(c, udp_pkt(H1, R_WAN, 5000, 9))                              # LOCAL, not via lan0
lan(c, udp_pkt(H1, R_LAN, 5000, 9))                              # LOCAL via lan0
lan(c, udp_pkt(H1, LAN_BCAST, 5000, 9), dst_mac=BCAST_MAC)
lan(c, udp_pkt(H1, "224.0.0.251", 5353, 5353), dst_mac="01:00:5e:00:00:fb")
write(c)
