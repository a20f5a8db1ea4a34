#!/usr/bin/env python3
# Case 80: policy routing.  Which uplink each packet leaves by, chosen by the fwmark set in
# mangle PREROUTING (table 100), the source (rule pref 1000), the ingress device (table 200);
# rule actions prohibit (ICMP 3/13), unreachable (ICMP 3/0) and blackhole (silence); a
# blackhole route in table 100; a throw route and a rule to a missing table that fall
# through to main; a marked reply from wan1 passing strict rp_filter thanks to
# src_valid_mark, an unmarked one failing it; the router's own packet marked in mangle
# OUTPUT and routed again by table 100.
import os
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "lib"))
from net import *  # noqa: E402,F403

R_WAN1_MAC, R_WAN1 = "02:00:00:00:03:01", "100.64.1.1"
GW1_MAC = "02:00:00:00:03:fe"


def wan1(cap, pkt, **kw):
    cap.add("wan1", ether(R_WAN1_MAC, GW1_MAC, pkt), **kw)


c = Capture()
lan(c, tcp_pkt(H1, NET1, 40000, 80))                        # 1 main: wan0
lan(c, tcp_pkt(H1, NET1, 40001, 443))                       # 2 fwmark 1: table 100, wan1
lan(c, tcp_pkt(H2, NET1, 40002, 80), src_mac=H2_MAC)        # 3 from H2: table 100, wan1
lan(c, tcp_pkt(H1, "10.95.1.1", 40003, 80))                 # 4 iif lan0: table 200, wan1
lan(c, tcp_pkt(H1, "10.99.1.1", 40004, 80))                 # 5 prohibit: ICMP 3/13
lan(c, tcp_pkt(H1, "10.98.1.1", 40005, 80))                 # 6 unreachable: ICMP 3/0
lan(c, tcp_pkt(H1, "10.97.1.1", 40006, 80))                 # 7 blackhole rule: nothing
lan(c, tcp_pkt(H1, "10.96.1.1", 40007, 443))                # 8 fwmark 1, blackhole route
lan(c, tcp_pkt(H1, "10.94.1.1", 40008, 443))                # 9 fwmark 1, throw: main, wan0
lan(c, udp_pkt(H1, NET1, 5000, 53))                         # 10 mark 4: no table 300, main
wan1(c, tcp_pkt(NET2, H1, 443, 40001, SYN | ACK))           # 11 marked: rp_filter passes
wan1(c, tcp_pkt("203.0.113.7", H1, 443, 40009, SYN | ACK))  # 12 unmarked: rp_filter drops
local(c, "wan0", udp_pkt(R_WAN, NET1, 123, 123), GW_MAC)    # 13 router's NTP: mark, wan1
local(c, "wan0", udp_pkt(R_WAN, NET1, 5001, 124), GW_MAC)   # 14 router's other UDP: wan0
lan(c, ping(H1, R_LAN))                                     # 15 local table first
wan(c, tcp_pkt(NET2, H1, 80, 40000, SYN | ACK))             # 16 from wan0: main
write(c)
