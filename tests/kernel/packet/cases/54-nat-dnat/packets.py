#!/usr/bin/env python3
# Case 54: DNAT. NET1:50000 -> 198.51.100.1:2222 reaches H1:22: handshake, data from H1
# (its source de-NATed to 198.51.100.1:2222), ACK, FIN both ways; a second connection from
# NET1:50004 to 2222 goes through the nat table again. NET2:50001 -> :80 reaches H2:80
# (handshake). NET1:50002 -> :6003 reaches H1:7003 (shifted range; handshake). UDP to :5353
# from NET1 reaches H2 and from W1 reaches H1 (the jhash of the address range), answered.
# NET1:50003 -> :8080, a port outside the range 8000-8002: the first port of the range, 8000
# (SYN twice). 198.51.100.1:2223 has no rule: the router
# answers the SYN itself (RST).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
L = lambda cap, p, **kw: lan(cap, p, **kw)                          # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)         # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                          # noqa: E731
f = TcpFlow(c, NET1, 50000, R_WAN, 2222, W, L, cisn=54000, sisn=154000, srv=(H1, 22))
f.c(SYN, options=opt_mss(1460))                                  # 1 DNAT to H1:22
f.s(SYN | ACK, options=opt_mss(1460))                            # 2 from H1:22: de-NATed
f.c(ACK)                                                         # 3
f.s(PSH | ACK, b"SSH-2.0-nfemu\r\n")                             # 4
f.c(ACK)                                                         # 5
f.c(FIN | ACK)                                                   # 6
f.s(FIN | ACK)                                                   # 7
f.c(ACK)                                                         # 8
f = TcpFlow(c, NET2, 50001, R_WAN, 80, W, L2, cisn=54100, sisn=154100, srv=(H2, 80))
f.c(SYN, options=opt_mss(1460))                                  # 9 DNAT to H2:80
f.s(SYN | ACK, options=opt_mss(1460))                            # 10
f = TcpFlow(c, NET1, 50002, R_WAN, 6003, W, L, cisn=54200, sisn=154200, srv=(H1, 7003))
f.c(SYN, options=opt_mss(1460))                                  # 11 DNAT to H1:7003
f.s(SYN | ACK, options=opt_mss(1460))                            # 12
wan(c, udp_pkt(NET1, R_WAN, 5000, 5353, b"query 1"))             # 13 to H2
lan(c, udp_pkt(H2, NET1, 5353, 5000, b"answer 1"), src_mac=H2_MAC)   # 14
wan(c, udp_pkt(W1, R_WAN, 5001, 5353, b"query 2"), src_mac=W1_MAC)   # 15 to H1
lan(c, udp_pkt(H1, W1, 5353, 5001, b"answer 2"))                 # 16
wan(c, tcp_pkt(NET1, R_WAN, 50003, 8080, SYN, seq=54300, options=opt_mss(1460)))   # 17
wan(c, tcp_pkt(NET1, R_WAN, 50003, 8080, SYN, seq=54300, options=opt_mss(1460)))   # 18
f = TcpFlow(c, NET1, 50004, R_WAN, 2222, W, L, cisn=54400, sisn=154400, srv=(H1, 22))
f.c(SYN, options=opt_mss(1460))                                  # 19 DNAT again
f.s(SYN | ACK, options=opt_mss(1460))                            # 20
wan(c, tcp_pkt(NET1, R_WAN, 50005, 2223, SYN, seq=54500))        # 21 no rule: RST
write(c)
