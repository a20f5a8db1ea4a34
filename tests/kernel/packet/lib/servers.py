# Cases with a real server process in the router (options `server=CMD`, topology `listen`
# lines): the capture holds both directions as seen on the router's interface -- the clients'
# frames from the wire and the server's own frames, sent by the router -- and nfemu replays
# both (the server's frames through OUTPUT, from the socket of the `listen` line).  On the
# real kernel the server process answers by itself, so its frames in the capture are not
# sent: each frame the server sends is matched, in order, to the capture's next frame of the
# same flow and recorded as caused by it.  What Linux picks at random is brought back to the
# capture's values, on the kernel's side only: a TCP connection's initial sequence number
# (the clients' acknowledgements are moved by the same amount before they are sent, so the
# server accepts them) and the IP id of the server's packets (taken from the matched frame).
# Everything else the server sends -- flags, windows, options, payload, TTL, DF -- is
# compared as it is.  Leaves out: TCP timestamps and SACK blocks (a case's clients offer
# neither, so the server uses neither), more than one server frame per client frame being
# reordered, IP options.

import re
import socket
import struct

import pktlib


# The TCP flags of an nf_log line: "RES=0x00 ACK SYN URGP=0"
_FLAGS_RE = re.compile(r" RES=0x[0-9a-f]+ ((?:[A-Z]+ )*)URGP=")


class ServerError(Exception):
    pass


def _ip(data):
    """(ihl, proto, src, dst, sport, dport) of an Ethernet frame's IPv4 packet, ports None when
    absent or a fragment; None when not IPv4."""
    if len(data) < 34 or data[12:14] != b"\x08\x00" or data[14] >> 4 != 4:
        return None
    ip = data[14:]
    ihl = (ip[0] & 15) * 4
    src, dst = socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20])
    sp = dp = None
    if struct.unpack("!H", ip[6:8])[0] & 0x3FFF == 0 and ip[9] in (6, 17) and len(ip) >= ihl + 4:
        sp, dp = struct.unpack("!HH", ip[ihl:ihl + 4])
    return ihl, ip[9], src, dst, sp, dp


def _fix_checksums(data, ihl):
    """Recompute the IPv4 header checksum and the TCP/UDP one of an Ethernet frame."""
    b = bytearray(data)
    ip = 14
    b[ip + 10:ip + 12] = b"\0\0"
    b[ip + 10:ip + 12] = struct.pack("!H", pktlib.csum(bytes(b[ip:ip + ihl])))
    tot = struct.unpack("!H", b[ip + 2:ip + 4])[0]
    proto = b[ip + 9]
    l4 = ip + ihl
    off = {6: 16, 17: 6}.get(proto)
    if off is not None and len(b) >= l4 + off + 2:
        seg_len = tot - ihl
        b[l4 + off:l4 + off + 2] = b"\0\0"
        c = pktlib.csum(bytes(b[ip + 12:ip + 20]) + struct.pack("!BBH", 0, proto, seg_len) +
                        bytes(b[l4:ip + tot]))
        if proto == 17 and c == 0:
            c = 0xFFFF
        b[l4 + off:l4 + off + 2] = struct.pack("!H", c)
    return bytes(b)


class ServerFlows:
    """The server frames of a capture and what a kernel run did with them."""

    def __init__(self, topo, frames):
        self.topo = topo
        self.server = set()         # capture indexes (0-based) of the server's frames
        self.pending = {}           # flow -> [capture index] of server frames not matched yet
        self.canon_isn = {}         # TCP flow -> the server's initial sequence number in the capture
        self.delta = {}             # TCP flow -> real ISN - the capture's
        for i, fr in enumerate(frames):
            if topo.server_socket(fr.iface, fr.data) is None:
                continue
            self.server.add(i)
            ihl, proto, src, dst, sp, dp = _ip(fr.data)
            flow = (proto, src, sp, dst, dp)
            self.pending.setdefault(flow, []).append(i)
            if proto == 6 and fr.data[14 + ihl + 13] & pktlib.SYN and flow not in self.canon_isn:
                self.canon_isn[flow] = struct.unpack("!I", fr.data[14 + ihl + 4:14 + ihl + 8])[0]
        self.frames = frames
        self.matched = []           # (real frame, capture index)
        self.id_map = {}            # (flow, real IP id, real seq) -> the capture frame's IP id

    def is_server_frame(self, i):
        return i in self.server

    # -- during the run --------------------------------------------------------------------
    def client_frame(self, i, data):
        """The frame to send for the capture's client frame i: its acknowledgement of a
        server connection moved to the server's real sequence numbers."""
        t = _ip(data)
        if t is None or t[1] != 6:
            return data
        ihl, proto, src, dst, sp, dp = t
        flow = (6, dst, dp, src, sp)        # the server's direction
        if flow not in self.canon_isn:
            return data
        tcp = 14 + ihl
        flags = data[tcp + 13]
        if not flags & pktlib.ACK:
            return data
        if flow not in self.delta:
            raise ServerError("packet %d acknowledges the server's SYN-ACK for %s:%d > %s:%d, "
                              "which the server had not sent yet" % (i + 1, src, sp, dst, dp))
        b = bytearray(data)
        ack = struct.unpack("!I", b[tcp + 8:tcp + 12])[0]
        b[tcp + 8:tcp + 12] = struct.pack("!I", (ack + self.delta[flow]) & 0xFFFFFFFF)
        return _fix_checksums(bytes(b), ihl)

    def egress(self, data):
        """A frame the router sent: a server frame learns its flow's ISN (SYN-ACK) and is
        matched to the capture's next frame of the flow.  Returns the capture index it is
        matched to, or None for any other frame."""
        t = _ip(data)
        if t is None:
            return None
        ihl, proto, src, dst, sp, dp = t
        flow = (proto, src, sp, dst, dp)
        if flow not in self.pending:
            return None
        if proto == 6:
            tcp = 14 + ihl
            seq = struct.unpack("!I", data[tcp + 4:tcp + 8])[0]
            if data[tcp + 13] & pktlib.SYN and flow in self.canon_isn and flow not in self.delta:
                self.delta[flow] = (seq - self.canon_isn[flow]) & 0xFFFFFFFF
        if not self.pending[flow]:
            raise ServerError("the server sent more than the capture holds for %s:%d > %s:%d: %s"
                              % (src, sp, dst, dp, pktlib.describe(data)))
        k = self.pending[flow].pop(0)
        self.matched.append((data, k))
        return k

    # -- after the run ---------------------------------------------------------------------
    def normalize_frame(self, data, k):
        """A real server frame with the capture frame k's IP id and the capture's ISN."""
        t = _ip(data)
        ihl, proto = t[0], t[1]
        flow = (t[1], t[2], t[4], t[3], t[5])
        b = bytearray(data)
        real_id = struct.unpack("!H", b[18:20])[0]
        b[18:20] = self.frames[k].data[18:20]
        seq = None
        if proto == 6:
            tcp = 14 + ihl
            seq = struct.unpack("!I", b[tcp + 4:tcp + 8])[0]
            d = self.delta.get(flow, 0)
            b[tcp + 4:tcp + 8] = struct.pack("!I", (seq - d) & 0xFFFFFFFF)
        self.id_map[(flow, real_id, seq)] = struct.unpack("!H", self.frames[k].data[18:20])[0]
        return _fix_checksums(bytes(b), ihl)

    def check_complete(self):
        left = [(flow, ks) for flow, ks in self.pending.items() if ks]
        if left:
            flow, ks = left[0]
            raise ServerError("the server never sent capture packet %d (%s) of %s:%d > %s:%d"
                              % (ks[0] + 1, pktlib.describe(self.frames[ks[0]].data), flow[1],
                                 flow[2], flow[3], flow[4]))

    def normalize_trace_line(self, msg):
        """A log line of a server connection's packet with the capture's values: the server's
        SEQ= and ID=, the client's ACK=."""
        f = {}
        for key in ("SRC", "DST", "ID", "PROTO", "SPT", "DPT", "SEQ", "ACK"):
            i = msg.find(" %s=" % key)
            if i >= 0 and key not in f:
                j = msg.find(" ", i + 1)
                f[key] = (i + len(key) + 2, j if j >= 0 else len(msg))
        if "SPT" not in f or "PROTO" not in f:
            return msg

        def val(k):
            a, b = f[k]
            return msg[a:b]
        proto = {"TCP": 6, "UDP": 17}.get(val("PROTO"))
        if proto is None:
            return msg
        src, dst, sp, dp = val("SRC"), val("DST"), int(val("SPT")), int(val("DPT"))
        repl = {}
        out_flow = (proto, src, sp, dst, dp)
        in_flow = (proto, dst, dp, src, sp)
        if out_flow in self.pending:
            seq = int(val("SEQ")) if proto == 6 and "SEQ" in f else None
            key = (out_flow, int(val("ID")), seq)
            if key in self.id_map:
                repl["ID"] = str(self.id_map[key])
            if seq is not None and out_flow in self.delta:
                repl["SEQ"] = str((seq - self.delta[out_flow]) & 0xFFFFFFFF)
        elif in_flow in self.delta and "ACK" in f and "SEQ" in f:
            flags = _FLAGS_RE.search(msg)
            if flags and "ACK" in flags.group(1).split():
                repl["ACK"] = str((int(val("ACK")) - self.delta[in_flow]) & 0xFFFFFFFF)
        for k in sorted(repl, key=lambda k: -f[k][0]):
            a, b = f[k]
            msg = msg[:a] + repl[k] + msg[b:]
        return msg

    def normalize(self, rec):
        """Bring a Recording's egress frames and log lines of the server's connections to the
        capture's values; a server frame counts as caused by the capture frame it matches."""
        self.check_complete()
        matched = {id(d): k for d, k in self.matched}
        for name, lst in rec.egress.items():
            out = []
            for n, d in lst:
                k = matched.get(id(d))
                if k is None:
                    out.append((n, d))
                else:
                    out.append((k + 1, self.normalize_frame(d, k)))
            rec.egress[name] = out
        rec.trace = [(n, lvl, self.normalize_trace_line(msg)) for n, lvl, msg in rec.trace]
