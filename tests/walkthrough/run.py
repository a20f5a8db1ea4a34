#!/usr/bin/env python3
# Runs the commands of the walkthroughs (docs/walkthroughs/*.md) and fails if any output drifted
# from what the page shows.  The convention (docs/walkthroughs/README.md):
#   * only ```console blocks run; in them a line starting with "$ " is a command, lines starting
#     with "> " continue it (a here-document's body, say), and every other line up to the next
#     command is its expected output: stdout and stderr as a terminal shows them (merged);
#   * a page runs top to bottom in a fresh empty directory (so ./nfemu.state starts as a freshly
#     booted kernel), each command in its own `bash -c`, with nfemu first on PATH and
#     $NFEMU_SRC the source tree (for pcaps/ and the like);
#   * an expected line "..." stands for any number of lines;
#   * <!-- walkthrough: mask REGEX => TEXT -->, on a line of its own, replaces what matches in both
#     the expected and the actual output (time-dependent figures); <!-- walkthrough: needs
#     PROGRAM --> skips the page where PROGRAM is not installed.
# Generic: any page following the convention is a test, whatever it walks through.
# --update rewrites the pages' outputs from this run (lines of "..." are kept as they are).
# Exit 0 all identical, 1 a drift, 77 skipped (nfemu or iptables-legacy missing).
import argparse
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PAGES = os.path.join(REPO, "docs", "walkthroughs")

# on a line of its own, so that a page (README.md) can quote one
DIRECTIVE = re.compile(r"^\s*<!--\s*walkthrough:\s*(\w+)\s+(.*?)\s*-->\s*$", re.M)
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*(\S*)")


class Command:
    def __init__(self, line, text):
        self.line = line            # 1-based line of the "$ " in the page
        self.text = text            # the command, continuation lines joined with newlines
        self.expected = []          # expected output lines
        self.out_start = None       # 0-based index of the first output line in the page
        self.out_end = None         # one past the last


def parse(path):
    """(commands, masks, needs) of a page."""
    with open(path) as f:
        lines = f.read().split("\n")
    commands, masks, needs = [], [], []
    for m in DIRECTIVE.finditer("\n".join(lines)):
        kind, arg = m.group(1), m.group(2)
        if kind == "mask":
            if "=>" not in arg:
                sys.exit("%s: mask needs REGEX => TEXT: %s" % (path, arg))
            rx, repl = arg.split("=>", 1)
            masks.append((re.compile(rx.strip()), repl.strip()))
        elif kind == "needs":
            needs.extend(arg.split())
        else:
            sys.exit("%s: unknown walkthrough directive '%s'" % (path, kind))
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group(2), m.group(3)
        i += 1
        cur = None
        while i < len(lines) and not lines[i].strip().startswith(fence):
            ln = lines[i]
            if info == "console":
                if ln.startswith("$ "):
                    if cur:
                        cur.out_end = i
                    cur = Command(i + 1, ln[2:])
                    commands.append(cur)
                    # a trailing backslash or "> " lines continue the command
                    while cur.text.endswith("\\") or (i + 1 < len(lines) and lines[i + 1].startswith("> ")):
                        i += 1
                        nxt = lines[i]
                        cur.text += "\n" + (nxt[2:] if nxt.startswith("> ") else nxt)
                    cur.out_start = i + 1
                elif cur:
                    cur.expected.append(ln)
            i += 1
        if cur:
            cur.out_end = i
        i += 1
    return commands, masks, needs


def apply_masks(text, masks, tmp):
    text = text.replace(tmp, "/tmp/walkthrough")
    for rx, repl in masks:
        text = rx.sub(repl, text)
    return text


def matches(expected, actual):
    """Line lists equal, "..." in expected standing for any run of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[k:]) for k in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def run_page(path, nfemu, update, verbose):
    commands, masks, needs = parse(path)
    name = os.path.relpath(path, REPO)
    for prog in needs:
        if not shutil.which(prog):
            print("SKIP %s: %s is not installed" % (name, prog))
            return True, None
    if not commands:
        print("SKIP %s: no console commands" % name)
        return True, None
    tmp = tempfile.mkdtemp(prefix="nfemu-walk.")
    bindir = os.path.join(tmp, ".bin")
    os.mkdir(bindir)
    os.symlink(nfemu, os.path.join(bindir, "nfemu"))
    work = os.path.join(tmp, "w")
    os.mkdir(work)
    env = dict(os.environ)
    for k in ("NFEMU_STATE", "NFEMU_SOCKOPT_TRACE", "NFEMU_SHIM_RECORD", "XTABLES_LOCKFILE"):
        env.pop(k, None)
    env.update(PATH=bindir + os.pathsep + env.get("PATH", ""), NFEMU_SRC=REPO, LC_ALL="C",
               TZ="UTC", HOME=work)
    ok, outputs = True, []
    try:
        for c in commands:
            r = subprocess.run(["bash", "-c", c.text], cwd=work, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=300)
            actual = apply_masks(r.stdout.decode(errors="replace"), masks, work)
            actual_lines = actual.split("\n")
            if actual_lines and actual_lines[-1] == "":
                actual_lines.pop()
            outputs.append(actual_lines)
            expected = [apply_masks(l, masks, work) for l in c.expected]
            while expected and expected[-1] == "":
                expected.pop()
            if not matches(expected, actual_lines):
                ok = False
                if not update:
                    print("FAIL %s:%d: $ %s" % (name, c.line, c.text.split("\n")[0]))
                    for d in difflib.unified_diff(expected, actual_lines, "page", "now", lineterm="", n=2):
                        print("    " + d)
            elif verbose:
                print("ok   %s:%d: $ %s" % (name, c.line, c.text.split("\n")[0]))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if update and not ok:
        rewrite(path, commands, outputs)
        print("UPDATED %s" % name)
        return True, outputs
    print("%s %s (%d commands)" % ("PASS" if ok else "FAIL", name, len(commands)))
    return ok, outputs


def rewrite(path, commands, outputs):
    with open(path) as f:
        lines = f.read().split("\n")
    # from the last command back, so earlier indices stay valid
    for c, out in reversed(list(zip(commands, outputs))):
        old = lines[c.out_start:c.out_end]
        if "..." in old:
            continue
        trailing = []
        while old and old[-1] == "":
            trailing.append("")
            old.pop()
        lines[c.out_start:c.out_end] = out + trailing
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nfemu", default=os.path.join(REPO, "build", "nfemu"))
    ap.add_argument("--update", action="store_true", help="rewrite the pages' outputs from this run")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("pages", nargs="*", help="default: docs/walkthroughs/*.md")
    a = ap.parse_args()
    nfemu = os.path.abspath(a.nfemu)
    if not os.access(nfemu, os.X_OK):
        print("SKIP: no nfemu at %s" % nfemu)
        return 77
    if not shutil.which("iptables-legacy"):
        print("SKIP: iptables-legacy is not installed")
        return 77
    pages = a.pages or sorted(p for p in glob.glob(os.path.join(PAGES, "*.md"))
                              if os.path.basename(p) != "README.md")
    ok = True
    for p in pages:
        good, _ = run_page(os.path.abspath(p), nfemu, a.update, a.verbose)
        ok = ok and good
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
