#!/usr/bin/env python3
# Case 82: two real UDP echo servers on the router, port 5300 (options server=): one bound to
# 192.0.2.1 (uid 33), one to 0.0.0.0 (uid 34).  A datagram to 192.0.2.1 goes to the first (the
# exact address wins over 0.0.0.0); one to the router's other address, 198.51.100.1, and a
# LAN broadcast go to the second, whose echo leaves from the address routing picks
# (192.0.2.1 towards the LAN: conntrack sees a new flow, not a reply); from the wan side it
# answers from 198.51.100.1.  A closed port gets the stack's port unreachable (a broadcast to
# it nothing), a ping the stack's echo reply.  The servers' datagrams are in the capture as
# the router sent them; their IP ids are the harness's canonical ones (lib/servers.py).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

MS = 0.001
c = Capture()


def echo_back(pkt, src, ident, out="lan0", dst_mac=H1_MAC):
    """The server's echo of the datagram pkt, sent from src (the router)."""
    ihl = (pkt[0] & 15) * 4
    sport, dport = pkt[ihl:ihl + 2], pkt[ihl + 2:ihl + 4]
    payload = pkt[ihl + 8:]
    peer = socket.inet_ntoa(pkt[12:16])
    local(c, out, udp_pkt(src, peer, int.from_bytes(dport, "big"), int.from_bytes(sport, "big"),
                          payload, ident=ident, df=True), dst_mac, gap=MS)


p = udp_pkt(H1, R_LAN, 6000, 5300, b"echo one")                        # 1 exact: uid 33
lan(c, p)
echo_back(p, R_LAN, 0x1001)                                             # 2
p = udp_pkt(H1, R_WAN, 6001, 5300, b"echo two")                         # 3 0.0.0.0: uid 34
lan(c, p, gap=0.1)
echo_back(p, R_LAN, 0x1002)                                             # 4 from 192.0.2.1
p = udp_pkt(H1, LAN_BCAST, 6002, 5300, b"echo three")                   # 5 broadcast
lan(c, p, dst_mac=BCAST_MAC, gap=0.1)
echo_back(p, R_LAN, 0x1003)                                             # 6
lan(c, udp_pkt(H1, R_LAN, 6003, 5301, b"closed"), gap=0.1)              # 7 port unreachable
lan(c, udp_pkt(H1, LAN_BCAST, 6004, 5301, b"closed"), dst_mac=BCAST_MAC, gap=0.1)   # 8 nothing
lan(c, ping(H1, R_LAN), gap=0.1)                                        # 9 echo reply
p = udp_pkt(H1, R_LAN, 6000, 5300, b"echo four")                        # 10 again
lan(c, p, gap=0.1)
echo_back(p, R_LAN, 0x1004)                                             # 11
p = udp_pkt(W1, R_WAN, 7000, 5300, b"echo five")                        # 12 from the wan side
wan(c, p, src_mac=W1_MAC, gap=0.1)
echo_back(p, R_WAN, 0x1005, "wan0", W1_MAC)                             # 13 from 198.51.100.1
write(c)
