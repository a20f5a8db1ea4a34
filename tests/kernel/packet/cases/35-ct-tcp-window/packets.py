#!/usr/bin/env python3
# Case 35: window tracking on H1:40030 -> NET1:80 (no window scaling, windows of 8192).
# After the handshake and a first exchange: data far beyond the right edge of the window
# (INVALID), data starting just past the edge (accepted: "bytes more than expected"), an ACK
# for data never sent (INVALID), an ACK far below the window (ignored: accepted, nothing
# learnt), old data from long before the window (ignored likewise), a retransmission, and
# the connection going on.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
f = TcpFlow(c, H1, 40030, NET1, 80, lambda cap, p, **kw: lan(cap, p, **kw),
            lambda cap, p, **kw: wan(cap, p, **kw), cisn=200000, sisn=600000, win=8192)
f.c(SYN, options=opt_mss(1460))                             # 1
f.s(SYN | ACK, options=opt_mss(1460))                       # 2
f.c(ACK)                                                    # 3
first = f.nxt["c"]
f.c(PSH | ACK, b"A" * 100)                                  # 4 in the window
f.s(ACK)                                                    # 5 window now ends at 208293
f.c(PSH | ACK, b"B" * 100, seq=f.nxt["c"] + 100000, consume=False)   # 6 far beyond it
f.c(PSH | ACK, b"b" * 100, seq=208293 + 10, consume=False)  # 7 just past it
f.c(ACK, ack=f.nxt["s"] + 100000)                           # 8 acks unsent data
f.c(ACK, ack=f.nxt["s"] - 100000)                           # 9 acks far below the window
f.s(PSH | ACK, b"C" * 100, seq=f.nxt["s"] - 200000, consume=False)   # 10 long before it
f.c(PSH | ACK, b"A" * 100, seq=first, consume=False)        # 11 retransmission of 4
f.c(PSH | ACK, b"D" * 100)                                  # 12 in the window
f.s(PSH | ACK, b"E" * 100)                                  # 13 in the window
f.c(ACK)                                                    # 14
write(c)
