#!/usr/bin/env python3
# Cases 33 and 34 (same capture; 34 runs this file): TCP segments of connections whose start
# conntrack never saw. H1:40020 -> NET1:80 is in mid-stream (data, ACK, data both ways); then
# a lone FIN (40021), a lone RST (40022), a SYN/ACK without SYN (NET1 -> H1:40023) and a bare
# ACK (40024) followed by its answer.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
f = TcpFlow(c, H1, 40020, NET1, 80, L, W, cisn=3000000, sisn=7000000)
f.c(PSH | ACK, b"more of the request\r\n", win=1000)         # 1 picked up
f.s(ACK, win=2000)                                          # 2 its answer
f.s(PSH | ACK, b"some of the answer\r\n", win=2000)         # 3
f.c(ACK, win=1000)                                          # 4
f.c(PSH | ACK, b"and more\r\n", win=1000)                   # 5
f = TcpFlow(c, H1, 40021, NET1, 80, L, W, cisn=3100000, sisn=7100000)
f.c(FIN | ACK, win=1000)                                    # 6
f = TcpFlow(c, H1, 40022, NET1, 80, L, W, cisn=3200000, sisn=7200000)
f.c(RST, win=0)                                             # 7
f = TcpFlow(c, H1, 40023, NET1, 80, L, W, cisn=3300000, sisn=7300000)
f.s(SYN | ACK, win=2000)                                    # 8
f = TcpFlow(c, H1, 40024, NET1, 80, L, W, cisn=3400000, sisn=7400000)
f.c(ACK, win=1000)                                          # 9
f.s(ACK, win=2000)                                          # 10
write(c)
