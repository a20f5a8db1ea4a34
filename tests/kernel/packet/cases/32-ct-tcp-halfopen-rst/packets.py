#!/usr/bin/env python3
# Case 32: half-open connections and RSTs. H1 -> NET1:80 from ports 40010.. :
#  40010 SYN never answered (SYN_SENT, UNREPLIED);
#  40011 SYN refused by a RST (CLOSE), then the SYN retransmitted;
#  40012 SYN, SYN/ACK, no third ACK (SYN_RECV);
#  40013 handshake, then the client's RST (CLOSE), then a new SYN on the same ports;
#  40014 handshake, a RST from the server outside the window, then one inside;
#  40015 handshake, data, a RST|ACK from the server at the exact sequence.
# Then H1 -> the router's port 22, where nothing listens: the stack's own RST|ACK.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
OPT = opt_mss(1460) + opt_sackok() + b"\x01" + opt_wscale(7)


def flow(port, isn):
    return TcpFlow(c, H1, port, NET1, 80, L, W, cisn=isn, sisn=isn * 7)


f = flow(40010, 10000)
f.c(SYN, options=OPT)                                 # 1
f = flow(40011, 11000)
f.c(SYN, options=OPT)                                 # 2
f.s(RST | ACK, seq=0)                                 # 3 refused
f.c(SYN, options=OPT, seq=11000)                      # 4 retransmitted SYN
f = flow(40012, 12000)
f.c(SYN, options=OPT)                                 # 5
f.s(SYN | ACK, options=OPT)                           # 6 half-open from here
f = flow(40013, 13000)
f.c(SYN, options=OPT)                                 # 7
f.s(SYN | ACK, options=OPT)                           # 8
f.c(ACK)                                              # 9
f.c(RST)                                              # 10 client aborts
f = flow(40013, 23000)
f.c(SYN, options=OPT)                                 # 11 same ports again
f = flow(40014, 14000)
f.c(SYN, options=OPT)                                 # 12
f.s(SYN | ACK, options=OPT)                           # 13
f.c(ACK)                                              # 14
f.s(RST, seq=14000 * 7 + 1 + 0x40000000, consume=False)   # 15 far outside the window
f.s(RST)                                              # 16 in the window
f = flow(40015, 15000)
f.c(SYN, options=OPT)                                 # 17
f.s(SYN | ACK, options=OPT)                           # 18
f.c(ACK)                                              # 19
f.c(PSH | ACK, b"hello\r\n")                          # 20
f.s(RST | ACK)                                        # 21
lan(c, tcp_pkt(H1, R_LAN, 40016, 22, SYN, seq=16000, options=OPT))   # 22 stack RST|ACK
write(c)
