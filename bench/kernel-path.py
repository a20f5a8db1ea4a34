#!/usr/bin/env python3
"""bench/kernel-path.py: what the real Linux kernel of this machine spends per packet on the path
`nfemu replay` emulates, next to nfemu's own cost and libpcap's read, all measured in one run.

A router network namespace is built from bench/topology (lan0/wan0 as veth devices, their
addresses, the 201 static neighbours, the default route, ip_forward=1; IPv6 off); the peers of
lan0 and wan0 live in an "outside" namespace.  build/kernel-inject, pinned to one CPU, sends the
frames of bench/gen-capture.py's capture that replay would inject (IPv4 frames to lan0's or
wan0's MAC, by the interface of that MAC: replay's ingress rule 4; ARP skipped) from the
outside namespace with sendmmsg on an AF_PACKET socket.  veth delivers each frame to the
router with netif_rx on the same CPU, and the softirq that processes it (ip_rcv, netfilter,
routing, ip_forward, the neighbour output) runs on return from the send in the sender's own
context, or
in that CPU's ksoftirqd: the CPU time measured is the sender process's plus ksoftirqd's
(precise per-task clocks, so other jobs on the machine are not counted), over the send loop
only.  What the router sends is dropped by a `blackhole` root qdisc on lan0 and wan0: the
router does everything up to the hand-over to the device (routing, netfilter, the neighbour's
header, dev_queue_xmit) and no driver transmits it, so nothing outside the router is counted.
One variant transmits through veth instead, to the outside peers, whose MACs are not the
destination: there each frame is dropped at the top of ip_rcv (PACKET_OTHERHOST).

Variants, alternating within each repetition, median of --reps, conntrack flushed and
counters zeroed before each run, one unmeasured warm-up run each:

  down        the router's lan0 and wan0 down: the peers have no carrier and each frame is
              dropped by the sender's qdisc -- the cost of sending alone (S);
  otherhost   every destination MAC rewritten to a foreign one: each frame crosses veth and is
              dropped at the top of the router's ip_rcv (what receiving costs before IP);
  norules-veth
              forwarding with no iptables table, out through veth to the outside peers
              (their /proc/net/dev shows what the router sent): the transmit's and the
              outside's share, by difference with norules;
  norules     forwarding with no iptables table ever touched in the namespace (no hooks);
  stateful    bench/stateful.v4 loaded by iptables-legacy-restore (raw, mangle, filter,
              conntrack with TCP window tracking);
  masquerade  stateful + `-t nat -A POSTROUTING -o wan0 -j MASQUERADE` (bench.py's variant).

The router's cost per frame = (total - S) / frames: from the frame entering lan0/wan0 (veth's
netif_rx, the backlog, ip_rcv ...) to its hand-over to the egress device's qdisc.

In the same run, between the kernel's variants of each repetition: one read by build/pcap-floor
(libpcap alone; the best of --reps is kept) and `nfemu replay --state S --topology
bench/topology CAPTURE` with no output for the same rulesets (CPU of the process, median of
--reps, its start-up on an empty capture subtracted), then the ratios.  --profile VARIANT,...
adds a `perf record -e cpu-clock` of one more run of each (3 passes) by symbol, its samples in
the send loop checked against the CPU clocks.  Needs root, `ip netns`, tc,
iptables-legacy-restore and conntrack; otherwise prints why and exits 0.  Manual (not a meson
test); the kernel's part (about 90 s for 100 MB) runs under flock /tmp/nfemu-kernel.lock.

  bench/kernel-path.py [--size-mb 100] [--reps 5] [--passes 1] [--cpu 1] [--dir DIR]
                       [--profile norules,stateful]
"""
import argparse
import fcntl
import json
import os
import re
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAN_MAC, WAN_MAC = "02:00:00:00:01:01", "02:00:00:00:02:01"
PEER_MAC = {"lan0": "02:00:00:00:0f:01", "wan0": "02:00:00:00:0f:02"}
MASQ = ("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
        ":POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o wan0 -j MASQUERADE\nCOMMIT\n")


def sh(cmd, stdin=None, env=None, check=True):
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, text=True)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return p.stdout


def skip(why):
    print("kernel-path: skipped: %s" % why)
    sys.exit(0)


def cpu_of(cmd, env=None):
    """CPU seconds (user + system) of cmd's process tree, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise RuntimeError("%s: exit %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), p.stdout


def softnet_dropped():
    with open("/proc/net/softnet_stat") as f:
        return sum(int(line.split()[1], 16) for line in f)


class Kernel:
    """The router and outside namespaces of one variant."""

    def __init__(self, name, rules, tag):
        self.name = name
        self.rules = rules
        self.r = "nfk-r-%s-%s" % (name, tag)
        self.o = "nfk-o-%s-%s" % (name, tag)

    def nsx(self, ns, *cmd, **kw):
        return sh(["ip", "netns", "exec", ns] + list(cmd), **kw)

    def setup(self, topology, env):
        for ns in (self.r, self.o):
            sh(["ip", "netns", "add", ns])
            self.nsx(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                     "net.ipv6.conf.default.disable_ipv6=1")
        batch, sysctls = [], []
        with open(topology) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                m = re.match(r"ip link add (\S+) address (\S+) type veth$", line)
                if m:
                    dev = m.group(1)
                    sh(["ip", "-n", self.r, "link", "add", dev, "address", m.group(2), "type",
                        "veth", "peer", "name", dev + "p", "address", PEER_MAC[dev], "netns",
                        self.o])
                elif line.startswith("ip "):
                    batch.append(line[3:])
                elif line.startswith("sysctl -w "):
                    sysctls.append(line.split()[2])
                elif line:
                    raise RuntimeError("topology line not understood: %s" % line)
        sh(["ip", "-n", self.r, "-batch", "-"], stdin="\n".join(batch) + "\n")
        for s in sysctls:
            self.nsx(self.r, "sysctl", "-qw", s)
        sh(["ip", "-n", self.o, "-batch", "-"],
           stdin="link set lo up\nlink set lan0p up\nlink set wan0p up\n")
        if self.rules:
            self.nsx(self.r, "iptables-legacy-restore", stdin=self.rules, env=env)
        if self.name == "down":
            sh(["ip", "-n", self.r, "-batch", "-"], stdin="link set lan0 down\n"
               "link set wan0 down\n")
        elif self.name not in ("otherhost", "norules-veth"):
            for dev in ("lan0", "wan0"):
                self.nsx(self.r, "tc", "qdisc", "add", "dev", dev, "root", "blackhole")
        time.sleep(1.5)         # linkwatch: the carrier (and the qdisc) follows within a second

    def delete(self):
        for ns in (self.r, self.o):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)

    def dev(self, ns):
        """/proc/net/dev of ns: {iface: (rx_packets, rx_dropped, tx_packets, tx_dropped)}."""
        out = {}
        for line in self.nsx(ns, "cat", "/proc/net/dev").splitlines()[2:]:
            name, v = line.split(":", 1)
            v = [int(x) for x in v.split()]
            out[name.strip()] = (v[1], v[3], v[9], v[11])
        return out

    def snmp(self, key):
        lines = [l.split() for l in self.nsx(self.r, "cat", "/proc/net/snmp").splitlines()
                 if l.startswith("Icmp:")]
        return int(lines[1][lines[0].index(key)])

    def blackholed(self):
        """{dev: packets the blackhole qdisc dropped}"""
        out = {}
        for dev in ("lan0", "wan0"):
            m = re.search(r"dropped (\d+)", self.nsx(self.r, "tc", "-s", "qdisc", "show", "dev",
                                                     dev))
            out[dev] = int(m.group(1)) if m else 0
        return out

    def forward_chain(self, env):
        """Packets accepted and dropped by FORWARD, its user chains and its policy."""
        acc = drop = pol = 0
        chain = None
        for l in self.nsx(self.r, "iptables-legacy", "-L", "-v", "-x", "-n",
                          env=env).splitlines():
            f = l.split()
            if l.startswith("Chain "):
                chain = f[1]
                if chain == "FORWARD":
                    pol = int(re.search(r"policy \S+ (\d+) packets", l).group(1))
            elif chain in ("FORWARD", "blocklist", "lan_out") and len(f) > 2 and f[0].isdigit():
                if f[2] == "ACCEPT":
                    acc += int(f[0])
                elif f[2] == "DROP":
                    drop += int(f[0])
        return "FORWARD and its chains: %d accepted by a rule, %d dropped by a rule, %d by the " \
            "policy" % (acc, drop, pol)

    def conntrack_count(self):
        return int(self.nsx(self.r, "conntrack", "-C").strip() or 0)

    def inject_cmd(self, a, cap, ksoftirqd, passes=None):
        cmd = ["ip", "netns", "exec", self.o, "taskset", "-c", str(a.cpu), a.inject, cap,
               LAN_MAC, WAN_MAC, "lan0p", "wan0p", str(passes or a.passes), str(ksoftirqd)]
        if self.name == "otherhost":
            cmd.append("otherhost")
        return cmd

    def profile(self, a, cap, ksoftirqd, top=30):
        """One more run under `perf record -e cpu-clock` of the sender's CPU: where it went."""
        if self.rules:
            self.nsx(self.r, "conntrack", "-F", check=False)
        data = os.path.join(a.dir, "perf-%s.data" % self.name)
        period = 50000          # ns of CPU per sample
        out = sh(["perf", "record", "-q", "-e", "cpu-clock", "-c", str(period), "-k",
                  "monotonic", "-C", str(a.cpu), "-o", data, "--"] +
                 self.inject_cmd(a, cap, ksoftirqd, passes=3)).split()
        res = dict(zip(out[0::2], (int(x) for x in out[1::2])))
        # the samples of the send loop, by task: a check of the CPU clocks the runs read
        ours = others = 0
        ourcomms = ("kernel-inject", "ksoftirqd/%d" % a.cpu)
        for line in sh(["perf", "script", "-i", data, "-F", "comm,time"]).splitlines():
            f = line.rsplit(None, 1)
            if len(f) != 2:
                continue
            t = float(f[1].rstrip(":")) * 1e9
            if res["t0_ns"] <= t <= res["t1_ns"]:
                if f[0].strip() in ourcomms:
                    ours += 1
                else:
                    others += 1
        rep = sh(["perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "sym",
                  "--comms", "kernel-inject,ksoftirqd/%d" % a.cpu, "--percentage", "relative"],
                 check=False)
        rows = [l.split(None, 2) for l in rep.splitlines()
                if l.strip() and not l.startswith("#")]
        rows = [(float(r[0].rstrip("%")), r[2]) for r in rows if len(r) == 3]
        thunks = sum(p for p, sym in rows if re.search(r"thunk|srso|retpoline|untrain", sym))
        print("\n== perf record -e cpu-clock (3 passes), variant %s: the sender's and "
              "ksoftirqd's samples by symbol, top %d (return/indirect thunks: %.1f%%)" %
              (self.name, top, thunks))
        for i in range(0, min(top, len(rows)), 3):
            print("  " + "  ".join("%5.1f%% %-28s" % r for r in rows[i:i + 3]))
        print("  (the symbols include the sender's read of the capture before its loop.)  In the "
              "loop: %d samples of %d us in the sender and ksoftirqd = %.3f s, their CPU clocks "
              "say %.3f s; %d samples (%.0f%%) of other tasks on CPU %d" %
              (ours, period // 1000, ours * period / 1e9,
               (res["cpu_ns"] + res["ksoftirqd_ns"]) / 1e9, others,
               100.0 * others / max(1, ours + others), a.cpu))

    def run(self, a, cap, ksoftirqd):
        if self.rules:
            self.nsx(self.r, "conntrack", "-F", check=False)
            self.nsx(self.r, "iptables-legacy", "-Z", env=a.env)
        r0, o0, bh0 = self.dev(self.r), self.dev(self.o), self.blackholed()
        echo0 = self.snmp("OutEchoReps")
        sd0 = softnet_dropped()
        out = sh(self.inject_cmd(a, cap, ksoftirqd)).split()
        res = dict(zip(out[0::2], (int(x) for x in out[1::2])))
        r1, o1, bh1 = self.dev(self.r), self.dev(self.o), self.blackholed()
        hz = os.sysconf("SC_CLK_TCK")
        res.update(
            total_ns=res["cpu_ns"] + res["ksoftirqd_ns"],
            stat_ns=res["cpu_busy_ticks"] * 1e9 / hz, steal_ns=res["steal_ticks"] * 1e9 / hz,
            softnet_dropped=softnet_dropped() - sd0,
            echo_replies=self.snmp("OutEchoReps") - echo0,
            rx={d: r1[d][0] - r0[d][0] for d in ("lan0", "wan0")},
            tx={d: r1[d][2] - r0[d][2] + bh1[d] - bh0[d] for d in ("lan0", "wan0")},
            tx_dropped={d: r1[d][3] - r0[d][3] for d in ("lan0", "wan0")},
            peer_rx={d: o1[d + "p"][0] - o0[d + "p"][0] for d in ("lan0", "wan0")},
            conntrack=self.conntrack_count() if self.rules else 0)
        if self.rules:
            res["forward_chain"] = self.forward_chain(a.env)
        return res


def ksoftirqd_pid(cpu):
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/comm" % pid) as f:
                    if f.read().strip() == "ksoftirqd/%d" % cpu:
                        return int(pid)
            except OSError:
                pass
    return 0


def nfemu_state(a, name, text):
    st = os.path.join(a.dir, "state-%s" % name)
    if os.path.exists(st):
        os.unlink(st)
    p = subprocess.run([a.nfemu, "--state", st, "exec", "--", "iptables-legacy-restore"],
                       input=text, text=True, env=a.env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit("kernel-path: nfemu restore of %s failed: %s" % (name, p.stderr.strip()))
    return st


def nfemu_replay(a, source, cap):
    """CPU seconds of one replay; source is ("--state", file) (copied) or ("--rules", file)."""
    opt, path = source
    if opt == "--state":
        work = os.path.join(a.dir, "replay.state")
        shutil.copyfile(path, work)
        path = work
    return cpu_of([a.nfemu, "replay", "--topology", a.topology, opt, path, cap], env=a.env)


def check_ingress(a):
    """replay's ingress for a small capture of the same mix == kernel-inject's split."""
    small = os.path.join(a.dir, "small.pcap")
    if not os.path.exists(small):
        sh([sys.executable, os.path.join(ROOT, "bench", "gen-capture.py"), "--size-mb", "1",
            "--out", small])
    st = nfemu_state(a, "check", a.rulesets["stateful"])
    shutil.copyfile(st, os.path.join(a.dir, "replay.state"))
    out = sh([a.nfemu, "replay", "--topology", a.topology, "--state",
              os.path.join(a.dir, "replay.state"), "--jsonl", "-", small], env=a.env)
    by = {}
    skipped = 0
    for line in out.splitlines():
        e = json.loads(line)
        if e["event"] == "packet":
            key = (e["ingress"], e["ingress_by"])
            by[key] = by.get(key, 0) + 1
        elif e["event"] == "skipped":
            skipped += 1
    k = sh([a.inject, "--count", small, LAN_MAC, WAN_MAC]).split()
    k = dict(zip(k[0::2], (int(x) for x in k[1::2])))
    want = {("lan0", "mac"): k["lan"], ("wan0", "mac"): k["wan"]}
    ok = by == want and skipped == k["skipped"]
    print("ingress check (1 MB capture): replay --jsonl %s, %d skipped; kernel-inject lan0 %d, "
          "wan0 %d, %d skipped: %s" % (by, skipped, k["lan"], k["wan"], k["skipped"],
                                       "same" if ok else "DIFFERENT"))
    if not ok:
        sys.exit("kernel-path: kernel-inject would not inject what replay injects")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=int, default=100)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--passes", type=int, default=1, help="times the capture is sent per run")
    ap.add_argument("--cpu", type=int, default=1, help="CPU the sender is pinned to")
    ap.add_argument("--dir", default=os.environ.get("BENCH_DIR", "/tmp/nfemu-kpath"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--lock", default="/tmp/nfemu-kernel.lock")
    ap.add_argument("--profile", default="", help="variant to profile with perf record after "
                    "the measured runs (e.g. stateful)")
    a = ap.parse_args()
    if os.geteuid() != 0:
        skip("needs root (network namespaces, iptables-legacy)")
    for tool in ("ip", "iptables-legacy-restore", "conntrack", "taskset", "tc") + \
            (("perf",) if a.profile else ()):
        if not shutil.which(tool):
            skip("%s not found" % tool)
    a.nfemu = os.path.join(a.build, "nfemu")
    a.floor = os.path.join(a.build, "pcap-floor")
    a.inject = os.path.join(a.build, "kernel-inject")
    for f in (a.nfemu, a.floor, a.inject):
        if not os.access(f, os.X_OK):
            sys.exit("kernel-path: %s is not built (ninja -C %s)" % (f, a.build))
    probe = "nfk-probe-%d" % os.getpid()
    if subprocess.run(["ip", "netns", "add", probe], stderr=subprocess.DEVNULL).returncode:
        skip("`ip netns add` failed")
    subprocess.run(["ip", "netns", "del", probe])
    os.makedirs(a.dir, exist_ok=True)
    a.env = dict(os.environ, XTABLES_LOCKFILE=os.path.join(a.dir, "xtables.lock"))
    a.topology = os.path.join(ROOT, "bench", "topology")
    with open(os.path.join(ROOT, "bench", "stateful.v4")) as f:
        stateful = f.read()
    a.rulesets = {"stateful": stateful, "masquerade": MASQ + stateful}

    with open("/proc/cpuinfo") as f:
        model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("kernel-path: %s, %d CPUs, Linux %s, load %.2f at start; %s" %
          (model, os.cpu_count(), os.uname().release, os.getloadavg()[0],
           time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    cap = os.path.join(a.dir, "capture-%dM.pcap" % a.size_mb)
    if not os.path.exists(cap):
        sh([sys.executable, os.path.join(ROOT, "bench", "gen-capture.py"), "--size-mb",
            str(a.size_mb), "--out", cap])
    empty = os.path.join(a.dir, "empty.pcap")
    with open(empty, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    check_ingress(a)

    # ---------------------------------------------------------------- libpcap and nfemu
    norules = os.path.join(a.dir, "empty.v4")
    open(norules, "w").close()
    sources = {"norules": ("--rules", norules)}
    for name, text in a.rulesets.items():
        sources[name] = ("--state", nfemu_state(a, name, text))
    ncpu, summaries, floors = {}, {}, []

    def user_space():
        """One read by libpcap and one replay per ruleset: run between the kernel's variants,
        so a burst of load from other jobs hits both sides alike."""
        fl = sh([a.floor, cap, "1"]).split()
        floors.append((int(fl[0]), float(fl[2])))
        for name, src in sources.items():
            c, out = nfemu_replay(a, src, cap)
            if src[0] == "--state":
                out += "  conntrack entries at the end %s" % sh(
                    [a.nfemu, "conntrack", "-C", "--state", os.path.join(a.dir, "replay.state")])
            c0, _ = nfemu_replay(a, src, empty)
            ncpu.setdefault(name, []).append(c - c0)
            summaries[name] = out

    # ---------------------------------------------------------------- the real kernel
    tag = str(os.getpid())
    variants = [Kernel("down", None, tag), Kernel("otherhost", None, tag),
                Kernel("norules-veth", None, tag), Kernel("norules", None, tag)] + \
        [Kernel(n, t, tag) for n, t in a.rulesets.items()]
    ksoft = ksoftirqd_pid(a.cpu)
    runs = {}
    with open(a.lock, "a") as lockf:
        fcntl.flock(lockf, fcntl.LOCK_EX)
        t0 = time.monotonic()
        try:
            for v in variants:
                v.setup(a.topology, a.env)
            for v in variants:
                v.run(a, cap, ksoft)                # warm-up
            for _ in range(a.reps):
                for i, v in enumerate(variants):
                    runs.setdefault(v.name, []).append(v.run(a, cap, ksoft))
                    if i == len(variants) // 2:
                        user_space()
            for v in variants:
                if v.name in a.profile.split(","):
                    v.profile(a, cap, ksoft)
        finally:
            for v in variants:
                v.delete()
            fcntl.flock(lockf, fcntl.LOCK_UN)
        held = time.monotonic() - t0

    # ---------------------------------------------------------------- report
    pkts = floors[0][0]
    floor_ns = min(f[1] for f in floors) * 1e9 / pkts
    nfemu_ns = {n: statistics.median(v) * 1e9 / pkts for n, v in ncpu.items()}
    def med(name, key):
        return statistics.median(r[key] for r in runs[name])

    frames = runs["down"][0]["frames"]
    print("capture: %s, %d packets (%d MB); %d IPv4 frames injected per run (%d to lan0, %d to "
          "wan0), %d skipped; %d run(s) per variant, median; kernel lock held %.0f s" %
          (os.path.basename(cap), pkts, a.size_mb, frames, runs["down"][0]["lan"],
           runs["down"][0]["wan"], runs["down"][0]["skipped"] * a.passes, a.reps, held))
    print("\n== the real kernel (sender pinned to CPU %d; CPU = sender + ksoftirqd/%d)" %
          (a.cpu, a.cpu))
    print("%-13s %8s %6s %6s %8s %8s %9s %7s %7s %7s %7s %6s %5s %5s" %
          ("variant", "ns/frame", "best", "spread", "wall", "CPU busy", "ksoftirqd", "rx", "tx lan0",
           "tx wan0", "peer rx", "echo", "ct", "drops"))
    for v in variants:
        rs = runs[v.name]
        last = rs[-1]
        tot = [r["total_ns"] for r in rs]
        print("%-13s %8.0f %6.0f %5.0f%% %8.0f %8.0f %8.1f%% %7d %7d %7d %7d %6d %5d %5d" %
              (v.name, med(v.name, "total_ns") / frames, min(tot) / frames,
               100.0 * (max(tot) - min(tot)) / statistics.median(tot),
               med(v.name, "wall_ns") / frames,
               med(v.name, "stat_ns") / frames,
               100.0 * med(v.name, "ksoftirqd_ns") / med(v.name, "total_ns"),
               sum(last["rx"].values()), last["tx"]["lan0"], last["tx"]["wan0"],
               sum(last["peer_rx"].values()), last["echo_replies"], last["conntrack"],
               last["softnet_dropped"] + sum(last["tx_dropped"].values()) + last["errors"]))
    print("(ns/frame: CPU time of the sender and ksoftirqd, median; best: the lowest; spread: (max - min) / median "
          "of the runs; wall: the send loop's; CPU busy: "
          "/proc/stat's busy time of CPU %d over the loop, other jobs' included; rx, tx, peer rx, "
          "echo replies, conntrack entries and drops (backlog, tx, send errors) of the last run)"
          % a.cpu)
    for v in variants:
        if "forward_chain" in runs[v.name][-1]:
            print("  %-13s %s" % (v.name, runs[v.name][-1]["forward_chain"]))
    s = med("down", "total_ns") / frames
    rx = med("otherhost", "total_ns") / frames - s
    router = {n: med(n, "total_ns") / frames - s for n in ["norules"] + list(a.rulesets)}
    outv = statistics.median(sum(r["tx"].values()) for r in runs["norules-veth"])
    veth = (med("norules-veth", "total_ns") - med("norules", "total_ns")) / outv
    print("S, sending alone: %.0f ns/frame; receiving up to ip_rcv (otherhost - down): %.0f ns; "
          "transmitting by veth and the outside's drop (norules-veth - norules): %.0f ns per "
          "frame sent" % (s, rx, veth))
    for n in ["norules"] + list(a.rulesets):
        print("%-11s the router, per frame: %5.0f ns in all; %5.0f ns from ip_rcv on (- otherhost);"
              " %5.0f ns more than norules" % (n, router[n], router[n] - rx,
                                               router[n] - router["norules"]))
    steal = sum(r["steal_ns"] for rs in runs.values() for r in rs)
    busy = sum(r["total_ns"] for rs in runs.values() for r in rs)
    print("steal time on CPU %d during the kernel runs: %.1f%% of the measured CPU time" %
          (a.cpu, 100.0 * steal / busy))

    print("\n== per packet, this run (ns of CPU)")
    print("nfemu replay, per packet (CPU of the process less its start-up), median of %d, and "
          "spread: %s" % (a.reps, ", ".join(
              "%s %.0f ns (best %.0f, spread %.0f%%)" % (
                  n, nfemu_ns[n], min(v) * 1e9 / pkts,
                  100.0 * (max(v) - min(v)) / statistics.median(v)) for n, v in ncpu.items())))
    print("libpcap's read alone (build/pcap-floor, best of %d): %.0f ns per packet; 40 %% of its "
          "rate allows %.0f ns per packet in all, %.0f ns beyond the read" %
          (a.reps, floor_ns, floor_ns / 0.4, floor_ns / 0.4 - floor_ns))
    print("%-11s %9s %11s %10s %11s %9s %11s %11s" %
          ("ruleset", "Linux", "Linux>ip_rcv", "nfemu", "nfemu-read", "nfemu", "Linux+read",
           "Linux>ip_rcv"))
    print("%-11s %9s %11s %10s %11s %9s %11s %11s" %
          ("", "", "", "", "", "ratio", "ratio", "+read ratio"))
    for name in ["norules"] + list(a.rulesets):
        lin = router[name] * frames / pkts     # per capture packet, as nfemu's figure
        lip = (router[name] - rx) * frames / pkts
        print("%-11s %6.0f ns %8.0f ns %7.0f ns %8.0f ns %8.1f%% %10.1f%% %10.1f%%" %
              (name, lin, lip, nfemu_ns[name], nfemu_ns[name] - floor_ns,
               100.0 * floor_ns / nfemu_ns[name], 100.0 * floor_ns / (floor_ns + lin),
               100.0 * floor_ns / (floor_ns + lip)))
    print("(per capture packet.  Linux: the router's cost, (total - S) / packets; Linux>ip_rcv: "
          "without the receive up to ip_rcv; nfemu: replay's CPU, start-up subtracted; "
          "nfemu-read: less libpcap's read; ratios: libpcap's rate / replay's, and what a replay "
          "would reach whose packet path cost what Linux's does, on top of libpcap's read)")
    for name in ("norules", "stateful", "masquerade"):
        print("nfemu %s: %s" % (name, " | ".join(l.strip() for l in summaries[name].splitlines()
                                              if l.startswith("  ") and
                                              ("forwarded" in l or "generated" in l or
                                               "conntrack" in l))))


if __name__ == "__main__":
    main()
