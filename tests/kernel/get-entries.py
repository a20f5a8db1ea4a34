#!/usr/bin/env python3
# Differential test of the raw sockopt ABI: loads each ruleset into a fresh netns on the
# real kernel and into a fresh nfemu state, then runs ipt_dump (IPT_SO_GET_INFO and
# IPT_SO_GET_ENTRIES, decoded and hex-dumped) in both; the dumps must be byte-identical,
# counters included. Also compares IPT_SO_GET_REVISION_MATCH/TARGET results and errnos.
# Leaves out: SET_REPLACE/SET_ADD_COUNTERS directly (iptables-legacy-restore drives those).
"""
Rulesets: every tests/kernel/restore-save/*.rules and tests/kernel/get-entries/*.rules,
with the "#@ " directives of restore-save.py (base, args, cmd) plus
  #@ tables: T...   the tables to dump (default: every *table the files name)
Revision probes: tests/kernel/get-entries/revisions.txt ("match|target NAME REV"), in a
fresh stack ("revisions") and after `iptables-legacy -n -L` ("revisions-after-list").

ipt_dump comes from --ipt-dump, the build tree, or is compiled here with cc.
Exit status: 0 identical, 1 a difference, 77 skipped (not root, no netns, no nfemu, no cc).
"""

import argparse
import concurrent.futures
import difflib
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
from difftest import snapshot_nfemu, SKIP, HERE, REPO, RULESETS, Env, parse_directives, skip_reason

DATA = os.path.join(HERE, "get-entries")
GOLDEN = os.path.join(DATA, "expected")
REVISIONS = os.path.join(DATA, "revisions.txt")


def find_ipt_dump(args, tmpdir):
    """Return (path, None) or (None, reason)."""
    if args.ipt_dump:
        return os.path.abspath(args.ipt_dump), None
    for cand in (os.path.join(REPO, "build", "tests", "kernel", "ipt_dump"),
                 os.path.join(REPO, "build", "tests", "ipt_dump"),
                 os.path.join(REPO, "build", "ipt_dump")):
        if os.access(cand, os.X_OK):
            return cand, None
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        return None, "no ipt_dump in the build and no C compiler to build it"
    out = os.path.join(tmpdir, "ipt_dump")
    r = subprocess.run([cc, "-std=gnu11", "-O1", "-Wall", "-Wextra", "-Werror", "-o", out,
                        os.path.join(HERE, "ipt_dump.c")], capture_output=True, text=True)
    if r.returncode:
        return None, "cannot compile ipt_dump.c:\n" + r.stderr
    return out, None


def tables_of(path, d):
    if d["tables"]:
        return d["tables"]
    names = []
    for f in [os.path.join(RULESETS, b) for b in d["base"]] + [path]:
        with open(f) as fh:
            for line in fh:
                if line.startswith("*") and line[1:].strip() not in names:
                    names.append(line[1:].strip())
    return names or ["filter"]


def has_rules(path):
    with open(path) as f:
        return any(l.strip() and not l.startswith("#") for l in f)


def transcript(env, ipt_dump, path, d):
    out = []
    for base in d["base"]:
        with open(os.path.join(RULESETS, base), "rb") as f:
            rc, _, _ = env.sh("iptables-legacy-restore -c", f.read())
        out.append("base %s: rc=%d\n" % (base, rc))
    if has_rules(path):
        with open(path, "rb") as f:
            rc, _, _ = env.sh(("iptables-legacy-restore -c " + d["args"]).strip(), f.read())
        out.append("restore: rc=%d\n" % rc)
    for cmd in d["cmd"]:
        rc, _, _ = env.sh(cmd)
        out.append("$ %s: rc=%d\n" % (cmd, rc))
    rc, so, err = env.run([ipt_dump] + tables_of(path, d))
    out.append("ipt_dump: rc=%d\n%s" % (rc, so))
    out.append("".join("ipt_dump stderr: " + l + "\n" for l in err.splitlines()))
    return "".join(out)


def revisions_transcript(env, ipt_dump, after_list):
    out = ""
    if after_list:  # let libxtables load ip_tables first, as any iptables command does
        rc, _, _ = env.sh("iptables-legacy -n -L")
        out = "$ iptables-legacy -n -L: rc=%d\n" % rc
    with open(REVISIONS, "rb") as f:
        rc, so, err = env.run([ipt_dump, "--revisions"], f.read())
    return out + "ipt_dump --revisions: rc=%d\n%s%s" % (
        rc, so, "".join("stderr: " + l + "\n" for l in err.splitlines()))


def run_case(args, ipt_dump, case, idx):
    """case is (label, path), path None for the revision probes; returns (label, problems)."""
    label, path = case

    def make(env):
        if path is None:
            return revisions_transcript(env, ipt_dump, label == "revisions-after-list")
        return transcript(env, ipt_dump, path, parse_directives(path))

    gpath = os.path.join(GOLDEN, label.replace("/", "_") + ".out")
    if args.golden:
        if not os.path.exists(gpath):
            return label, ["no recorded transcript %s (run --record as root)" % gpath]
        with open(gpath) as f:
            ktext = f.read()
    else:
        with Env("kernel", None, "ge%d" % idx) as env:
            ktext = make(env)
        if args.record:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(gpath, "w") as f:
                f.write(ktext)
    if args.kernel_only:
        if args.verbose:
            print(ktext)
        return label, []
    with Env("nfemu", args.nfemu, "ge%d" % idx) as env:
        ntext = make(env)
    if ntext == ktext:
        return label, []
    diff = list(difflib.unified_diff(ktext.splitlines(True), ntext.splitlines(True),
                                     "kernel/" + label, "nfemu/" + label))
    if len(diff) > args.max_diff_lines:
        diff = diff[:args.max_diff_lines] + ["... (%d more diff lines; -d 0 for all)\n"
                                             % (len(diff) - args.max_diff_lines)]
    return label, ["dumps differ:\n" + "".join(diff).rstrip("\n")]


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="*",
                    help="only these rulesets (file names), 'revisions', 'revisions-after-list'")
    ap.add_argument("--nfemu", default=os.path.join(REPO, "build", "nfemu"))
    ap.add_argument("--ipt-dump", help="prebuilt ipt_dump binary")
    ap.add_argument("--kernel-only", action="store_true")
    ap.add_argument("--record", action="store_true",
                    help="write kernel dumps to get-entries/expected/")
    ap.add_argument("--golden", action="store_true",
                    help="compare nfemu with the recorded dumps (no netns)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the nfemu binary in place instead of a private copy")
    ap.add_argument("-d", "--max-diff-lines", type=int, default=60,
                    help="diff lines shown per case (0: all)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.max_diff_lines <= 0:
        args.max_diff_lines = 1 << 30
    if args.golden and (args.record or args.kernel_only):
        ap.error("--golden cannot be combined with --record/--kernel-only")

    reason = skip_reason(args, need_netns=not args.golden)
    if reason:
        print("SKIP: " + reason)
        return SKIP

    cases = [("rs/" + os.path.basename(p), p)
             for p in sorted(glob.glob(os.path.join(RULESETS, "*.rules")))]
    cases += [("ge/" + os.path.basename(p), p)
              for p in sorted(glob.glob(os.path.join(DATA, "*.rules")))]
    cases += [("revisions", None), ("revisions-after-list", None)]
    if args.cases:
        want = set(args.cases)
        cases = [c for c in cases if c[0] in want or c[0].split("/")[-1] in want]

    tmpdir = tempfile.mkdtemp(prefix="nfemu-ge-")
    try:
        ipt_dump, why = find_ipt_dump(args, tmpdir)
        if not ipt_dump:
            print("SKIP: " + why)
            return SKIP
        if not args.kernel_only and not args.no_snapshot:
            args.nfemu = snapshot_nfemu(args.nfemu, tmpdir)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            results = list(ex.map(lambda ic: run_case(args, ipt_dump, ic[1], ic[0]),
                                  enumerate(cases)))
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    failed = 0
    for label, problems in results:
        print("%s: %s" % (label, "FAIL" if problems else "ok"))
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        failed += bool(problems)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
