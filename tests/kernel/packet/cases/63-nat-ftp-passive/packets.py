#!/usr/bin/env python3
# Case 63: passive FTP and NAT. (1) H1:40063 -> NET1:21 through MASQUERADE: PASV, "227
# Entering Passive Mode (203,0,113,5,195,80)" (rewritten to the same text), H1:50100 ->
# NET1:50000 is RELATED and leaves from 198.51.100.1:50100 (handshake, data, FIN both
# ways); QUIT/221. (2) NET2:50063 -> 198.51.100.1:21, DNATed to H2:21: PASV, "227 Entering
# Passive Mode (192,0,2,11,195,81)" leaves as (198,51,100,1,195,81), 2 bytes longer;
# NET2:50200 -> 198.51.100.1:50001 is DNATed to H2:50001 (handshake, data); then EPSV and
# its "229 (|||50002|)" (same length), its data connection's SYN and SYN/ACK, and QUIT,
# 221 and FIN both ways with H2's sequence numbers moved by 2 upstream.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L1 = lambda cap, p, **kw: lan(cap, p, **kw)                         # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)         # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                          # noqa: E731
f = TcpFlow(c, H1, 40063, NET1, 21, L1, W, cisn=63000, sisn=163000, cli=(R_WAN, 40063))
f.c(SYN, options=opt_mss(1460))                                  # 1
f.s(SYN | ACK, options=opt_mss(1460))                            # 2
f.c(ACK)                                                         # 3
f.s(PSH | ACK, b"220 nfemu FTP server ready\r\n")                # 4
f.c(PSH | ACK, b"USER anonymous\r\n")                            # 5
f.s(PSH | ACK, b"331 Password required\r\n")                     # 6
f.c(PSH | ACK, b"PASV\r\n")                                      # 7
f.s(PSH | ACK, b"227 Entering Passive Mode (203,0,113,5,195,80)\r\n")   # 8 same text
d = TcpFlow(c, H1, 50100, NET1, 50000, L1, W, cisn=330000, sisn=430000, cli=(R_WAN, 50100))
d.c(SYN, options=opt_mss(1460))                                  # 9 RELATED
d.s(SYN | ACK, options=opt_mss(1460))                            # 10
d.c(ACK)                                                         # 11
d.s(PSH | ACK, b"hello from the data connection\n")              # 12
d.s(FIN | ACK)                                                   # 13
d.c(FIN | ACK)                                                   # 14
d.s(ACK)                                                         # 15
f.c(PSH | ACK, b"QUIT\r\n")                                      # 16
f.s(PSH | ACK, b"221 Goodbye\r\n")                               # 17
f = TcpFlow(c, NET2, 50063, R_WAN, 21, W, L2, cisn=63100, sisn=163100, srv=(H2, 21))
f.c(SYN, options=opt_mss(1460))                                  # 18 DNAT to H2:21
f.s(SYN | ACK, options=opt_mss(1460))                            # 19
f.c(ACK)                                                         # 20
f.s(PSH | ACK, b"220 nfemu FTP server ready\r\n")                # 21
f.c(PSH | ACK, b"USER anonymous\r\n")                            # 22
f.s(PSH | ACK, b"331 Password required\r\n")                     # 23
f.c(PSH | ACK, b"PASV\r\n")                                      # 24
f.s(PSH | ACK, b"227 Entering Passive Mode (192,0,2,11,195,81)\r\n")   # 25 +2
f.shift("s", 2)
f.c(PSH | ACK, b"RETR readme.txt\r\n")                           # 26 ack - 2 for H2
d = TcpFlow(c, NET2, 50200, R_WAN, 50001, W, L2, cisn=340000, sisn=440000, srv=(H2, 50001))
d.c(SYN, options=opt_mss(1460))                                  # 27 RELATED, DNAT
d.s(SYN | ACK, options=opt_mss(1460))                            # 28
d.c(ACK)                                                         # 29
d.s(PSH | ACK, b"hello from the data connection\n")              # 30
f.s(PSH | ACK, b"150 Opening data connection\r\n226 Transfer complete\r\n")   # 31 seq + 2
f.c(PSH | ACK, b"EPSV\r\n")                                      # 32
f.s(PSH | ACK, b"229 Entering Extended Passive Mode (|||50002|)\r\n")   # 33 same length
d = TcpFlow(c, NET2, 50201, R_WAN, 50002, W, L2, cisn=350000, sisn=450000, srv=(H2, 50002))
d.c(SYN, options=opt_mss(1460))                                  # 34 RELATED
d.s(SYN | ACK, options=opt_mss(1460))                            # 35
f.c(PSH | ACK, b"QUIT\r\n")                                      # 36
f.s(PSH | ACK, b"221 Goodbye\r\n")                               # 37
f.s(FIN | ACK)                                                   # 38
f.c(FIN | ACK)                                                   # 39
f.s(ACK)                                                         # 40
write(c)
