#!/usr/bin/env python3
"""tests/trace/same-trace.py - `nfemu trace` prints the kernel log lines (TRACE, LOG) a
one-packet replay prints, byte for byte and in the same order.

Two sources of packets:
  * the first packet of every case in tests/kernel/packet/cases that a packet line can
    express: the line is derived from the frame, `nfemu trace --pcap` must rebuild exactly the
    frame's bytes (else the case is counted as not expressible and skipped), and the case's
    own first frame, as a one-packet pcapng, is replayed;
  * hand-written lines (HAND below) against the bundled examples: the frame `nfemu trace
    --pcap` wrote is replayed.
Exit 0 when every comparison agrees and at least MIN_CASES cases were expressible, 1 otherwise.
"""
import argparse
import ipaddress
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "kernel", "packet", "lib"))
import pktlib  # noqa: E402

MIN_CASES = 30          # first packets a packet line expresses today: 40 of 71

# (example, packet line): each is traced and its --pcap replayed
HAND = [
    ("router", "tcp 192.168.1.100:51000 > 198.51.100.80:443 S in eth0"),
    ("router", "tcp 198.51.100.80:443 > 203.0.113.45:51000 S. in eth1 ack 1001"),
    ("router", "tcp 192.0.2.77:40000 > 203.0.113.45:8080 S in eth1"),
    ("router", "udp 192.168.1.100:5353 > 192.168.1.1:53 payload \"\\x12\\x34abc\""),
    ("router", "icmp 192.168.1.100 > 192.168.1.1 type echo-request ttl 1"),
    ("router", "icmp 198.51.100.80 > 203.0.113.45 type 3/3 inner udp 203.0.113.45:5000 > 198.51.100.80:53"),
    ("router", "tcp 192.168.1.100:51000 > 198.51.100.80:443 . in eth0 len 1000 tos 0x10 id 77"),
    ("router", "udp 192.168.1.100:51000 > 198.51.100.80:53 frag id 9 in eth0 len 200"),
    ("router", "tcp 192.168.1.1:22 > 192.168.1.100:40000 S. from-host"),
    ("router", "47 192.168.1.100 > 198.51.100.80 in eth0 len 100"),
    ("edge", "tcp 203.0.113.5:40003 > 198.51.100.1:23 S in wan0"),
    ("edge", "tcp 192.0.2.10:40000 > 203.0.113.5:80 S"),
    ("edge", "udp 203.0.113.5:9 > 198.51.100.1:7"),
    ("docker-host", "tcp 198.51.100.7:40000 > 203.0.113.10:8080 S"),
    ("kube-node", "tcp 10.0.0.50:40000 > 10.96.0.10:53 S"),
    ("kube-node", "udp 10.0.0.50:40000 > 10.96.0.10:53"),
]


def run(argv, check=True):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    if check and p.returncode:
        raise RuntimeError("%s: exit %d\n%s%s" % (" ".join(argv), p.returncode, p.stdout, p.stderr))
    return p


OWN = ("packet: ", "result:", "conntrack: ", "state: ", "explain (")


def trace_log_lines(text):
    """The kernel log lines of `nfemu trace`'s text: at column 0 and not its own."""
    return [l for l in text.splitlines()
            if l and not l.startswith((" ", "#")) and not l.startswith(OWN)]


def replay_log_lines(text):
    """The kernel log lines of `nfemu replay --trace -`: every line not a fate/note line."""
    return [l for l in text.splitlines() if l and not l.startswith("#")]


def esc(data):
    return "".join(chr(b) if b < 128 and chr(b).isalnum() else "\\x%02x" % b for b in data)


def line_of(frame):
    """A packet line for an Ethernet frame carrying IPv4, or None."""
    d = frame.data
    if frame.linktype != 1 or len(d) < 34 or d[12:14] != b"\x08\x00":
        return None
    ip = d[14:]
    if ip[0] != 0x45:
        return None
    tot = struct.unpack("!H", ip[2:4])[0]
    ident = struct.unpack("!H", ip[4:6])[0]
    frag = struct.unpack("!H", ip[6:8])[0]
    if frag & 0x4000 or frag & 0x1FFF:
        return None                             # DF, or a later fragment
    src, dst = str(ipaddress.IPv4Address(ip[12:16])), str(ipaddress.IPv4Address(ip[16:20]))
    proto, ttl, tos = ip[9], ip[8], ip[1]
    l4 = ip[20:tot]
    opts = ["ttl %d" % ttl, "tos 0x%02x" % tos, "id %d" % ident, "len %d" % tot]
    if frag & 0x2000:
        opts.append("frag")
    if frame.iface:
        opts.append("in " + frame.iface)
    if proto == 6 and len(l4) >= 20:
        sport, dport, seq, ack = struct.unpack("!HHII", l4[:12])
        flags = l4[13]
        letters = "".join(c for bit, c in ((2, "S"), (1, "F"), (4, "R"), (8, "P"), (32, "U"),
                                           (64, "E"), (128, "W")) if flags & bit)
        letters += "." if flags & 16 else ""
        head = "tcp %s:%d > %s:%d %s seq %d ack %d" % (src, sport, dst, dport, letters or "none",
                                                      seq, ack)
        payload = l4[(l4[12] >> 4) * 4:]
    elif proto == 17 and len(l4) >= 8:
        sport, dport = struct.unpack("!HH", l4[:4])
        head = "udp %s:%d > %s:%d" % (src, sport, dst, dport)
        payload = l4[8:]
    elif proto == 1 and len(l4) >= 8:
        head = "icmp %s > %s type %d/%d" % (src, dst, l4[0], l4[1])
        payload = l4[8:]
    elif proto not in (1, 6, 17):
        head = "%d %s > %s" % (proto, src, dst)
        payload = l4
    else:
        return None
    if len(payload) > 1472:
        return None                             # more than a line's payload can hold
    if payload.rstrip(b"\0"):
        opts.append('payload "%s"' % esc(payload.rstrip(b"\0")))
    return head + " " + " ".join(opts)


def strip_opts(words):
    """The words of a line without `len N` and `payload "..."`."""
    out, i = [], 0
    while i < len(words):
        if words[i] == "len":
            i += 2
        elif words[i] == "payload":
            i += 1
            while i < len(words) and not (words[i].endswith('"') and not words[i].endswith('\\"')
                                          and len(words[i]) > 0):
                i += 1
            i += 1
        else:
            out.append(words[i])
            i += 1
    return out


def judge(name, line, replayed, traced, must_log):
    """1 (and the two sets of lines) if the replay's and the trace's kernel log lines differ,
    or there are none where there must be some; else 0 and an ok line."""
    want, have = replay_log_lines(replayed.stdout), trace_log_lines(traced.stdout)
    if want != have or (must_log and not want):
        print("FAIL %s: %s" % (name, line))
        print("  replay:\n    " + "\n    ".join(want))
        print("  trace:\n    " + "\n    ".join(have))
        return 1
    print("ok %s (%d lines): %s" % (name, len(want), line))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nfemu", required=True)
    ap.add_argument("-v", action="store_true")
    a = ap.parse_args()
    cases_dir = os.path.join(SRC, "tests", "kernel", "packet", "cases")
    fails, compared, skipped, exact = 0, 0, [], 0
    with tempfile.TemporaryDirectory(prefix="nfemu-trace-") as tmp:
        one, built = os.path.join(tmp, "one.pcapng"), os.path.join(tmp, "built.pcapng")
        for case in sorted(os.listdir(cases_dir)):
            cdir = os.path.join(cases_dir, case)
            cap = os.path.join(cdir, "packets.pcapng")
            frames = pktlib.read_capture(cap) if os.path.exists(cap) else []
            line = line_of(frames[0]) if frames else None
            if not line:
                skipped.append(case)
                continue
            base = [a.nfemu, "trace", "--topology", os.path.join(cdir, "topology"),
                    "--rules", os.path.join(cdir, "rules.v4")]
            t = run(base + ["--pcap", built, line], check=False)
            if t.returncode:
                fails += 1
                print("FAIL %s: nfemu trace exit %d: %s\n%s" % (case, t.returncode, line, t.stderr))
                continue
            got = pktlib.read_capture(built)
            if len(got) == 1 and got[0].data == frames[0].data:
                pktlib.write_frames(one, frames[:1])
                replayed = one
                exact += 1
            else:
                # not expressible (tcp options, an echo id, ...): the packet without its length
                # and payload, traced and its own frame replayed
                skipped.append(case)
                line = " ".join(w for w in strip_opts(line.split()))
                t = run(base + ["--pcap", built, line])
                replayed = built
            r = run([a.nfemu, "replay", "--topology", os.path.join(cdir, "topology"),
                     "--rules", os.path.join(cdir, "rules.v4"), "--trace", "-", replayed])
            compared += 1
            fails += judge(case, line, r, t, must_log=replayed == one)
        for ex, line in HAND:
            d = os.path.join(SRC, "pcaps", ex)
            args = ["--topology", os.path.join(d, "topology"), "--rules", os.path.join(d, "rules.v4")]
            t = run([a.nfemu, "trace"] + args + ["--pcap", built, line])
            r = run([a.nfemu, "replay"] + args + ["--trace", "-", built])
            compared += 1
            fails += judge(ex, line, r, t, must_log=False)
    ncases = compared - len(HAND)
    print("%d compared (%d case first packets, %d of them exactly as captured; %d hand-written), "
          "%d differ; approximated (the line cannot say the captured packet): %s"
          % (compared, ncases, exact, len(HAND), fails, " ".join(skipped) or "none"))
    if exact < MIN_CASES:
        print("FAIL: only %d cases expressible (at least %d expected)" % (exact, MIN_CASES))
        return 1
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
