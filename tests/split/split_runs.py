#!/usr/bin/env python3
# Split runs (issue 8): one capture replayed in one run, and the same capture cut at random
# points into several runs on one state file, must give the same bytes: every TRACE/LOG line and
# fate line (packet numbers renumbered across the runs), the counters (iptables-legacy-save -c)
# and the conntrack table.  The ruleset exercises every extension that keeps state between
# packets: recent, hashlimit, limit, quota, connlimit, statistic nth (and random, which draws
# from the kernel's randomness), so what the state file keeps of them is what is checked.
# Usage: split_runs.py NFEMU [ROUNDS]
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "replay", "lib"))
import capgen as C  # noqa: E402

TOPOLOGY = os.path.join(HERE, "..", "replay", "cases", "common", "topology")
RULES = """*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -p tcp --dport 22 -m recent --name ssh --rcheck --seconds 60 --hitcount 3 -j LOG --log-prefix "ssh-flood "
-A FORWARD -p tcp --dport 22 -m recent --name ssh --update --seconds 60 --hitcount 3 -j DROP
-A FORWARD -p tcp --dport 22 -m recent --name ssh --set -j ACCEPT
-A FORWARD -p udp --dport 53 -m hashlimit --hashlimit-name dns --hashlimit-mode srcip --hashlimit-upto 6/min --hashlimit-burst 2 -j ACCEPT
-A FORWARD -p udp --dport 53 -j LOG --log-prefix "dns-over "
-A FORWARD -p icmp -m limit --limit 3/sec --limit-burst 4 -j ACCEPT
-A FORWARD -p tcp --dport 80 -m connlimit --connlimit-above 2 --connlimit-mask 32 -j REJECT --reject-with tcp-reset
-A FORWARD -p tcp --dport 80 -m quota --quota 1500 -j ACCEPT
-A FORWARD -p udp --dport 123 -m statistic --mode nth --every 3 --packet 1 -j ACCEPT
-A FORWARD -p udp --dport 514 -m statistic --mode random --probability 0.5 -j ACCEPT
COMMIT
"""

LAN_MAC, LAN_PEER = "02:00:00:00:01:01", "02:00:00:00:01:0a"


def packets(rng, n):
    """n frames from the LAN to the internet over n/10 seconds, mixing the rules' traffic."""
    out, t = [], 1_700_000_000 * 10**9
    open_http = []
    for i in range(n):
        t += rng.choice([10, 50, 200, 400, 1500]) * 10**6
        src = "192.0.2.10"      # the LAN host with a neighbour entry: no reply waits for ARP
        kind = rng.choice(["ssh", "dns", "icmp", "http", "httpack", "ntp", "syslog"])
        sport = 40000 + rng.randrange(50)
        if kind == "ssh":
            p = C.tcp(src, "203.0.113.5", sport, 22, ttl=64)
        elif kind == "dns":
            p = C.udp(src, "203.0.113.53", sport, 53)
        elif kind == "icmp":
            p = C.ping(src, "203.0.113.7", seq=i & 0xffff)
        elif kind == "http" or not open_http:
            p = C.tcp(src, "203.0.113.80", sport, 80)
            open_http.append((src, sport))
        elif kind == "httpack":
            s, sp = rng.choice(open_http)
            p = C.tcp(s, "203.0.113.80", sp, 80, flags=C.ACK, seq=1001, ack=1, payload=b"x" * 300)
        elif kind == "ntp":
            p = C.udp(src, "203.0.113.123", sport, 123)
        else:
            p = C.udp(src, "203.0.113.9", sport, 514)
        out.append((t, C.ether(LAN_MAC, LAN_PEER, p)))
    return out


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(C.pcap_bytes(C.LINKTYPE_ETHERNET, frames))


NUM = re.compile(r"#(\d+)")
TIME = re.compile(r" \+\d+\.\d+ ")


def run(nfemu, work, frames, cuts):
    """Replay frames through a fresh state, cut into runs at the given indexes; the trace with
    packet numbers made global, then the counters and the conntrack table."""
    state = os.path.join(work, "state")
    for f in os.listdir(work):
        os.unlink(os.path.join(work, f))
    subprocess.run([nfemu, "exec", "--state", state, "--", "iptables-legacy-restore"],
                   input=RULES, text=True, check=True)
    lines, base = [], 0
    bounds = [0] + sorted(cuts) + [len(frames)]
    for a, b in zip(bounds, bounds[1:]):
        cap = os.path.join(work, "part.pcap")
        write_pcap(cap, frames[a:b])
        r = subprocess.run([nfemu, "replay", "--topology", TOPOLOGY, "--state", state,
                            "--trace", "-", cap], capture_output=True, text=True)
        if r.returncode:
            sys.exit("replay failed (runs %s): %s" % (bounds, r.stderr))
        for line in r.stdout.splitlines():
            # packet numbers count from 1 and times from the first packet in each run
            line = NUM.sub(lambda m: "#%d" % (int(m.group(1)) + base), line)
            lines.append(TIME.sub(" ", line, count=1))
        base += b - a
    save = subprocess.run([nfemu, "exec", "--state", state, "--", "iptables-legacy-save", "-c"],
                          capture_output=True, text=True, check=True).stdout
    save = "\n".join(l for l in save.splitlines() if not l.startswith("#"))
    ct = subprocess.run([nfemu, "conntrack", "--state", state, "-L"], capture_output=True,
                        text=True).stdout
    return lines, save, ct


def main():
    nfemu = sys.argv[1]
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    work = tempfile.mkdtemp(prefix="nfemu-split.")
    try:
        rng = random.Random(8)
        frames = packets(rng, 400)
        one = run(nfemu, work, frames, [])
        text = "\n".join(one[0])
        # the capture must exercise what it claims to
        for want in ("ssh-flood ", "dns-over ", "DROP by filter:FORWARD:rule:3", "filter:FORWARD:rule:8",
                     "filter:FORWARD:policy:"):
            if want not in text:
                sys.exit("the capture never shows %r: the test would prove nothing" % want)
        for r in range(rounds):
            k = rng.randrange(1, 6)
            cuts = rng.sample(range(1, len(frames)), k)
            got = run(nfemu, work, frames, cuts)
            for what, a, b in zip(("trace", "counters", "conntrack"), one, got):
                if a != b:
                    al = a if isinstance(a, list) else a.splitlines()
                    bl = b if isinstance(b, list) else b.splitlines()
                    diff = [(i, x, y) for i, (x, y) in enumerate(zip(al, bl)) if x != y][:5]
                    sys.exit("round %d, runs cut at %s: the %s differs from one run:\n%s" %
                             (r, sorted(cuts), what, "\n".join("  one: %s\n  cut: %s" % (x, y)
                                                                 for _, x, y in diff)))
            print("ok round %d: cut at %s" % (r, sorted(cuts)))
        print("PASS: %d packets, %d split replays identical to one run" % (len(frames), rounds))
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
