#!/usr/bin/env python3
"""Issue 11 acceptance: for each packet case in tests/kernel/packet/cases/, derive a spec
(the case's topology and rules, its capture's frames as packet lines from
`nfemu test --packet-lines`), fill its expectations with `nfemu test --record`, check that
the recorded spec passes, and that flipping any one expectation makes the test fail.

Every flip is a test of its own in one spec (each test boots a fresh kernel, so N flipped
copies in one file are N independent runs): all of them must FAIL and nfemu test exit 1;
the first two flips of each case also run alone (exit 1, the FAIL line naming the test).
Cases and frames the packet-line grammar cannot say are listed with the reason.

usage: record_flip.py --nfemu PATH [CASE...]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "kernel", "packet", "cases")


def flip(line):
    """The expectation (text after 'expect ') made false."""
    m = re.match(r"(drop by \S+:)(rule|policy):(\d+)$", line)
    if m:
        return "%s%s:%d" % (m.group(1), m.group(2), int(m.group(3)) + 1)
    if line == "drop" or line.startswith("drop by "):
        return "accept"
    if line in ("accept", "deliver"):
        return "drop"
    m = re.match(r"(forward out|out) (\S+)( as .*)?$", line)
    if m:
        if m.group(3):
            return "%s %s as 192.0.2.254 > 192.0.2.253" % (m.group(1), m.group(2))
        return "%s flip0" % m.group(1)
    m = re.match(r"reply (\S+) (\d+\.\d+\.\d+\.\d+)(.*)$", line)
    if m:
        return "reply %s 192.0.2.254%s" % (m.group(1), m.group(3))
    m = re.match(r"ct (\S+)$", line)
    if m:
        return "ct " + ("ESTABLISHED" if m.group(1) == "NEW" else "NEW")
    m = re.match(r'log "(.*)"$', line)
    if m:
        return 'log "%s-flipped"' % m.group(1)
    m = re.match(r"mark (\S+)$", line)
    if m:
        return "mark 0x%x" % (int(m.group(1), 0) + 1)
    m = re.match(r"(dnat|snat) to (.*)$", line)
    if m:
        return "%s to 192.0.2.254" % m.group(1)
    raise ValueError("no flip for %r" % line)


def run(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfemu", required=True)
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    names = sorted(d for d in os.listdir(CASES) if os.path.isdir(os.path.join(CASES, d)))
    if a.cases:
        names = [n for n in names if any(n.startswith(c) for c in a.cases)]
    tmp = tempfile.mkdtemp(prefix="nfemu-record-flip-")
    failures, covered, flips, unexpressed, approx = [], 0, 0, [], []
    for name in names:
        d = os.path.abspath(os.path.join(CASES, name))
        pcap = next((os.path.join(d, f) for f in ("packets.pcapng", "packets.pcap")
                     if os.path.exists(os.path.join(d, f))), None)
        if not pcap:
            unexpressed.append((name, "no capture"))
            continue
        rc, out, err = run([a.nfemu, "test", "--packet-lines", pcap, "--topology",
                            os.path.join(d, "topology")])
        if rc:
            failures.append("%s: --packet-lines exit %d: %s" % (name, rc, err.strip()))
            continue
        lines = out.splitlines()
        pkts = [l.split("   # approximated")[0] for l in lines if not l.startswith("#")]
        skipped = [l[len("# skipped "):] for l in lines if l.startswith("# skipped ")]
        napprox = sum(1 for l in lines if l.endswith("# approximated"))
        if not pkts:
            unexpressed.append((name, "; ".join(sorted(set(s.split(": ", 1)[1] for s in skipped)))))
            continue
        if skipped:
            unexpressed.append((name, "%d of %d frames: %s" % (
                len(skipped), len(lines), "; ".join(sorted(set(s.split(": ", 1)[1] for s in skipped))))))
        if napprox:
            approx.append((name, napprox))
        spec = os.path.join(tmp, name + ".spec")
        head = "topology %s\nrules %s\n" % (os.path.join(d, "topology"), os.path.join(d, "rules.v4"))
        with open(spec, "w") as f:
            f.write(head + '\ntest "%s"\n' % name + "".join("  packet %s\n" % p for p in pkts))
        rc, out, err = run([a.nfemu, "test", "--record", spec])
        if rc:
            failures.append("%s: --record exit %d: %s" % (name, rc, err.strip()))
            continue
        rc, out, err = run([a.nfemu, "test", spec])
        if rc or not re.search(r"^ok   %s: %s( \(|$)" % (re.escape(spec), re.escape(name)), out, re.M):
            failures.append("%s: the recorded spec does not pass (exit %d):\n%s%s" % (name, rc, out, err))
            continue
        body = open(spec).read().split("\n")
        start = next(i for i, l in enumerate(body) if l.startswith("test "))
        test_lines = body[start + 1:]
        exps = [i for i, l in enumerate(test_lines) if l.strip().startswith("expect ")]
        if not exps:
            failures.append("%s: nothing recorded" % name)
            continue
        fspec = os.path.join(tmp, name + ".flips.spec")
        with open(fspec, "w") as f:
            f.write(head)
            for k, i in enumerate(exps):
                copy = list(test_lines)
                copy[i] = "  expect " + flip(test_lines[i].strip()[len("expect "):])
                f.write('\ntest "flip %d"\n' % (k + 1) + "\n".join(copy) + "\n")
        rc, out, err = run([a.nfemu, "test", fspec])
        bad = [k + 1 for k in range(len(exps))
               if not re.search(r"^FAIL %s: flip %d( \(|$)" % (re.escape(fspec), k + 1), out, re.M)]
        if rc != 1 or bad:
            failures.append("%s: flips that did not fail: %s (exit %d)\n%s" % (
                name, ", ".join(map(str, bad[:20])), rc, err))
            continue
        for k, i in enumerate(exps[:2]):
            one = os.path.join(tmp, name + ".one.spec")
            copy = list(test_lines)
            copy[i] = "  expect " + flip(test_lines[i].strip()[len("expect "):])
            with open(one, "w") as f:
                f.write(head + '\ntest "%s"\n' % name + "\n".join(copy) + "\n")
            rc, out, err = run([a.nfemu, "test", one])
            if rc != 1 or not re.search(r"^FAIL %s: %s( \(|$)" % (re.escape(one), re.escape(name)), out, re.M):
                failures.append("%s: flipping %r alone: exit %d" % (name, test_lines[i].strip(), rc))
        covered += 1
        flips += len(exps)
    print("record-flip: %d of %d cases covered, %d expectations flipped" % (covered, len(names), flips))
    for name, why in unexpressed:
        print("  not expressed: %s: %s" % (name, why))
    for name, n in approx:
        print("  approximated: %s: %d frames (tcp options left out, echo id/sequence 1, ICMP errors quote 8 bytes)" % (name, n))
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
