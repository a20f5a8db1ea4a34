#!/usr/bin/env python3
# The whole suite, N times in a row, while another process keeps every CPU busy (issue 8's
# "never fails by chance" acceptance).  Not a meson test itself: it runs `meson test`.
#
#   tests/stress/suite_under_load.py --build build [--runs 5] [--lock /tmp/nfemu-kernel.lock]
#
# Each run is `meson test --no-suite stress` (every suite: unit, scenario, conformance,
# report, and the real-kernel differential suites, which meson runs serially); the
# `stress` suite is left out because it is this same test at a smaller scale (the kernel
# packet suite under load).  The kernel suites run under --lock when given, so another user
# of the real kernel's log on the machine waits instead of interleaving with them.
# Prints one line per run (passed/failed counts, seconds) and exits 1 if any run failed.
import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from cpuload import cpu_load  # noqa: E402




def counts(build):
    ok = bad = skip = 0
    failed = []
    with open(os.path.join(build, "meson-logs", "testlog.json")) as f:
        for line in f:
            t = json.loads(line)
            r = t.get("result")
            if r == "OK" or r == "EXPECTEDFAIL":
                ok += 1
            elif r == "SKIP":
                skip += 1
            else:
                bad += 1
                failed.append(t.get("name"))
    return ok, bad, skip, failed


def meson_test(build, args, lock):
    argv = ["meson", "test", "-C", build, "--print-errorlogs"] + args
    if lock:
        argv = ["flock", lock] + argv
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--lock", help="flock this file around the real-kernel suites")
    ap.add_argument("--log", help="append each run's meson output here")
    a = ap.parse_args()
    allok = True
    with cpu_load() as load:
        ncpu = load.n
        print("suite-under-load: %d busy processes on %d CPUs, %d runs" % (ncpu, ncpu, a.runs))
        sys.stdout.flush()
        for i in range(1, a.runs + 1):
            t0 = time.time()
            tot = [0, 0, 0]
            failed = []
            for args, lock in ((["--no-suite", "kernel", "--no-suite", "stress",
                                 "--num-processes", str(ncpu)], None),
                               (["--suite", "kernel", "--num-processes", "1"], a.lock)):
                rc, out = meson_test(a.build, args, lock)
                if a.log:
                    with open(a.log, "a") as f:
                        f.write("=== run %d: meson test %s (exit %d)\n%s\n"
                                % (i, " ".join(args), rc, out))
                ok, bad, skip, fl = counts(a.build)
                tot[0] += ok
                tot[1] += bad
                tot[2] += skip
                failed += fl
                if rc != 0 and not bad:
                    tot[1] += 1
                    failed.append("meson test exit %d" % rc)
            if not load.alive():
                print("suite-under-load: a load process died: run %d was not under load" % i)
                return 1
            print("run %d: %d passed, %d failed, %d skipped, %.0f s%s"
                  % (i, tot[0], tot[1], tot[2], time.time() - t0,
                     (" (" + ", ".join(failed) + ")") if failed else ""))
            sys.stdout.flush()
            allok = allok and tot[1] == 0
        return 0 if allok else 1


if __name__ == "__main__":
    sys.exit(main())
