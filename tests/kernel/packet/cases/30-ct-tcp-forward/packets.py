#!/usr/bin/env python3
# Case 30: a forwarded TCP connection through its whole life: H1:40000 -> NET1:80, handshake
# with MSS/SACK/window-scale options, data both ways, FIN from the client, FIN from the server,
# last ACK (TIME_WAIT). options reads the table after every state change.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
f = TcpFlow(c, H1, 40000, NET1, 80, lambda cap, p, **kw: lan(cap, p, **kw),
            lambda cap, p, **kw: wan(cap, p, **kw), cisn=1000, sisn=5000)
SYNOPT = opt_mss(1460) + opt_sackok() + b"\x01" + opt_wscale(7)
f.c(SYN, options=SYNOPT)                                  # 1 SYN_SENT
f.s(SYN | ACK, options=SYNOPT, win=65160)                 # 2 SYN_RECV
f.c(ACK, win=502)                                         # 3 ESTABLISHED, ASSURED
f.c(PSH | ACK, b"GET / HTTP/1.0\r\n\r\n", win=502)        # 4
f.s(ACK, win=509)                                         # 5
f.s(PSH | ACK, b"HTTP/1.0 200 OK\r\n\r\n" + b"x" * 80, win=509)   # 6
f.c(ACK, win=502)                                         # 7
f.c(FIN | ACK, win=502)                                   # 8 FIN_WAIT
f.s(ACK, win=509)                                         # 9 CLOSE_WAIT
f.s(FIN | ACK, win=509)                                   # 10 LAST_ACK
f.c(ACK, win=502)                                         # 11 TIME_WAIT
write(c)
