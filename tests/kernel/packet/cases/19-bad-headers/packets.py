#!/usr/bin/env python3
# Case 19: broken IPv4 headers (never reach PREROUTING), martian addresses and bad options
# (reach PREROUTING, dropped by routing), trailing Ethernet padding (trimmed).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
good = udp_pkt(H1, NET1, 5000, 53)
lan(c, good)                                                      # baseline: forwarded
lan(c, ipv4(H1, NET1, 17, udp(H1, NET1, 5000, 53, b"nfemu"), check=0x1234))  # bad checksum
lan(c, ipv4(H1, NET1, 17, udp(H1, NET1, 5000, 53, b"nfemu"), version=6))     # version 6
lan(c, ipv4(H1, NET1, 17, udp(H1, NET1, 5000, 53, b"nfemu"), ihl=4))         # ihl < 5
lan(c, ipv4(H1, NET1, 17, udp(H1, NET1, 5000, 53, b"nfemu"), tot_len=200))   # truncated
lan(c, ipv4(H1, NET1, 17, udp(H1, NET1, 5000, 53, b"nfemu"), tot_len=16))    # < header
lan(c, good[:15])                                                 # 15 bytes of IP
lan(c, good + bytes(60 - 14 - len(good)))                        # padded to 60: trimmed
lan(c, udp_pkt("127.0.0.1", NET1, 5000, 53))                     # martian source
lan(c, udp_pkt("0.0.0.0", NET1, 5000, 53))
lan(c, udp_pkt("224.0.0.5", NET1, 5000, 53))
lan(c, udp_pkt(LAN_BCAST, NET1, 5000, 53))
lan(c, udp_pkt(H1, "127.0.0.1", 5000, 53))                       # martian destination
lan(c, udp_pkt(H1, "0.0.0.0", 5000, 53))
lan(c, udp_pkt(R_WAN, NET1, 5000, 53))                           # own address as source
lan(c, udp_pkt(H1, NET1, 5000, 53, options=bytes([0x07, 0x00, 0x04, 0x00])))  # bad option len
lan(c, udp_pkt(H1, NET1, 5000, 53, options=bytes([0x07, 0x07, 0x04] + [0] * 4)))  # record route
write(c)
