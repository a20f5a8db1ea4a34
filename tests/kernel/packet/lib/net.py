# The standard router of the packet cases, as the packets.py generators see it: a LAN on lan0
# (192.0.2.0/24), an upstream link on wan0 (198.51.100.0/24, default route via .254), the
# addresses and MACs of the hosts around it, and one-liners that wrap an IP packet into the
# Ethernet frame that arrives on an interface. The matching `topology` file spells the same
# facts as ip/sysctl lines. Leaves out: nothing the kernel sees -- it is only test data.

import os
import socket
import struct
import sys

from pktlib import (Capture, ether, ipv4, tcp, udp, echo, icmp, csum,  # noqa: F401 (re-export)
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


def rewrite(pkt, src=None, dst=None, sport=None, dport=None, ttl=None):
    """An IPv4 packet (no IP options; TCP or UDP) with addresses, ports or TTL replaced and
    its checksums made right again: how it looks after NAT, e.g. to quote it in an ICMP
    error from upstream."""
    ip = bytearray(pkt)
    if src:
        ip[12:16] = socket.inet_aton(src)
    if dst:
        ip[16:20] = socket.inet_aton(dst)
    if ttl is not None:
        ip[8] = ttl
    if sport is not None:
        ip[20:22] = struct.pack("!H", sport)
    if dport is not None:
        ip[22:24] = struct.pack("!H", dport)
    off = {6: 36, 17: 26}[ip[9]]
    ip[off:off + 2] = b"\0\0"
    seg = bytes(ip[20:])
    c = csum(bytes(ip[12:20]) + struct.pack("!BBH", 0, ip[9], len(seg)) + seg)
    ip[off:off + 2] = struct.pack("!H", c or (0xFFFF if ip[9] == 17 else 0))
    ip[10:12] = b"\0\0"
    ip[10:12] = struct.pack("!H", csum(bytes(ip[:20])))
    return bytes(ip)


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


class TcpFlow:
    """One TCP connection for the conntrack cases: the generator sends its segments in order
    and the flow keeps each side's next sequence number, so every segment carries the right
    SEQ and ACK (SYN and FIN count one). send_c / send_s put a client / server packet into the
    capture, e.g. `lambda cap, p, **kw: lan(cap, p, **kw)`. Through NAT the server's segments
    go from srv to cli (see __init__) and shift() follows a helper's length changes."""

    def __init__(self, cap, client, cport, server, sport, send_c, send_s, cisn=1000,
                 sisn=5000, win=64240, cli=None, srv=None):
        self.cap, self.client, self.cport, self.server, self.sport = \
            cap, client, cport, server, sport
        self.send_c, self.send_s = send_c, send_s
        self.nxt = {"c": cisn, "s": sisn}     # next sequence number each side sends
        self.acked = {"c": False, "s": False}  # whether that side has seen the other's SYN
        self.win = win
        # NAT: the server's segments go from srv (its real address, port: DNAT) to cli (the
        # client as the server sees it: SNAT); shift[who] = how far a NAT helper's rewrites
        # moved who's sequence numbers as the other side sees them (see shift()).
        self.srv = srv or (server, sport)
        self.cli = cli or (client, cport)
        self.shift_by = {"c": 0, "s": 0}

    def _seg(self, who, flags, payload=b"", seq=None, ack=None, win=None, options=b"",
             consume=True, **kw):
        other = "s" if who == "c" else "c"
        if seq is None:
            seq = self.nxt[who]
        if ack is None:
            ack = (self.nxt[other] + self.shift_by[other]) & 0xFFFFFFFF if flags & ACK else 0
        src, dst, sp, dp = ((self.client, self.server, self.cport, self.sport) if who == "c"
                            else (self.srv[0], self.cli[0], self.srv[1], self.cli[1]))
        pkt = tcp_pkt(src, dst, sp, dp, flags, seq=seq, ack=ack,
                      win=self.win if win is None else win, options=options, payload=payload,
                      **{k: v for k, v in kw.items() if k in ("ident", "ttl", "tos", "df")})
        send = self.send_c if who == "c" else self.send_s
        send(self.cap, pkt, **{k: v for k, v in kw.items() if k in ("gap", "at")})
        if consume:
            self.nxt[who] = (seq + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        return pkt

    def c(self, flags, payload=b"", **kw):
        """A segment from the client."""
        return self._seg("c", flags, payload, **kw)

    def s(self, flags, payload=b"", **kw):
        """A segment from the server."""
        return self._seg("s", flags, payload, **kw)

    def shift(self, who, delta):
        """A NAT helper rewrote who's last segment, delta bytes longer: from now on the other
        side sees who's sequence numbers delta further on (and acknowledges them so), while
        who keeps its own numbering (the router adjusts both ways)."""
        self.shift_by[who] += delta
