#!/usr/bin/env python3
# Mutated captures (bytes flipped, lengths broken, files cut short) must be replayed or refused
# with exit 1 and one "nfemu: replay: FILE: byte N: ..." line -- never a crash or a sanitizer
# report.  Deterministic: a fixed seed, the same mutations every run.
import os
import random
import subprocess
import sys

nfemu, out = os.environ["NFEMU"], os.environ["OUT"]
here = os.path.dirname(os.path.abspath(__file__))
bases = [os.path.join(here, "..", p) for p in (
    "basic/capture.pcapng", "linktypes/blocks-be.pcapng", "linktypes/sll2.pcap",
    "linktypes/eth-vlan.pcap", "linktypes/null.pcap")]
state = os.path.join(out, "fuzz.state")
with open(os.path.join(here, "..", "common", "rules.v4"), "rb") as f:
    subprocess.run([nfemu, "exec", "--state", state, "--", "iptables-legacy-restore"], stdin=f,
                   check=True)
rng = random.Random(20250303)
counts = {"replayed": 0, "refused": 0, "bad": 0}
for i in range(int(sys.argv[1]) if len(sys.argv) > 1 else 200):
    with open(rng.choice(bases), "rb") as f:
        d = bytearray(f.read())
    for _ in range(rng.randint(1, 6)):
        k = rng.randrange(len(d))
        d[k] = rng.choice((0, 0xff, 0x7f, rng.randrange(256)))
    if rng.random() < 0.3:
        d = d[:rng.randrange(len(d))]
    cap = os.path.join(out, "fuzz.cap")
    with open(cap, "wb") as f:
        f.write(d)
    r = subprocess.run([nfemu, "replay", "--topology", os.path.join(here, "..", "common", "topology"),
                        "--state", state, "--trace", "/dev/null", "--jsonl", "/dev/null", cap],
                       capture_output=True, text=True, errors="replace")
    err = r.stderr
    refusal = [l for l in err.splitlines() if l.startswith("nfemu: replay: ")]
    if "Sanitizer" in err or "runtime error" in err or r.returncode not in (0, 1) or \
            (r.returncode == 1 and (len(refusal) != 1 or cap not in refusal[0])):
        counts["bad"] += 1
        keep = os.path.join(out, "crash-%d.cap" % i)
        os.rename(cap, keep)
        print("mutation %d: exit %d\n%s" % (i, r.returncode, err[-2000:]))
    else:
        counts["replayed" if r.returncode == 0 else "refused"] += 1
for p in (state, state + ".lock", state + ".xtables.lock", os.path.join(out, "fuzz.cap")):
    if os.path.exists(p):
        os.unlink(p)
print("mutated captures: %d replayed, %d refused with one line, %d crashed or misreported"
      % (counts["replayed"], counts["refused"], counts["bad"]))
sys.exit(1 if counts["bad"] else 0)
