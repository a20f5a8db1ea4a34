#!/usr/bin/env python3
# Case 04: multiport, iprange, mac and comment matches on forwarded packets.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

c = Capture()
lan(c, tcp_pkt(H1, NET1, 1500, 80))
lan(c, tcp_pkt(H1, NET1, 3000, 22))
lan(c, tcp_pkt(H1, NET2, 2001, 8050))
lan(c, tcp_pkt(H2, W1, 40000, 9100), src_mac=H2_MAC)
lan(c, tcp_pkt(H2, NET2, 40000, 443), src_mac=H2_MAC)
lan(c, udp_pkt(H1, NET1, 123, 5000))
wan(c, udp_pkt(NET2, H1, 5000, 53))
wan(c, tcp_pkt(W1, H2, 22, 1999, ACK, ack=1), src_mac=W1_MAC)
write(c)
