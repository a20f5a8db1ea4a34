#!/usr/bin/env python3
# Case 03: tcp, udp and icmp matches, each packet walking a chain of counters-only rules;
# packets whose headers are too short for the match (hotdrop: the packet is dropped at that
# rule, with no later rule and no policy).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
o = opt_mss(1460) + opt_sackok() + opt_ts(1, 0) + b"\x01" + opt_wscale(7)
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, options=o))
lan(c, tcp_pkt(H1, NET1, 40000, 80, ACK, seq=1001, ack=5001))
wan(c, tcp_pkt(NET1, H1, 22, 40000, SYN | ACK, ack=1001, options=opt_mss(1400)))
lan(c, tcp_pkt(H1, NET1, 40001, 23, 0))                       # null scan
lan(c, tcp_pkt(H1, NET1, 40002, 8080, FIN | PSH | URG))       # xmas
lan(c, tcp_pkt(H1, NET1, 40003, 25, RST | ACK))
lan(c, ipv4(H1, NET1, 6, tcp(H1, NET1, 40004, 80)[:12] + bytes([0x40]) + bytes(7)))  # doff 4
lan(c, ipv4(H1, NET1, 6, bytes(16), frag=1, ident=9))         # TCP fragment at offset 1
lan(c, ipv4(H1, NET1, 6, bytes(16), frag=2, ident=9))         # at offset 2: no tcp match
lan(c, ipv4(H1, NET1, 6, bytes(10)))                          # TCP header cut short
lan(c, udp_pkt(H1, NET1, 1500, 53))
lan(c, udp_pkt(H1, NET1, 1500, 5353))
wan(c, udp_pkt(NET1, H1, 53, 1500))
lan(c, ipv4(H1, NET1, 17, bytes(4)))                          # UDP header cut short
lan(c, ping(H1, NET1))
wan(c,
    icmp_pkt(NET1, H1, 0, 0, 0x4e460001))                     # echo reply
wan(c, icmp_pkt(NET1, H1, 3, 3, 0, tcp_pkt(H1, NET1, 1, 2)[:28]))   # port unreachable
wan(c, icmp_pkt(NET1, H1, 3, 1, 0, tcp_pkt(H1, NET1, 1, 2)[:28]))   # host unreachable
lan(c, icmp_pkt(H1, NET1, 13, 0, 0, bytes(12)))               # timestamp request
lan(c, ipv4(H1, NET1, 1, b"\x08"))                            # ICMP header cut short
write(c)
