#!/usr/bin/env python3
# Case 47: nf_conntrack_log_invalid=255: the kernel logs why conntrack judged each packet
# INVALID (or ignored it) through nf_log ("nf_ct_proto_6: invalid tcp flag combination
# IN=..."). The packets of tests/replay/cases/ct-invalid, 100 ms apart: a TCP connection
# H1:41000 -> NET1:80 (handshake), then data beyond the window (SEQ over), an ACK of unsent
# data (ACK over), a RST below the acknowledged sequence (invalid rst), a SYN-ACK from the
# client (invalid state), a SYN in ESTABLISHED (ignored); new connections with SYN+FIN, a bad
# checksum, a truncated header (doff 8 in 20 bytes), FIN+ACK as the first packet (invalid
# new), 10 bytes of TCP header; UDP with a length past the packet, a bad checksum, 6 bytes,
# 1 byte; a UDP flow H1:5003 -> NET1:53 and ICMP errors about it to another address (outer
# daddr), about no connection, an unsolicited echo reply, an echo with a bad checksum, ICMP
# type 50, 3 bytes of ICMP, an error whose inner header is cut short; a second connection
# H1:42000 -> NET1:80 with 1000 bytes acknowledged, then data from far below the window (SEQ
# under) and an ACK far below what was sent (ACK under: ignored).
import os
import struct
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403


def flip(pkt, off):
    b = bytearray(pkt)
    b[off] ^= 0xff
    return bytes(b)


def err(src, dst, typ, code, body):
    return ipv4(src, dst, 1, icmp(typ, code, 0, body))


c = Capture()
syn = tcp_pkt(H1, NET1, 41003, 80, SYN)
lan(c, tcp_pkt(H1, NET1, 41000, 80, SYN, seq=1000))                               # 1
wan(c, tcp_pkt(NET1, H1, 80, 41000, SYN | ACK, seq=5000, ack=1001))               # 2
lan(c, tcp_pkt(H1, NET1, 41000, 80, ACK, seq=1001, ack=5001))                     # 3
lan(c, tcp_pkt(H1, NET1, 41000, 80, PSH | ACK, seq=300000, ack=5001, payload=b"x"))  # 4
lan(c, tcp_pkt(H1, NET1, 41000, 80, ACK, seq=1001, ack=105001))                   # 5
wan(c, tcp_pkt(NET1, H1, 80, 41000, RST | ACK, seq=10, ack=1001))                 # 6
lan(c, tcp_pkt(H1, NET1, 41000, 80, SYN | ACK, seq=1001, ack=5001))               # 7
lan(c, tcp_pkt(H1, NET1, 41000, 80, SYN, seq=90000))                              # 8
lan(c, tcp_pkt(H1, NET1, 41001, 80, SYN | FIN))                                   # 9
lan(c, flip(tcp_pkt(H1, NET1, 41002, 80, SYN), 36))                               # 10
lan(c, ipv4(H1, NET1, 6, syn[20:32] + b"\x80" + syn[33:40]))                      # 11
lan(c, tcp_pkt(H1, NET1, 41004, 80, FIN | ACK, seq=1, ack=1))                     # 12
lan(c, ipv4(H1, NET1, 6, tcp_pkt(H1, NET1, 41005, 80, SYN)[20:30]))               # 13
lan(c, ipv4(H1, NET1, 17, struct.pack("!HHHH", 5000, 53, 100, 0) + b"short"))     # 14
lan(c, flip(udp_pkt(H1, NET1, 5001, 53), 26))                                     # 15
lan(c, ipv4(H1, NET1, 17, struct.pack("!HHH", 5002, 53, 8)))                      # 16
lan(c, ipv4(H1, NET1, 17, b"\x13"))                                               # 17
lan(c, udp_pkt(H1, NET1, 5003, 53))                                               # 18
wan(c, err(NET1, "192.0.2.20", 3, 3, udp_pkt(H1, NET1, 5003, 53)[:28]))           # 19
wan(c, err(NET1, H1, 3, 3, udp_pkt(H1, NET1, 5999, 53)[:28]))                     # 20
wan(c, err(NET1, H1, 0, 0, b"pong"))                                              # 21
lan(c, flip(ping(H1, NET1), 22))                                                  # 22
lan(c, err(H1, NET1, 50, 0, b""))                                                 # 23
lan(c, ipv4(H1, NET1, 1, b"\x08\x00\x00"))                                        # 24
wan(c, err(NET1, H1, 3, 3, udp_pkt(H1, NET1, 5003, 53)[:10]))                     # 25
lan(c, tcp_pkt(H1, NET1, 42000, 80, SYN, seq=2000))                               # 26
wan(c, tcp_pkt(NET1, H1, 80, 42000, SYN | ACK, seq=7000, ack=2001))               # 27
lan(c, tcp_pkt(H1, NET1, 42000, 80, ACK, seq=2001, ack=7001))                     # 28
lan(c, tcp_pkt(H1, NET1, 42000, 80, PSH | ACK, seq=2001, ack=7001, payload=b"a" * 1000))  # 29
wan(c, tcp_pkt(NET1, H1, 80, 42000, ACK, seq=7001, ack=3001))                     # 30
lan(c, tcp_pkt(H1, NET1, 42000, 80, PSH | ACK, seq=(3001 - 70000) % 2**32, ack=7001,
               payload=b"b"))                                                     # 31
lan(c, tcp_pkt(H1, NET1, 42000, 80, ACK, seq=3001, ack=(7001 - 100000) % 2**32))  # 32
write(c)
