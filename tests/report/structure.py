#!/usr/bin/env python3
"""tests/report/structure.py --nfemu NFEMU: `nfemu replay --report` on pcaps/edge, checked
against the same replay's --jsonl: every packet, generated packet and skipped record is a row
in the same order with the same fate (verdict, rule, ingress, egress, addresses); a packet's
TRACE/LOG lines are the ones JSON Lines gives it; every table a TRACE line names was walked
at that hook; packet #6's hook path is exactly the expected one; nothing in the data block
can end the <script>; and --report leaves the trace and JSON Lines byte-identical; with
--rules-text each row's rule text is JSON Lines' rule_text."""
import argparse, json, os, re, subprocess, sys, tempfile
from collections import defaultdict

HOOKS = ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)


def replay(nfemu, d, extra, case):
    base = [nfemu, "replay", "--topology", os.path.join(ROOT, "pcaps", case, "topology"),
            "--rules", os.path.join(ROOT, "pcaps", case, "rules.v4")]
    subprocess.run(base + extra + [os.path.join(ROOT, "pcaps", case, "capture.pcapng")], cwd=d,
                   check=True, stdout=subprocess.DEVNULL)


def load_report(path):
    html = open(path, encoding="utf-8").read()
    m = re.search(r'<script type="application/json" id="nfemu-data">(.*?)</script>', html, re.S)
    if not m:
        fail("no data block in " + path)
    data = m.group(1)
    if re.search(r"[<>&]", data):
        fail("unescaped <, > or & in the data block")
    if re.search(r'\b(src|href)=["\']?(https?:)?//', html):
        fail("the page refers to something outside itself")
    return json.loads(data)


def check_case(nfemu, case, d):
    replay(nfemu, d, ["--trace", "t0", "--jsonl", "j0"], case)
    replay(nfemu, d, ["--trace", "t1", "--jsonl", "j1", "--report", "r.html"], case)
    for a, b in (("t0", "t1"), ("j0", "j1")):
        if open(os.path.join(d, a), "rb").read() != open(os.path.join(d, b), "rb").read():
            fail("%s: --report changed the other writers' output (%s)" % (case, a))
    rep = load_report(os.path.join(d, "r.html"))
    S = rep["strings"]
    s = lambda i: S[i] if i >= 0 else None
    want, logs = [], defaultdict(list)
    for line in open(os.path.join(d, "j0")):
        ev = json.loads(line)
        if ev["event"] in ("packet", "generated"):
            want.append(ev)
        elif ev["event"] == "skipped":
            want.append(dict(ev, id=str(ev["packet"]), verdict="skipped"))
        elif ev["event"] == "log" and "packet" in ev:
            logs[ev["packet"]].append(ev["line"])
    rows = rep["packets"]
    if [w.get("id", str(w.get("packet"))) for w in want] != [r["i"] for r in rows]:
        fail("%s: rows %s, JSON Lines %s" % (case, [r["i"] for r in rows], [w.get("id") for w in want]))
    got_logs = defaultdict(list)
    for w, r in zip(want, rows):
        i = r["i"]
        if s(r["v"]) != w["verdict"]:
            fail("%s #%s: verdict %s, JSON Lines %s" % (case, i, s(r["v"]), w["verdict"]))
        if w["verdict"] == "skipped":
            continue
        if s(r["r"]) != w["rule"]:
            fail("%s #%s: rule %s, JSON Lines %s" % (case, i, s(r["r"]), w["rule"]))
        if [s(e) for e in r["e"]] != w["egress"]:
            fail("%s #%s: egress" % (case, i))
        if w["event"] == "packet" and s(r["in"]) != w["ingress"]:
            fail("%s #%s: ingress %s, JSON Lines %s" % (case, i, s(r["in"]), w["ingress"]))
        if (r.get("s"), r.get("D")) != (w.get("src"), w.get("dst")):
            fail("%s #%s: addresses" % (case, i))
        walked = {(h[0], s(st[1]).split(":")[0]) for h in r.get("h", []) for st in h[5] if st[0] == 0}
        for head, body in r.get("l", []):
            line = (s(head) + " " if head >= 0 else "") + r["R"][body]
            got_logs[int(i.split(".")[0])].append(line)
            if head >= 0:
                table, chain = s(head)[len("TRACE: "):].split(":")[:2]
                hook = re.search(r"IN=(\S*) OUT=(\S*)", line)
                hooks = {h[0] for h in r["h"] if any(st[0] == 0 and s(st[1]).startswith(table + ":") for st in h[5])}
                if not hooks:
                    fail("%s #%s: %s traced but never walked" % (case, i, table))
    for n in set(logs) | set(got_logs):
        if sorted(logs[n]) != sorted(got_logs[n]):
            fail("%s #%d: log lines differ:\n%s\n%s" % (case, n, logs[n], got_logs[n]))
    return rep, rows


def path_of(rep, row):
    S = rep["strings"]
    out = []
    for h in row["h"]:
        steps = " ".join("%d:%s%s" % (st[0], S[st[1]], "=%d" % st[4] if st[4] >= 0 else "") for st in h[5])
        out.append("%s %d %s [%s] %d%s" % (HOOKS[h[0]], h[1], S[h[2]], S[h[3]], h[4] & 0xff,
                                          " | " + steps if steps else ""))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfemu", required=True)
    ap.add_argument("--print", action="store_true")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        rep, rows = check_case(a.nfemu, "edge", d)
        six = next(r for r in rows if r["i"] == "6")
        got = path_of(rep, six)
        if a.print:
            print("\n".join(got))
        exp = [l.rstrip("\n") for l in open(os.path.join(os.path.dirname(__file__), "edge-6.path"))]
        if got != exp:
            fail("edge #6 path:\n" + "\n".join(got) + "\nexpected:\n" + "\n".join(exp))
    with tempfile.TemporaryDirectory() as d:
        check_case(a.nfemu, "router", d)
    with tempfile.TemporaryDirectory() as d:
        # --rules-text: each row's rule text ("rt") is JSON Lines' rule_text
        replay(a.nfemu, d, ["--rules-text", "--jsonl", "j", "--report", "r.html"], "router")
        rep = load_report(os.path.join(d, "r.html"))
        S = rep["strings"]
        want = [json.loads(l) for l in open(os.path.join(d, "j"))]
        want = [w for w in want if w["event"] in ("packet", "generated")]
        rows = [r for r in rep["packets"] if S[r["v"]] != "skipped"]
        if len(want) != len(rows):
            fail("--rules-text: %d rows, %d in JSON Lines" % (len(rows), len(want)))
        for w, r in zip(want, rows):
            got = S[r["rt"]] if "rt" in r else None
            if got != w["rule_text"]:
                fail("--rules-text #%s: rule text %r, JSON Lines %r" % (r["i"], got, w["rule_text"]))
        if not any(w["rule_text"] for w in want):
            fail("--rules-text: no rule text at all")
    print("ok: report rows, fates, log lines and hooks agree with --jsonl")


main()
