#!/usr/bin/env python3
# Differential test: iptables-legacy-restore -c then iptables-legacy-save -c, run on the
# real kernel (a fresh netns per ruleset) and through nfemu (a fresh state file per
# ruleset); the two transcripts (restore status and stderr, extra commands, save output
# without its "# Generated/# Completed" lines) must be identical.
# Leaves out: packet traffic (counters come only from the rulesets), dmesg lines and
# their nfemu stand-in (stderr lines "nfemu: ..." other than "nfemu: exec: ...").
"""
Each tests/kernel/restore-save/*.rules file is an iptables-save file; lines starting
with "#@ " are directives for this runner (iptables-restore ignores them):
  #@ base: FILE        restore FILE (with -c) first; may repeat
  #@ args: ARGS        extra iptables-legacy-restore arguments (e.g. --noflush)
  #@ expect: refused   the real kernel must refuse the restore (checks the test itself)
  #@ cmd: COMMAND      shell command run after the restore, before the save; its exit
                       status, stdout and stderr are part of the transcript; may repeat
  #@ tables: T...      tables get-entries.py dumps (default: those the files name)

Exit status: 0 all identical, 1 a mismatch, 77 skipped (not root, no netns, no nfemu).
--record writes the kernel transcripts to restore-save/expected/; --golden compares
nfemu against those recorded transcripts instead of a live netns (needs no root).
"""

import argparse
import concurrent.futures
import difflib
import glob
import os
import shutil
import sys
import tempfile

sys.dont_write_bytecode = True  # keep __pycache__ out of the source tree
from difftest import snapshot_nfemu, SKIP, REPO, RULESETS, Env, parse_directives, skip_reason

GOLDEN = os.path.join(RULESETS, "expected")


def strip_save(text):
    return "".join(l for l in text.splitlines(True)
                   if not l.startswith("# Generated") and not l.startswith("# Completed"))


def transcript(env, path, d):
    """Run one ruleset in env; return (restore_rc, text)."""
    out = []
    for base in d["base"]:
        with open(os.path.join(RULESETS, base), "rb") as f:
            rc, _, err = env.sh("iptables-legacy-restore -c", f.read())
        out.append("base %s: rc=%d\n%s" % (base, rc, err))
    with open(path, "rb") as f:
        rc_restore, so, err = env.sh(("iptables-legacy-restore -c " + d["args"]).strip(), f.read())
    out.append("restore: rc=%d\n" % rc_restore)
    out.append("".join("restore stdout: " + l + "\n" for l in so.splitlines()))
    out.append("".join("restore stderr: " + l + "\n" for l in err.splitlines()))
    for cmd in d["cmd"]:
        rc, so, err = env.sh(cmd)
        out.append("$ %s\nrc=%d\n" % (cmd, rc))
        out.append("".join("stdout: " + l + "\n" for l in so.splitlines()))
        out.append("".join("stderr: " + l + "\n" for l in err.splitlines()))
    rc, so, err = env.sh("iptables-legacy-save -c")
    out.append("save: rc=%d\n" % rc)
    out.append("".join("save stderr: " + l + "\n" for l in err.splitlines()))
    out.append(strip_save(so))
    return rc_restore, "".join(out)


def run_one(args, path, idx):
    name = os.path.basename(path)
    d = parse_directives(path)
    problems = []
    if args.golden:
        gpath = os.path.join(GOLDEN, name + ".out")
        if not os.path.exists(gpath):
            return name, ["no recorded transcript %s (run --record as root)" % gpath]
        with open(gpath) as f:
            ktext = f.read()
    else:
        with Env("kernel", None, str(idx)) as env:
            krc, ktext = transcript(env, path, d)
        if (krc == 0) != (d["expect"] == "ok"):
            problems.append("broken test: the real kernel %s the restore (rc=%d) but the "
                            "file says expect: %s" % ("accepted" if krc == 0 else "refused",
                                                      krc, d["expect"]))
        if args.record:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(os.path.join(GOLDEN, name + ".out"), "w") as f:
                f.write(ktext)
    if args.kernel_only:
        if args.verbose:
            print(ktext)
        return name, problems
    with Env("nfemu", args.nfemu, str(idx)) as env:
        _, ntext = transcript(env, path, d)
    if ntext != ktext:
        diff = difflib.unified_diff(ktext.splitlines(True), ntext.splitlines(True),
                                    "kernel/" + name, "nfemu/" + name)
        problems.append("transcripts differ:\n" + "".join(diff).rstrip("\n"))
    return name, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rulesets", nargs="*", help="only these .rules files")
    ap.add_argument("--nfemu", default=os.path.join(REPO, "build", "nfemu"))
    ap.add_argument("--kernel-only", action="store_true",
                    help="only check the rulesets against the real kernel")
    ap.add_argument("--record", action="store_true",
                    help="write kernel transcripts to restore-save/expected/")
    ap.add_argument("--golden", action="store_true",
                    help="compare nfemu with the recorded transcripts (no netns)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the nfemu binary in place instead of a private copy")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if args.golden and (args.record or args.kernel_only):
        ap.error("--golden cannot be combined with --record/--kernel-only")

    reason = skip_reason(args, need_netns=not args.golden)
    if reason:
        print("SKIP: " + reason)
        return SKIP

    if args.rulesets:
        paths = [p if os.path.sep in p else os.path.join(RULESETS, p) for p in args.rulesets]
    else:
        paths = sorted(glob.glob(os.path.join(RULESETS, "*.rules")))

    snapdir = tempfile.mkdtemp(prefix="nfemu-snap-")
    try:
        if not args.kernel_only and not args.no_snapshot:
            args.nfemu = snapshot_nfemu(args.nfemu, snapdir)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            results = list(ex.map(lambda ip: run_one(args, ip[1], ip[0]), enumerate(paths)))
    finally:
        shutil.rmtree(snapdir, ignore_errors=True)

    failed = 0
    for name, problems in results:
        print("%s: %s" % (name, "FAIL" if problems else "ok"))
        for p in problems:
            print("  " + p.replace("\n", "\n  "))
        failed += bool(problems)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
