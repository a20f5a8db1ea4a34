#!/usr/bin/env python3
# The packet differential suite (issue 3): for each case folder in cases/ (topology, rules.v4,
# packets.pcapng), what the real Linux kernel did to the packets -- nf_log TRACE/LOG lines,
# `iptables-legacy-save -c` counters, frames that left each interface and, in conntrack cases,
# the `conntrack -L` table at chosen points -- recorded in expected/, and compared with a live
# kernel (--kernel) or with `nfemu replay` + `nfemu conntrack -L` (--nfemu PATH).
# Format and usage: docs/testing-kernel.md. Exit 0 all identical, 1 a difference, 77 skipped.

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RETRY_PAUSE = 2.0       # seconds before a retry of a kernel run that differed (--retries)
sys.path.insert(0, os.path.join(HERE, "lib"))

import natmask  # noqa: E402
import outputs  # noqa: E402
import pktlib  # noqa: E402
from topology import Topology, TopologyError  # noqa: E402

SKIP = 77
CASES = os.path.join(HERE, "cases")
LOCKFILE = "/run/nfemu-kernel-packet.lock"


class Case:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.topo = Topology(os.path.join(path, "topology"))
        self.rules = os.path.join(path, "rules.v4")
        self.pcap = os.path.join(path, "packets.pcapng")
        if not os.path.exists(self.pcap) and os.path.exists(os.path.join(path, "packets.pcap")):
            self.pcap = os.path.join(path, "packets.pcap")      # a real capture's own format
        self.options = {}
        # nat-port-mask=...: one line per flow whose NAT port Linux picks at random
        # (lib/natmask.py); every other key is given once.
        self.nat_masks = []
        # server=CMD: a process run in the router (lib/servers.py); one line per process.
        self.server_cmds = []
        opt = os.path.join(path, "options")
        if os.path.exists(opt):
            with open(opt) as f:
                for line in f:
                    line = line.split("#", 1)[0].strip()
                    if line:
                        k, _, v = line.partition("=")
                        if k.strip() == "nat-port-mask":
                            self.nat_masks.append(v.strip())
                        elif k.strip() == "server":
                            self.server_cmds.append(v.strip())
                        else:
                            self.options[k.strip()] = v.strip()
        try:
            for i, spec in enumerate(self.nat_masks, 1):
                natmask.PortMask(i, spec)
        except natmask.MaskError as e:
            raise TopologyError("%s/options: %s" % (path, e))
        self.trace_all = self.options.get("trace", "all") == "all"
        # capture=real: packets.pcapng was taken on the router (the case's capture.sh): the
        # frames the router sent are in it, and are not sent -- the router sends them itself
        self.real_capture = self.options.get("capture", "") == "real"
        # conntrack=N,M,end: read the conntrack table after packets N and M and at the end;
        # conntrack-expect=yes: the expectation table too.
        self.ct_points = []
        for w in self.options.get("conntrack", "").replace(",", " ").split():
            if w != "end" and not w.isdigit():
                raise TopologyError("%s/options: conntrack=: packet numbers or 'end', not %r"
                                    % (path, w))
            p = w if w == "end" else int(w)
            if p not in self.ct_points:
                self.ct_points.append(p)
        self.ct_expect = self.options.get("conntrack-expect", "no") == "yes"
        if self.ct_expect and not self.ct_points:
            raise TopologyError("%s/options: conntrack-expect=yes needs conntrack=" % path)
        if self.server_cmds and not self.topo.listens:
            raise TopologyError("%s/options: server= needs the `listen` lines of its sockets "
                                "in the topology" % path)
        if self.server_cmds and any(p != "end" for p in self.ct_points):
            # nfemu would replay the capture in slices, and sockets are not in the state file
            raise TopologyError("%s/options: a case with server= reads conntrack at the end "
                                "only (conntrack=end)" % path)

    def frames(self):
        frames = pktlib.read_capture(self.pcap)
        if self.real_capture:
            frames = [sll2_to_ether(f, self.topo) for f in frames]
        return frames

    def snapshot_points(self, nframes):
        """The conntrack snapshot points: sorted packet numbers below nframes, then "end"
        (a point at the last packet is the end)."""
        nums = sorted(p for p in self.ct_points if p != "end" and p < nframes)
        end = "end" in self.ct_points or any(p != "end" and p >= nframes
                                             for p in self.ct_points)
        return nums + (["end"] if end else [])

    def hosts(self):
        """The sources whose ICMP messages carry a hashed IP id (masked): the router's own
        addresses, plus `icmp-id-mask=A,B` -- addresses NAT gives the router's own ICMP
        errors (an error about a DNATed or REDIRECTed packet leaves from the original
        destination)."""
        extra = self.options.get("icmp-id-mask", "").replace(",", " ").split()
        return self.topo.host_addresses() | set(extra)

    def render(self, trace, egress, save, conntrack=None):
        frames = self.frames()
        return outputs.render(trace, egress, save, sorted(self.topo.ifaces), self.hosts(),
                              set() if self.real_capture else
                              outputs.local_ids(frames, self.topo), conntrack,
                              self.nat_masks, frames)


def sll2_to_ether(fr, topo):
    """A `tcpdump -i any` record (LINKTYPE_LINUX_SLL2) as the Ethernet frame the wire side
    sends: the interface from the index (lo 1, then the topology's devices in order, as in
    the fresh namespace the capture was taken in), the destination MAC from the packet type
    (the interface's, broadcast, IPv4 multicast; none for a frame the router sent, which is
    not sent).  Other link types are returned as they are."""
    if fr.linktype != 276 or len(fr.data) < 20:
        return fr
    d = fr.data
    proto, ifindex, pkttype, halen = struct.unpack("!HxxIxxBB", d[:12])
    names = list(topo.ifaces)
    iface = names[ifindex - 2] if 2 <= ifindex < len(names) + 2 else None
    src = d[12:12 + min(halen, 6)].ljust(6, b"\0")
    if pkttype == 0 and iface:
        dst = pktlib.mac(topo.ifaces[iface].mac)
    elif pkttype == 1:
        dst = b"\xff" * 6
    elif pkttype == 2 and len(d) >= 40:
        dst = bytes([1, 0, 0x5E, d[37] & 0x7F, d[38], d[39]])
    else:
        dst = b"\0" * 6
    return pktlib.Frame(iface, fr.ts, dst + src + struct.pack("!H", proto) + d[20:], 1)


def find_cases(names):
    allc = sorted(d for d in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, d)))
    if not names:
        return [os.path.join(CASES, d) for d in allc]
    out = []
    for n in names:
        hits = [d for d in allc if d == n or d.startswith(n)]
        if not hits:
            sys.exit("no case %r" % n)
        out += [os.path.join(CASES, d) for d in hits]
    return out


def regenerate(case):
    gen = os.path.join(case.path, "packets.py")
    if os.path.exists(gen):
        subprocess.run([sys.executable, gen], check=True, cwd=case.path)


# -- the real kernel -------------------------------------------------------------------------
def record_kernel(case, verbose, attempt=0):
    import kernel
    import servers
    frames = case.frames()
    flows = servers.ServerFlows(case.topo, frames) if case.server_cmds else None
    with kernel.Router(case.topo, "%d" % attempt, trace_all=case.trace_all, servers=flows,
                       server_cmds=case.server_cmds, case_dir=case.path,
                       real_capture=case.real_capture) as r:
        r.restore(case.rules)
        rec = r.replay(frames, case.snapshot_points(len(frames)), case.ct_expect)
    if flows is not None:
        flows.normalize(rec)
    if verbose:
        s, i, j = rec.slip()
        print("  %s: schedule kept to within %.1f ms (packets %d and %d)" % (case.name, s * 1000, i, j))
        for n, late in rec.late:
            print("  %s: packet %d sent %.1f ms late" % (case.name, n, late * 1000))
        for line in rec.noise:
            print("  %s: ignored kernel line: %s" % (case.name, line))
    if any(late > 0.05 for _, late in rec.late):
        print("  %s: warning: packets sent up to %.0f ms behind the capture's pace"
              % (case.name, max(l for _, l in rec.late) * 1000))
    return case.render(rec.trace, rec.egress, rec.save, rec.conntrack), rec


def pace_tolerance(case):
    """How far (seconds) the time between two packets may stray from the capture's before a
    kernel run no longer tests what the case says: options `pace-tolerance-ms=N` (default 30;
    the time-dependent cases keep every rate-limit and timeout decision 150 ms or more away
    from its threshold)."""
    return float(case.options.get("pace-tolerance-ms", "30")) / 1000


def slipped(case, rec):
    """None if the run kept the capture's schedule, else a line saying where it did not."""
    s, i, j = rec.slip()
    if s <= pace_tolerance(case):
        return None
    return ("packets %d and %d went out %.0f ms further apart or closer than in the capture "
            "(tolerance %.0f ms)" % (i, j, s * 1000, pace_tolerance(case) * 1000))


def paced_kernel_run(case, a, attempt, need_schedule):
    """record_kernel(), run again while its schedule slipped (a loaded machine sent a packet
    late) and need_schedule(got) says the result depends on it, at most a.slip_retries
    times.  Returns (got, rec, slip): slip is None or why the last run is not trustworthy."""
    for k in range(a.slip_retries + 1):
        got, rec = record_kernel(case, a.verbose, attempt + k)
        slip = slipped(case, rec)
        if slip is None or not need_schedule(got):
            return got, rec, slip
        print("  %s: kernel run %s: %s%s" % (case.name, "slipped", slip,
              ", running it again" if k < a.slip_retries else ""))
    return got, rec, slip


def show_by_packet(case, rec):
    """Print what each input packet caused (for people reading a case)."""
    frames = case.frames()
    for i, fr in enumerate(frames, 1):
        print("packet %d on %s: %s" % (i, fr.iface, pktlib.describe(fr.data)))
        for n, lvl, msg in rec.trace:
            if n == i:
                print("    <%d>%s" % (lvl, msg))
        for name, lst in sorted(rec.egress.items()):
            for n, d in lst:
                if n == i:
                    print("    -> %s: %s" % (name, pktlib.describe(d)))
        point = "end" if i == len(frames) else i
        if point in rec.conntrack:
            table, exp = rec.conntrack[point]
            print("  conntrack -L after packet %d%s:" % (i, " (end)" if point == "end" else ""))
            for row in outputs.normalize_conntrack(table).splitlines():
                print("    " + row)
            if exp is not None:
                print("  conntrack -L expect:")
                for row in outputs.normalize_expect(exp).splitlines():
                    print("    " + row)


# -- nfemu -----------------------------------------------------------------------------------
def nfemu_usage(nfemu):
    p = subprocess.run([nfemu], capture_output=True, text=True)
    return p.stdout + p.stderr


def nfemu_has_replay(nfemu):
    return "replay" in nfemu_usage(nfemu)


def nfemu_has_conntrack(nfemu):
    import re
    return re.search(r"(?m)^\s*nfemu conntrack\b", nfemu_usage(nfemu)) is not None


NO_CONNTRACK = ("nfemu has no `conntrack -L` command yet (issue 4): this case's conntrack "
                "table cannot be compared, so it fails")


def parse_nfemu_trace(text):
    """nf_log lines of nfemu's --trace output: (level or None, message). Accepts a leading
    "<L>" level and a leading "[seconds]" timestamp; ignores every other line (fate lines)."""
    import re
    out = []
    for line in text.splitlines():
        lvl = None
        m = re.match(r"^<(\d)>", line)
        if m:
            lvl, line = int(m.group(1)), line[m.end():]
        line = re.sub(r"^\[\s*\d+\.\d+\]\s?", "", line)
        if re.search(r"IN=\S* OUT=\S* ", line):
            out.append((lvl, line))
    return out


def run_nfemu(case, nfemu, keep):
    """Replay the case in nfemu; return (files, ignore, note). A conntrack case with
    snapshots after packets N, M replays the capture in slices [1..N], [N+1..M], ... on the
    same state file (nfemu's clock is the capture's, so the slices continue one another) and
    reads `nfemu conntrack -L` after each; note says why a comparison could not be made."""
    tmp = tempfile.mkdtemp(prefix="nfemu-pkt-")
    try:
        env = dict(os.environ, XTABLES_LOCKFILE=os.path.join(tmp, "lock"))
        state = os.path.join(tmp, "state")

        def sh(argv, what):
            p = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
            if p.returncode:
                raise RuntimeError("%s: exit %d\n%s%s" % (what, p.returncode, p.stdout, p.stderr))
            return p.stdout

        sh([nfemu, "exec", "--state", state, "--", "iptables-legacy-restore", case.rules],
           "nfemu exec -- iptables-legacy-restore")
        frames = case.frames()
        points = case.snapshot_points(len(frames))
        note = None
        has_ct = bool(points) and nfemu_has_conntrack(nfemu)
        if points and not has_ct:
            note = NO_CONNTRACK
        # Slices of the capture: [(first index, last index + 1, snapshot point or None)].
        slices, first = [], 0
        for pt in points if has_ct else []:
            last = len(frames) if pt == "end" else pt
            slices.append((first, last, pt))
            first = last
        if first < len(frames) or not slices:
            slices.append((first, len(frames), None))
        lines, conntrack = [], {}
        egress_dirs = []
        for k, (a, b, pt) in enumerate(slices):
            egress = os.path.join(tmp, "egress%d" % k)
            os.mkdir(egress)
            egress_dirs.append(egress)
            if (a, b) == (0, len(frames)):
                pcap = case.pcap
            else:
                pcap = os.path.join(tmp, "slice%d.pcapng" % k)
                pktlib.write_frames(pcap, frames[a:b])
            if b > a:
                argv = [nfemu, "replay", "--topology", os.path.join(case.path, "topology"),
                        "--state", state, "--trace", "-", "--trace-levels", "--egress", egress]
                if not case.trace_all:
                    argv.append("--trace-only-marked")
                argv.append(pcap)
                lines += parse_nfemu_trace(sh(argv, "nfemu replay (packets %d-%d)" % (a + 1, b)))
            if pt is not None:
                table = sh([nfemu, "conntrack", "-L", "--state", state],
                           "nfemu conntrack -L")
                exp = sh([nfemu, "conntrack", "-L", "expect", "--state", state],
                         "nfemu conntrack -L expect") if case.ct_expect else None
                conntrack[pt] = (table, exp)
        save = sh([nfemu, "exec", "--state", state, "--", "iptables-legacy-save", "-c"],
                  "nfemu exec -- iptables-legacy-save -c")
        save = "".join(l + "\n" for l in save.splitlines() if not l.startswith("#"))
        trace = [(None, lvl, msg) for lvl, msg in lines]
        stamps = [fr.ts for fr in frames]
        eg, timed = {}, True
        for name in case.topo.ifaces:
            for egress in egress_dirs:
                for fn in (name + ".pcap", name + ".pcapng", "egress-%s.pcap" % name,
                           "egress-%s.pcapng" % name):
                    p = os.path.join(egress, fn)
                    if os.path.exists(p):
                        lst = eg.setdefault(name, [])
                        for fr in pktlib.read_capture(p):
                            n = sum(1 for t in stamps if fr.ts is not None and t <= fr.ts)
                            # on the capture's clock: a packet's own time, or a timer's
                            # (a neighbour failing) between two packets
                            if fr.ts is None or not (fr.ts in stamps or
                                                     stamps[0] <= fr.ts <= stamps[-1]):
                                timed = False
                            lst.append((n, fr.data))
                        break
        if not timed:
            for name in eg:
                eg[name] = [(None, d) for _, d in eg[name]]
        ignore = set()
        if any(lvl is None for lvl, _ in lines):
            ignore.add("levels")
        if not timed:
            ignore.add("pktno")
        if keep:
            print("  nfemu outputs kept in %s" % tmp)
        return case.render(trace, eg, save, conntrack), ignore, note
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


# -- main ------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description="The packet differential suite against the real "
                                 "kernel and nfemu (docs/testing-kernel.md).")
    ap.add_argument("cases", nargs="*", help="case names or prefixes (default: all)")
    ap.add_argument("--record", action="store_true",
                    help="record expected/ from the real kernel (root)")
    ap.add_argument("--kernel", action="store_true",
                    help="replay on the real kernel and compare with expected/ (root)")
    ap.add_argument("--nfemu", metavar="PATH", help="compare `PATH replay` with expected/")
    ap.add_argument("--runs", type=int, default=None,
                    help="kernel recordings per case, all must agree (default 3 with "
                         "--record, 1 with --kernel)")
    ap.add_argument("--retries", type=int, default=2,
                    help="with --kernel: replays after a difference before failing, each after "
                         "a pause of RETRY_PAUSE s (default 2)")
    ap.add_argument("--slip-retries", type=int, default=4,
                    help="kernel runs whose packets strayed from the capture's schedule by more "
                         "than the case's pace tolerance, and whose result depends on it, are "
                         "run again, at most this many times (default 4)")
    ap.add_argument("--regen", action="store_true",
                    help="rewrite each case's packets.pcapng from its packets.py first")
    ap.add_argument("--show", action="store_true",
                    help="print what each packet caused on the kernel")
    ap.add_argument("--keep", action="store_true", help="keep nfemu's output directory")
    ap.add_argument("--expect-fail", metavar="FILE",
                    help="with --nfemu: cases (one per line, # comments) nfemu is known not to "
                         "match yet; the run passes only if exactly these fail in nfemu")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    if not (a.record or a.kernel or a.nfemu or a.regen):
        a.kernel = True
    if a.record and a.kernel:
        ap.error("--record and --kernel exclude each other")

    try:
        cases = [Case(p) for p in find_cases(a.cases)]
    except TopologyError as e:
        print("error: %s" % e)
        return 1
    if a.regen:
        for c in cases:
            regenerate(c)
        if not (a.record or a.kernel or a.nfemu):
            print("regenerated %d captures" % len(cases))
            return 0

    if a.record or a.kernel:
        import kernel
        why = kernel.can_run()
        if why:
            print("SKIP: the real-kernel side needs root and ip netns (%s)" % why)
            if not a.nfemu:
                return SKIP
            a.record = a.kernel = False
    if a.nfemu:
        if not os.access(a.nfemu, os.X_OK):
            print("SKIP: %s is not an executable" % a.nfemu)
            return SKIP
        if not nfemu_has_replay(a.nfemu):
            print("SKIP: %s has no `replay` command yet (issue 3)" % a.nfemu)
            if not (a.record or a.kernel):
                return SKIP
            a.nfemu = None

    if a.record or a.kernel:
        # The kernel log is shared by every netns: two runs of this suite at once would read
        # each other's lines (same interface names). Take turns.
        import fcntl
        lock = open(LOCKFILE, "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("waiting for another run of the kernel side (%s)" % LOCKFILE)
            fcntl.flock(lock, fcntl.LOCK_EX)

    expect_fail = set()
    if a.expect_fail:
        with open(a.expect_fail) as f:
            expect_fail = {ln.split("#")[0].strip() for ln in f} - {""}
    nfemu_failed = set()
    passed = failed = 0
    for c in cases:
        if not os.path.exists(c.pcap):
            regenerate(c)
        expected_dir = os.path.join(c.path, "expected")
        if a.record or a.kernel:
            runs = a.runs or (3 if a.record else 1)
            first, bad, slip = None, None, None
            expected = outputs.read(expected_dir) if not a.record else None
            # A run that slipped is re-run when its result could be the slip's doing: when
            # recording, always; when comparing, only if it differs from expected/.
            if a.record:
                def need_schedule(_got):
                    return True
            else:
                def need_schedule(got):
                    return bool(outputs.diff(expected, got))
            for i in range(runs):
                try:
                    got, rec, slip = paced_kernel_run(c, a, i * (a.slip_retries + 1),
                                                      need_schedule)
                except Exception as e:      # noqa: BLE001 -- report and go on
                    bad = "kernel run %d: %s: %s\n" % (i + 1, type(e).__name__, e)
                    break
                if slip and a.record:
                    bad = ("kernel run %d could not keep the capture's schedule (%s): the "
                           "machine is too busy to record this case\n" % (i + 1, slip))
                    break
                if a.show and i == 0:
                    show_by_packet(c, rec)
                if first is None:
                    first = got
                else:
                    d = outputs.diff(first, got)
                    if d:
                        bad = "kernel run %d differs from run 1:\n%s" % (i + 1, d)
                        break
            if bad is None and a.record:
                outputs.write(expected_dir, first)
                print("recorded %s (%d runs agree)" % (c.name, runs))
            elif bad is None:
                d = outputs.diff(expected, first)
                for _ in range(a.retries if d and not slip else 0):
                    # The schedule held and still a difference: another try after a pause
                    # (a stall of the VM, seen once on 2026-12-06 in case 10, can outlast a
                    # back-to-back retry), and say so if it then agrees (something else on the
                    # machine interfered).
                    time.sleep(RETRY_PAUSE)
                    try:
                        again, _rec = record_kernel(c, a.verbose, runs * (a.slip_retries + 1))
                    except Exception:   # noqa: BLE001
                        break
                    if not outputs.diff(expected, again):
                        print("  %s: first kernel run differed, the retry agrees:\n%s"
                              % (c.name, d))
                        d = ""
                        break
                if d:
                    bad = "kernel differs from expected/:\n" + d
                    if slip:
                        bad = ("kernel differs from expected/ in every run, and none kept the "
                               "capture's schedule (%s): the machine is too busy to test this "
                               "case\n" % slip) + d
            if bad:
                failed += 1
                print("FAIL %s (kernel)\n%s" % (c.name, bad))
            elif a.kernel:
                passed += 1
                print("ok   %s (kernel)" % c.name)
            else:
                passed += 1
        if a.nfemu:
            try:
                got, ignore, note = run_nfemu(c, a.nfemu, a.keep)
                d = outputs.diff(outputs.read(expected_dir), got, ignore)
                if note:
                    d = note + "\n" + d
            except Exception as e:          # noqa: BLE001
                d = "%s: %s\n" % (type(e).__name__, e)
                ignore = ()
            if d:
                failed += 1
                nfemu_failed.add(c.name)
                print("FAIL %s (nfemu)%s\n%s" % (c.name, " (known)" if c.name in expect_fail else "", d))
            else:
                passed += 1
                note = " (not compared: %s)" % ", ".join(sorted(ignore)) if ignore else ""
                print("ok   %s (nfemu)%s" % (c.name, note))
    if a.nfemu and a.expect_fail:
        ran = {c.name for c in cases}
        new_fail = sorted(nfemu_failed - expect_fail)
        new_pass = sorted((expect_fail & ran) - nfemu_failed)
        kernel_failed = failed - len(nfemu_failed)
        for n in new_fail:
            print("unexpected nfemu failure: %s" % n)
        for n in new_pass:
            print("now passing in nfemu (remove it from %s): %s" % (a.expect_fail, n))
        print("%d passed, %d failed" % (passed, failed))
        return 1 if (new_fail or new_pass or kernel_failed) else 0
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
