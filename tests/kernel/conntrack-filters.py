#!/usr/bin/env python3
# `nfemu conntrack -L FILTERS` against the real `conntrack -L FILTERS` (conntrack-tools 1.4.7)
# on the same table: the standard router of the packet cases (tests/kernel/packet) forwards a
# set of flows -- TCP in SYN_SENT, SYN_RECV, ESTABLISHED, FIN_WAIT and TIME_WAIT, UDP answered
# and not, ICMP echo answered and not, connection marks set by CONNMARK, TCP masqueraded on
# wan0, one UDP flow in zone 1 (CT --zone) -- first through the real kernel in a network
# namespace (lib/kernel.py sends the frames), then through `nfemu replay` with the same topology, rules and capture.  Each
# filter combination is then run on both: the rows (timeout column removed, sorted: the
# kernel's dump order is its random hash order), the stderr lines and the exit status must
# be the same; also bad values (conntrack-tools' messages), -C, and -D followed by -L.
# Needs root, ip netns, iptables-legacy and conntrack; exit 77 (skipped) otherwise.
# Run it under the global lock: flock /tmp/nfemu-kernel.lock python3 conntrack-filters.py.
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PKT = os.path.join(HERE, "packet")
sys.path.insert(0, os.path.join(PKT, "lib"))

import pktlib  # noqa: E402
from net import *  # noqa: E402,F403
from topology import Topology  # noqa: E402

SKIP = 77
TOPOLOGY = os.path.join(PKT, "cases", "41-ct-connmark", "topology")

RULES = """\
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -i lan0 -p udp -m udp --dport 123 -j CT --zone 1
COMMIT
*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i lan0 -p tcp -m tcp --dport 22 -j CONNMARK --set-xmark 0x22/0xffffffff
-A PREROUTING -i lan0 -p udp -m udp --dport 53 -j CONNMARK --set-xmark 0x1053/0xffffffff
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 192.0.2.0/24 -o wan0 -p tcp -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate INVALID -j DROP
COMMIT
"""

# (filters, what they show); every row runs as `conntrack -L FILTERS`, unless it starts with
# a command of its own.
FILTERS = [
    "", "-p tcp", "-p udp", "-p icmp", "-p 6", "-p TCP", "--protonum=udp",
    "-p tcp --state ESTABLISHED", "-p tcp --state SYN_SENT", "-p tcp --state SYN_RECV",
    "-p tcp --state FIN_WAIT", "-p tcp --state TIME_WAIT", "-p tcp --state CLOSE_WAIT",
    "-p tcp --state LISTEN",
    "-s 192.0.2.10", "--src 192.0.2.0/24", "--orig-src 192.0.2.11/32 -p udp", "-s 192.0.2.0/25",
    "-d 203.0.113.5", "--dst 203.0.113.6", "--orig-dst 203.0.113.0/24 -p icmp",
    "-r 203.0.113.5", "--reply-src 203.0.113.6 -p tcp", "-q 198.51.100.1", "-q 192.0.2.10",
    "--reply-dst 192.0.2.11",
    "-p tcp --sport 40001", "-p tcp --dport 80", "-p tcp --orig-port-dst 22",
    "-p tcp --orig-port-src 40004", "-p tcp --reply-port-src 22", "-p tcp --reply-port-dst 40004",
    "-p udp --dport 53", "-p udp --sport 5001 --dport 123", "-p udp --reply-port-src 53",
    "-p tcp --dport 80 --dport 22", "-p tcp --sport 0x9c41",
    "-m 0x22", "-m 34", "--mark 0x1053", "-m 0x1000/0xf000", "-m 0", "--mark 0x22/0x2",
    "-m 0/0",
    "--status ASSURED", "--status SEEN_REPLY", "--status UNREPLIED", "-u ASSURED,SEEN_REPLY",
    "-u UNREPLIED -p udp", "--status seen_reply", "-u EXPECTED", "-u FIXED_TIMEOUT",
    "-o extended", "-o extended -p icmp", "-p icmp --icmp-type 8", "-p icmp --icmp-id 256",
    "-p icmp --icmp-code 0 --icmp-id 512",
    "-f ipv4", "-f ipv6", "-d ::1", "-w 0", "--zone 1", "-w 2", "-w 0x1 -p udp",
    "-L conntrack -p udp",
    "-s 192.0.2.10 -p tcp --state ESTABLISHED -m 0x22 --status ASSURED",
    "-s 192.0.2.10 -p tcp --state ESTABLISHED", "-s 192.0.2.10 -m 0x22", "-s 192.0.2.10 --status ASSURED",
    "-p tcp --state ESTABLISHED -m 0x22", "-p tcp --state ESTABLISHED --status ASSURED",
    "-m 0x22 --status ASSURED", "-s 192.0.2.10 -p tcp", "-p tcp -m 0x22", "-p tcp --status ASSURED",
    "-s 192.0.2.10 -p tcp --state ESTABLISHED -m 0x22", "-p tcp --dport 22 -m 0x22",
    "-p tcp --dport 22 --status ASSURED", "-p udp -m 0x1053", "-s 192.0.2.10 -d 203.0.113.5",
    "-s 192.0.2.11 -d 203.0.113.6 -p tcp --dport 22 -o extended",
    # bad values and combinations: conntrack-tools' messages and exit codes
    "-p tcp --state FOO", "-p tcp --state established", "-s foo", "-d 1.2.3.4/33",
    "-s 1.2.3.4/x", "--status FOO", "--status ASSURED,FOO", "--status ,ASSURED", "-p foo",
    "-p 300", "-o foo", "-o extended,foo", "--sport 80", "-p udp --state ESTABLISHED",
    "-p icmp --sport 1", "-s 1.2.3.4 -d ::1", "-f foo", "-s", "-p tcp --dport", "-m",
    "-x", "--bogus",
    "-C", "-C -p tcp", "-C -s 1.2.3.4 -m 1", "-C -o extended", "-L -F", "-C -C",
    "-L expect -s 1.2.3.4", "-L extra",
]
# run last, in this order (they change the table)
DELETES = ["-D -p udp --dport 123", "-L", "-D -s 10.9.9.9", "-D -p icmp -o extended", "-L",
           "-C"]


def capture(path):
    c = Capture()
    L = lambda cap, p, **kw: lan(cap, p, **kw)      # noqa: E731
    L2 = lambda cap, p, **kw: lan(cap, p, src_mac=H2_MAC, **kw)     # noqa: E731
    W = lambda cap, p, **kw: wan(cap, p, **kw)      # noqa: E731
    g = 0.02
    # A: ESTABLISHED, assured, mark 0x22, masqueraded
    f = TcpFlow(c, H1, 40001, NET1, 22, L, W, cisn=1000, sisn=5000, cli=(R_WAN, 40001))
    f.c(SYN, gap=g)
    f.s(SYN | ACK, gap=g)
    f.c(ACK, gap=g)
    f.c(PSH | ACK, b"hello", gap=g)
    f.s(ACK, gap=g)
    # B: SYN_SENT, unreplied
    f = TcpFlow(c, H1, 40002, NET1, 80, L, W, cli=(R_WAN, 40002))
    f.c(SYN, gap=g)
    # C: SYN_RECV
    f = TcpFlow(c, H2, 40003, NET1, 80, L2, W, cli=(R_WAN, 40003))
    f.c(SYN, gap=g)
    f.s(SYN | ACK, gap=g)
    # D: TIME_WAIT
    f = TcpFlow(c, H1, 40004, NET2, 443, L, W, cli=(R_WAN, 40004))
    f.c(SYN, gap=g)
    f.s(SYN | ACK, gap=g)
    f.c(ACK, gap=g)
    f.c(FIN | ACK, gap=g)
    f.s(FIN | ACK, gap=g)
    f.c(ACK, gap=g)
    # E: FIN_WAIT, mark 0x22
    f = TcpFlow(c, H2, 40005, NET2, 22, L2, W, cli=(R_WAN, 40005))
    f.c(SYN, gap=g)
    f.s(SYN | ACK, gap=g)
    f.c(ACK, gap=g)
    f.c(FIN | ACK, gap=g)
    # G: UDP answered, mark 0x1053; H: UDP unanswered
    lan(c, udp_pkt(H1, NET1, 5000, 53, b"query"), gap=g)
    wan(c, udp_pkt(NET1, H1, 53, 5000, b"answer"), gap=g)
    lan(c, udp_pkt(H2, NET2, 5001, 123, b"ntp"), src_mac=H2_MAC, gap=g)
    # I: echo answered; J: echo unanswered
    lan(c, ping(H1, NET1, 0x100, 1), gap=g)
    wan(c, ipv4(NET1, H1, 1, echo(0x100, 1, reply=True)), gap=g)
    lan(c, ping(H2, NET2, 0x200, 1), src_mac=H2_MAC, gap=g)
    c.write(path)


def norm_rows(text):
    """Rows without the timeout column (after "ipv4     2 " with -o extended), sorted."""
    rows = []
    for line in text.splitlines():
        line = line.rstrip()
        if not line:
            continue
        m = re.match(r"^(ipv4\s+2\s+)?(\S+\s+\d+\s+)\d+ (.*)$", line)
        rows.append((m.group(1) or "") + m.group(2) + m.group(3) if m else line)
    return "".join(r + "\n" for r in sorted(rows))


def run_kernel(tmp, pcap, rules):
    import kernel
    why = kernel.can_run()
    if why is None and shutil.which("conntrack") is None:
        why = "conntrack (conntrack-tools) not found"
    if why:
        print("SKIP: " + why)
        sys.exit(SKIP)
    topo = Topology(TOPOLOGY)
    frames = pktlib.read_capture(pcap)
    got = {}
    with kernel.Router(topo, "ctf") as r:
        r.restore(rules)
        r.replay(frames)
        for k, args in enumerate(FILTERS + DELETES):
            argv = shlex.split(args)
            if not argv or argv[0] not in ("-L", "-C", "-D", "-F"):
                argv = ["-L"] + argv
            p = subprocess.run(["ip", "netns", "exec", r.r, "conntrack"] + argv,
                               capture_output=True, text=True, timeout=60)
            got[k] = (p.returncode, p.stdout, p.stderr)
    return got


def run_nfemu(nfemu, tmp, pcap, rules):
    state = os.path.join(tmp, "state")
    env = dict(os.environ, XTABLES_LOCKFILE=os.path.join(tmp, "lock"))

    def sh(argv):
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)

    p = sh([nfemu, "exec", "--state", state, "--", "iptables-legacy-restore", rules])
    if p.returncode:
        sys.exit("nfemu exec -- iptables-legacy-restore: %s%s" % (p.stdout, p.stderr))
    p = sh([nfemu, "replay", "--topology", TOPOLOGY, "--state", state, pcap])
    if p.returncode:
        sys.exit("nfemu replay: %s%s" % (p.stdout, p.stderr))
    got = {}
    for k, args in enumerate(FILTERS + DELETES):
        argv = shlex.split(args)
        if not argv or argv[0] not in ("-L", "-C", "-D", "-F"):
            argv = ["-L"] + argv
        p = sh([nfemu, "conntrack", "--state", state] + argv)
        got[k] = (p.returncode, p.stdout, p.stderr)
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfemu", required=True)
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    if not os.path.exists(a.nfemu):
        print("SKIP: no nfemu at " + a.nfemu)
        return SKIP
    tmp = tempfile.mkdtemp(prefix="nfemu-ctf-")
    try:
        pcap = os.path.join(tmp, "packets.pcapng")
        rules = os.path.join(tmp, "rules.v4")
        capture(pcap)
        with open(rules, "w") as f:
            f.write(RULES)
        kern = run_kernel(tmp, pcap, rules)
        emu = run_nfemu(a.nfemu, tmp, pcap, rules)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    bad = 0
    rows_seen = 0
    for k, args in enumerate(FILTERS + DELETES):
        krc, kout, kerr = kern[k]
        nrc, nout, nerr = emu[k]
        if argv_is_count(args):
            kout_n, nout_n = kout, nout
        else:
            kout_n, nout_n = norm_rows(kout), norm_rows(nout)
        rows_seen += kout_n.count("\n")
        same = (krc, kout_n, kerr) == (nrc, nout_n, nerr)
        if not same:
            bad += 1
            print("DIFF conntrack %s" % (args or "-L"))
            print("  kernel: exit %d\n%s%s" % (krc, indent(kout_n), indent(kerr)))
            print("  nfemu:  exit %d\n%s%s" % (nrc, indent(nout_n), indent(nerr)))
        elif a.verbose:
            print("same: conntrack %s (exit %d, %d rows)" % (args or "-L", krc, kout_n.count("\n")))
    n = len(FILTERS) + len(DELETES)
    if not kern[0][1].strip():
        print("FAIL: the kernel's table is empty: nothing was compared")
        return 1
    print("%d of %d conntrack invocations identical to conntrack-tools on Linux (%d rows)"
          % (n - bad, n, rows_seen))
    return 1 if bad else 0


def argv_is_count(args):
    return args.split()[:1] == ["-C"]


def indent(text):
    return "".join("    " + l + "\n" for l in text.splitlines())


if __name__ == "__main__":
    sys.exit(main())
