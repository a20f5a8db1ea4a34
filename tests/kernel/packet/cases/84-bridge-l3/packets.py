#!/usr/bin/env python3
# Case 84: a bridge (br0: lan0 + lan1) as the router's LAN interface.  Frames for br0's MAC
# are received by br0 (IN=br0); what the router sends out of br0 goes to the port the
# destination was learnt on, or to every port while it is unknown; a broadcast is received
# and flooded to the other port; a frame for a port's own MAC is the bridge's too (a frame
# for lan0's MAC arriving on lan0 is received; on lan1 it is for another host: dropped).
# Not here: unicast frames between hosts behind two ports (nfemu does not bridge them; the
# replay scenario `bridge` shows the error).
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

BR_MAC, LAN1_MAC = "02:00:00:00:0b:01", "02:00:00:00:03:01"


def lan1(cap, pkt, src_mac=H2_MAC, dst_mac=BR_MAC, **kw):
    cap.add("lan1", ether(dst_mac, src_mac, pkt), **kw)


c = Capture()
wan(c, tcp_pkt(NET1, H1, 80, 40000, SYN | ACK))                 # 1 H1 unknown: both ports
lan(c, tcp_pkt(H1, NET1, 40000, 80, ACK), dst_mac=BR_MAC)       # 2 learns H1 on lan0
wan(c, tcp_pkt(NET1, H1, 80, 40000, ACK))                       # 3 to lan0 only
lan1(c, ping(H2, R_LAN))                                        # 4 learns H2 on lan1; reply
lan(c, ping(H1, LAN_BCAST), dst_mac=BCAST_MAC)                  # 5 broadcast: flooded to lan1
lan(c, ping(H1, R_LAN, seq=2), dst_mac=R_LAN_MAC)               # 6 lan0's own MAC on lan0
lan1(c, ping(H2, R_LAN, seq=3), dst_mac=R_LAN_MAC)              # 7 lan0's MAC on lan1: other host
lan(c, tcp_pkt(H1, NET1, 40001, 80, ttl=1), dst_mac=BR_MAC)     # 8 time exceeded via br0
wan(c, tcp_pkt(NET1, H2, 80, 40002, SYN | ACK))                 # 9 to lan1 only
write(c)
