"""tests/lib/cpuload.py: keep every CPU busy while a test runs (imported by
tests/kernel/packet/stress.py and tests/stress/suite_under_load.py).

    with cpu_load() as load:
        ...                             # the run under load
        if not load.alive(): ...        # a load process died: the run was not under load
"""
import contextlib
import os
import signal
import subprocess
import sys
import time


class Load:
    def __init__(self, n):
        self.n = n
        # ordinary processes (nice 0), each counting forever, in sessions of their own
        self.procs = [subprocess.Popen([sys.executable, "-c", "n = 0\nwhile True: n += 1"],
                                       start_new_session=True) for _ in range(n)]

    def alive(self):
        return all(p.poll() is None for p in self.procs)

    def stop(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


@contextlib.contextmanager
def cpu_load(n=None):
    """One busy process per CPU (or n), running by the time the body starts."""
    load = Load(n or os.cpu_count() or 1)
    try:
        time.sleep(0.5)
        yield load
    finally:
        load.stop()
