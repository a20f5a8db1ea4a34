#!/usr/bin/env python3
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
f = TcpFlow(c, H1, 40300, NET1, 21, L, W, cisn=1000, sisn=5000)
f.c(SYN)
f.s(SYN | ACK)
f.c(ACK)
f.s(PSH | ACK, b"220 hi\r\n")
f.c(PSH | ACK, b"USER x\r\n")
f.s(PSH | ACK, b"331 pw\r\n")
# a partial PORT: dropped by the helper (logged)
lan(c, tcp_pkt(H1, NET1, 40300, 21, PSH | ACK, seq=f.nxt["c"], ack=f.nxt["s"], payload=b"PO"))
lan(c, tcp_pkt(H1, NET1, 40300, 21, PSH | ACK, seq=f.nxt["c"], ack=f.nxt["s"], payload=b"PORT 192,0,2,10,"))
lan(c, tcp_pkt(H1, NET1, 40300, 21, PSH | ACK, seq=f.nxt["c"], ack=f.nxt["s"], payload=b"PORT 1,2,3\r\n"))
f.c(PSH | ACK, b"port 192,0,2,10,156,100\r\n")
f.s(PSH | ACK, b"200 ok\r\n")
# another address: no expectation
f.c(PSH | ACK, b"PORT 10,0,0,1,156,101\r\n")
f.s(PSH | ACK, b"200 ok\r\n")
f.c(PSH | ACK, b"EPRT |1|192.0.2.10|40002|\r\n")    # replaces 40036
f.s(PSH | ACK, b"200 ok\r\n")
f.c(PSH | ACK, b"PASV\r\n")
f.s(PSH | ACK, b"227 (203,0,113,5,195,82)\r\n")      # client-side expectation, replaces
f.s(PSH | ACK, b"229 (|||0|)\r\n")
d = TcpFlow(c, H1, 40301, NET1, 50002, L, W, cisn=7000, sisn=8000)
d.c(SYN)
d.s(SYN | ACK)
f.c(PSH | ACK, b"EPRT |1|192.0.2.10|40003|\r\n")
wan(c, tcp_pkt(NET1, H1, 20, 40003, SYN, seq=9000))
f.c(PSH | ACK, b"EPRT |1|192.0.2.10|40004|\r\n")
write(c)
