#!/usr/bin/env python3
"""nfemu test scenarios with exact outputs (tests/spec/expected/NAME.out: the exit status,
stdout and stderr of each run).  Every expectation kind passing (cases/pass.spec) and
failing (cases/fail.spec), spec errors with their columns, setup errors, usage errors, TAP,
JUnit (validated with xmllint against tests/spec/junit-jenkins.xsd, the structure Jenkins
reads), --record (to stdout, and in place: the recorded spec passes), --packet-lines, and a
3-endpoint Service whose statistic branches give exactly its 3 DNAT targets.

usage: run.py --nfemu PATH [--update] [NAME...]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))

HEAD = "topology ../data/topology\nrules    ../data/rules.v4\n"
T = '\ntest "t"\n  packet tcp 198.51.100.7:40001 > 203.0.113.1:23 S in wan0\n'

# name -> spec text; each must be refused with exit 2 and its file:line:col
ERRORS = {
    "unknown-word": HEAD + "tset \"x\"\n",
    "topology-twice": HEAD + "topology ../data/topology\n" + T,
    "rules-and-state": HEAD + "state x.state\n" + T,
    "no-rules": "topology ../data/topology\n" + T,
    "no-topology": "rules ../data/rules.v4\n",
    "no-tests": HEAD,
    "seed-bad": HEAD + "seed -1\n" + T,
    "directive-after-test": HEAD + T + "rules ../data/rules.v4\n",
    "test-no-quotes": HEAD + "test telnet\n",
    "test-empty-name": HEAD + 'test ""\n',
    "test-dup-name": HEAD + T + T,
    "test-no-packet": HEAD + 'test "a"\ntest "b"\n',
    "test-no-packet-last": HEAD + T + 'test "b"\n',
    "test-trailing": HEAD + 'test "a" extra\n',
    "unterminated-string": HEAD + 'test "a\n',
    "packet-outside-test": HEAD + "packet tcp 1.2.3.4:5 > 6.7.8.9:80\n",
    "packet-bad": HEAD + '\ntest "t"\n  packet tcp 198.51.100.7:40001 > 203.0.113.1:23 S ttl x\n',
    "expect-before-packet": HEAD + '\ntest "t"\n  expect accept\n',
    "expect-empty": HEAD + T + "  expect\n",
    "expect-unknown": HEAD + T + "  expect accepted\n",
    "accept-trailing": HEAD + T + "  expect accept now\n",
    "drop-not-by": HEAD + T + "  expect drop from filter:INPUT:rule:1\n",
    "drop-by-nothing": HEAD + T + "  expect drop by\n",
    "forward-no-out": HEAD + T + "  expect forward eth0\n",
    "forward-no-iface": HEAD + T + "  expect forward out\n",
    "forward-long-iface": HEAD + T + "  expect forward out averyveryverylongname\n",
    "forward-as-bad": HEAD + T + "  expect forward out wan0 as 1.2.3 > 4.5.6.7\n",
    "forward-not-as": HEAD + T + "  expect forward out wan0 like 1.2.3.4 > 4.5.6.7\n",
    "reply-missing": HEAD + T + "  expect reply\n",
    "reply-bad": HEAD + T + "  expect reply tcp 1.2.3.4 > 5.6.7.8:80\n",
    "ct-missing": HEAD + T + "  expect ct\n",
    "ct-unknown": HEAD + T + "  expect ct SYN_SENT\n",
    "log-missing": HEAD + T + "  expect log\n",
    "log-empty": HEAD + T + '  expect log ""\n',
    "mark-bad": HEAD + T + "  expect mark 0x1ffffffff\n",
    "dnat-no-to": HEAD + T + "  expect dnat 10.0.0.1\n",
    "dnat-bad-addr": HEAD + T + "  expect dnat to 10.0.0.1:80 | 10.0.0.256:80\n",
    "dnat-bad-port": HEAD + T + "  expect dnat to 10.0.0.1:http\n",
    "dnat-empty-alt": HEAD + T + "  expect dnat to 10.0.0.1 | | 10.0.0.2\n",
    "dnat-dup": HEAD + T + "  expect snat to 10.0.0.1:80 | 10.0.0.2:80 | 10.0.0.1:80\n",
    "dnat-no-bar": HEAD + T + "  expect dnat to 10.0.0.1 10.0.0.2\n",
    "missing-file": None,
}

# name -> (argv after `nfemu test`, files to write first {name: text})
RUNS = {
    "pass": (["cases/pass.spec"], {}),
    "fail": (["cases/fail.spec"], {}),
    "tap": (["--tap", "cases/tap.spec"], {}),
    "tap-pass": (["--tap", "cases/pass.spec"], {}),
    "two-specs": (["cases/tap.spec", "cases/pass.spec"], {}),
    "record": (["--record", "--stdout", "cases/record.spec"], {}),
    "verbose": (["--verbose", "cases/tap.spec"], {}),
    "packet-lines": (["--packet-lines", REPO + "/tests/kernel/packet/cases/37-ct-icmp-related/packets.pcapng",
                      "--topology", REPO + "/tests/kernel/packet/cases/37-ct-icmp-related/topology"], {}),
    "setup-bad-rules": (["W/bad-rules.spec"], {
        "bad-rules.spec": "topology ../../data/topology\nrules bad.v4\n" + T,
        "bad.v4": "*filter\n-A NOSUCHCHAIN -j ACCEPT\nCOMMIT\n"}),
    "setup-no-iface": (["W/no-iface.spec"], {
        "no-iface.spec": "topology ../../data/topology\nrules ../../data/rules.v4\n\ntest \"t\"\n"
                         "  packet tcp 198.51.100.7:40001 > 203.0.113.1:23 S in eth9\n"}),
    "setup-from-host": (["W/from-host.spec"], {
        "from-host.spec": "topology ../../data/topology\nrules ../../data/rules.v4\n\ntest \"t\"\n"
                          "  packet tcp 198.51.100.7:40001 > 203.0.113.1:23 S from-host\n"}),
    "usage-no-spec": ([], {}),
    "usage-stdout": (["--stdout", "cases/pass.spec"], {}),
    "usage-record-tap": (["--record", "--tap", "cases/pass.spec"], {}),
    "usage-unknown": (["--frobnicate", "cases/pass.spec"], {}),
}


def norm(s):
    return re.sub(r'time="[0-9.]+"', 'time="T"', s)


def run(nfemu, argv, cwd):
    p = subprocess.run([nfemu, "test"] + argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    return "exit %d\n--- stdout\n%s--- stderr\n%s" % (p.returncode, p.stdout, p.stderr), p


def check(name, got, update, failures):
    path = os.path.join(HERE, "expected", name + ".out")
    if update:
        with open(path, "w") as f:
            f.write(got)
        return
    want = open(path).read() if os.path.exists(path) else None
    if want != got:
        failures.append(name)
        sys.stdout.write("FAIL %s\n--- want\n%s--- got\n%s" % (name, want, got))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nfemu", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    nfemu = os.path.abspath(a.nfemu)
    os.makedirs(os.path.join(HERE, "expected"), exist_ok=True)
    want = lambda n: not a.names or n in a.names  # noqa: E731
    failures, n = [], 0
    tmp = tempfile.mkdtemp(prefix="nfemu-spec-", dir=os.path.join(HERE))
    try:
        work = os.path.join(tmp, "W")
        os.mkdir(work)
        errdir = os.path.join(HERE, "cases")
        for name, text in ERRORS.items():
            if not want("error-" + name):
                continue
            n += 1
            spec = os.path.join(work, name + ".spec")
            if text is not None:
                # relative paths in the specs are those of cases/: write next to them
                spec = os.path.join(errdir, "error-%s.spec.tmp" % name)
                with open(spec, "w") as f:
                    f.write(text)
            try:
                got, p = run(nfemu, [os.path.relpath(spec, HERE)], HERE)
            finally:
                if text is not None:
                    os.unlink(spec)
            got = got.replace(os.path.relpath(work, HERE), "W")
            check("error-" + name, got, a.update, failures)
            if p.returncode != 2:
                failures.append("error-%s: exit %d, not 2" % (name, p.returncode))
        for name, (argv, files) in RUNS.items():
            if not want(name):
                continue
            n += 1
            for fn, text in files.items():
                with open(os.path.join(work, fn), "w") as f:
                    f.write(text)
            argv = [x.replace("W/", os.path.relpath(work, HERE) + "/") for x in argv]
            got, p = run(nfemu, argv, HERE)
            got = got.replace(os.path.relpath(work, HERE), "W").replace(REPO, "REPO")
            check(name, got, a.update, failures)
        # exit statuses, whatever the text
        for name, code in (("pass", 0), ("fail", 1), ("tap", 1), ("tap-pass", 0), ("two-specs", 1),
                           ("setup-bad-rules", 2), ("setup-no-iface", 2), ("setup-from-host", 2),
                           ("usage-no-spec", 2), ("usage-stdout", 2), ("record", 0)):
            if want(name):
                p = subprocess.run([nfemu, "test"] + RUNS[name][0], cwd=HERE, capture_output=True)
                if name.startswith("setup") or p.returncode != code:
                    if p.returncode != code:
                        failures.append("%s: exit %d, not %d" % (name, p.returncode, code))
        # JUnit: valid against the Jenkins structure, and exactly this (times aside)
        if want("junit"):
            n += 1
            xml = os.path.join(tmp, "junit.xml")
            got, p = run(nfemu, ["--junit", xml, "cases/tap.spec", "cases/pass.spec"], HERE)
            if p.returncode != 1:
                failures.append("junit: exit %d, not 1" % p.returncode)
            v = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(HERE, "junit-jenkins.xsd"), xml],
                               capture_output=True, text=True)
            if v.returncode:
                failures.append("junit: xmllint: %s" % v.stderr)
            check("junit", norm(open(xml).read()), a.update, failures)
            # the schema does refuse what Jenkins would not read
            bad = os.path.join(tmp, "bad.xml")
            text = open(xml).read()
            for what, mutated in (
                    ("a testcase without a name", text.replace('<testcase name=', '<testcase nom=', 1)),
                    ("a testsuite without failures", re.sub(r'(<testsuite [^>]*) failures="\d+"', r'\1', text, count=1)),
                    ("a testsuite without errors", re.sub(r'(<testsuite [^>]*) errors="\d+"', r'\1', text, count=1)),
                    ("a time that is not seconds", re.sub(r'(<testsuite [^>]*time=")[0-9.]+"', r'\1soon"', text, count=1))):
                if mutated == text:
                    failures.append("junit: could not make %s" % what)
                    continue
                with open(bad, "w") as f:
                    f.write(mutated)
                v = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(HERE, "junit-jenkins.xsd"), bad],
                                   capture_output=True, text=True)
                if v.returncode == 0:
                    failures.append("junit: the schema accepted %s" % what)
        # --record in place: the spec is rewritten, and then passes
        if want("record-inplace"):
            n += 1
            spec = os.path.join(HERE, "cases", "record-inplace.spec.tmp")
            shutil.copy(os.path.join(HERE, "cases", "record.spec"), spec)
            try:
                p1 = subprocess.run([nfemu, "test", "--record", spec], capture_output=True, text=True)
                p2 = subprocess.run([nfemu, "test", spec], capture_output=True, text=True)
                rec = open(spec).read()
            finally:
                os.unlink(spec)
            if p1.returncode or p2.returncode or "expect drop      # replaced" in rec:
                failures.append("record-inplace: record exit %d, test exit %d\n%s%s" %
                                (p1.returncode, p2.returncode, p2.stdout, p2.stderr))
    finally:
        shutil.rmtree(tmp)
    print("spec scenarios: %d run, %d failed" % (n, len(failures)))
    for f in failures:
        print("FAIL " + f.split("\n")[0])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
