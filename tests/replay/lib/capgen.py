# Capture files for the replay tests: IPv4/TCP/UDP/ICMP builders (checksums right unless told
# otherwise), link-layer wrappers (Ethernet with optional 802.1Q tags, Linux SLL and SLL2, raw
# IPv4, BSD NULL/LOOP) and writers for classic pcap (either byte order, us or ns timestamps)
# and pcapng (either byte order, if_name/if_tsresol/if_tsoffset, EPB/SPB/OPB, epb_flags,
# unknown blocks).  Standard library only, so the files can be regenerated anywhere.

import socket
import struct

ETH_P_IP, ETH_P_ARP, ETH_P_IPV6, ETH_P_8021Q = 0x0800, 0x0806, 0x86DD, 0x8100
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10

LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_LOOP = 0, 1, 101, 108
LINKTYPE_LINUX_SLL, LINKTYPE_IPV4, LINKTYPE_LINUX_SLL2 = 113, 228, 276
PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OTHERHOST, PACKET_OUTGOING = 0, 1, 2, 3, 4


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(src, dst, proto, payload, ttl=64, ident=1, tos=0, df=False, check=None, version=4,
         ihl=5, tot_len=None):
    tot = 20 + len(payload) if tot_len is None else tot_len
    hdr = struct.pack("!BBHHHBBH4s4s", (version << 4) | ihl, tos, tot, ident,
                      0x4000 if df else 0, ttl, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    c = csum(hdr) if check is None else check
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def _pseudo(src, dst, proto, n):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, n)


def tcp(src, dst, sport, dport, flags=SYN, seq=1000, ack=0, win=64240, payload=b"", **ip):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, win, 0, 0) + payload
    c = csum(_pseudo(src, dst, 6, len(seg)) + seg)
    seg = seg[:16] + struct.pack("!H", c) + seg[18:]
    return ipv4(src, dst, 6, seg, **ip)


def udp(src, dst, sport, dport, payload=b"nfemu", **ip):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    c = csum(_pseudo(src, dst, 17, len(seg)) + seg) or 0xFFFF
    seg = seg[:6] + struct.pack("!H", c) + seg[8:]
    return ipv4(src, dst, 17, seg, **ip)


def ping(src, dst, ident=0x4e46, seq=1, payload=b"nfemu-ping", **ip):
    msg = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    return ipv4(src, dst, 1, msg, **ip)


def ether(dst, src, payload, ethertype=ETH_P_IP, vlans=()):
    tags = b"".join(struct.pack("!HH", ETH_P_8021Q, v) for v in vlans)
    return mac(dst) + mac(src) + tags + struct.pack("!H", ethertype) + payload


def sll(payload, src_mac, pkttype=PACKET_HOST, protocol=ETH_P_IP, hatype=1):
    a = mac(src_mac)
    return struct.pack("!HHH", pkttype, hatype, len(a)) + a + b"\0" * (8 - len(a)) + \
        struct.pack("!H", protocol) + payload


def sll2(payload, src_mac, ifindex=2, pkttype=PACKET_HOST, protocol=ETH_P_IP, hatype=1):
    a = mac(src_mac)
    return struct.pack("!HHIHBB", protocol, 0, ifindex, hatype, pkttype, len(a)) + a + \
        b"\0" * (8 - len(a)) + payload


def null(payload, family=2, order="<"):
    return struct.pack(order + "I", family) + payload


def loop(payload, family=2):
    return struct.pack("!I", family) + payload


# ---------------------------------------------------------------- pcap

def pcap_bytes(linktype, frames, order="<", nano=False, snaplen=262144):
    """frames: [(ts_ns, bytes) or (ts_ns, bytes, origlen)]."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)]
    for fr in frames:
        ts, data = fr[0], fr[1]
        orig = fr[2] if len(fr) > 2 else len(data)
        sub = ts % 10**9 if nano else (ts % 10**9) // 1000
        out.append(struct.pack(order + "IIII", ts // 10**9, sub, len(data), orig) + data)
    return b"".join(out)


# ---------------------------------------------------------------- pcapng

class PcapNg:
    """A pcapng section: interfaces (name, linktype, tsresol byte, tsoffset) and blocks."""

    def __init__(self, order="<"):
        self.o = order
        self.blocks = []
        self.blocks.append(self._block(0x0A0D0D0A, struct.pack(self.o + "IHHq", 0x1A2B3C4D, 1, 0, -1)
                                       + self._opt(4, b"nfemu tests/replay") + self._opt(0, b"")))
        self.ifs = []

    def _block(self, btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack(self.o + "II", btype, n) + body + struct.pack(self.o + "I", n)

    def _opt(self, code, value):
        return struct.pack(self.o + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)

    def interface(self, name=None, linktype=LINKTYPE_ETHERNET, tsresol=6, tsoffset=None,
                  snaplen=0):
        opts = b""
        if name is not None:
            opts += self._opt(2, name.encode())
        if tsresol is not None:
            opts += self._opt(9, bytes([tsresol]))
        if tsoffset is not None:
            opts += self._opt(14, struct.pack(self.o + "q", tsoffset))
        if opts:
            opts += self._opt(0, b"")
        self.blocks.append(self._block(1, struct.pack(self.o + "HHI", linktype, 0, snaplen) + opts))
        self.ifs.append(tsresol if tsresol is not None else 6)
        return len(self.ifs) - 1

    def _units(self, idx, ts_ns):
        r = self.ifs[idx]
        if r & 0x80:
            return (ts_ns << (r & 0x7F)) // 10**9
        return ts_ns * 10**r // 10**9

    def epb(self, idx, ts_ns, data, flags=None, origlen=None):
        t = self._units(idx, ts_ns)
        opts = b""
        if flags is not None:
            opts = self._opt(2, struct.pack(self.o + "I", flags)) + self._opt(0, b"")
        body = struct.pack(self.o + "IIIII", idx, t >> 32, t & 0xFFFFFFFF, len(data),
                           len(data) if origlen is None else origlen)
        self.blocks.append(self._block(6, body + data + b"\0" * (-len(data) % 4) + opts))

    def spb(self, data):
        self.blocks.append(self._block(3, struct.pack(self.o + "I", len(data)) + data))

    def opb(self, idx, ts_ns, data):
        t = self._units(idx, ts_ns)
        self.blocks.append(self._block(2, struct.pack(self.o + "HHIIII", idx, 0, t >> 32,
                                                      t & 0xFFFFFFFF, len(data), len(data)) + data))

    def unknown(self, btype=0xBAD, body=b"whatever"):
        self.blocks.append(self._block(btype, body))

    def bytes(self):
        return b"".join(self.blocks)
