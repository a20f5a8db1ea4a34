# The standard router of the packet cases, as the packets.py generators see it: a LAN on lan0
# (192.0.2.0/24), an upstream link on wan0 (198.51.100.0/24, default route via .254), the
# addresses and MACs of the hosts around it, and one-liners that wrap an IP packet into the
# Ethernet frame that arrives on an interface. The matching `topology` file spells the same
# facts as ip/sysctl lines. Leaves out: nothing the kernel sees -- it is only test data.

import os
import sys

from pktlib import (Capture, ether, ipv4, tcp, udp, echo, icmp,  # noqa: F401 (re-export)
                    FIN, SYN, RST, PSH, ACK, URG, ECE, CWR,
                    opt_mss, opt_wscale, opt_sackok, opt_ts)

R_LAN_MAC, R_LAN = "02:00:00:00:01:01", "192.0.2.1"
R_WAN_MAC, R_WAN = "02:00:00:00:02:01", "198.51.100.1"
H1_MAC, H1 = "02:00:00:00:01:0a", "192.0.2.10"          # LAN hosts
H2_MAC, H2 = "02:00:00:00:01:0b", "192.0.2.11"
W1_MAC, W1 = "02:00:00:00:02:14", "198.51.100.20"       # a host on the upstream link
GW_MAC, GW = "02:00:00:00:02:fe", "198.51.100.254"      # the upstream gateway
NET1, NET2 = "203.0.113.5", "203.0.113.6"               # hosts beyond the gateway
LAN_BCAST = "192.0.2.255"
BCAST_MAC = "ff:ff:ff:ff:ff:ff"


def tcp_pkt(src, dst, sport, dport, flags=SYN, seq=1000, ack=0, win=64240, options=b"",
            payload=b"", **ip):
    return ipv4(src, dst, 6, tcp(src, dst, sport, dport, flags, seq, ack, win, options,
                                 payload), **ip)


def udp_pkt(src, dst, sport, dport, payload=b"nfemu", **ip):
    return ipv4(src, dst, 17, udp(src, dst, sport, dport, payload), **ip)


def ping(src, dst, ident=0x4e46, seq=1, payload=b"nfemu-ping", **ip):
    return ipv4(src, dst, 1, echo(ident, seq, payload), **ip)


def icmp_pkt(src, dst, type_, code=0, rest=0, payload=b"", **ip):
    return ipv4(src, dst, 1, icmp(type_, code, rest, payload), **ip)


def lan(cap, pkt, src_mac=H1_MAC, dst_mac=R_LAN_MAC, **kw):
    """pkt arrives on lan0 (from H1's MAC unless told)."""
    cap.add("lan0", ether(dst_mac, src_mac, pkt), **kw)


def wan(cap, pkt, src_mac=GW_MAC, dst_mac=R_WAN_MAC, **kw):
    """pkt arrives on wan0 (from the gateway's MAC unless told)."""
    cap.add("wan0", ether(dst_mac, src_mac, pkt), **kw)


def local(cap, iface, pkt, dst_mac, **kw):
    """pkt is sent by the router itself (its source is one of the router's addresses), seen
    on iface, the interface it leaves by."""
    src_mac = {"lan0": R_LAN_MAC, "wan0": R_WAN_MAC, "lo": "00:00:00:00:00:00"}[iface]
    cap.add(iface, ether(dst_mac, src_mac, pkt), **kw)


def write(cap):
    """Write the capture next to the calling packets.py."""
    here = os.path.dirname(os.path.abspath(sys.argv[0]))
    cap.write(os.path.join(here, "packets.pcapng"))
