# Frames for the packet differential cases: tiny builders for Ethernet, IPv4, TCP, UDP and ICMP
# (checksums computed, every field overridable so broken headers can be made on purpose), a
# pcapng writer whose interface names are the router interfaces the frames arrive on, and a
# reader for pcap and pcapng (what `nfemu replay --egress` writes).
# Leaves out: IPv6, VLAN tags, any protocol decoding beyond what the cases need. Standard
# library only, so the cases can be regenerated on any machine.

import socket
import struct

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806

# TCP flag bits, as in include/net/tcp.h
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80


def mac(s):
    """'02:00:00:00:01:01' -> 6 bytes."""
    b = bytes(int(x, 16) for x in s.split(":"))
    assert len(b) == 6, s
    return b


def ip4(s):
    return socket.inet_aton(s)


def csum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ether(dst, src, payload, ethertype=ETH_P_IP):
    return mac(dst) + mac(src) + struct.pack("!H", ethertype) + payload


def ipv4(src, dst, proto, payload, ttl=64, tos=0, ident=1, df=False, mf=False, frag=0,
         options=b"", version=4, ihl=None, tot_len=None, check=None):
    """An IPv4 header + payload. frag is the fragment offset in 8-byte units. ihl, tot_len
    and check default to the right values; pass them to build broken headers."""
    if len(options) % 4:
        options += b"\0" * (4 - len(options) % 4)
    if ihl is None:
        ihl = 5 + len(options) // 4
    if tot_len is None:
        tot_len = 20 + len(options) + len(payload)
    fo = (0x4000 if df else 0) | (0x2000 if mf else 0) | frag
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, tos, tot_len, ident, fo, ttl,
                      proto, 0, ip4(src), ip4(dst)) + options
    if check is None:
        check = csum(hdr)
    return hdr[:10] + struct.pack("!H", check) + hdr[12:] + payload


def _pseudo(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, length)


def tcp(src, dst, sport, dport, flags=SYN, seq=1000, ack=0, win=64240, options=b"",
        payload=b"", urg=0, check=None):
    """A TCP segment (header + payload) whose checksum covers the src/dst pseudo-header."""
    if len(options) % 4:
        options += b"\x01" * (4 - len(options) % 4)     # pad with NOPs
    off = (20 + len(options)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags, win, 0, urg)
    seg = hdr + options + payload
    if check is None:
        check = csum(_pseudo(src, dst, 6, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", check) + seg[18:]


def udp(src, dst, sport, dport, payload=b"", check=None):
    length = 8 + len(payload)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + payload
    if check is None:
        check = csum(_pseudo(src, dst, 17, length) + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", check) + seg[8:]


def icmp(type_, code=0, rest=0, payload=b""):
    """An ICMP message; rest is the 32-bit field after the checksum (id/seq for echo)."""
    msg = struct.pack("!BBHI", type_, code, 0, rest) + payload
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def echo(ident, seq, payload=b"nfemu-ping", reply=False):
    return icmp(0 if reply else 8, 0, (ident << 16) | seq, payload)


# TCP options
def opt_mss(v):
    return struct.pack("!BBH", 2, 4, v)


def opt_wscale(v):
    return struct.pack("!BBB", 3, 3, v)


def opt_sackok():
    return b"\x04\x02"


def opt_ts(val, ecr):
    return struct.pack("!BBII", 8, 10, val, ecr)


# ---------------------------------------------------------------------------------------------
# pcapng
LINKTYPE_ETHERNET = 1
# Every case's capture starts at this instant: Monday 2025-03-03 12:00:00 UTC.
T0 = 1741003200.0


class Capture:
    """Frames to write as pcapng: one interface block per router interface, in first-use order.

    add(iface, frame) stamps the frame `gap` seconds after the previous one (0.1 s unless
    told); at=SECONDS places it that many seconds after T0 instead."""

    def __init__(self, t0=T0):
        self.t0 = t0
        self.t = None
        self.ifaces = []
        self.frames = []        # (iface index, timestamp in microseconds, bytes)

    def add(self, iface, frame, gap=0.1, at=None):
        if iface not in self.ifaces:
            self.ifaces.append(iface)
        if at is not None:
            t = self.t0 + at
        elif self.t is None:
            t = self.t0
        else:
            t = self.t + gap
        if self.t is not None and t < self.t:
            raise ValueError("frames must be in time order")
        self.t = t
        self.frames.append((self.ifaces.index(iface), int(round(t * 1e6)), bytes(frame)))

    def write(self, path):
        with open(path, "wb") as f:
            f.write(pcapng_bytes(self.ifaces, self.frames))


def _block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


def _option(code, value):
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def pcapng_bytes(ifaces, frames):
    out = [_block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1) +
                  _option(4, b"nfemu tests/kernel/packet") + _option(0, b""))]
    for name in ifaces:
        out.append(_block(1, struct.pack("<HHI", LINKTYPE_ETHERNET, 0, 0) +
                          _option(2, name.encode()) + _option(9, b"\x06") + _option(0, b"")))
    for idx, ts, data in frames:
        out.append(_block(6, struct.pack("<IIIII", idx, ts >> 32, ts & 0xFFFFFFFF, len(data),
                                         len(data)) + data + b"\0" * (-len(data) % 4)))
    return b"".join(out)


def write_frames(path, frames):
    """Write Frame objects (as read_capture returns them) as pcapng, keeping their interface
    names and timestamps: a slice of a capture."""
    ifaces = []
    for fr in frames:
        if fr.iface not in ifaces:
            ifaces.append(fr.iface)
    with open(path, "wb") as f:
        f.write(pcapng_bytes([i or "eth0" for i in ifaces],
                             [(ifaces.index(fr.iface), fr.ts, fr.data) for fr in frames]))


class Frame:
    __slots__ = ("iface", "ts", "data", "linktype")

    def __init__(self, iface, ts, data, linktype):
        self.iface, self.ts, self.data, self.linktype = iface, ts, data, linktype


def read_capture(path):
    """Frames of a pcap or pcapng file: list of Frame(iface name or None, ts in microseconds
    as an int, bytes, linktype)."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 4:
        return []
    magic = struct.unpack("<I", buf[:4])[0]
    if magic == 0x0A0D0D0A:
        return _read_pcapng(buf)
    for endian in "<>":
        m = struct.unpack(endian + "I", buf[:4])[0]
        if m in (0xA1B2C3D4, 0xA1B23C4D):
            return _read_pcap(buf, endian, nano=(m == 0xA1B23C4D))
    raise ValueError("%s: not pcap or pcapng" % path)


def _read_pcap(buf, e, nano):
    linktype = struct.unpack(e + "I", buf[20:24])[0] & 0x0FFFFFFF
    off, out = 24, []
    while off + 16 <= len(buf):
        sec, frac, caplen, _ = struct.unpack(e + "IIII", buf[off:off + 16])
        off += 16
        us = sec * 1000000 + (frac // 1000 if nano else frac)
        out.append(Frame(None, us, buf[off:off + caplen], linktype))
        off += caplen
    return out


def _read_pcapng(buf):
    off, out, ifs, e = 0, [], [], "<"
    while off + 12 <= len(buf):
        btype = struct.unpack(e + "I", buf[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if buf[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            ifs = []
        blen = struct.unpack(e + "I", buf[off + 4:off + 8])[0]
        body = buf[off + 8:off + blen - 4]
        if btype == 1:
            linktype = struct.unpack(e + "H", body[:2])[0]
            name, res = None, 1000000
            o = 8
            while o + 4 <= len(body):
                code, ln = struct.unpack(e + "HH", body[o:o + 4])
                val = body[o + 4:o + 4 + ln]
                o += 4 + ln + (-ln % 4)
                if code == 0:
                    break
                if code == 2:
                    name = val.rstrip(b"\0").decode()
                elif code == 9 and val:
                    r = val[0]
                    res = 2 ** (r & 0x7F) if r & 0x80 else 10 ** r
            ifs.append((name, linktype, res))
        elif btype == 6:
            idx, hi, lo, caplen, _ = struct.unpack(e + "IIIII", body[:20])
            name, linktype, res = ifs[idx]
            ts = ((hi << 32) | lo) * 1000000 // res
            out.append(Frame(name, ts, body[20:20 + caplen], linktype))
        elif btype == 3:
            origlen = struct.unpack(e + "I", body[:4])[0]
            name, linktype, _ = ifs[0]
            out.append(Frame(name, None, body[4:4 + origlen], linktype))
        off += blen
    return out


def describe(frame):
    """A one-line human summary of an Ethernet frame (for the runner's -v output)."""
    if len(frame) < 14:
        return "runt frame (%d bytes)" % len(frame)
    et = struct.unpack("!H", frame[12:14])[0]
    if et != ETH_P_IP:
        return "ethertype 0x%04x, %d bytes" % (et, len(frame))
    ip = frame[14:]
    if len(ip) < 20:
        return "IPv4 truncated (%d bytes)" % len(ip)
    ihl = (ip[0] & 15) * 4
    proto = ip[9]
    s, d = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    l4 = ip[ihl:]
    what = "proto %d" % proto
    if proto in (6, 17) and len(l4) >= 4:
        sp, dp = struct.unpack("!HH", l4[:4])
        what = "%s %d > %d" % ("TCP" if proto == 6 else "UDP", sp, dp)
        if proto == 6 and len(l4) >= 14:
            what += " flags 0x%02x" % l4[13]
        return "%s > %s %s ttl %d" % (s, d, what, ip[8])
    if proto == 1 and len(l4) >= 2:
        what = "ICMP type %d code %d" % (l4[0], l4[1])
    return "%s > %s %s ttl %d" % (s, d, what, ip[8])
