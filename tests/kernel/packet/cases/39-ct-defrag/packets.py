#!/usr/bin/env python3
# Case 39: fragments through a router that tracks connections. H1 -> NET1: a UDP datagram of
# 1224 bytes in two fragments (1000 + 224 bytes of IP payload), then its answer in three
# fragments arriving out of order; a datagram whose second fragment never comes (never seen:
# defrag keeps it); a fragmented echo request to the router with a duplicate fragment
# (answered in one piece: 1220 bytes fit the MTU).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403


def fragments(src, dst, proto, payload, ident, cuts):
    """IPv4 fragments of payload cut at the byte offsets in cuts (multiples of 8)."""
    out, bounds = [], [0] + cuts + [len(payload)]
    for a, b in zip(bounds, bounds[1:]):
        out.append(ipv4(src, dst, proto, payload[a:b], ident=ident, frag=a // 8,
                        mf=b < len(payload)))
    return out


c = Capture()
q = udp(H1, NET1, 5030, 5031, bytes(range(256)) * 4 + b"q" * 192)          # 1224 bytes
for p in fragments(H1, NET1, 17, q, 0x1001, [1000]):
    lan(c, p)                                                            # 1, 2
a = udp(NET1, H1, 5031, 5030, b"a" * 1000)                               # 1008 bytes
fa = fragments(NET1, H1, 17, a, 0x2002, [400, 800])
for p in (fa[2], fa[0], fa[1]):
    wan(c, p)                                                            # 3, 4, 5
lost = udp(H1, NET2, 5032, 5033, b"l" * 600)
lan(c, fragments(H1, NET2, 17, lost, 0x3003, [304])[0])                  # 6 alone
e = echo(0x400, 1, b"e" * 1192)
fe = fragments(H1, R_LAN, 1, e, 0x4004, [600])
lan(c, fe[0])                                                            # 7
lan(c, fe[0])                                                            # 8 duplicate
lan(c, fe[1])                                                            # 9
write(c)
