#!/usr/bin/env python3
# Case 42: active FTP through the router. H1:40070 -> NET1:21: handshake, banner, USER and
# PASS (the helper reads a line only after a line it saw end), PORT 192,0,2,10,195,80 (the
# helper expects NET1 -> H1:50000), RETR; NET1:20 -> H1:50000 opens the data connection
# (RELATED), sends the file and closes; then EPRT |1|192.0.2.10|50001| and LIST with its data
# connection; last, NET1:20 -> H1:50002, a port nobody announced (NEW: dropped).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
f = TcpFlow(c, H1, 40070, NET1, 21, L, W, cisn=70000, sisn=170000)
f.c(SYN, options=opt_mss(1460))                                  # 1
f.s(SYN | ACK, options=opt_mss(1460))                            # 2
f.c(ACK)                                                         # 3
f.s(PSH | ACK, b"220 nfemu FTP server ready\r\n")                # 4
f.c(PSH | ACK, b"USER anonymous\r\n")                            # 5
f.s(PSH | ACK, b"331 Password required\r\n")                     # 6
f.c(PSH | ACK, b"PASS guest\r\n")                                # 7
f.s(PSH | ACK, b"230 Logged in\r\n")                             # 8
f.c(PSH | ACK, b"PORT 192,0,2,10,195,80\r\n")                    # 9 expect -> H1:50000
f.s(PSH | ACK, b"200 PORT command successful\r\n")               # 10
f.c(PSH | ACK, b"RETR readme.txt\r\n")                           # 11
d = TcpFlow(c, NET1, 20, H1, 50000, W, L, cisn=300000, sisn=400000)
d.c(SYN, options=opt_mss(1460))                                  # 12 RELATED
d.s(SYN | ACK, options=opt_mss(1460))                            # 13
d.c(ACK)                                                         # 14
d.c(PSH | ACK, b"hello from the data connection\n")              # 15
d.c(FIN | ACK)                                                   # 16
d.s(FIN | ACK)                                                   # 17
d.c(ACK)                                                         # 18
f.s(PSH | ACK, b"150 Opening data connection\r\n226 Transfer complete\r\n")   # 19
f.c(PSH | ACK, b"EPRT |1|192.0.2.10|50001|\r\n")                 # 20 expect -> H1:50001
f.s(PSH | ACK, b"200 EPRT command successful\r\n")               # 21
f.c(PSH | ACK, b"LIST\r\n")                                      # 22
d = TcpFlow(c, NET1, 20, H1, 50001, W, L, cisn=310000, sisn=410000)
d.c(SYN, options=opt_mss(1460))                                  # 23 RELATED
d.s(SYN | ACK, options=opt_mss(1460))                            # 24
d = TcpFlow(c, NET1, 20, H1, 50002, W, L, cisn=320000, sisn=420000)
d.c(SYN, options=opt_mss(1460))                                  # 25 nobody expects it
write(c)
