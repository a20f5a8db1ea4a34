#!/usr/bin/env python3
# Case 44: expiry. At 0.0-0.8 s: a UDP query H1:5070 -> NET1:53 (no answer), a ping H1 ->
# NET1 and its reply, a SYN H1:40100 -> NET1:80 (no answer), a UDP query H1:5071 -> NET2:53
# (sent again at 1.5 s and 3.0 s, so it never expires), and H1:40102 -> NET1:80 reset after
# its handshake (CLOSE, 1 s). options reads the table after packet 9 and at the end. From
# 3.5 s the same flows again: those whose timeout passed start over as NEW (the ACK of
# H1:40102 is picked up as a new ESTABLISHED connection).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
lan(c, udp_pkt(H1, NET1, 5070, 53, b"query"), at=0.0)                      # 1
lan(c, ping(H1, NET1, 0x700, 1), at=0.1)                                    # 2
wan(c, ipv4(NET1, H1, 1, echo(0x700, 1, reply=True)), at=0.2)               # 3
lan(c, tcp_pkt(H1, NET1, 40100, 80, SYN, seq=100000), at=0.3)               # 4
lan(c, udp_pkt(H1, NET2, 5071, 53, b"query"), at=0.4)                       # 5
f = TcpFlow(c, H1, 40102, NET1, 80, L, W, cisn=102000, sisn=202000)
f.c(SYN, at=0.5)                                                            # 6
f.s(SYN | ACK, at=0.6)                                                      # 7
f.c(ACK, at=0.7)                                                            # 8
f.c(RST, at=0.8)                                                            # 9 CLOSE, 1 s
lan(c, udp_pkt(H1, NET2, 5071, 53, b"again"), at=1.5)                       # 10 refresh
lan(c, udp_pkt(H1, NET2, 5071, 53, b"and again"), at=3.0)                   # 11 refresh
lan(c, udp_pkt(H1, NET1, 5070, 53, b"query"), at=3.5)                       # 12 NEW again
lan(c, ping(H1, NET1, 0x700, 2), at=3.6)                                    # 13 NEW again
lan(c, tcp_pkt(H1, NET1, 40100, 80, SYN, seq=100000), at=3.7)               # 14 NEW again
lan(c, tcp_pkt(H1, NET1, 40102, 80, ACK, seq=102001, ack=202001), at=3.8)   # 15 picked up
write(c)
