#!/usr/bin/env python3
# A test of the packet harness itself: the whole real-kernel packet suite (run.py --kernel)
# must pass while every CPU is kept busy by another process, as a loaded CI machine is.
# The time-dependent cases (limit/hashlimit, recent, conntrack timeouts) then depend on the
# harness keeping the capture's schedule (real-time pacing) or noticing it did not (the slip
# check, which re-runs them).  Exit status: run.py's (0, 1, or 77 when not root).
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "lib"))
from cpuload import cpu_load  # noqa: E402


def main():
    with cpu_load() as load:
        if not load.alive():
            print("stress: a load process exited")
            return 1
        print("stress: %d busy processes on %d CPUs while the kernel packet suite runs"
              % (load.n, load.n))
        sys.stdout.flush()
        rc = subprocess.call([sys.executable, os.path.join(HERE, "run.py"), "--kernel", "-v"]
                             + sys.argv[1:])
        if not load.alive():
            print("stress: a load process died during the run: the suite did not run under load")
            return 1
        return rc


if __name__ == "__main__":
    sys.exit(main())
