#!/usr/bin/env python3
# Case 43: passive FTP through the router. H1:40080 -> NET1:21: handshake, banner, USER and
# PASS, PASV answered "227 Entering Passive Mode (203,0,113,5,195,81)" (the helper expects
# H1 -> NET1:50001); H1:40090 -> NET1:50001 opens the data connection (RELATED) and closes it;
# then EPSV answered "229 ... (|||50002|)" and H1:40091 -> NET1:50002 (RELATED); last, a PASV
# whose 227 answer follows another reply line in the same segment: the helper only reads a
# reply at the start of a segment, so nothing is expected and H1:40092 -> NET1:50003 is NEW
# (dropped).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
f = TcpFlow(c, H1, 40080, NET1, 21, L, W, cisn=80000, sisn=180000)
f.c(SYN, options=opt_mss(1460))                                  # 1
f.s(SYN | ACK, options=opt_mss(1460))                            # 2
f.c(ACK)                                                         # 3
f.s(PSH | ACK, b"220 nfemu FTP server ready\r\n")                # 4
f.c(PSH | ACK, b"USER anonymous\r\n")                            # 5
f.s(PSH | ACK, b"331 Password required\r\n")                     # 6
f.c(PSH | ACK, b"PASS guest\r\n")                                # 7
f.s(PSH | ACK, b"230 Logged in\r\n")                             # 8
f.c(PSH | ACK, b"PASV\r\n")                                      # 9
f.s(PSH | ACK, b"227 Entering Passive Mode (203,0,113,5,195,81).\r\n")   # 10
d = TcpFlow(c, H1, 40090, NET1, 50001, L, W, cisn=500000, sisn=600000)
d.c(SYN, options=opt_mss(1460))                                  # 11 RELATED
d.s(SYN | ACK, options=opt_mss(1460))                            # 12
d.c(ACK)                                                         # 13
d.s(PSH | ACK, b"a listing\n")                                   # 14
d.s(FIN | ACK)                                                   # 15
d.c(FIN | ACK)                                                   # 16
d.s(ACK)                                                         # 17
f.c(PSH | ACK, b"EPSV\r\n")                                      # 18
f.s(PSH | ACK, b"229 Entering Extended Passive Mode (|||50002|)\r\n")   # 19
d = TcpFlow(c, H1, 40091, NET1, 50002, L, W, cisn=510000, sisn=610000)
d.c(SYN, options=opt_mss(1460))                                  # 20 RELATED
d.s(SYN | ACK, options=opt_mss(1460))                            # 21
f.c(PSH | ACK, b"PASV\r\n")                                      # 22
f.s(PSH | ACK, b"226 Done\r\n227 Entering Passive Mode (203,0,113,5,195,83).\r\n")  # 23
d = TcpFlow(c, H1, 40092, NET1, 50003, L, W, cisn=520000, sisn=620000)
d.c(SYN, options=opt_mss(1460))                                  # 24 not expected
write(c)
