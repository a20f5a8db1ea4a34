#!/usr/bin/env python3
# Replay scenario tests: each folder in cases/ holds a run.sh (nfemu replay and friends, run
# from the case folder with $NFEMU, $OUT and $CASES set) and expected/: the files run.sh leaves
# in $OUT (traces, JSON Lines, ...), output.txt (what run.sh printed, stdout and stderr, with
# "exit N" lines for failures) and egress/*.txt (each pcap in $OUT/egress as "HEX" lines).
# A case whose `needs` file names extensions this nfemu does not run yet is skipped.  A case
# with kernel/trace*.txt (recorded from Linux by the packet differential harness on the same
# inputs) also has its kernel log lines compared with Linux's, and --update refuses to record
# outputs that differ from Linux.
# Everything is compared byte for byte after masking the wall-clock figures of the summary.
# Every replay summary a case prints must account for each capture packet exactly once
# (summary_identity).  --update rewrites expected/ from this run.  Exit 77 (skipped) when nfemu is missing.
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


def kernel_check(cdir, got):
    """Differences between the kernel log lines nfemu printed (trace*.txt without fate lines)
    and the frames it sent (egress/IFACE.txt) and kernel/trace*.txt, kernel/egress-IFACE.txt,
    recorded from Linux by tests/kernel/packet/run.py --record on the
    same topology, rules and packets (level prefix stripped; "ID=*" where the kernel's IP id of
    its own ICMP varies)."""
    kdir = os.path.join(cdir, "kernel")
    bad = []
    if not os.path.isdir(kdir):
        return bad
    for name in sorted(os.listdir(kdir)):
        with open(os.path.join(kdir, name)) as f:
            want = f.read().splitlines()
        if name.startswith("egress-"):
            # frames that left IFACE, in hex; "x" where Linux's IP id/checksum varies
            have = got.get("egress/" + name[7:], "").splitlines()[1:]
        else:
            have = [l for l in got.get(name, "").splitlines() if not l.startswith("#")]
        for i in range(max(len(want), len(have))):
            w = want[i] if i < len(want) else None
            h = have[i] if i < len(have) else None
            if h is not None and w is not None and "ID=*" in w:
                h = re.sub(r"(?<= )ID=\d+", "ID=*", h, count=1)
            if h is not None and w is not None and name.startswith("egress-") and len(h) == len(w):
                h = "".join("x" if wc == "x" else hc for wc, hc in zip(w, h))
            if w != h:
                bad.append("%s line %d differs from Linux:\n  linux: %s\n  nfemu: %s"
                           % (name, i + 1, w, h))
                break
    return bad


SUMMARY_HEAD = re.compile(r"^nfemu replay: (\d+) packets? in .*?, (\d+) replayed \((\d+) sent by the host\)")
SUMMARY_LINE = re.compile(r"^  (\S.*?)\s{2,}(\d+)(?::|$)")
# The classes a replayed capture packet ends in: each packet is in exactly one of them.
FATE_CLASSES = ("forwarded, by interface", "sent by the host", "delivered locally",
                "dropped by rule", "dropped by the stack", "stolen", "queued",
                "no fate reported", "still pending at the end")


def summary_identity(name, text):
    """Every replay summary in text must account for every capture packet exactly once:
    packets = replayed + skipped, and replayed = the sum of the fate classes.  Returns the
    violations."""
    bad = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = SUMMARY_HEAD.match(line)
        if not m:
            continue
        packets, replayed = int(m.group(1)), int(m.group(2))
        got = {}
        for l in lines[i + 1:]:
            if l.startswith("    "):         # a breakdown of the line above
                continue
            lm = SUMMARY_LINE.match(l)
            if not lm:
                break
            got[lm.group(1)] = int(lm.group(2))
        unknown = set(got) - set(FATE_CLASSES) - {"generated by the host", "skipped"}
        fates = sum(got.get(c, 0) for c in FATE_CLASSES)
        where = "%s line %d" % (name, i + 1)
        if unknown:
            bad.append("%s: summary class(es) the identity check does not know: %s"
                       % (where, ", ".join(sorted(unknown))))
        if packets != replayed + got.get("skipped", 0):
            bad.append("%s: %d packets in the capture but %d replayed + %d skipped"
                       % (where, packets, replayed, got.get("skipped", 0)))
        if fates != replayed:
            bad.append("%s: %d replayed but the fate classes add up to %d (%s)"
                       % (where, replayed, fates,
                          ", ".join("%s %d" % (c, got[c]) for c in FATE_CLASSES if c in got)))
    return bad


def not_emulated(nfemu, names):
    """The extensions among names that this nfemu checks but does not run ("checked only")."""
    r = subprocess.run([nfemu, "extensions"], capture_output=True, text=True)
    state = {}
    for line in r.stdout.splitlines()[1:]:
        f = line.split()
        if len(f) >= 5:
            state[f[0]] = " ".join(f[4:])
    return [n for n in names if state.get(n) != "emulated"]


def run_case(case, nfemu, update):
    cdir = os.path.join(HERE, "cases", case)
    needs = os.path.join(cdir, "needs")
    if os.path.exists(needs):
        with open(needs) as f:
            names = [w for line in f if not line.startswith("#") for w in line.split()]
        missing = not_emulated(nfemu, names)
        if missing:
            return None, "needs %s emulated at run time" % ", ".join(missing)
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
        ident = [b for name in sorted(got) for b in summary_identity(name, got[name])]
        if update:
            bad = kernel_check(cdir, got) + ident
            if bad:
                return False, "not updated:\n" + "\n".join(bad)
            shutil.rmtree(exp_dir, ignore_errors=True)
            for name, t in got.items():
                p = os.path.join(exp_dir, name)
                os.makedirs(os.path.dirname(p), exist_ok=True)
                with open(p, "w") as f:
                    f.write(t)
            return True, "updated"
        bad = kernel_check(cdir, got) + ident
        exp = expected_files(exp_dir)
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
    failed = skipped = 0
    for case in cases:
        ok, msg = run_case(case, nfemu, a.update)
        if ok is None:
            skipped += 1
            print("SKIP %s: %s" % (case, msg))
            continue
        print("%s %s" % ("PASS" if ok else "FAIL", case))
        if not ok:
            failed += 1
            print(msg)
        elif a.update:
            print("  " + msg)
    print("%d of %d replay cases passed, %d skipped" % (len(cases) - failed - skipped,
                                                         len(cases), skipped))
    if failed:
        return 1
    return 77 if skipped == len(cases) else 0


if __name__ == "__main__":
    sys.exit(main())
