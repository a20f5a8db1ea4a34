#!/usr/bin/env python3
# Builds the small captures the walkthroughs replay (explain.md, conntrack.md, nat.md), with
# the packet builders of the kernel differential cases (tests/kernel/packet/lib: standard
# library only).  Addresses: router.topology (the standard router of those cases: lan0
# 192.0.2.1/24 with hosts H1 .10 and H2 .11, wan0 198.51.100.1/24 with the gateway .254;
# NET1 203.0.113.5 and NET2 203.0.113.6 beyond it).  Run it again after editing: the files
# are written next to this script.
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "kernel", "packet", "lib"))
from net import *  # noqa: E402,F403
from pktlib import T0  # noqa: E402

L = lambda cap, p, **kw: lan(cap, p, **kw)                      # noqa: E731
L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)     # noqa: E731
W = lambda cap, p, **kw: wan(cap, p, **kw)                      # noqa: E731


def save(c, name):
    c.write(os.path.join(HERE, name))


# ---------------------------------------------------------------- explain.md (explain.v4)

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 80, SYN, seq=1000))             # a jump, ACCEPT in the chain
save(c, "explain-accept.pcapng")

c = Capture()
lan(c, tcp_pkt(H1, NET1, 40025, 25, SYN, seq=2000))             # mail: RETURN, chain's end, LOG
lan(c, tcp_pkt(H2, NET1, 40026, 25, SYN, seq=3000), src_mac=H2_MAC)     # mail: LOG, DROP
save(c, "explain-return.pcapng")

c = Capture()
wan(c, tcp_pkt(NET1, H1, 50022, 22, SYN, seq=4000))             # goto from_wan, ACCEPT
wan(c, tcp_pkt(NET1, H1, 50023, 23, SYN, seq=5000))             # goto, the chain ends: policy
save(c, "explain-goto.pcapng")

c = Capture()
lan(c, udp_pkt(H1, NET1, 5353, 53))                             # NFQUEUE --queue-bypass
lan(c, udp_pkt(H1, NET1, 40123, 123))                           # NFQUEUE: dropped
save(c, "explain-queue.pcapng")

# ---------------------------------------------------------------- conntrack.md (conntrack.v4)
# One story in five captures replayed one after the other on the same state, so their
# clocks follow on: at 0 s, 10 s, 100 s, 200 s and 210 s after T0.

c = Capture()
f = TcpFlow(c, H1, 40000, NET1, 80, L, W, cisn=1000, sisn=5000)
f.c(SYN, options=opt_mss(1460))                                 # 1 new: unconfirmed, confirmed
f.s(SYN | ACK, options=opt_mss(1460))                           # 2 reply: seen-reply
f.c(ACK)                                                        # 3 ESTABLISHED, assured
wan(c, tcp_pkt(NET1, H1, 50000, 22, SYN, seq=9000))             # 4 NEW from wan0: dropped
save(c, "ct-1.pcapng")

c = Capture(t0=T0 + 10)
lan(c, udp_pkt(H1, NET1, 5000, 53, b"query"))                   # 1 UDP: unreplied
wan(c, udp_pkt(NET1, H1, 53, 5000, b"answer"))                  # 2 the reply
lan(c, udp_pkt(H1, NET2, 5001, 33434, b"probe"))                # 3 UDP to a closed port
wan(c, icmp_pkt(NET2, H1, 3, 3, 0, udp_pkt(H1, NET2, 5001, 33434, b"probe", ttl=63)[:28]))  # 4 RELATED
lan(c, tcp_pkt(H1, NET1, 40001, 80, SYN | RST, seq=7000))      # 5 SYN and RST: INVALID
save(c, "ct-2.pcapng")

c = Capture(t0=T0 + 100)
lan(c, udp_pkt(H1, NET1, 5000, 53, b"again"))                   # the old entry timed out
save(c, "ct-3.pcapng")

c = Capture(t0=T0 + 200)
f = TcpFlow(c, H1, 40070, NET1, 21, L, W, cisn=70000, sisn=170000)
f.c(SYN, options=opt_mss(1460))                                 # 1
f.s(SYN | ACK, options=opt_mss(1460))                           # 2
f.c(ACK)                                                        # 3
f.s(PSH | ACK, b"220 ready\r\n")                                # 4
f.c(PSH | ACK, b"USER anonymous\r\n")                           # 5 a line ends: the next is read
f.s(PSH | ACK, b"331 Password required\r\n")                    # 6
f.c(PSH | ACK, b"PORT 192,0,2,10,195,80\r\n")                   # 7 expect NET1 -> H1:50000
f.s(PSH | ACK, b"200 PORT command successful\r\n")              # 8
save(c, "ct-ftp-control.pcapng")

c = Capture(t0=T0 + 210)
d = TcpFlow(c, NET1, 20, H1, 50000, W, L, cisn=300000, sisn=400000)
d.c(SYN, options=opt_mss(1460))                                 # 1 RELATED: the expectation
d.s(SYN | ACK, options=opt_mss(1460))                           # 2
save(c, "ct-ftp-data.pcapng")

# ---------------------------------------------------------------- nat.md (nat.v4)

c = Capture()
f = TcpFlow(c, H1, 40000, NET1, 80, L, W, cisn=1000, sisn=5000, cli=(R_WAN, 40000))
syn = f.c(SYN, options=opt_mss(1460))                           # 1 MASQUERADE: port kept
f.s(SYN | ACK, options=opt_mss(1460))                           # 2 the reply, de-NATed
save(c, "nat-masq.pcapng")

c = Capture(t0=T0 + 10)
lan(c, tcp_pkt(H2, NET1, 40000, 80, SYN, seq=2000), src_mac=H2_MAC)     # 1 the same port: clash
lan(c, tcp_pkt(H1, NET2, 40000, 80, SYN, seq=3000))             # 2 bysource: H1:40000's mapping
save(c, "nat-clash.pcapng")

c = Capture(t0=T0 + 20)
lan(c, udp_pkt(H1, NET1, 5000, 53, b"query"))                   # 1 SNAT to a port range
lan(c, udp_pkt(H1, NET1, 5001, 123, b"ntp"))                    # 2 MASQUERADE --random
save(c, "nat-range.pcapng")

c = Capture(t0=T0 + 30)
f = TcpFlow(c, NET1, 50000, R_WAN, 8080, W, L, cisn=6000, sisn=7000, srv=(H1, 80))
f.c(SYN, options=opt_mss(1460))                                 # 1 DNAT: the port forward
f.s(SYN | ACK, options=opt_mss(1460))                           # 2 its reply
left = rewrite(syn, src=R_WAN, ttl=63)
wan(c, icmp_pkt(GW, R_WAN, 3, 1, 0, left))                      # 3 an ICMP error about #1
save(c, "nat-icmp.pcapng")
