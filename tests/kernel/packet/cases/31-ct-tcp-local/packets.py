#!/usr/bin/env python3
# Case 31: a TCP connection of the router's own (locally generated: R_WAN:41000 -> W1:80),
# through its whole life; this time the server closes first (CLOSE_WAIT on the router's
# side, LAST_ACK after the router's FIN, TIME_WAIT at W1's last ACK).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
f = TcpFlow(c, R_WAN, 41000, W1, 80,
            lambda cap, p, **kw: local(cap, "wan0", p, W1_MAC, **kw),
            lambda cap, p, **kw: wan(cap, p, src_mac=W1_MAC, **kw), cisn=70000, sisn=900000)
f.c(SYN, options=opt_mss(1460) + opt_sackok() + b"\x01" + opt_wscale(7))   # 1 SYN_SENT
f.s(SYN | ACK, options=opt_mss(1460) + opt_sackok() + b"\x01" + opt_wscale(7),
    win=65160)                                                             # 2 SYN_RECV
f.c(ACK, win=502)                                                          # 3 ESTABLISHED
f.c(PSH | ACK, b"HEAD / HTTP/1.0\r\n\r\n", win=502)                        # 4
f.s(PSH | ACK, b"HTTP/1.0 204 No Content\r\n\r\n", win=509)                # 5
f.c(ACK, win=502)                                                          # 6
f.s(FIN | ACK, win=509)                                                    # 7 CLOSE_WAIT
f.c(ACK, win=502)                                                          # 8
f.c(FIN | ACK, win=502)                                                    # 9 LAST_ACK
f.s(ACK, win=509)                                                          # 10 TIME_WAIT
write(c)
