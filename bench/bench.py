#!/usr/bin/env python3
"""bench/bench.py: nfemu's performance figures, measured in one run on one machine.

Every figure is a ratio or a per-unit cost measured in this run, so another machine (or a busy
one) changes the absolute numbers but not what they say:

  1. replay against the floor: libpcap alone reading the capture (build/pcap-floor, best of
     --reps) and `nfemu replay` of the same capture with no output, --trace to a file,
     --jsonl to a file and --egress to a directory, through the stateless (bench/rules.v4),
     stateful (bench/stateful.v4) and MASQUERADE (stateful + -t nat -A POSTROUTING -o wan0
     -j MASQUERADE) rulesets: CPU seconds (user + system, this process and its children),
     packets per CPU second, the ratio floor/replay, peak RSS.  The replays start from a state
     file holding the ruleset (loaded once by the real iptables-legacy-restore), so what is
     measured is the packets, not the restore.
  2. the cost of one rule: the capture through FORWARD chains of 0, 1,000 and 10,000 rules
     that do not match, policy ACCEPT: (cpu(N) - cpu(0)) / (packets through FORWARD x N).
  3. conntrack memory: peak RSS of a replay of --flows distinct UDP flows (the table full at
     nf_conntrack_max) minus that of a replay of 1,000 flows, per entry at the end.
  4. sockopt commands: `iptables-legacy -A` and `-L -n` on a 20,000-rule table through
     `nfemu exec` and against the real kernel in a network namespace (root and `ip netns`
     needed; skipped with a message otherwise), and the same nfemu commands on a state that
     also holds the full conntrack table of 3.

Timings are medians of --reps runs, the variants of one measurement alternating within each
repetition so a burst of load hits them alike.  Inputs are generated once into --dir.

What the real kernel spends per packet on the path of 1 (same capture, same rulesets, in a
network namespace): bench/kernel-path.py, a separate manual benchmark (docs/performance.md).

  bench/bench.py [--size-mb 256] [--reps 5] [--flows 400000] [--dir /tmp/nfemu-bench]
                 [--skip replay,rules,conntrack,sockopt]
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, stdin=None, stdout=subprocess.DEVNULL, env=None, check=True):
    """Run cmd; return (CPU seconds of its process tree, wall seconds, peak RSS in KiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if check and p.returncode != 0:
        sys.exit("bench: %s failed (exit %d): %s" % (" ".join(cmd), p.returncode,
                                                     p.stderr.decode(errors="replace").strip()))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: measure RSS with /usr/bin/time
    return cpu, wall, p


def copy_state(src, dst):
    """Copy a state file with its conntrack file, if it has one (STATE.ct-ID, docs/state-file.md)."""
    shutil.copyfile(src, dst)
    d, base = os.path.split(src)
    for name in os.listdir(d or "."):
        if name.startswith(base + ".ct-"):
            shutil.copyfile(os.path.join(d, name), dst + name[len(base):])


def peak_rss_kb(cmd, env=None):
    with tempfile.NamedTemporaryFile("r") as t:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", t.name] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if p.returncode != 0:
            sys.exit("bench: %s failed: %s" % (" ".join(cmd), p.stderr.decode(errors="replace")))
        return int(t.read().split()[-1])


class Bench:
    def __init__(self, args):
        self.a = args
        self.dir = args.dir
        os.makedirs(self.dir, exist_ok=True)
        self.nfemu = os.path.join(args.build, "nfemu")
        self.floor_tool = os.path.join(args.build, "pcap-floor")
        for f in (self.nfemu, self.floor_tool):
            if not os.access(f, os.X_OK):
                sys.exit("bench: %s is not built (ninja -C %s)" % (f, args.build))
        self.env = dict(os.environ, XTABLES_LOCKFILE=os.path.join(self.dir, "xtables.lock"))
        self.topology = os.path.join(ROOT, "bench", "topology")

    # ------------------------------------------------------------------ inputs
    def path(self, name):
        return os.path.join(self.dir, name)

    def capture(self, mb):
        cap = self.path("capture-%dM.pcap" % mb)
        if not os.path.exists(cap):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-capture.py"),
                            "--size-mb", str(mb), "--out", cap], check=True,
                           stdout=subprocess.DEVNULL)
        return cap

    def state_of(self, name, rules_text):
        """A state file holding rules_text (loaded by the real iptables-legacy-restore)."""
        st = self.path("state-%s" % name)
        v4 = self.path("rules-%s.v4" % name)
        with open(v4, "w") as f:
            f.write(rules_text)
        if os.path.exists(st):
            os.unlink(st)
        with open(v4) as f:
            run([self.nfemu, "--state", st, "exec", "--", "iptables-legacy-restore"], stdin=f,
                env=self.env)
        return st

    def replay(self, state, cap, extra, out=None):
        """Replay cap from a copy of state; return (cpu, summary text)."""
        work = self.path("replay.state")
        shutil.copyfile(state, work)
        cpu, _, p = run([self.nfemu, "replay", "--topology", self.topology, "--state", work]
                        + extra + [cap], stdout=subprocess.PIPE, env=self.env)
        return cpu, p.stdout.decode()

    @staticmethod
    def packets(summary):
        for line in summary.splitlines():
            if line.startswith("nfemu replay: "):
                return int(line.split()[2])
        sys.exit("bench: no packet count in the replay summary")

    @staticmethod
    def summary_count(summary, label):
        for line in summary.splitlines():
            s = line.strip()
            if s.startswith(label):
                return int(s[len(label):].split(":")[0].split()[0])
        return 0

    # ------------------------------------------------------------------ 1. replay vs floor
    def floor(self, cap):
        out = subprocess.run([self.floor_tool, cap, str(self.a.reps)], check=True,
                             stdout=subprocess.PIPE).stdout.split()
        return int(out[0]), float(out[2])

    def bench_replay(self):
        cap = self.capture(self.a.size_mb)
        pkts, floor_cpu = self.floor(cap)
        print("== replay against libpcap's read rate: %s (%d packets, %d MB)" %
              (os.path.basename(cap), pkts, self.a.size_mb))
        print("libpcap alone (pcap_next_ex, best of %d): %.3f CPU-s, %.0f packets/CPU-s" %
              (self.a.reps, floor_cpu, pkts / floor_cpu))
        with open(os.path.join(ROOT, "bench", "rules.v4")) as f:
            stateless = f.read()
        with open(os.path.join(ROOT, "bench", "stateful.v4")) as f:
            stateful = f.read()
        masq = ("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                ":POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o wan0 -j MASQUERADE\nCOMMIT\n"
                + stateful)
        rulesets = [("stateless", self.state_of("stateless", stateless)),
                    ("stateful", self.state_of("stateful", stateful)),
                    ("masquerade", self.state_of("masquerade", masq))]
        egress = self.path("egress")
        modes = [("no output", []),
                 ("--trace FILE", ["--trace", self.path("trace.out")]),
                 ("--jsonl FILE", ["--jsonl", self.path("events.jsonl")]),
                 ("--egress DIR", ["--egress", egress])]
        cpu = {}
        for _ in range(self.a.reps):
            for rname, st in rulesets:
                for mname, extra in modes:
                    if mname.startswith("--egress"):
                        shutil.rmtree(egress, ignore_errors=True)
                        os.makedirs(egress)
                    c, summary = self.replay(st, cap, extra)
                    if self.packets(summary) != pkts:
                        sys.exit("bench: replay read %d packets, libpcap %d" %
                                 (self.packets(summary), pkts))
                    cpu.setdefault((rname, mname), []).append(c)
        print("%-11s %-13s %10s %14s %8s %10s" % ("ruleset", "output", "CPU-s", "packets/CPU-s",
                                                  "ratio", "peak RSS"))
        for rname, st in rulesets:
            for mname, extra in modes:
                c = statistics.median(cpu[(rname, mname)])
                work = self.path("replay.state")
                shutil.copyfile(st, work)
                if mname.startswith("--egress"):
                    shutil.rmtree(egress, ignore_errors=True)
                    os.makedirs(egress)
                rss = peak_rss_kb([self.nfemu, "replay", "--topology", self.topology,
                                   "--state", work] + extra + [cap], env=self.env)
                print("%-11s %-13s %10.3f %14.0f %7.1f%% %7.1f MB" %
                      (rname, mname, c, pkts / c, 100.0 * floor_cpu / c, rss / 1024))
        for f in ("trace.out", "events.jsonl"):
            if os.path.exists(self.path(f)):
                os.unlink(self.path(f))
        shutil.rmtree(egress, ignore_errors=True)
        # flat in capture size: the same replay on a quarter of the capture
        small = self.capture(max(1, self.a.size_mb // 4))
        work = self.path("replay.state")
        shutil.copyfile(rulesets[1][1], work)
        rss_small = peak_rss_kb([self.nfemu, "replay", "--topology", self.topology, "--state",
                                 work, small], env=self.env)
        shutil.copyfile(rulesets[1][1], work)
        rss_big = peak_rss_kb([self.nfemu, "replay", "--topology", self.topology, "--state",
                               work, cap], env=self.env)
        print("peak RSS, stateful, no output: %.1f MB for %d MB of capture, %.1f MB for %d MB" %
              (rss_small / 1024, max(1, self.a.size_mb // 4), rss_big / 1024, self.a.size_mb))

    # ------------------------------------------------------------------ 2. per rule
    def chain_of(self, n):
        lines = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]",
                 ":OUTPUT ACCEPT [0:0]"]
        for i in range(n):
            lines.append("-A FORWARD -s 10.%d.%d.%d/32 -j DROP" %
                         (i >> 16 & 255, i >> 8 & 255, i & 255))
        lines.append("COMMIT")
        return "\n".join(lines) + "\n"

    def bench_rules(self):
        cap = self.capture(self.a.rules_mb)
        sizes = [0, 1000, 10000]
        states = {n: self.state_of("chain-%d" % n, self.chain_of(n)) for n in sizes}
        cpu = {n: [] for n in sizes}
        forwarded = None
        for _ in range(self.a.reps):
            for n in sizes:
                c, summary = self.replay(states[n], cap, [])
                cpu[n].append(c)
                forwarded = self.summary_count(summary, "forwarded, by interface")
        print("== one rule: %s through FORWARD chains of non-matching rules "
              "(%d packets cross FORWARD)" % (os.path.basename(cap), forwarded))
        base = statistics.median(cpu[0])
        print("%7s %10s %16s" % ("rules", "CPU-s", "ns per rule"))
        for n in sizes:
            c = statistics.median(cpu[n])
            per = (c - base) / (forwarded * n) * 1e9 if n and forwarded else 0
            print("%7d %10.3f %16s" % (n, c, "%.2f" % per if n else "-"))

    # ------------------------------------------------------------------ 3. conntrack memory
    def flows_capture(self, n):
        cap = self.path("flows-%d.pcap" % n)
        if not os.path.exists(cap):
            subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen-flows.py"),
                            "--flows", str(n), "--out", cap], check=True,
                           stdout=subprocess.DEVNULL)
        return cap

    CT_RULES = ("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
                "-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
                "-A FORWARD -i lan0 -m conntrack --ctstate NEW -j ACCEPT\nCOMMIT\n")

    def bench_conntrack(self):
        st = self.state_of("conntrack", self.CT_RULES)
        rss = {}
        count = {}
        for n in (1000, self.a.flows):
            cap = self.flows_capture(n)
            work = self.path("ct-%d.state" % n)
            shutil.copyfile(st, work)
            rss[n] = peak_rss_kb([self.nfemu, "replay", "--topology", self.topology,
                                  "--state", work, cap], env=self.env)
            count[n] = int(subprocess.run([self.nfemu, "conntrack", "-C", "--state", work],
                                          check=True, stdout=subprocess.PIPE).stdout)
        self.full_ct_state = self.path("ct-%d.state" % self.a.flows)
        per = (rss[self.a.flows] - rss[1000]) * 1024 / max(1, count[self.a.flows] - count[1000])
        print("== conntrack memory: %d flows -> %d entries, peak RSS %.1f MB; 1,000 flows -> "
              "%d entries, %.1f MB: %.0f bytes per entry" %
              (self.a.flows, count[self.a.flows], rss[self.a.flows] / 1024, count[1000],
               rss[1000] / 1024, per))

    # ------------------------------------------------------------------ 4. sockopt
    def big_ruleset(self, n=20000):
        lines = ["*filter", ":INPUT ACCEPT [0:0]", ":FORWARD ACCEPT [0:0]",
                 ":OUTPUT ACCEPT [0:0]"]
        for i in range(n):
            lines.append("-A FORWARD -s 10.%d.%d.0/24 -p tcp -m tcp --dport %d -j ACCEPT" %
                         (i >> 8 & 255, i & 255, 1 + i % 65000))
        lines.append("COMMIT")
        return "\n".join(lines) + "\n"

    def timed(self, cmd, stdin_path=None):
        f = open(stdin_path) if stdin_path else None
        try:
            _, wall, _ = run(cmd, stdin=f, env=self.env)
        finally:
            if f:
                f.close()
        return wall

    def bench_sockopt(self):
        text = self.big_ruleset()
        st = self.state_of("20k", text)
        v4 = self.path("rules-20k.v4")
        add = ["iptables-legacy", "-A", "FORWARD", "-s", "192.0.2.99", "-j", "DROP"]
        delete = ["iptables-legacy", "-D", "FORWARD", "-s", "192.0.2.99", "-j", "DROP"]
        lst = ["iptables-legacy", "-L", "-n"]
        states = [("20k rules", st)]
        ct = getattr(self, "full_ct_state", None)
        if ct:
            # the 20k rules added to the state holding the full conntrack table
            ct20 = self.path("ct-20k.state")
            copy_state(ct, ct20)
            with open(v4) as f:
                run([self.nfemu, "--state", ct20, "exec", "--", "iptables-legacy-restore"],
                    stdin=f, env=self.env)
            n = int(subprocess.run([self.nfemu, "conntrack", "-C", "--state", ct20], check=True,
                                   stdout=subprocess.PIPE).stdout)
            states.append(("20k rules + %d conntrack entries" % n, ct20))
        netns = None
        if os.geteuid() == 0 and shutil.which("ip") and shutil.which("iptables-legacy-restore"):
            netns = "nfemu-bench-%d" % os.getpid()
            if subprocess.run(["ip", "netns", "add", netns]).returncode != 0:
                netns = None
        try:
            if netns:
                with open(v4) as f:
                    run(["ip", "netns", "exec", netns, "iptables-legacy-restore"], stdin=f)
            times = {}
            for _ in range(self.a.reps):
                for label, s in states:
                    for what, cmd in (("-A", add), ("-L -n", lst)):
                        times.setdefault((label, what), []).append(
                            self.timed([self.nfemu, "--state", s, "exec", "--"] + cmd))
                        if what == "-A":
                            self.timed([self.nfemu, "--state", s, "exec", "--"] + delete)
                if netns:
                    for what, cmd in (("-A", add), ("-L -n", lst)):
                        times.setdefault(("kernel", what), []).append(
                            self.timed(["ip", "netns", "exec", netns] + cmd))
                        if what == "-A":
                            self.timed(["ip", "netns", "exec", netns] + delete)
            print("== sockopt commands on a 20,000-rule filter table (wall seconds, median of %d)"
                  % self.a.reps)
            for what in ("-A", "-L -n"):
                k = statistics.median(times[("kernel", what)]) if netns else None
                for label, _ in states:
                    t = statistics.median(times[(label, what)])
                    print("iptables-legacy %-5s nfemu (%s): %.3f s%s" %
                          (what, label, t, ", kernel %.3f s: %.2fx" % (k, t / k) if k else ""))
            if not netns:
                print("(the real kernel's figures need root and `ip netns`: skipped)")
        finally:
            if netns:
                subprocess.run(["ip", "netns", "del", netns])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=int, default=256, help="capture for the replay figures")
    ap.add_argument("--rules-mb", type=int, default=64, help="capture for the per-rule figures")
    ap.add_argument("--flows", type=int, default=400000, help="flows for the conntrack figure")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dir", default=os.environ.get("BENCH_DIR", "/tmp/nfemu-bench"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--skip", default="", help="comma-separated: replay,rules,conntrack,sockopt")
    a = ap.parse_args()
    skip = set(filter(None, a.skip.split(",")))
    b = Bench(a)
    with open("/proc/cpuinfo") as f:
        model = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
    print("nfemu bench: %s, %d CPUs, load %.2f at start; %s" %
          (model, os.cpu_count(), os.getloadavg()[0], time.strftime("%Y-%m-%d %H:%M UTC",
                                                                     time.gmtime())))
    if "replay" not in skip:
        b.bench_replay()
    if "rules" not in skip:
        b.bench_rules()
    if "conntrack" not in skip:
        b.bench_conntrack()
    if "sockopt" not in skip:
        b.bench_sockopt()


if __name__ == "__main__":
    main()
