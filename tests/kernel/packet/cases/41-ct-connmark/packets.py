#!/usr/bin/env python3
# Case 41: connmark. A TCP connection H1:40060 -> NET1:22 (handshake, data, answer): the SYN
# is marked 0x22 and the mark saved; every later packet, either way, has it restored. A DNS
# query H1:5060 -> NET1:53 and its answer (0x53, the connection mark 0x1053). A TCP
# connection to port 80 (no mark). The router pings W1 (mark 0x7 saved in OUTPUT) and the
# reply comes back (restored in PREROUTING: MARK=0x7, connmark 0x7 in INPUT).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
f = TcpFlow(c, H1, 40060, NET1, 22, L, W, cisn=60000, sisn=160000)
f.c(SYN, options=opt_mss(1460))                                    # 1
f.s(SYN | ACK, options=opt_mss(1460))                              # 2
f.c(ACK)                                                           # 3
f.c(PSH | ACK, b"SSH-2.0-nfemu\r\n")                               # 4
f.s(PSH | ACK, b"SSH-2.0-server\r\n")                              # 5
lan(c, udp_pkt(H1, NET1, 5060, 53, b"query"))                      # 6
wan(c, udp_pkt(NET1, H1, 53, 5060, b"answer"))                     # 7
f = TcpFlow(c, H1, 40061, NET1, 80, L, W, cisn=61000, sisn=161000)
f.c(SYN, options=opt_mss(1460))                                    # 8
f.s(SYN | ACK, options=opt_mss(1460))                              # 9
local(c, "wan0", ping(R_WAN, W1, 0x600, 1), W1_MAC)                # 10
wan(c, ipv4(W1, R_WAN, 1, echo(0x600, 1, reply=True)), src_mac=W1_MAC)   # 11
write(c)
