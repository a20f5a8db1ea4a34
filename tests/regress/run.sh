#!/usr/bin/env bash
# Regression tests for defects found by fuzzing (tests/fuzz/, docs/fuzzing.md): each folder
# holds the inputs that reproduced one defect, cmd.sh (run from the folder with $NFEMU and
# $FUZZ_SOCKOPT set) and expected.txt: what cmd.sh prints, stdout and stderr, with its exit
# status.  The wall-clock figures of replay's summary are masked.  Under an ASan/UBSan build a
# relapse prints a sanitizer report, which differs from expected.txt.
# Usage: run.sh CASE-DIR [--update]
set -u
dir=$1
cd "$dir" || exit 1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
LC_ALL=C bash ./cmd.sh >"$out" 2>&1
echo "exit $?" >>"$out"
sed -i -E 's/, [0-9.]+ s, [0-9]+ packets\/s/, <time>/' "$out"
if [ "${2:-}" = --update ]; then
	cp "$out" expected.txt
	exit 0
fi
if ! diff -u expected.txt "$out"; then
	echo "FAIL: $(basename "$dir"): output differs from expected.txt"
	exit 1
fi
echo "PASS: $(basename "$dir")"
