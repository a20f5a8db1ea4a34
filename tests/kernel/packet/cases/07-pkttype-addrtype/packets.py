#!/usr/bin/env python3
# Case 07: pkttype and addrtype. A unicast IP packet in a broadcast frame is delivered locally
# (and answered) but never forwarded (ip_forward drops pkt_type != PACKET_HOST before the
# FORWARD hook); a frame for another host's MAC never reaches PREROUTING.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, udp_pkt(H1, LAN_BCAST, 5000, 9999), dst_mac=BCAST_MAC)          # subnet broadcast
lan(c, udp_pkt(H1, "255.255.255.255", 5000, 9999), dst_mac=BCAST_MAC)  # limited broadcast
lan(c, udp_pkt(H1, "224.0.0.1", 5000, 9999), dst_mac="01:00:5e:00:00:01")  # all-hosts
lan(c, udp_pkt(H1, R_LAN, 5000, 9999), dst_mac=BCAST_MAC)    # unicast IP, broadcast frame
lan(c, udp_pkt(H1, NET1, 5000, 9999), dst_mac=BCAST_MAC)     # not forwarded
lan(c, udp_pkt(H1, NET1, 5000, 9999), dst_mac=H2_MAC)        # other host: dropped in ip_rcv
lan(c, ping(H1, R_WAN))                                      # local, but on the other iface
wan(c, ping(NET1, R_LAN))                                    # same, from the other side
lan(c, udp_pkt(H1, NET1, 5000, 9999))                        # forwarded unicast
lan(c, udp_pkt(H1, "198.51.100.255", 5000, 9999))            # wan0's broadcast, from lan0
write(c)
