#!/usr/bin/env python3
# Case 01: policies of the built-in chains and the ipt_ip part of rules (addresses and masks,
# -i/-o with the + wildcard, -p, -f, every inversion); echo reply from the router; a packet
# forwarded back out of the interface it came in on (the router sends an ICMP redirect even
# though FORWARD drops it).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, ping(H1, R_LAN))                                  # INPUT rule 2, echo reply via OUTPUT
wan(c, ping(NET1, R_WAN))                                # INPUT policy DROP
wan(c, udp_pkt(W1, R_WAN, 5000, 53), src_mac=W1_MAC)     # INPUT rule 3 DROP
lan(c, tcp_pkt(H1, NET1, 40000, 80))                     # FORWARD rule 1 -> wan0
wan(c, tcp_pkt(NET1, H1, 80, 40000, SYN | ACK, ack=1001))  # FORWARD rule 3 -> lan0
wan(c, udp_pkt(NET1, H1, 53, 40001))                     # rules 4, 5 count; policy DROP
wan(c, udp_pkt(NET1, H2, 53, 40002, b"A" * 64, ident=7, mf=True))           # first fragment
wan(c, ipv4(NET1, H2, 17, b"B" * 24, ident=7, frag=9))  # non-first fragment: rule 2 ACCEPT
lan(c, ping(H1, H2, seq=2))                              # lan0 -> lan0: redirect, policy DROP
lan(c, tcp_pkt(H1, W1, 40003, 22, ttl=5))                # FORWARD rule 1 -> wan0, TTL 4
write(c)
