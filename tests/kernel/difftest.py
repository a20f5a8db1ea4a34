# Shared helpers of the real-kernel differential tests in tests/kernel: a fresh network
# stack to run iptables-legacy programs in (an `ip netns` on the real kernel, or an nfemu
# state file through `nfemu exec`), the "#@ " directives of the rulesets, and skip checks.
# Leaves out: anything about packets.

import os
import shutil
import subprocess
import tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RULESETS = os.path.join(HERE, "restore-save")
CMD_TIMEOUT = 120


class Env:
    """A fresh emulated or real network stack: a netns, or an nfemu state file."""

    def __init__(self, kind, nfemu, tag):
        self.kind = kind
        self.tmpdir = tempfile.mkdtemp(prefix="nfemu-rs-")
        self.env = dict(os.environ, XTABLES_LOCKFILE=os.path.join(self.tmpdir, "lock"))
        if kind == "kernel":
            self.netns = "nfemu-rs-%d-%s" % (os.getpid(), tag)
            self.prefix = ["ip", "netns", "exec", self.netns]
        else:
            self.netns = None
            self.prefix = [nfemu, "exec", "--state", os.path.join(self.tmpdir, "state"), "--"]

    def __enter__(self):
        if self.netns:
            r = subprocess.run(["ip", "netns", "add", self.netns], capture_output=True, text=True)
            if r.returncode:
                raise RuntimeError("ip netns add: " + r.stderr.strip())
        return self

    def __exit__(self, *exc):
        if self.netns:
            subprocess.run(["ip", "netns", "del", self.netns], capture_output=True)
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def sh(self, command, stdin=None):
        """Run a shell command line inside the environment."""
        return self.run(["sh", "-c", command], stdin)

    def run(self, argv, stdin=None):
        """Run argv inside the environment; return (rc, stdout, stderr) as text."""
        argv = self.prefix + list(argv)
        try:
            p = subprocess.run(argv, input=stdin, capture_output=True, env=self.env,
                               timeout=CMD_TIMEOUT)
            err = p.stderr.decode("utf-8", "replace")
            if self.kind == "nfemu":
                err = strip_nfemu_diagnostics(err)
            return p.returncode, p.stdout.decode("utf-8", "replace"), err
        except subprocess.TimeoutExpired:
            return -1, "", "[timeout after %ds]\n" % CMD_TIMEOUT


def strip_nfemu_diagnostics(text):
    """Drop the emulated kernel's log lines ("nfemu: SET_REPLACE ...: ... (EINVAL)").

    They are nfemu's stand-in for dmesg, which the real-kernel side does not capture
    either; "nfemu: exec: ..." lines (the harness failing) are kept.
    """
    return "".join(l for l in text.splitlines(True)
                   if not l.startswith("nfemu: ") or l.startswith("nfemu: exec:"))


def parse_directives(path):
    d = {"base": [], "args": "", "expect": "ok", "cmd": [], "tables": []}
    with open(path) as f:
        for line in f:
            if not line.startswith("#@ "):
                continue
            key, _, val = line[3:].partition(":")
            key, val = key.strip(), val.strip()
            if key in ("base", "cmd"):
                d[key].append(val)
            elif key in ("args", "expect"):
                d[key] = val
            elif key == "tables":
                d[key] = val.split()
            else:
                raise ValueError("%s: unknown directive %r" % (path, key))
    return d


def skip_reason(args, need_netns=True):
    if need_netns:
        if os.geteuid() != 0:
            return "needs root for ip netns (or use --golden)"
        probe = "nfemu-rs-probe-%d" % os.getpid()
        r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
        if r.returncode:
            return "ip netns does not work here: " + r.stderr.strip()
        r = subprocess.run(["ip", "netns", "exec", probe, "iptables-legacy-save"],
                           capture_output=True, text=True)
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
        if r.returncode:
            return "iptables-legacy-save fails in a netns: " + r.stderr.strip()
    if not args.kernel_only and not (os.path.isfile(args.nfemu) and os.access(args.nfemu, os.X_OK)):
        return "nfemu binary %s not built" % args.nfemu
    if shutil.which("iptables-legacy-restore") is None:
        return "iptables-legacy-restore not installed"
    return None


def snapshot_nfemu(nfemu, tmpdir):
    """Copy nfemu and its shim into tmpdir so a rebuild during the run cannot change them.

    The copy keeps the build-tree layout nfemu looks for (sockopt_shim/ next to the
    binary); if the shim cannot be found the original binary is used as is.
    """
    nfemu = os.path.abspath(nfemu)
    shim = os.environ.get("NFEMU_SHIM") or os.path.join(
        os.path.dirname(nfemu), "sockopt_shim", "libnfemu_shim.so")
    if not os.path.isfile(shim):
        return nfemu
    os.makedirs(os.path.join(tmpdir, "sockopt_shim"), exist_ok=True)
    shutil.copy2(nfemu, os.path.join(tmpdir, "nfemu"))
    shutil.copy2(shim, os.path.join(tmpdir, "sockopt_shim", "libnfemu_shim.so"))
    os.environ.pop("NFEMU_SHIM", None)
    return os.path.join(tmpdir, "nfemu")
