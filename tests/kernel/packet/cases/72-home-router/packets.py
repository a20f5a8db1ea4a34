#!/usr/bin/env python3
# Case 72: a home router (the example pcaps/router): the LAN browsing out (MASQUERADE, port
# kept, TCPMSS clamped to the 1492-byte uplink, an ICMP "fragmentation needed" for a
# masqueraded packet translated back to the laptop), DNS out, NTP to the router untracked,
# the router's own NTP query masqueraded onto its own address, port forwards from outside
# (TCP to the NAS, UDP to the console), NAT reflection (the LAN using the public address:
# DNAT + SNAT and ICMP redirects both ways), drops with LOG, an ssh brute force cut by
# `recent`, a ping, SMTP refused with a RST, an INVALID SYN/ACK, DSCP on outgoing ssh. The
# frames are those of pcaps/router/traffic.py; its README says what happens to each packet.
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "..", "..", "..", "..", "..", "pcaps", "router", "traffic.py")
spec = importlib.util.spec_from_file_location("router_traffic", GEN)
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
mod.build().write(os.path.join(HERE, "packets.pcapng"))
