#!/usr/bin/env python3
# Case 62: active FTP through MASQUERADE. H1:40070 -> NET1:21 (198.51.100.1:40070 upstream):
# handshake, banner, USER/PASS; PORT 192,0,2,10,195,80 leaves as PORT 198,51,100,1,195,80
# (+2 bytes) and is sent again (a retransmission: rewritten again, the offset not counted
# twice); NET1's "200" acknowledges the longer stream and reaches H1 acknowledging what H1
# sent; RETR leaves 2 bytes further on. NET1:20 -> 198.51.100.1:50000 is the expected data
# connection, DNATed to H1:50000: handshake, data, FIN both ways. Then EPRT
# |1|192.0.2.10|50001| (+2 more: 4), its "200", LIST, the second data connection's SYN and
# SYN/ACK, and more control traffic both ways (226, QUIT, 221, FIN) with every sequence and
# acknowledgement number moved by 4.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
f = TcpFlow(c, H1, 40070, NET1, 21, L, W, cisn=62000, sisn=162000, cli=(R_WAN, 40070))
f.c(SYN, options=opt_mss(1460))                                  # 1
f.s(SYN | ACK, options=opt_mss(1460))                            # 2
f.c(ACK)                                                         # 3
f.s(PSH | ACK, b"220 nfemu FTP server ready\r\n")                # 4
f.c(PSH | ACK, b"USER anonymous\r\n")                            # 5
f.s(PSH | ACK, b"331 Password required\r\n")                     # 6
f.c(PSH | ACK, b"PASS guest\r\n")                                # 7
f.s(PSH | ACK, b"230 Logged in\r\n")                             # 8
f.c(PSH | ACK, b"PORT 192,0,2,10,195,80\r\n", consume=False)     # 9 rewritten, +2
f.c(PSH | ACK, b"PORT 192,0,2,10,195,80\r\n")                    # 10 retransmitted
f.shift("c", 2)
f.s(PSH | ACK, b"200 PORT command successful\r\n")               # 11 ack - 2 for H1
f.c(PSH | ACK, b"RETR readme.txt\r\n")                           # 12 seq + 2 upstream
d = TcpFlow(c, NET1, 20, R_WAN, 50000, W, L, cisn=300000, sisn=400000, srv=(H1, 50000))
d.c(SYN, options=opt_mss(1460))                                  # 13 RELATED, DNAT
d.s(SYN | ACK, options=opt_mss(1460))                            # 14
d.c(ACK)                                                         # 15
d.c(PSH | ACK, b"hello from the data connection\n")              # 16
d.c(FIN | ACK)                                                   # 17
d.s(FIN | ACK)                                                   # 18
d.c(ACK)                                                         # 19
f.s(PSH | ACK, b"150 Opening data connection\r\n226 Transfer complete\r\n")   # 20
f.c(PSH | ACK, b"EPRT |1|192.0.2.10|50001|\r\n")                 # 21 rewritten, +2 more
f.shift("c", 2)
f.s(PSH | ACK, b"200 EPRT command successful\r\n")               # 22
f.c(PSH | ACK, b"LIST\r\n")                                      # 23
d = TcpFlow(c, NET1, 20, R_WAN, 50001, W, L, cisn=310000, sisn=410000, srv=(H1, 50001))
d.c(SYN, options=opt_mss(1460))                                  # 24 RELATED
d.s(SYN | ACK, options=opt_mss(1460))                            # 25
f.s(PSH | ACK, b"226 Transfer complete\r\n")                     # 26
f.c(PSH | ACK, b"QUIT\r\n")                                      # 27
f.s(PSH | ACK, b"221 Goodbye\r\n")                               # 28
f.s(FIN | ACK)                                                   # 29
f.c(FIN | ACK)                                                   # 30
f.s(ACK)                                                         # 31
write(c)
