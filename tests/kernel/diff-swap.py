#!/usr/bin/env python3
"""tests/kernel/diff-swap.py - `nfemu diff` against two real-kernel replays (issue 11).

For a kernel packet case, a copy of its ruleset with two rules swapped; the case's capture is
replayed on the real kernel (tests/kernel/packet's harness: a router in a netns) through each
ruleset, and the packets whose fate differs there -- what each packet made leave which
interface (forwarded, translated, or answered) -- must be exactly the packets `nfemu diff`
lists.  Exit 0 same set, 1 different, 77 skipped (not root, no ip netns).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PKT = os.path.join(HERE, "packet")
sys.path.insert(0, os.path.join(PKT, "lib"))
sys.path.insert(0, PKT)

import pktlib  # noqa: E402
import run as harness  # noqa: E402  (tests/kernel/packet/run.py: Case)

# (case, chain, rule a, rule b): swaps whose fates differ for some packets, and one whose do not.
# The ruleset None: the case's own.
SWAPS = [
    ("01-policies", "diff-swap/order.v4", "FORWARD", 1, 2),
    ("01-policies", "diff-swap/order.v4", "FORWARD", 3, 4),
    ("14-reject", None, "FORWARD", 9, 11),
    ("14-reject", None, "FORWARD", 1, 4),
]


def swapped(rules_path, chain, a, b, out):
    lines = open(rules_path).read().splitlines(True)
    idx = [i for i, l in enumerate(lines) if l.startswith("-A %s " % chain)]
    i, j = idx[a - 1], idx[b - 1]
    lines[i], lines[j] = lines[j], lines[i]
    with open(out, "w") as f:
        f.write("".join(lines))


def kernel_fates(case, rules):
    import kernel
    frames = case.frames()
    with kernel.Router(case.topo, "diff", trace_all=False) as r:
        r.restore(rules)
        rec = r.replay(frames)
    fates = {}
    for name, lst in rec.egress.items():
        for n, data in lst:
            fates.setdefault(n, []).append((name, pktlib.describe(data)))
    return {n: sorted(v) for n, v in fates.items()}, len(frames)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfemu", required=True)
    a = ap.parse_args()
    import kernel
    why = kernel.can_run()
    if why:
        print("skipped: %s" % why)
        return 77
    import fcntl
    lock = open(harness.LOCKFILE, "w")
    fcntl.flock(lock, fcntl.LOCK_EX)    # the kernel log is shared: one kernel suite at a time
    fail = 0
    with tempfile.TemporaryDirectory() as tmp:
        for cname, rules, chain, ra, rb in SWAPS:
            case = harness.Case(os.path.join(PKT, "cases", cname))
            if rules:
                case.rules = os.path.join(HERE, rules)
            other = os.path.join(tmp, "%s-%d-%d.v4" % (cname, ra, rb))
            swapped(case.rules, chain, ra, rb, other)
            ka, n = kernel_fates(case, case.rules)
            kb, _ = kernel_fates(case, other)
            want = {i for i in range(1, n + 1) if ka.get(i, []) != kb.get(i, [])}
            p = subprocess.run([a.nfemu, "diff", "--topology", case.topo.path, "--rules", case.rules,
                                "--rules", other, case.pcap], capture_output=True, text=True)
            got = {int(m) for m in re.findall(r"(?m)^#(\d+) ", p.stdout)}
            ok = p.returncode == (1 if got else 0) and got == want
            print("%s %s swap %s %d,%d: kernel %s, nfemu diff %s" % (
                "ok" if ok else "FAIL", cname, chain, ra, rb, sorted(want), sorted(got)))
            if not ok:
                print(p.stdout + p.stderr)
                fail = 1
    return fail


if __name__ == "__main__":
    sys.exit(main())
