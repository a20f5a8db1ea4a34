#!/usr/bin/env python3
# Replay scenario tests: each folder in cases/ holds a run.sh (nfemu replay and friends, run
# from the case folder with $NFEMU, $OUT and $CASES set) and expected/: the files run.sh leaves
# in $OUT (traces, JSON Lines, ...), output.txt (what run.sh printed, stdout and stderr, with
# "exit N" lines for failures) and egress/*.txt (each pcap in $OUT/egress as "HEX" lines).
# Everything is compared byte for byte after masking the wall-clock figures of the summary.
# --update rewrites expected/ from this run.  Exit 77 (skipped) when nfemu is missing.
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# The summary's wall-clock figures differ run to run.
TIMING = re.compile(r", [0-9.]+ s, [0-9]+ packets/s")


def pcap_text(path):
    """One line per frame: the bytes in hex (pcap written by nfemu: ns timestamps)."""
    with open(path, "rb") as f:
        buf = f.read()
    if len(buf) < 24:
        return "not a pcap file (%d bytes)\n" % len(buf)
    magic = struct.unpack("<I", buf[:4])[0]
    e = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(e + "I", buf[20:24])[0]
    out, off = ["linktype %d\n" % linktype], 24
    while off + 16 <= len(buf):
        _, _, caplen, _ = struct.unpack(e + "IIII", buf[off:off + 16])
        out.append(buf[off + 16:off + 16 + caplen].hex() + "\n")
        off += 16 + caplen
    return "".join(out)


def collect(out):
    """{relative name: text} of what a case produced."""
    files = {}
    for root, _, names in os.walk(out):
        for name in names:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, out)
            if name.endswith(".pcap"):
                files[rel[:-5] + ".txt"] = pcap_text(path)
            else:
                with open(path, errors="replace") as f:
                    files[rel] = f.read()
    return files


def expected_files(exp):
    files = {}
    for root, _, names in os.walk(exp):
        for name in names:
            path = os.path.join(root, name)
            with open(path, errors="replace") as f:
                files[os.path.relpath(path, exp)] = f.read()
    return files


def run_case(case, nfemu, update):
    cdir = os.path.join(HERE, "cases", case)
    out = tempfile.mkdtemp(prefix="nfemu-replay-%s." % case)
    try:
        env = dict(os.environ, NFEMU=nfemu, OUT=out, CASES=os.path.join(HERE, "cases"),
                   LC_ALL="C")
        env.pop("NFEMU_STATE", None)
        r = subprocess.run(["bash", os.path.join(cdir, "run.sh")], cwd=cdir, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        text = r.stdout.decode(errors="replace").replace(out, "$OUT")
        text = TIMING.sub(", <time>", text)
        got = collect(out)
        for k in list(got):
            got[k] = TIMING.sub(", <time>", got[k].replace(out, "$OUT"))
        got["output.txt"] = text + ("" if r.returncode == 0 else "run.sh: exit %d\n" % r.returncode)
        exp_dir = os.path.join(cdir, "expected")
        if update:
            shutil.rmtree(exp_dir, ignore_errors=True)
            for name, t in got.items():
                p = os.path.join(exp_dir, name)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as f:
                    f.write(t)
            return True, "updated"
        exp = expected_files(exp_dir)
        bad = []
        for name in sorted(set(exp) | set(got)):
            if exp.get(name) == got.get(name):
                continue
            if name not in got:
                bad.append("%s: missing" % name)
            elif name not in exp:
                bad.append("%s: unexpected:\n%s" % (name, got[name][:2000]))
            else:
                import difflib
                bad.append("".join(difflib.unified_diff(
                    exp[name].splitlines(True), got[name].splitlines(True),
                    "expected/" + name, "got/" + name, n=2)))
        return not bad, "\n".join(bad)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nfemu", default=os.path.join(HERE, "..", "..", "build", "nfemu"))
    ap.add_argument("--update", action="store_true", help="rewrite expected/ from this run")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    nfemu = os.path.abspath(a.nfemu)
    if not os.access(nfemu, os.X_OK):
        print("SKIP: %s not built" % nfemu)
        return 77
    if not shutil.which("iptables-legacy-restore"):
        print("SKIP: iptables-legacy-restore is not installed")
        return 77
    cases = a.cases or sorted(d for d in os.listdir(os.path.join(HERE, "cases"))
                              if os.path.isfile(os.path.join(HERE, "cases", d, "run.sh")))
    failed = 0
    for case in cases:
        ok, msg = run_case(case, nfemu, a.update)
        print("%s %s" % ("PASS" if ok else "FAIL", case))
        if not ok:
            failed += 1
            print(msg)
        elif a.update:
            print("  " + msg)
    print("%d of %d replay cases passed" % (len(cases) - failed, len(cases)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
