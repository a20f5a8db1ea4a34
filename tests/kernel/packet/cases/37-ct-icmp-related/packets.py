#!/usr/bin/env python3
# Case 37: ICMP. H1 pings NET1 (answered) and the router; NET1 sends an echo reply nobody
# asked for; H1:5010 -> NET1:33434 (UDP) gets port unreachable from NET1, and an ICMP error
# quoting a datagram conntrack never saw arrives too; H1:5011 -> NET2:9 is REJECTed by the
# router (port unreachable); H1:40040 -> NET1:80 (TCP) gets "fragmentation needed" from the
# gateway for a segment, and a large segment is REJECTed by the router (admin prohibited);
# H1:40041 -> NET1:81 is REJECTed with a RST.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, ping(H1, NET1, 0x100, 1))                                     # 1
wan(c, ipv4(NET1, H1, 1, echo(0x100, 1, reply=True)))                # 2
wan(c, ipv4(NET1, H1, 1, echo(0x999, 1, reply=True)))                # 3 unsolicited
lan(c, ping(H1, R_LAN, 0x200, 1))                                    # 4 router answers
q = udp_pkt(H1, NET1, 5010, 33434, b"traceroute?", ttl=64)
lan(c, q)                                                            # 5
# the ICMP error quotes the datagram as NET1 got it (TTL 63 after the router)
quoted = udp_pkt(H1, NET1, 5010, 33434, b"traceroute?", ttl=63)
wan(c, icmp_pkt(NET1, H1, 3, 3, 0, quoted[:28]))                     # 6 RELATED
stray = udp_pkt(H1, NET1, 5999, 33435, b"never seen", ttl=63)
wan(c, icmp_pkt(NET1, H1, 3, 3, 0, stray[:28]))                      # 7 no connection
lan(c, udp_pkt(H1, NET2, 5011, 9, b"discard me"))                    # 8 REJECTed
f = TcpFlow(c, H1, 40040, NET1, 80, lambda cap, p, **kw: lan(cap, p, **kw),
            lambda cap, p, **kw: wan(cap, p, **kw), cisn=40000, sisn=90000)
f.c(SYN, options=opt_mss(1460))                                      # 9
f.s(SYN | ACK, options=opt_mss(1460))                                # 10
f.c(ACK)                                                             # 11
seg = f.c(PSH | ACK, b"x" * 600, df=True)                            # 12
# the gateway cannot forward it further: frag needed, MTU 576, quoting the segment (TTL 63)
quoted = bytearray(seg)
quoted[8] = 63
quoted[10:12] = b"\0\0"
quoted[10:12] = csum(bytes(quoted[:20])).to_bytes(2, "big")
wan(c, icmp_pkt(GW, H1, 3, 4, 576, bytes(quoted[:28])))              # 13 RELATED
f.c(PSH | ACK, b"y" * 1200, consume=False)                           # 14 REJECTed
f.c(PSH | ACK, b"x" * 500)                                           # 15 retransmitted smaller
f.s(ACK)                                                             # 16
lan(c, tcp_pkt(H1, NET1, 40041, 81, SYN, seq=41000))                 # 17 RST from the router
write(c)
