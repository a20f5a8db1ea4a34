#!/usr/bin/env python3
# `nfemu exec --sockopt-trace` of iptables-legacy-restore --counters on a table with traffic:
# the counter arithmetic the trace prints must be the kernel's.  A capture (pcaps/edge) is
# replayed through the edge ruleset so every counter is non-zero, the table is saved
# (iptables-legacy-save -c), the capture replayed again (the counters move on), and then:
#   1. iptables-legacy-restore --counters of the saved file, traced: GET_ENTRIES' counters (X)
#      must be what iptables-legacy-save -c showed just before, SET_REPLACE's copied-back ones
#      (X+Y) the same (nothing ran in between), and each SET_ADD_COUNTERS line "pcnt Z + A = S,
#      bcnt ..." must add up, add the file's counters, and S must be what
#      iptables-legacy-save -c shows afterwards for that rule or policy;
#   2. iptables-legacy-restore --counters --noflush of one more rule, traced: a kept rule adds its
#      X+Y (libiptc's COUNTER_MAP_NORMAL_MAP), a policy (X+Y) - X (iptables 1.8.9 maps the
#      built-in chains' policies COUNTER_MAP_ZEROED), the new rule its own counters, and again
#      the sums are what iptables-legacy-save -c shows afterwards.
# Exit 0 pass, 1 fail, 77 skipped (no nfemu or iptables-legacy).
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
EDGE = os.path.join(REPO, "pcaps", "edge")

RE_LABELLED = re.compile(r"^      \[(\d+)\] (.*?): pcnt (\d+), bcnt (\d+)$")
RE_ADD = re.compile(r"^      \[(\d+)\] (.*?): pcnt (\d+) \+ (\d+) = (\d+), bcnt (\d+) \+ (\d+) = (\d+)(.*)$")


def save_counters(text):
    """{label: (pcnt, bcnt)} from iptables-save -c: "policy of C" and "chain C rule N"."""
    out, rules = {}, {}
    for line in text.splitlines():
        m = re.match(r"^:(\S+) (\S+) \[(\d+):(\d+)\]", line)
        if m and m.group(2) != "-":
            out["policy of " + m.group(1)] = (int(m.group(3)), int(m.group(4)))
            continue
        m = re.match(r"^\[(\d+):(\d+)\] -A (\S+) ", line)
        if m:
            rules[m.group(3)] = rules.get(m.group(3), 0) + 1
            out["chain %s rule %d" % (m.group(3), rules[m.group(3)])] = (int(m.group(1)), int(m.group(2)))
    return out


def sections(trace):
    """{optname: [lines of its last call]}: the call line and its indented answer."""
    out, cur = {}, None
    for line in trace.splitlines():
        m = re.match(r"^[gs]etsockopt\(SOL_IP, (IPT_SO_\w+),", line)
        if m:
            cur = out.setdefault(m.group(1), [])
            cur.clear()
            cur.append(line)
        elif line.startswith(" ") and cur is not None:
            cur.append(line)
        else:
            cur = None
    return out


class Check:
    def __init__(self):
        self.failures = 0

    def eq(self, what, got, want):
        if got != want:
            self.failures += 1
            print("FAIL %s: %r, expected %r" % (what, got, want))


def labelled(lines):
    return {m.group(2): (int(m.group(3)), int(m.group(4))) for m in map(RE_LABELLED.match, lines) if m}


def run(nf, state, argv, stdin=None):
    r = subprocess.run([nf, "exec", "--state", state, "--"] + argv, input=stdin, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("%s: rc=%d %s" % (" ".join(argv), r.returncode, r.stderr))
    return r.stdout


def traced(nf, state, tracefile, argv):
    if os.path.exists(tracefile):
        os.unlink(tracefile)
    r = subprocess.run([nf, "exec", "--state", state, "--sockopt-trace=" + tracefile, "--"] + argv,
                       capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("%s: rc=%d %s" % (" ".join(argv), r.returncode, r.stderr))
    with open(tracefile) as f:
        return f.read()


def check_add(ck, what, sec, after, expect_added):
    """Each SET_ADD_COUNTERS line adds up; added as expect_added(label) says; sums = save -c."""
    n = 0
    for line in sec:
        m = RE_ADD.match(line)
        if not m:
            continue
        label = m.group(2)
        z, a, s, zb, ab, sb = (int(m.group(k)) for k in range(3, 9))
        ck.eq("%s %s: pcnt sum" % (what, label), z + a, s)
        ck.eq("%s %s: bcnt sum" % (what, label), zb + ab, sb)
        ck.eq("%s %s: the new table counts from 0 (Z)" % (what, label), (z, zb), (0, 0))
        want = expect_added(label, m.group(9))
        if want is not None:
            ck.eq("%s %s: added" % (what, label), (a, ab), want)
        if label in after:
            ck.eq("%s %s: after vs iptables-legacy-save -c" % (what, label), (s, sb), after[label])
            n += 1
    ck.eq("%s: rules and policies checked against save -c" % what, n, len(after))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nfemu", default=os.path.join(REPO, "build", "nfemu"))
    a = ap.parse_args()
    nf = os.path.abspath(a.nfemu)
    if not os.access(nf, os.X_OK):
        print("SKIP: no nfemu at " + nf)
        return 77
    if not shutil.which("iptables-legacy-restore"):
        print("SKIP: iptables-legacy-restore is not installed")
        return 77
    tmp = tempfile.mkdtemp(prefix="nfemu-trace-")
    ck = Check()
    try:
        state, tracefile = os.path.join(tmp, "state"), os.path.join(tmp, "trace")
        with open(os.path.join(EDGE, "rules.v4")) as f:
            run(nf, state, ["iptables-legacy-restore"], f.read())
        replay = [nf, "replay", "--topology", os.path.join(EDGE, "topology"), "--state", state,
                  os.path.join(EDGE, "capture.pcapng")]
        subprocess.run(replay, capture_output=True, check=True)
        saved = run(nf, state, ["iptables-legacy-save", "-c", "-t", "filter"])
        subprocess.run(replay, capture_output=True, check=True)
        before = save_counters(run(nf, state, ["iptables-legacy-save", "-c", "-t", "filter"]))
        file_counters = save_counters(saved)
        ck.eq("the replays counted", any(v != (0, 0) for v in before.values()), True)
        ck.eq("the second replay moved the counters on", before != file_counters, True)

        # 1. restore --counters: libiptc sets every counter from the file (COUNTER_MAP_SET)
        savedf = os.path.join(tmp, "saved.v4")
        with open(savedf, "w") as f:
            f.write(saved)
        sec = sections(traced(nf, state, tracefile, ["iptables-legacy-restore", "--counters", savedf]))
        after = save_counters(run(nf, state, ["iptables-legacy-save", "-c", "-t", "filter"]))
        x = labelled(sec.get("IPT_SO_GET_ENTRIES", []))
        xy = labelled(sec.get("IPT_SO_SET_REPLACE", []))
        for label, v in before.items():
            ck.eq("restore: X of %s (GET_ENTRIES) vs save -c before" % label, x.get(label), v)
            ck.eq("restore: X+Y of %s (SET_REPLACE) vs save -c before" % label, xy.get(label), v)
        check_add(ck, "restore", sec.get("IPT_SO_SET_ADD_COUNTERS", []), after,
                  lambda label, note: file_counters.get(label))
        ck.eq("restore: the table is the file's", after, file_counters)

        # 2. --noflush: kept rules add X+Y, policies (X+Y) - X, the new rule its own
        subprocess.run(replay, capture_output=True, check=True)
        before = save_counters(run(nf, state, ["iptables-legacy-save", "-c", "-t", "filter"]))
        extra = os.path.join(tmp, "extra.v4")
        with open(extra, "w") as f:
            f.write("*filter\n[7:700] -A INPUT -p tcp --dport 443 -j ACCEPT\nCOMMIT\n")
        sec = sections(traced(nf, state, tracefile, ["iptables-legacy-restore", "--counters", "--noflush", extra]))
        after = save_counters(run(nf, state, ["iptables-legacy-save", "-c", "-t", "filter"]))
        nrules = sum(1 for k in before if k.startswith("chain INPUT rule"))
        new_rule = "chain INPUT rule %d" % (nrules + 1)

        def noflush_added(label, note):
            if label == new_rule:
                return (7, 700)
            if label.startswith("policy of "):
                return (0, 0)           # (X+Y) - X, nothing having run in between
            return before.get(label)

        check_add(ck, "noflush", sec.get("IPT_SO_SET_ADD_COUNTERS", []), after, noflush_added)
        ck.eq("noflush: the new rule", after.get(new_rule), (7, 700))
        notes = "\n".join(sec.get("IPT_SO_SET_ADD_COUNTERS", []))
        ck.eq("noflush: kept rules are annotated X+Y", "(added = X+Y of old [" in notes, True)
        ck.eq("noflush: policies are annotated (X+Y) - X", "(added = (X+Y) - X of old [" in notes, True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%s (%d failures)" % ("FAIL" if ck.failures else "PASS", ck.failures))
    return 1 if ck.failures else 0


if __name__ == "__main__":
    sys.exit(main())
