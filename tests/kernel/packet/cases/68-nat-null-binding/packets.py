#!/usr/bin/env python3
# Case 68: null bindings. The router's own SYN 198.51.100.1:40000 -> NET1:80 keeps its port
# (null binding); H1:40000 -> NET1:80, masqueraded, would get the same tuple and gets a
# random port (p001). The other way round: H1:40001 -> NET1:80 is masqueraded first
# (40001, answered), then the router's own 198.51.100.1:40001 -> NET1:80: its null
# binding clashes and the router's SYN leaves from a random port (p002). The same with UDP
# port 5000 to NET1:53: the router's datagram gets a random port too (p003; UDP allows
# clashes, but only between two entries neither of which is NATed). W1:6000 -> H1:22 is
# forwarded untouched (handshake).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
local(c, "wan0", tcp_pkt(R_WAN, NET1, 40000, 80, SYN, seq=68000, options=opt_mss(1460)),
      GW_MAC)                                                                    # 1 kept
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, seq=68100, options=opt_mss(1460)))      # 2 p001
lan(c, tcp_pkt(H1, NET1, 40001, 80, SYN, seq=68200, options=opt_mss(1460)))      # 3 kept
wan(c, tcp_pkt(NET1, R_WAN, 80, 40001, SYN | ACK, seq=168200, ack=68201,
               options=opt_mss(1460)))                                           # 4 to H1
local(c, "wan0", tcp_pkt(R_WAN, NET1, 40001, 80, SYN, seq=68300, options=opt_mss(1460)),
      GW_MAC)                                                                    # 5 p002
lan(c, udp_pkt(H1, NET1, 5000, 53, b"query"))                                    # 6 kept
local(c, "wan0", udp_pkt(R_WAN, NET1, 5000, 53, b"router query"), GW_MAC)        # 7
f = TcpFlow(c, W1, 6000, H1, 22, lambda cap, p, **kw: wan(cap, p, src_mac=W1_MAC, **kw),
            lambda cap, p, **kw: lan(cap, p, **kw), cisn=68400, sisn=168400)
f.c(SYN, options=opt_mss(1460))                                                  # 8
f.s(SYN | ACK, options=opt_mss(1460))                                            # 9
write(c)
