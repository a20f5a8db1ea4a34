# Masks for the NAT choices Linux makes at random (options `nat-port-mask=`): the port (or
# ICMP echo id) that nf_nat_l4proto_unique_tuple draws with get_random_u16() when a mapping
# clashes, or for every mapping under --random/--random-fully. A case names each flow whose
# port is random (`tcp|udp|icmp ADDR:PORT[>ADDR:PORT] src|dst LO-HI`: the capture's packets
# from ADDR:PORT, optionally only those to the second address, leave with a random source
# or destination port in LO..HI); the value the flow got is read from the egress frames its
# packets caused, checked (one value, even towards several destinations; in the range; used
# by no other flow towards the same peer: nat-ports.txt says so, never the value), and
# replaced by a placeholder (p001, p002...: the declaration's number) in egress frames (the
# TCP/UDP/ICMP checksum recomputed when it was complete and right), trace lines and
# conntrack rows, on the kernel's and on nfemu's side alike. Everything else -- kept ports,
# jhash-chosen addresses, DNAT ports -- stays compared as it is.
# Leaves out: IPv6; a quoted packet's own L4 checksum is masked (xxxx), not recomputed.

import re
import socket
import struct

import pktlib

PROTOS = {"tcp": 6, "udp": 17, "icmp": 1}
SPEC_RE = re.compile(r"^(tcp|udp|icmp)\s+(\d+\.\d+\.\d+\.\d+):(\d+)"
                     r"(?:>(\d+\.\d+\.\d+\.\d+):(\d+))?\s+(src|dst)\s+(\d+)-(\d+)$")


class MaskError(Exception):
    pass


class PortMask:
    """One declaration: the flow whose capture packets come from addr:port (proto; for ICMP
    the port is the echo id), optionally only those to daddr:dport, and whose source (src)
    or destination (dst) port NAT picks at random in lo..hi."""

    def __init__(self, index, spec):
        m = SPEC_RE.match(spec.strip())
        if not m:
            raise MaskError("nat-port-mask=%s: want 'tcp|udp|icmp ADDR:PORT[>ADDR:PORT] "
                            "src|dst LO-HI'" % spec)
        self.index = index
        self.spec = " ".join(spec.split())
        self.proto = PROTOS[m.group(1)]
        self.addr, self.port = m.group(2), int(m.group(3))
        self.daddr = m.group(4)
        self.dport = int(m.group(5)) if m.group(5) else None
        self.side = m.group(6)
        self.lo, self.hi = int(m.group(7)), int(m.group(8))
        if self.proto == 1 and self.side != "src":
            raise MaskError("nat-port-mask=%s: an ICMP echo id is 'src'" % spec)
        self.name = "p%03d" % index
        self.keys = set()       # {(proto, X addr, X port, Y addr, Y port or None)}
        self.problems = []

    def owns(self, frame_data):
        """Whether a capture frame is a packet of this flow."""
        if len(frame_data) < 34 or frame_data[12:14] != b"\x08\x00":
            return False
        t = _l4(frame_data[14:])
        if t is None or (t[0], t[1], t[3]) != (self.proto, self.addr, self.port):
            return False
        if self.daddr is not None and t[2] != self.daddr:
            return False
        return self.dport is None or self.proto == 1 or t[4] == self.dport


def _l4(ip):
    """(proto, src, dst, sport, dport, l4 offset) of an IPv4 packet; ports None when absent
    (ICMP echo: sport = dport = the id)."""
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None
    ihl = (ip[0] & 15) * 4
    proto = ip[9]
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    frag = struct.unpack("!H", ip[6:8])[0] & 0x1FFF
    sp = dp = None
    if frag == 0 and proto in (6, 17) and len(ip) >= ihl + 4:
        sp, dp = struct.unpack("!HH", ip[ihl:ihl + 4])
    elif frag == 0 and proto == 1 and len(ip) >= ihl + 8 and ip[ihl] in (0, 8):
        sp = dp = struct.unpack("!H", ip[ihl + 4:ihl + 6])[0]
    return proto, src, dst, sp, dp, ihl


def learn(masks, capture, egress):
    """Find each declared flow's random value in the egress frames ({iface: [(pktno,
    bytes)]}) caused by its capture packets (capture: pktlib Frames); fill mask.keys, and
    mask.problems with anything that breaks the declaration."""
    caused = []     # (pktno, ip bytes) of every egress IPv4 frame with a packet number
    for iface, lst in sorted(egress.items()):
        for n, d in lst:
            if n is not None and 1 <= n <= len(capture) and len(d) >= 34 and \
                    d[12:14] == b"\x08\x00":
                caused.append((n, d[14:]))
    for m in masks:
        for n, ip in caused:
            if not m.owns(capture[n - 1].data):
                continue
            src = _l4(capture[n - 1].data[14:])
            out = _l4(ip)
            if out is None or out[0] != m.proto or out[3] is None:
                continue
            if m.proto == 1:
                if ip[out[5]] == 8 and out[2] == src[2]:
                    m.keys.add((1, out[1], out[3], out[2], None))
            elif m.side == "src":
                if (out[2], out[4]) == (src[2], src[4]):
                    m.keys.add((m.proto, out[1], out[3], out[2], out[4]))
            elif (out[1], out[3]) == (src[1], src[3]):
                m.keys.add((m.proto, out[2], out[4], out[1], out[3]))
        values = {(k[1], k[2]) for k in m.keys}
        if not values:
            m.problems.append("no frame of this flow left the router")
            continue
        if len(values) > 1:
            m.problems.append("%d different values" % len(values))
        if any(not m.lo <= v[1] <= m.hi for v in values):
            m.problems.append("out of range")
    # Distinct: no other flow left with the same translated endpoint towards the same peer.
    for m in masks:
        for o in masks:
            if o.index < m.index and o.keys & m.keys:
                m.problems.append("same value as %s" % o.name)
        for n, ip in caused:
            data = capture[n - 1].data
            if any(o.owns(data) for o in masks):
                continue
            t = _l4(ip)
            if any(_endpoints_match(t, k) for k in m.keys):
                m.problems.append("used by the flow of packet %d too" % n)
                break


def _endpoints_match(t, key):
    """Whether parsed packet t carries key's endpoint X towards Y, either way: 'sport'
    (X is the source), 'dport' (X is the destination) or None."""
    if t is None or t[0] != key[0] or t[3] is None:
        return None
    proto, xa, xp, ya, yp = key
    if (t[1], t[3]) == (xa, xp) and t[2] == ya and (yp is None or t[4] == yp):
        return "sport"
    if (t[2], t[4]) == (xa, xp) and t[1] == ya and (yp is None or t[3] == yp):
        return "dport"
    return None


def _match_any(t, m):
    """_endpoints_match against any of m's keys."""
    return next((h for h in (_endpoints_match(t, k) for k in m.keys) if h), None)


def report(masks):
    """nat-ports.txt: one line per declaration, what the check found (never the value)."""
    out = []
    for m in masks:
        what = "; ".join(m.problems) if m.problems else "one value, in range, distinct"
        out.append("%s %s: %s\n" % (m.name, m.spec, what))
    return "".join(out)


# -- masking ---------------------------------------------------------------------------------
def _sum_ok(ip, ihl, proto):
    """Whether the TCP/UDP/ICMP checksum of an IPv4 packet is complete and right."""
    seg = ip[ihl:struct.unpack("!H", ip[2:4])[0]]
    if proto == 1:
        return pktlib.csum(seg) == 0
    if proto == 17 and seg[6:8] == b"\0\0":
        return False
    pseudo = ip[12:20] + struct.pack("!BBH", 0, proto, len(seg))
    return pktlib.csum(pseudo + seg) == 0


def _fix_sum(ip, ihl, proto):
    """Recompute the TCP/UDP/ICMP checksum of ip (a bytearray) in place."""
    end = struct.unpack("!H", ip[2:4])[0]
    off = ihl + {6: 16, 17: 6, 1: 2}[proto]
    ip[off:off + 2] = b"\0\0"
    seg = bytes(ip[ihl:end])
    if proto == 1:
        c = pktlib.csum(seg)
    else:
        c = pktlib.csum(ip[12:20] + struct.pack("!BBH", 0, proto, len(seg)) + seg)
        if proto == 17 and c == 0:
            c = 0xFFFF
    ip[off:off + 2] = struct.pack("!H", c)


def _mask_ip(ip, base, masks, marks, inner=False):
    """Zero masked ports in the IPv4 packet at ip[base:] (a bytearray); marks gets
    (absolute offset, 4-char text) for the rendering. Returns whether anything changed."""
    t = _l4(bytes(ip[base:]))
    if t is None:
        return False
    changed = False
    proto, ihl = t[0], t[5]
    for m in masks:
        how = _match_any(t, m)
        if how is None:
            continue
        if proto == 1:
            off = base + ihl + 4
        else:
            off = base + ihl + (0 if how == "sport" else 2)
        if off + 2 > len(ip):
            continue
        ip[off:off + 2] = b"\0\0"
        marks.append((off, m.name[:4]))
        changed = True
        if inner:
            # a quoted header's own checksum (not recomputable: the quote is cut short)
            coff = base + ihl + {6: 16, 17: 6, 1: 2}[proto]
            if coff + 2 <= len(ip):
                marks.append((coff, "xxxx"))
    if proto == 1 and t[3] is None and len(ip) >= base + ihl + 8 + 20 and not inner \
            and ip[base + ihl] in (3, 4, 5, 11, 12):
        # an ICMP error: the packet it quotes
        changed |= _mask_ip(ip, base + ihl + 8, masks, marks, inner=True)
    return changed


def mask_frame_bytes(data, masks):
    """(new bytes, marks) of an Ethernet frame: masked ports zeroed and the L4 checksum
    recomputed if it was complete and right (a partial one -- pseudo-header only, as veth
    leaves a CHECKSUM_PARTIAL packet -- does not cover the ports and stays as it is)."""
    if not masks or len(data) < 34 or data[12:14] != b"\x08\x00":
        return data, []
    ip = bytearray(data[14:])
    t = _l4(bytes(ip))
    if t is None:
        return data, []
    ok = t[0] in (1, 6, 17) and _sum_ok(bytes(ip), t[5], t[0])
    marks = []
    if not _mask_ip(ip, 0, masks, marks):
        return data, []
    if ok:
        _fix_sum(ip, t[5], t[0])
    return bytes(data[:14]) + bytes(ip), [(14 + o, txt) for o, txt in marks]


def overlay(h, marks):
    """The hex text h of a frame with each mark's 4 characters written at its byte offset."""
    for off, txt in marks:
        h = h[:2 * off] + txt + h[2 * off + 4:]
    return h


_HDR_RE = re.compile(r"SRC=(\S+) DST=(\S+) ")
_PORTS_RE = re.compile(r"PROTO=(TCP|UDP) SPT=(\d+) DPT=(\d+)")
_ECHO_RE = re.compile(r"PROTO=ICMP TYPE=(0|8) CODE=0 ID=(\d+) ")


def mask_trace_line(msg, masks):
    """An nf_log line with masked ports (and echo ids) written as their placeholder; the
    packet quoted by an ICMP error ('[SRC=...]') too."""
    if not any(m.keys for m in masks):
        return msg
    starts = [mm.start() for mm in _HDR_RE.finditer(msg)]
    if not starts:
        return msg
    out, prev = [], 0
    for i, a in enumerate(starts):
        b = starts[i + 1] if i + 1 < len(starts) else len(msg)
        seg = msg[a:b]
        h = _HDR_RE.match(seg)
        src, dst = h.group(1), h.group(2)
        p = _PORTS_RE.search(seg)
        e = _ECHO_RE.search(seg)
        if p:
            t = (6 if p.group(1) == "TCP" else 17, src, dst, int(p.group(2)),
                 int(p.group(3)), 0)
            for m in masks:
                how = _match_any(t, m)
                if how == "sport":
                    seg = seg[:p.start(2)] + m.name + seg[p.end(2):]
                elif how == "dport":
                    seg = seg[:p.start(3)] + m.name + seg[p.end(3):]
                if how:
                    break
        elif e:
            ident = int(e.group(2))
            t = (1, src, dst, ident, ident, 0)
            for m in masks:
                if _match_any(t, m):
                    seg = seg[:e.start(2)] + m.name + seg[e.end(2):]
                    break
        out.append(msg[prev:a] + seg)
        prev = b
    return "".join(out) + msg[prev:]


_TUPLE_RE = re.compile(r"src=(\S+) dst=(\S+) (?:sport=(\d+) dport=(\d+)|"
                       r"type=(\d+) code=\d+ id=(\d+))")


def mask_conntrack_row(row, masks):
    """A `conntrack -L` (or expect) row with masked ports/ids as placeholders."""
    if not any(m.keys for m in masks):
        return row
    out, prev = [], 0
    for mm in _TUPLE_RE.finditer(row):
        src, dst = mm.group(1), mm.group(2)
        seg = row[mm.start():mm.end()]
        if mm.group(3) is not None:
            proto = 6 if row.startswith("tcp") else 17 if row.startswith("udp") else None
            t = (proto, src, dst, int(mm.group(3)), int(mm.group(4)), 0)
            for m in masks:
                how = _match_any(t, m)
                if how:
                    g = 3 if how == "sport" else 4
                    a, b = mm.start(g) - mm.start(), mm.end(g) - mm.start()
                    seg = seg[:a] + m.name + seg[b:]
                    break
        else:
            ident = int(mm.group(6))
            t = (1, src, dst, ident, ident, 0)
            for m in masks:
                if _match_any(t, m):
                    a, b = mm.start(6) - mm.start(), mm.end(6) - mm.start()
                    seg = seg[:a] + m.name + seg[b:]
                    break
        out.append(row[prev:mm.start()] + seg)
        prev = mm.end()
    return "".join(out) + row[prev:]
