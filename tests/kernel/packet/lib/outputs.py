# What a packet case compares, as text: trace.txt (nf_log lines, "<level>message"), save.txt
# (`iptables-legacy-save -c` without its comment lines) and egress-IFACE.txt ("N HEX" per
# frame that left IFACE, N = the number of the input packet last sent before it), with the
# fields that vary from run to run on the real kernel masked the same way on both sides; for
# conntrack cases conntrack[-N].txt (`conntrack -L` rows, timeout column removed, sorted) and
# expect[-N].txt (`conntrack -L expect`, likewise).
# Leaves out: NFLOG/NFQUEUE payloads (no listener runs), the kernel's timestamps, conntrack ids.

import difflib
import os
import re
import socket
import struct

import natmask

# Host-generated ICMP (echo replies and errors) and the IP id the kernel picks for them from a
# keyed hash (ip_select_ident with a per-boot key and per-netns mix): varies per run.
HOST_ICMP_TYPES = {0, 3, 4, 5, 11, 12, 14, 18}
MASKED_ID = "ID=*"


def _outer_is_host_icmp(src, proto, icmp_type, hosts):
    return src in hosts and proto == 1 and icmp_type in HOST_ICMP_TYPES


def mask_frame(data, hosts, local_ids):
    """Hex of an Ethernet frame; for ICMP the router generated (not one of the capture's own
    locally generated packets, whose ids are in local_ids), the IP id and header checksum
    become 'xxxx'."""
    h = data.hex()
    if len(data) >= 34 and data[12:14] == b"\x08\x00" and (data[14] >> 4) == 4:
        ihl = (data[14] & 15) * 4
        src = socket.inet_ntoa(data[26:30])
        ident = struct.unpack("!H", data[18:20])[0]
        itype = data[14 + ihl] if len(data) > 14 + ihl else None
        if _outer_is_host_icmp(src, data[23], itype, hosts) and (src, ident) not in local_ids:
            h = h[:36] + "xxxx" + h[40:48] + "xxxx" + h[52:]
    return h


_SRC_RE = re.compile(r" SRC=(\S+) DST=\S+ LEN=\d+ TOS=\S+ PREC=\S+ TTL=\d+ ID=(\d+)(?= )")
_PROTO_RE = re.compile(r" PROTO=(\S+) (?:TYPE=(\d+))?")


def mask_trace_line(msg, hosts, local_ids):
    """The outer IP id of a host-generated ICMP packet in an nf_log line becomes '*'."""
    m = _SRC_RE.search(msg)
    if not m:
        return msg
    p = _PROTO_RE.search(msg, m.end())
    if not p or p.group(1) != "ICMP" or p.group(2) is None:
        return msg
    if _outer_is_host_icmp(m.group(1), 1, int(p.group(2)), hosts) and \
            (m.group(1), int(m.group(2))) not in local_ids:
        a, b = m.span(2)
        return msg[:a - 3] + MASKED_ID + msg[b:]
    return msg


def local_ids(frames, topo):
    """(src, ip id) of the capture's locally generated packets."""
    out = set()
    for fr in frames:
        d = fr.data
        if topo.is_local_frame(fr.iface, d):
            out.add((socket.inet_ntoa(d[26:30]), struct.unpack("!H", d[18:20])[0]))
    return out


# conntrack-tools' plain output: "tcp      6 431999 ESTABLISHED src=..." -- the third column
# is the seconds left before the entry expires; an expectation line starts with them.
_CT_TIMEOUT_RE = re.compile(r"^(\S+\s+\d+\s+)\d+ ")
_EXP_TIMEOUT_RE = re.compile(r"^\d+ (?=proto=)")
# The conntrack id varies from run to run; plain `conntrack -L` does not print it (only
# `-o id` does), so the id= left in a row is an ICMP echo id, part of the tuple.


def normalize_conntrack(text):
    """`conntrack -L` stdout -> its rows without the timeout column, sorted (the dump walks
    the hash table, whose order depends on a per-netns random seed)."""
    rows = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or line.startswith("conntrack v"):
            continue
        rows.append(_CT_TIMEOUT_RE.sub(r"\1", line))
    return "".join(r + "\n" for r in sorted(rows))


def normalize_expect(text):
    """`conntrack -L expect` stdout -> rows without the leading timeout, sorted."""
    rows = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line or line.startswith("conntrack v"):
            continue
        rows.append(_EXP_TIMEOUT_RE.sub("", line))
    return "".join(r + "\n" for r in sorted(rows))


def conntrack_files(point):
    """File names of a conntrack snapshot point (packet number or "end")."""
    suffix = "" if point == "end" else "-%d" % point
    return "conntrack%s.txt" % suffix, "expect%s.txt" % suffix


def render(trace, egress, save, ifaces, hosts, lids, conntrack=None, nat_masks=None,
           capture=None):
    """{filename: text} of a recording. trace: [(pktno, level or None, msg)];
    egress: {iface: [(pktno or None, bytes)]}; conntrack: {point: (table text or None,
    expect text or None)}, raw `conntrack -L [expect]` output (None: not available);
    nat_masks: the case's `nat-port-mask=` specs, learnt from the egress frames the capture
    (pktlib Frames) caused, masked everywhere and checked in nat-ports.txt."""
    masks = [natmask.PortMask(i, spec) for i, spec in enumerate(nat_masks or (), 1)]
    if masks:
        natmask.learn(masks, capture or [], egress)
    files = {}
    files["trace.txt"] = "".join(
        ("<%d>" % lvl if lvl is not None else "") +
        natmask.mask_trace_line(mask_trace_line(msg, hosts, lids), masks) + "\n"
        for _, lvl, msg in trace)
    files["save.txt"] = save
    for name in ifaces:
        lines = []
        for n, d in egress.get(name, []):
            d, marks = natmask.mask_frame_bytes(d, masks)
            h = natmask.overlay(mask_frame(d, hosts, lids), marks)
            lines.append(("%s " % n if n is not None else "") + h + "\n")
        files["egress-%s.txt" % name] = "".join(lines)
    for point, (table, exp) in (conntrack or {}).items():
        ctname, expname = conntrack_files(point)
        if table is not None:
            files[ctname] = _sorted_rows(normalize_conntrack(table), masks)
        if exp is not None:
            files[expname] = _sorted_rows(normalize_expect(exp), masks)
    if masks:
        files["nat-ports.txt"] = natmask.report(masks)
    return files


def _sorted_rows(text, masks):
    if not masks:
        return text
    rows = [natmask.mask_conntrack_row(r, masks) for r in text.splitlines()]
    return "".join(r + "\n" for r in sorted(rows))


def write(dirpath, files):
    os.makedirs(dirpath, exist_ok=True)
    for old in os.listdir(dirpath):
        if old not in files:
            os.unlink(os.path.join(dirpath, old))
    for name, text in files.items():
        with open(os.path.join(dirpath, name), "w") as f:
            f.write(text)


def read(dirpath):
    files = {}
    if os.path.isdir(dirpath):
        for name in sorted(os.listdir(dirpath)):
            with open(os.path.join(dirpath, name)) as f:
                files[name] = f.read()
    return files


def strip_levels(text):
    return re.sub(r"(?m)^<\d>", "", text)


def strip_pktno(text):
    return re.sub(r"(?m)^\d+ ", "", text)


def diff(expected, got, ignore=()):
    """Unified diffs (text) of the files that differ; ignore: 'levels' and/or 'pktno'."""
    out = []
    for name in sorted(set(expected) | set(got)):
        a, b = expected.get(name), got.get(name)
        if name == "trace.txt" and "levels" in ignore and a is not None and b is not None:
            a, b = strip_levels(a), strip_levels(b)
        if name.startswith("egress-") and "pktno" in ignore and a is not None and b is not None:
            a, b = strip_pktno(a), strip_pktno(b)
        if a == b:
            continue
        if a is None or b is None:
            out.append("%s: %s\n" % (name, "missing" if b is None else "unexpected"))
            continue
        out.append("".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True),
                                                "expected/" + name, "got/" + name, n=2)))
    return "".join(out)
