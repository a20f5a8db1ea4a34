#!/usr/bin/env python3
# Case 83: next hops that never answer ARP.  Packets for them wait on the neighbour entry
# (INCOMPLETE: 3 probes 1 s apart) and, when it fails, each gets an ICMP host unreachable back
# and is dropped (NEIGH_FAILED); other traffic flows meanwhile.  A packet for a neighbour that
# already failed starts the resolution over.  The router's own packet through the failed
# neighbour gets the ICMP error too, to itself (through lo).  The kernel's ARP requests are
# not compared (nfemu sends none).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, "10.50.1.1", 40000, 80), at=0.0)          # 1 waits for 198.51.100.77
lan(c, udp_pkt(H1, "10.50.1.2", 5000, 53), at=0.5)           # 2 waits too
lan(c, tcp_pkt(H1, NET1, 40001, 80), at=1.2)                 # 3 via the gateway: forwarded
lan(c, ping(H1, "198.51.100.88"), at=1.5)                    # 4 waits for .88 (on link)
local(c, "wan0", udp_pkt(R_WAN, "10.50.1.3", 5001, 53), GW_MAC, at=2.0)   # 5 the router's own
#                                                              ~3.0: .77 fails: ICMP for 1, 2, 5
lan(c, tcp_pkt(H1, "10.50.1.4", 40002, 80), at=3.6)          # 6 .77 failed: probes again
lan(c, tcp_pkt(H1, NET1, 40003, 80), at=4.0)                 # 7 forwarded
#                                                              ~4.5: .88 fails: ICMP for 4
lan(c, tcp_pkt(H1, NET1, 40004, 80), at=5.5)                 # 8 forwarded
#                                                              ~6.6: .77 fails again: ICMP for 6
lan(c, ping(H1, R_LAN), at=7.5)                              # 9 the router answers
write(c)
