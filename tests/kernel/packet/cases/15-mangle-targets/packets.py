#!/usr/bin/env python3
# Case 15: mangle targets that change headers, checked by filter rules downstream and in the
# forwarded frames (checksums updated). A ping whose TTL the mangle table lowers to 1 expires.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 22, tos=0xe2))
lan(c, tcp_pkt(H1, NET1, 40000, 23, tos=0xe2))
lan(c, tcp_pkt(H1, NET1, 40000, 24, tos=0x01))
lan(c, tcp_pkt(H1, NET1, 40000, 25, tos=0x10))
lan(c, tcp_pkt(H1, NET1, 40000, 80, tos=0x03))
lan(c, tcp_pkt(H1, NET1, 40000, 81, ACK, ack=1))
lan(c, udp_pkt(H1, NET1, 5000, 53, ttl=200))
wan(c, udp_pkt(NET1, H1, 53, 5000, ttl=64))
lan(c, ping(H1, NET1, ttl=10))
lan(c, ping(H1, NET1, ttl=4))                                   # 4 - 3 = 1: time exceeded
lan(c, tcp_pkt(H1, NET1, 40001, 443, SYN, options=opt_mss(1460) + opt_sackok()))  # -> 1360
lan(c, tcp_pkt(H1, NET1, 40002, 443, SYN, options=opt_mss(1200)))  # already below
lan(c, tcp_pkt(H1, NET1, 40003, 443, SYN))                      # no MSS option: one added
wan(c, tcp_pkt(NET1, H1, 443, 40001, SYN | ACK, ack=1001, options=opt_mss(1460)))  # -> 1000
wan(c, tcp_pkt(NET1, H1, 443, 40003, SYN | ACK, ack=1001))      # added: min(1000, 536)
write(c)
