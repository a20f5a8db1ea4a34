#!/usr/bin/env python3
# A test of the packet harness itself: the whole real-kernel packet suite (run.py --kernel)
# must pass while every CPU is kept busy by another process, as a loaded CI machine is.
# The time-dependent cases (limit/hashlimit, recent, conntrack timeouts) then depend on the
# harness keeping the capture's schedule (real-time pacing) or noticing it did not (the slip
# check, which re-runs them).  Exit status: run.py's (0, 1, or 77 when not root).
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def busy():
    """One CPU-bound process (an ordinary one, nice 0): counts forever."""
    return subprocess.Popen([sys.executable, "-c", "n = 0\nwhile True: n += 1"],
                            start_new_session=True)


def main():
    ncpu = os.cpu_count() or 1
    hogs = [busy() for _ in range(ncpu)]
    try:
        time.sleep(0.5)
        for h in hogs:
            if h.poll() is not None:
                print("stress: a load process exited (%s)" % h.returncode)
                return 1
        print("stress: %d busy processes on %d CPUs while the kernel packet suite runs" % (ncpu, ncpu))
        sys.stdout.flush()
        rc = subprocess.call([sys.executable, os.path.join(HERE, "run.py"), "--kernel", "-v"]
                             + sys.argv[1:])
        for h in hogs:
            if h.poll() is not None:
                print("stress: a load process died during the run: the suite did not run under load")
                return 1
        return rc
    finally:
        for h in hogs:
            try:
                os.killpg(h.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            h.wait()


if __name__ == "__main__":
    sys.exit(main())
