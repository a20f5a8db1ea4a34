#!/bin/sh
# tests/diff/run.sh - `nfemu diff` scenarios with exact expected outputs (tests/diff/cases/*.out):
# each pcaps/* example against itself reports nothing (exit 0); the edge ruleset against a copy
# with two FORWARD rules swapped lists exactly the two packets whose fate changes (exit 1); a
# moved LOG rule changes no fate (0) but does change a deciding rule (--by-rule: 1); conntrack
# outcomes that differ with the same fates (1); errors exit 2.
set -u
NFEMU=${NFEMU:?set NFEMU to the nfemu binary}
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# check NAME EXPECTED_RC ARGS...: stdout must equal cases/NAME.out (stderr: cases/NAME.err if any)
check() {
	name=$1 want=$2
	shift 2
	"$NFEMU" diff "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want"; cat "$tmp/err"; fail=1; return
	fi
	if [ -n "${UPDATE:-}" ]; then
		cp "$tmp/out" "tests/diff/cases/$name.out"
		[ -s "$tmp/err" ] && cp "$tmp/err" "tests/diff/cases/$name.err"
	fi
	if ! diff -u "tests/diff/cases/$name.out" "$tmp/out"; then
		echo "FAIL $name: stdout differs"; fail=1; return
	fi
	if [ -f "tests/diff/cases/$name.err" ] && ! diff -u "tests/diff/cases/$name.err" "$tmp/err"; then
		echo "FAIL $name: stderr differs"; fail=1; return
	fi
	echo "ok $name"
}

for e in router docker-host kube-node edge; do
	check "self-$e" 0 --topology pcaps/$e/topology --rules pcaps/$e/rules.v4 \
		--rules pcaps/$e/rules.v4 pcaps/$e/capture.pcapng
done
E="--topology pcaps/edge/topology --rules pcaps/edge/rules.v4"
check edge-swap 1 $E --rules tests/diff/cases/edge-swap.v4 pcaps/edge/capture.pcapng
check edge-swap-jsonl 1 $E --rules tests/diff/cases/edge-swap.v4 --jsonl - pcaps/edge/capture.pcapng
check edge-logfirst 0 $E --rules tests/diff/cases/edge-logfirst.v4 pcaps/edge/capture.pcapng
check edge-logfirst-by-rule 1 --by-rule $E --rules tests/diff/cases/edge-logfirst.v4 pcaps/edge/capture.pcapng
# conntrack: a ruleset that loads conntrack (one rule more that decides nothing new) differs from
# the stateless one in every tracked packet's conntrack outcome, nothing else; NOTRACK for UDP
# turns NEW into UNTRACKED with the same fates
check edge-ct 1 $E --rules tests/diff/cases/edge-ct.v4 pcaps/edge/capture.pcapng
check edge-notrack 1 --topology pcaps/edge/topology --rules tests/diff/cases/edge-ct.v4 \
	--rules tests/diff/cases/edge-notrack.v4 pcaps/edge/capture.pcapng
check edge-notrack-jsonl 1 --topology pcaps/edge/topology --rules tests/diff/cases/edge-ct.v4 \
	--rules tests/diff/cases/edge-notrack.v4 --jsonl - pcaps/edge/capture.pcapng
check edge-ct-self 0 --topology pcaps/edge/topology --rules tests/diff/cases/edge-ct.v4 \
	--rules tests/diff/cases/edge-ct.v4 pcaps/edge/capture.pcapng
# a state against a ruleset (the same state may be given twice: it is only read)
"$NFEMU" exec --state "$tmp/edge.state" -- iptables-legacy-restore pcaps/edge/rules.v4 || fail=1
check state-vs-rules 0 --topology pcaps/edge/topology --state "$tmp/edge.state" \
	--rules pcaps/edge/rules.v4 pcaps/edge/capture.pcapng
check state-twice 0 --topology pcaps/edge/topology --state "$tmp/edge.state" \
	--state "$tmp/edge.state" pcaps/edge/capture.pcapng
# errors: exit 2
check err-one-ruleset 2 $E pcaps/edge/capture.pcapng
check err-refused 2 $E --rules tests/diff/cases/refused.v4 pcaps/edge/capture.pcapng
exit $fail
