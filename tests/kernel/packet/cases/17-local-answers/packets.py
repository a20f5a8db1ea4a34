#!/usr/bin/env python3
# Case 17: the router's own answers when no socket listens: RST for a SYN (ACK = SEQ + 1) and
# for an ACK (SEQ = the ACK), nothing for a RST; ICMP port unreachable for UDP; echo reply
# (the request's payload, TOS kept); protocol unreachable for an unknown protocol; nothing for
# a bad TCP or UDP checksum; echo to the broadcast address ignored (icmp_echo_ignore_broadcasts).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, R_LAN, 40000, 80, SYN, seq=1000, options=opt_mss(1460)))
lan(c, tcp_pkt(H1, R_LAN, 40001, 80, ACK, seq=1000, ack=777))
lan(c, tcp_pkt(H1, R_LAN, 40002, 80, SYN | ACK, seq=10, ack=20))
lan(c, tcp_pkt(H1, R_LAN, 40003, 80, FIN | ACK, seq=30, ack=40, payload=b"bye"))
lan(c, tcp_pkt(H1, R_LAN, 40004, 80, RST, seq=1000))
lan(c, udp_pkt(H1, R_LAN, 5000, 7, b"hello"))
lan(c, ping(H1, R_LAN, 0x1234, 7, payload=bytes(range(56)), tos=0x10))
wan(c, ping(NET1, R_WAN, 0x4321, 1, payload=b"x" * 1000))
lan(c, ipv4(H1, R_LAN, 99, b"proto 99 payload"))
pk = bytearray(tcp_pkt(H1, R_LAN, 40005, 80, SYN))
pk[36] ^= 0xff                                           # TCP checksum broken
lan(c, bytes(pk))
pk = bytearray(udp_pkt(H1, R_LAN, 5000, 7))
pk[26] ^= 0xff                                           # UDP checksum broken
lan(c, bytes(pk))
lan(c, ipv4(H1, R_LAN, 17, udp(H1, R_LAN, 5000, 8)[:6] + b"\0\0"))  # UDP checksum 0: none
lan(c, ping(H1, LAN_BCAST), dst_mac=BCAST_MAC)
lan(c, ping(H1, R_LAN, ttl=1))                           # TTL 1 is fine for local delivery
write(c)
