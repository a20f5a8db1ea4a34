#!/usr/bin/env python3
# `nfemu dump` round trip: for every ruleset of the restore/save corpus (tests/kernel/restore-save
# and tests/kernel/get-entries, with their "#@ " directives), load it into a fresh nfemu state as
# iptables-legacy-restore -c does, then for every table the kernel has:
#   * re-encode each entry from what `nfemu dump --raw` prints: the struct ipt_entry (ipt_ip with
#     its interfaces and masks, nfcache, target_offset, next_offset, comefrom, counters) from the
#     decoded fields, each xt_entry_match/xt_entry_target header (size, name, revision), the
#     standard target's verdict and the ERROR target's name likewise, the extensions' data from
#     the hex; require the decoded fields to agree with the hex, the entries to tile the table
#     at the offsets printed (each @offset = the previous one + next_offset), and the whole to
#     be byte for byte what IPT_SO_GET_ENTRIES returns (tests/kernel/ipt_dump under nfemu exec);
#   * check xt_table_info's size/number and hook_entry/underflow against IPT_SO_GET_INFO;
#   * where tests/kernel/get-entries/expected/ holds Linux's transcript of the ruleset, require
#     the same bytes as Linux returned too.
# Exit 0 all round-trip, 1 a difference, 77 skipped (no nfemu, ipt_dump or iptables-legacy).
import argparse
import glob
import os
import re
import socket
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KERNEL = os.path.join(REPO, "tests", "kernel")
sys.dont_write_bytecode = True
sys.path.insert(0, KERNEL)
from difftest import Env, parse_directives, RULESETS  # noqa: E402

GE_DATA = os.path.join(KERNEL, "get-entries")
GOLDEN = os.path.join(GE_DATA, "expected")
HOOKS = ["NF_INET_PRE_ROUTING", "NF_INET_LOCAL_IN", "NF_INET_FORWARD", "NF_INET_LOCAL_OUT",
         "NF_INET_POST_ROUTING"]

RE_ENTRY = re.compile(r"^@(\d+) \[(\d+)\] ")
RE_HDR = re.compile(r"^    struct ipt_entry: target_offset (\d+), next_offset (\d+), comefrom 0x([0-9a-f]+)"
                    r"(?: \([^)]*\))?, nfcache 0x([0-9a-f]+)$")
RE_CNT = re.compile(r"^    counters: pcnt (\d+), bcnt (\d+)$")
RE_IP1 = re.compile(r"^    ip: \.src = ([\d.]+), \.smsk = ([\d.]+), \.dst = ([\d.]+), \.dmsk = ([\d.]+), \.proto = (\d+)$")
RE_IP2 = re.compile(r'^        \.iniface = "(.*)", \.iniface_mask = (.*), \.outiface = "(.*)", \.outiface_mask = (.*)$')
RE_IP3 = re.compile(r"^        \.flags = 0x([0-9a-f]+)(?: /\*.*\*/)?, \.invflags = 0x([0-9a-f]+)")
RE_EXT = re.compile(r'^  \+(\d+) (match|target) "(.*)" revision (\d+), (?:match|target)_size (\d+)')
RE_VERDICT = re.compile(r"^        \.verdict = (-?\d+)")
RE_ERROR = re.compile(r'^        \.errorname = "(.*)"')
RE_RAW = re.compile(r"^      ([0-9a-f]{4,}) ((?: [0-9a-f]{2})+)$")
RE_INFO = re.compile(r"^struct xt_table_info: size (\d+), number (\d+),")
RE_HOOK = re.compile(r"^  hook_entry\[(\w+)\] = (\d+), underflow = (\d+)$")


def iface_bytes(name, mask):
    n = name.encode().ljust(16, b"\0")
    if mask == "0":
        m = b"\0" * 16
    elif mask.endswith(" x 0xff"):
        m = (b"\xff" * int(mask.split()[0])).ljust(16, b"\0")
    else:
        m = bytes.fromhex(mask)
    return n, m


class Entry:
    def __init__(self, offset, index):
        self.offset, self.index = offset, index
        self.hdr = self.cnt = self.ip1 = self.ip2 = self.ip3 = None
        self.exts = []          # (rel, kind, name, revision, size, verdict, errorname)
        self.raw = bytearray()
        self.raw_start = None


def parse_dump(text):
    """(info, hooks, entries) from `nfemu dump --raw` output."""
    info, hooks, entries, cur = None, {}, [], None
    for line in text.splitlines():
        m = RE_INFO.match(line)
        if m:
            info = (int(m.group(1)), int(m.group(2)))
            continue
        m = RE_HOOK.match(line)
        if m:
            hooks[HOOKS.index(m.group(1))] = (int(m.group(2)), int(m.group(3)))
            continue
        m = RE_ENTRY.match(line)
        if m:
            cur = Entry(int(m.group(1)), int(m.group(2)))
            entries.append(cur)
            continue
        if cur is None:
            continue
        for rx, attr in ((RE_HDR, "hdr"), (RE_CNT, "cnt"), (RE_IP1, "ip1"), (RE_IP2, "ip2"), (RE_IP3, "ip3")):
            m = rx.match(line)
            if m:
                setattr(cur, attr, m.groups())
                break
        else:
            m = RE_EXT.match(line)
            if m:
                cur.exts.append([int(m.group(1)), m.group(2), m.group(3), int(m.group(4)), int(m.group(5)), None, None])
                continue
            m = RE_VERDICT.match(line)
            if m and cur.exts:
                cur.exts[-1][5] = int(m.group(1))
                continue
            m = RE_ERROR.match(line)
            if m and cur.exts:
                cur.exts[-1][6] = m.group(1)
                continue
            m = RE_RAW.match(line)
            if m:
                off = int(m.group(1), 16)
                if cur.raw_start is None:
                    cur.raw_start = off
                if off != cur.raw_start + len(cur.raw):
                    raise ValueError("@%d: raw line at %x is not contiguous" % (cur.offset, off))
                cur.raw += bytes.fromhex(m.group(2).replace(" ", ""))
    return info, hooks, entries


def encode_header(e):
    """struct ipt_entry from the decoded fields (include/uapi/linux/netfilter_ipv4/ip_tables.h)."""
    src, smsk, dst, dmsk, proto = e.ip1
    inif, inmask, outif, outmask = e.ip2
    flags, invflags = e.ip3
    target_offset, next_offset, comefrom, nfcache = e.hdr
    pcnt, bcnt = e.cnt
    iname, imask = iface_bytes(inif, inmask)
    oname, omask = iface_bytes(outif, outmask)
    ip = (socket.inet_aton(src) + socket.inet_aton(dst) + socket.inet_aton(smsk) + socket.inet_aton(dmsk)
          + iname + oname + imask + omask + struct.pack("<HBB", int(proto), int(flags, 16), int(invflags, 16)))
    return ip + struct.pack("<IHHIQQ", int(nfcache, 16), int(target_offset), int(next_offset),
                            int(comefrom, 16), int(pcnt), int(bcnt))


def encode_ext(x):
    rel, kind, name, rev, size, verdict, errorname = x
    b = struct.pack("<H", size) + name.encode().ljust(29, b"\0") + bytes([rev])
    if verdict is not None:
        b += struct.pack("<i", verdict)
    if errorname is not None:
        b += errorname.encode().ljust(30, b"\0")
    return b


def check_dump(text, info_ge, hooks_ge, blob):
    """Problems found comparing dump output with GET_INFO (info_ge, hooks_ge) and GET_ENTRIES (blob)."""
    problems = []
    info, hooks, entries = parse_dump(text)
    if info != info_ge:
        problems.append("xt_table_info size/number %s, GET_INFO %s" % (info, info_ge))
    if hooks != hooks_ge:
        problems.append("hook_entry/underflow %s, GET_INFO %s" % (hooks, hooks_ge))
    rebuilt, off = bytearray(), 0
    for i, e in enumerate(entries):
        where = "@%d" % e.offset
        if e.offset != off or e.index != i:
            problems.append("%s [%d]: expected @%d [%d] (previous offset + next_offset)" % (where, e.index, off, i))
        if None in (e.hdr, e.cnt, e.ip1, e.ip2, e.ip3):
            problems.append("%s: entry fields not all printed" % where)
            return problems
        if e.raw_start != e.offset or len(e.raw) != int(e.hdr[1]):
            problems.append("%s: raw bytes at %s, %d of next_offset %s" % (where, e.raw_start, len(e.raw), e.hdr[1]))
        hdr = encode_header(e)
        if bytes(e.raw[:len(hdr)]) != hdr:
            problems.append("%s: struct ipt_entry decoded as %s, raw %s" % (where, hdr.hex(), bytes(e.raw[:len(hdr)]).hex()))
        for x in e.exts:
            enc = encode_ext(x)
            if bytes(e.raw[x[0]:x[0] + len(enc)]) != enc:
                problems.append("%s +%d: %s header decoded as %s, raw %s" % (where, x[0], x[1], enc.hex(),
                                                                           bytes(e.raw[x[0]:x[0] + len(enc)]).hex()))
        rels = [x[0] for x in e.exts]
        if not rels or rels[0] != 112 or rels[-1] != int(e.hdr[0]) or e.exts[-1][1] != "target":
            problems.append("%s: matches/target at %s, target_offset %s" % (where, rels, e.hdr[0]))
        rebuilt += e.raw
        off += len(e.raw)
    if bytes(rebuilt) != blob:
        problems.append("the entries re-encoded (%d bytes) differ from GET_ENTRIES' (%d bytes)%s" % (
            len(rebuilt), len(blob), first_diff(bytes(rebuilt), blob)))
    return problems


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return " first at byte %d" % i
    return ""


def parse_ipt_dump(text):
    """{table: (info, hooks, blob)} from ipt_dump's transcript (GET_INFO, GET_ENTRIES, hex)."""
    out, table, mode, hexbuf, info, hooks = {}, None, None, bytearray(), None, {}
    lines = text.splitlines()
    for k, line in enumerate(lines):
        m = re.match(r"^GET_INFO (\S+): len=\d+ valid_hooks=0x([0-9a-f]+) num_entries=(\d+) size=(\d+)", line)
        if m:
            table, mode = m.group(1), "info"
            valid = int(m.group(2), 16)
            info = (int(m.group(4)), int(m.group(3)))
            he = [int(v) for v in lines[k + 1].split(":")[1].split()]
            uf = [int(v) for v in lines[k + 2].split(":")[1].split()]
            hooks = {h: (he[h], uf[h]) for h in range(5) if valid & (1 << h)}
            continue
        m = re.match(r"^GET_ENTRIES (\S+): len=(\d+) size=(\d+)$", line)
        if m:
            mode, hexbuf = "entries", bytearray()
            hdrlen = int(m.group(2)) - int(m.group(3))
            continue
        if mode == "entries":
            m = re.match(r"^  ([0-9a-f]{6}) ((?: [0-9a-f]{2})+)$", line)
            if m:
                hexbuf += bytes.fromhex(m.group(2).replace(" ", ""))
            elif line.startswith("GET_ENTRIES size+4"):
                out[table] = (info, hooks, bytes(hexbuf[hdrlen:]))
                mode = None
    return out


def golden_blobs(path):
    """Linux's GET_ENTRIES bytes per table from a recorded get-entries transcript, if any."""
    label = ("rs_" if os.path.dirname(path) == RULESETS else "ge_") + os.path.basename(path) + ".out"
    gpath = os.path.join(GOLDEN, label)
    if not os.path.exists(gpath):
        return {}
    with open(gpath) as f:
        return {t: v[2] for t, v in parse_ipt_dump(f.read()).items()}


def load(env, path, d):
    for base in d["base"]:
        with open(os.path.join(RULESETS, base), "rb") as f:
            env.sh("iptables-legacy-restore -c", f.read())
    with open(path, "rb") as f:
        body = f.read()
    if any(l.strip() and not l.startswith(b"#") for l in body.splitlines()):
        env.sh(("iptables-legacy-restore -c " + d["args"]).strip(), body)
    for cmd in d["cmd"]:
        env.sh(cmd)


def run_case(args, path):
    d = parse_directives(path)
    problems, tables = [], []
    with Env("nfemu", args.nfemu, "dump") as env:
        load(env, path, d)
        state = env.prefix[3]
        r = subprocess.run([args.nfemu, "proc", "--state", state, "net/ip_tables_names"],
                           capture_output=True, text=True)
        tables = r.stdout.split()
        if not tables:
            return tables, []
        rc, so, err = env.run([args.ipt_dump] + tables)
        ge = parse_ipt_dump(so)
        linux = golden_blobs(path)
        for t in tables:
            r = subprocess.run([args.nfemu, "dump", "--state", state, "--raw", t], capture_output=True, text=True)
            if r.returncode or t not in ge:
                problems.append("%s: nfemu dump rc=%d %s / ipt_dump has it: %s" % (t, r.returncode, r.stderr.strip(), t in ge))
                continue
            info, hooks, blob = ge[t]
            problems += ["%s: %s" % (t, p) for p in check_dump(r.stdout, info, hooks, blob)]
            if t in linux:
                args.linux_tables += 1
                if linux[t] != blob:
                    problems.append("%s: GET_ENTRIES differs from Linux's recorded bytes%s" % (t, first_diff(blob, linux[t])))
    return tables, problems


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nfemu", default=os.path.join(REPO, "build", "nfemu"))
    ap.add_argument("--ipt-dump", default=os.path.join(REPO, "build", "tests", "ipt_dump"))
    ap.add_argument("cases", nargs="*")
    args = ap.parse_args()
    args.nfemu = os.path.abspath(args.nfemu)
    args.ipt_dump = os.path.abspath(args.ipt_dump)
    for p in (args.nfemu, args.ipt_dump):
        if not os.access(p, os.X_OK):
            print("SKIP: %s not built" % p)
            return 77
    if subprocess.run(["sh", "-c", "command -v iptables-legacy-restore"], capture_output=True).returncode:
        print("SKIP: iptables-legacy-restore is not installed")
        return 77
    paths = sorted(glob.glob(os.path.join(RULESETS, "*.rules"))) + sorted(glob.glob(os.path.join(GE_DATA, "*.rules")))
    if args.cases:
        paths = [p for p in paths if os.path.basename(p) in args.cases]
    failed = ntables = 0
    args.linux_tables = 0
    for p in paths:
        tables, problems = run_case(args, p)
        ntables += len(tables)
        print("%s (%s): %s" % (os.path.basename(p), " ".join(tables), "FAIL" if problems else "ok"))
        for pr in problems[:20]:
            print("  " + pr)
        failed += bool(problems)
    print("%d rulesets, %d tables (%d also compared with Linux's recorded bytes); %d failed" % (
        len(paths), ntables, args.linux_tables, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
