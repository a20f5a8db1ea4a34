#!/usr/bin/env python3
# Case 81: a real web server on the router (options server=: python's http.server as uid 33 on
# 192.0.2.1:8080).  The capture is what `tcpdump -i lan0` on the router shows: the clients'
# segments and the server's own (sent by the router: its MAC and address), each server frame a
# few ms after what caused it.  1: a GET from H1, the server closing first (FIN_WAIT, TIME_WAIT,
# a retransmitted FIN answered from TIME_WAIT); 2: a SYN to a closed port (the stack's RST, the
# only packet nfemu makes); 3: a stray ACK to the listening port (the listener's RST); 4: H2
# opens and closes at once, the client first (CLOSE_WAIT: the delayed ACK of its FIN, then,
# 0.3 s later, the server's FIN; LAST_ACK).  The server's initial
# sequence numbers and IP ids are the harness's canonical values (lib/servers.py).  The
# gaps leave a loaded machine's server time: 0.3 s to accept before a request, 0.15 s to
# answer before the client acknowledges (its retransmission timer is 0.2 s or more: later
# would make it send again), 0.15 s after its delayed close for the same reason.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

MS = 0.001
PAGE = (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 17\r\n\r\n"
        b"hello from nfemu\n")


def srv(cap, pkt, **kw):
    """A frame of the router's server (sent by the router out of lan0, to H1 or H2)."""
    dst = H2_MAC if pkt[16:20] == bytes([192, 0, 2, 11]) else H1_MAC
    local(cap, "lan0", pkt, dst, **kw)


c = Capture()
f = TcpFlow(c, H1, 40000, R_LAN, 8080, lambda cap, p, **kw: lan(cap, p, **kw), srv,
            cisn=1000, sisn=100000)
f.c(SYN, options=opt_mss(1460))                                         # 1
f.s(SYN | ACK, options=opt_mss(1460), ident=0, df=True, gap=MS)         # 2 request sock
f.c(ACK, gap=0.1)                                                       # 3 accepted
f.c(PSH | ACK, b"GET / HTTP/1.0\r\n\r\n", gap=0.3)                      # 4 UID=33 in INPUT
f.s(ACK, win=64222, ident=0x4000, df=True, gap=MS)                      # 5
f.s(PSH | ACK, PAGE, win=64222, ident=0x4001, df=True, gap=MS)          # 6
f.s(FIN | ACK, win=64222, ident=0x4002, df=True, gap=MS)                # 7 closed
f.c(ACK, gap=0.15)                                                      # 8 no owner now
f.c(FIN | ACK, gap=0.1)                                                 # 9
f.s(ACK, win=64222, ident=0, df=True, gap=MS)                           # 10 TIME_WAIT
f.c(FIN | ACK, seq=f.nxt["c"] - 1, gap=0.1)                             # 11 again
f.s(ACK, win=64222, ident=0, df=True, gap=MS)                           # 12
lan(c, tcp_pkt(H1, R_LAN, 40001, 8081, SYN, options=opt_mss(1460)), gap=0.1)    # 13 closed
lan(c, tcp_pkt(H1, R_LAN, 40002, 8080, ACK, seq=5000, ack=777), gap=0.1)        # 14 stray
srv(c, tcp_pkt(R_LAN, H1, 8080, 40002, RST, seq=777, win=0, df=True, ident=0), gap=MS)  # 15
g = TcpFlow(c, H2, 40010, R_LAN, 8080,
            lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw), srv, cisn=7000, sisn=200000)
g.c(SYN, options=opt_mss(1460), gap=0.1)                                # 16
g.s(SYN | ACK, options=opt_mss(1460), ident=0, df=True, gap=MS)         # 17
g.c(ACK, gap=0.1)                                                       # 18
g.c(FIN | ACK, gap=0.3)                                                 # 19 client first
g.s(ACK, win=64239, ident=0x5000, df=True, gap=0.04)                    # 20 CLOSE_WAIT
g.s(FIN | ACK, win=64239, ident=0x5001, df=True, gap=0.26)              # 21 LAST_ACK
g.c(ACK, gap=0.15)                                                      # 22 closed
write(c)
