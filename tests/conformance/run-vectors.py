#!/usr/bin/env python3
# Runs the iptables 1.8.9 extension test vectors (*.t) against the real kernel
# (a fresh `ip netns` per file) or against nfemu (a fresh state file per file).
# Mirrors the per-rule ("slow") path of iptables' own iptables-test.py in legacy
# mode: add with -A, look for "\n-A <expected>\n" in iptables-save, delete with -D.
# Leaves out: ip6tables (IPv4 only), the fast iptables-restore path, colours.
"""
Vector file format (iptables/extensions/*.t):
  :CHAIN[,CHAIN...]        chains every following rule is added to
  *table                   table for the following rules (default: none = filter)
  @cmd / %cmd              external command, run as is; "%iptables ..." is run
                           with the iptables under test
  rule;save;RES[;VARIANT[;ALT_RES]]
                           RES is OK, FAIL or NOMATCH; save "=" means the rule
                           itself; VARIANT (LEGACY/NFT) scopes RES, the other
                           variant gets ALT_RES or the inverse of RES.

A line fails if, in any of its chains, an OK line cannot be added, found (as a whole
"-A CHAIN SAVE" line of iptables-legacy-save) or deleted, a FAIL line can be added, or a NOMATCH line
is found. Unlike iptables-test.py, a crash (exit status >= 128) always fails the line.
With --expect FILE (ids "file.t:lineno"), success means exactly those lines fail.

Exit status: 0 all as expected, 1 mismatch, 77 skipped (not root, no netns,
no vectors, no nfemu binary).
"""

import argparse
import concurrent.futures
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
CMD_TIMEOUT = 60
RES_INVERSE = {"OK": "FAIL", "FAIL": "OK", "NOMATCH": "OK"}
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def default_vectors():
    return os.path.normpath(os.path.join(REPO, "..", "shared", "conformance", "iptables-1.8.9"))


class Env:
    """Where commands run: a netns on the real kernel or an nfemu state file."""

    def __init__(self, args, tag):
        self.args = args
        self.tag = tag
        self.tmpdir = tempfile.mkdtemp(prefix="nfemu-vec-")
        self.lockfile = os.path.join(self.tmpdir, "xtables.lock")
        self.netns = None
        self.state = None
        if args.mode == "kernel":
            self.netns = "nfemu-vec-%d-%s" % (os.getpid(), tag)
            self.prefix = "ip netns exec %s " % self.netns
        else:
            self.state = os.path.join(self.tmpdir, "state")
            self.prefix = "%s exec --state %s -- " % (shlex.quote(args.nfemu),
                                                       shlex.quote(self.state))
        self.env = dict(os.environ, XTABLES_LOCKFILE=self.lockfile)
        self.log = []

    def setup(self):
        if self.netns:
            r = subprocess.run(["ip", "netns", "add", self.netns],
                               capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError("ip netns add %s: %s" % (self.netns, r.stderr.strip()))

    def teardown(self):
        if self.netns:
            subprocess.run(["ip", "netns", "del", self.netns], capture_output=True)
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    def run(self, cmd):
        """Run a shell command in this environment; return (rc, stdout, stderr)."""
        full = self.prefix + cmd
        try:
            p = subprocess.run(full, shell=True, capture_output=True, env=self.env,
                               timeout=CMD_TIMEOUT)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = -1000, e.stdout or b"", (e.stderr or b"") + b"\n[timeout]"
        self.log.append("command: %s\n  rc=%d %s" % (
            full, rc, err.decode("utf-8", "replace").strip()))
        return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


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


def variant_res(res, variant, alt_res):
    if variant == "LEGACY":
        return res
    if alt_res is not None:
        return alt_res
    return RES_INVERSE[res]


def iptables_cmd(args, rest):
    return args.iptables + " " + rest


def delete_rule(env, args, rule):
    rc, _, err = env.run(iptables_cmd(args, "-D " + rule))
    if rc != 0:
        return "cannot delete: iptables -D %s (%s)" % (rule, last_line(err))
    return None


def last_line(text):
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return lines[-1] if lines else ("rc only")


def run_test(env, args, rule, rule_save, res):
    """One rule in one chain; returns None on success, else the reason."""
    cmd = iptables_cmd(args, "-A " + rule)
    rc, _, err = env.run(cmd)
    if rc < 0 or rc >= 128:
        return "command crashed (rc=%d): %s" % (rc, cmd)
    if rc:
        if res != "FAIL":
            return "cannot load: %s (%s)" % (cmd, last_line(err))
        return None
    if res == "FAIL":
        delete_rule(env, args, rule)
        return "should fail: " + cmd

    rc, out, err = env.run(args.iptables_save)
    if rc < 0 or rc >= 128:
        delete_rule(env, args, rule)
        return "iptables-save crashed (rc=%d)" % rc
    found = ("\n-A %s\n" % rule_save) in out
    if not found:
        if res == "OK":
            delete_rule(env, args, rule)
            got = [l for l in out.splitlines()
                   if l.startswith("-A " + rule_save.split(" ", 1)[0] + " ")]
            return "cannot find: iptables -I %s (got: %s)" % (
                rule, " | ".join(got) if got else "nothing")
        return None  # NOMATCH: like iptables-test.py, the rule stays in place
    if res != "OK":
        delete_rule(env, args, rule)
        return "should not match: " + cmd
    return delete_rule(env, args, rule)


def parse_file(path):
    """Yield ('chains', list) | ('table', name) | ('cmd', text) | ('test', lineno, fields)."""
    with open(path) as f:
        for idx, line in enumerate(f):
            if line[0] == "#" or len(line.strip()) == 0:
                continue
            if line[0] == ":":
                yield ("chains", line.rstrip()[1:].split(","))
            elif line[0] in "@%":
                yield ("cmd", line.rstrip()[1:])
            elif line[0] == "*":
                yield ("table", line.rstrip()[1:])
            else:
                yield ("test", idx + 1, line.split(";"))


def run_file(args, path, tag):
    name = os.path.basename(path)
    env = Env(args, tag)
    results = []  # (lineno, ok, reason)
    try:
        env.setup()
        table = ""
        chains = []
        for item in parse_file(path):
            kind = item[0]
            if kind == "chains":
                chains = item[1]
                continue
            if kind == "table":
                table = item[1]
                continue
            if kind == "cmd":
                cmd = item[1]
                if cmd.startswith("iptables "):
                    cmd = args.iptables + cmd[len("iptables"):]
                env.run(cmd)
                continue
            _, lineno, fields = item
            if not chains:
                results.append((lineno, False, "broken test, missing chain"))
                break
            reason = None
            for chain in chains:
                if table == "":
                    rule = chain + " " + fields[0]
                else:
                    rule = chain + " -t " + table + " " + fields[0]
                if fields[1] == "=":
                    rule_save = chain + " " + fields[0]
                else:
                    rule_save = chain + " " + fields[1]
                res = fields[2].rstrip()
                if len(fields) > 3:
                    alt = fields[4].rstrip() if len(fields) > 4 else None
                    res = variant_res(res, fields[3].rstrip(), alt)
                reason = run_test(env, args, rule, rule_save, res)
                if reason:
                    break
            results.append((lineno, reason is None, reason))
    except Exception as e:  # environment trouble: every remaining line is unknown
        results.append((0, False, "runner error: %s" % e))
    finally:
        env.teardown()
    return name, results, env.log


def line_key(lid):
    name, _, num = lid.rpartition(":")
    return (name, int(num) if num.isdigit() else 0)


def load_expect(path):
    ids = set()
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                ids.add(line)
    return ids


def check_environment(args):
    """Return None if the mode can run here, else the reason to skip."""
    if not os.path.isdir(args.vectors):
        return "vector directory %s not found" % args.vectors
    if args.mode == "kernel":
        if os.geteuid() != 0:
            return "kernel mode needs root (ip netns)"
        probe = "nfemu-vec-probe-%d" % os.getpid()
        r = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
        if r.returncode != 0:
            return "ip netns does not work here: " + r.stderr.strip()
        r = subprocess.run(["ip", "netns", "exec", probe, args.iptables_save],
                           capture_output=True, text=True)
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
        if r.returncode != 0:
            return "%s does not run in a netns: %s" % (args.iptables_save, r.stderr.strip())
    else:
        if not (os.path.isfile(args.nfemu) and os.access(args.nfemu, os.X_OK)):
            return "nfemu binary %s not built" % args.nfemu
    if shutil.which(args.iptables.split()[0]) is None:
        return "%s not installed" % args.iptables
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="only these .t files (names or paths)")
    ap.add_argument("--mode", choices=["kernel", "nfemu"], default="kernel")
    ap.add_argument("--nfemu", help="path to the nfemu binary (nfemu mode; default "
                    "<repo>/build/nfemu)")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="run the nfemu binary in place instead of a private copy")
    ap.add_argument("--vectors", default=default_vectors(), help="directory of *.t files")
    ap.add_argument("--expect", help="file of file:lineno ids expected to fail")
    ap.add_argument("--jobs", type=int, default=1, help="files run in parallel")
    ap.add_argument("--iptables", default="iptables-legacy")
    ap.add_argument("--iptables-save", default="iptables-legacy-save")
    ap.add_argument("--write-failures", metavar="FILE",
                    help="write the failing line ids to FILE")
    ap.add_argument("--log", metavar="FILE", help="write every command and its rc to FILE")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print every failing line's reason (default: ids only "
                         "for expected failures)")
    args = ap.parse_args()
    if args.mode == "nfemu" and not args.nfemu:
        args.nfemu = os.path.join(REPO, "build", "nfemu")

    reason = check_environment(args)
    if reason:
        print("SKIP: " + reason)
        return SKIP

    if args.files:
        paths = [f if os.path.sep in f else os.path.join(args.vectors, f) for f in args.files]
    else:
        paths = sorted(os.path.join(args.vectors, f) for f in os.listdir(args.vectors)
                       if f.endswith(".t"))
    expect = load_expect(args.expect) if args.expect else None
    if expect is not None:  # only the files this run covers
        names = {os.path.basename(p) for p in paths}
        expect = {lid for lid in expect if lid.rsplit(":", 1)[0] in names}

    snapdir = tempfile.mkdtemp(prefix="nfemu-snap-")
    try:
        if args.mode == "nfemu" and not args.no_snapshot:
            args.nfemu = snapshot_nfemu(args.nfemu, snapdir)
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
            futs = [ex.submit(run_file, args, p, str(i)) for i, p in enumerate(paths)]
            outcomes = [f.result() for f in futs]
    finally:
        shutil.rmtree(snapdir, ignore_errors=True)

    passed = failed = 0
    failing = []
    logf = open(args.log, "w") if args.log else None
    for name, results, log in outcomes:
        if logf:
            logf.write("### %s\n%s\n" % (name, "\n".join(log)))
        bad = [(ln, why) for ln, ok, why in results if not ok]
        good = len(results) - len(bad)
        passed += good
        failed += len(bad)
        print("%s: %s (%d/%d)" % (name, "OK" if not bad else "FAIL", good, len(results)))
        for ln, why in bad:
            lid = "%s:%d" % (name, ln)
            failing.append(lid)
            if expect is None or lid not in expect or args.verbose:
                print("  %s: %s%s" % (lid, why,
                                      " [expected]" if expect and lid in expect else ""))
    if logf:
        logf.close()

    if args.write_failures:
        with open(args.write_failures, "w") as f:
            f.write("".join(l + "\n" for l in failing))

    rc = 0 if failed == 0 else 1
    if expect is not None:
        got = set(failing)
        new = sorted(got - expect, key=line_key)
        fixed = sorted(expect - got, key=line_key)
        for lid in new:
            print("unexpected failure: " + lid)
        for lid in fixed:
            print("expected failure did not fail: " + lid)
        rc = 0 if not new and not fixed else 1
        print("expectation %s: %d unexpected, %d expected but passing" %
              ("met" if rc == 0 else "NOT met", len(new), len(fixed)))
    print("%d passed, %d failed" % (passed, failed))
    return rc


if __name__ == "__main__":
    sys.exit(main())
