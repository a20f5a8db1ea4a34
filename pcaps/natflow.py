# Helpers for the generators of the NAT examples (pcaps/docker-host, pcaps/kube-node,
# pcaps/router): a sender for frames arriving on an interface, and a TCP connection as the
# router sees it on both sides of a NAT -- the client's segments with the addresses they
# arrive with, the server's replies with theirs -- keeping each side's sequence numbers.
# Builds on tests/kernel/packet/lib (pktlib, net); standard library only.
# Leaves out: anything the kernel decides (chosen ports, RSTs the stack answers with).

import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "kernel", "packet", "lib"))

from pktlib import Capture, ether, ipv4, udp, echo, SYN, ACK, PSH, FIN, RST  # noqa: E402,F401
from pktlib import opt_mss, opt_sackok, opt_ts, opt_wscale  # noqa: E402,F401
from net import tcp_pkt, udp_pkt, icmp_pkt  # noqa: E402,F401


def sender(iface, src_mac, dst_mac):
    """A function (cap, ip_packet, gap=..., at=...) that adds the packet as a frame from
    src_mac to dst_mac arriving on iface (or, with the MAC of a host interface and a host
    address as source, sent by the host itself)."""
    def send(cap, pkt, **kw):
        cap.add(iface, ether(dst_mac, src_mac, pkt), **kw)
    return send


class Side:
    """One end of a connection as its packets arrive at the host: addresses, ports, the
    sender of its frames, the TTL they arrive with and the next IP id."""

    def __init__(self, src, sport, dst, dport, send, ttl=64, ident=1):
        self.src, self.sport, self.dst, self.dport = src, sport, dst, dport
        self.send, self.ttl, self.ident = send, ttl, ident


class Flow:
    """A TCP connection: c (client) and s (server) are Sides, each with the addresses its
    packets carry when they reach the host (before any NAT the host does). f.c(flags, data)
    sends a client segment, f.s(...) a server one, with the right SEQ/ACK (SYN, FIN count 1)."""

    def __init__(self, cap, c, s, cisn=1000, sisn=5000, win=64240):
        self.cap, self.side = cap, {"c": c, "s": s}
        self.nxt = {"c": cisn, "s": sisn}
        self.win = win

    def _seg(self, who, flags, payload=b"", seq=None, ack=None, win=None, options=b"",
             consume=True, gap=0.1, at=None):
        me, other = self.side[who], self.side["s" if who == "c" else "c"]
        if seq is None:
            seq = self.nxt[who]
        if ack is None:
            ack = self.nxt["s" if who == "c" else "c"] if flags & ACK else 0
        pkt = tcp_pkt(me.src, me.dst, me.sport, me.dport, flags, seq=seq, ack=ack,
                      win=self.win if win is None else win, options=options, payload=payload,
                      ttl=me.ttl, ident=me.ident, df=True)
        me.ident = (me.ident + 1) & 0xFFFF
        me.send(self.cap, pkt, gap=gap, at=at)
        if consume:
            self.nxt[who] = (seq + len(payload) + (1 if flags & (SYN | FIN) else 0)) & 0xFFFFFFFF
        return pkt

    def c(self, flags, payload=b"", **kw):
        return self._seg("c", flags, payload, **kw)

    def s(self, flags, payload=b"", **kw):
        return self._seg("s", flags, payload, **kw)


SYN_OPTS = opt_mss(1460) + opt_sackok() + b"\x01" + opt_wscale(7)


def udp_from(side, payload, **kw):
    """A UDP datagram from side (its addresses and ports)."""
    pkt = udp_pkt(side.src, side.dst, side.sport, side.dport, payload, ttl=side.ttl,
                  ident=side.ident)
    side.ident = (side.ident + 1) & 0xFFFF
    return pkt


def dns_query(ident, name):
    """A DNS query (A record) for name, as a resolver sends it."""
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)


def dns_answer(ident, name, addr):
    """The answer to dns_query(ident, name): one A record, addr."""
    q = dns_query(ident, name)[12:]
    rr = struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) + bytes(int(x) for x in addr.split("."))
    return struct.pack("!HHHHHH", ident, 0x8180, 1, 1, 0, 0) + q + rr


def write(cap, path):
    cap.write(path)
