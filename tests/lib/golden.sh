# tests/lib/golden.sh - exact-output scenarios of one nfemu command (sourced by
# tests/trace/run.sh and tests/diff/run.sh, never run).  Sets src (the source tree, also the
# current directory), tmp (removed at exit) and fail (1 once a check failed); the caller
# sets GOLDEN_CMD (the nfemu command) and GOLDEN_CASES (where NAME.out and NAME.err live).
set -u
NFEMU=${NFEMU:?set NFEMU to the nfemu binary}
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$src" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# check NAME EXPECTED_RC ARGS...: `nfemu $GOLDEN_CMD ARGS...` must exit EXPECTED_RC and print
# exactly $GOLDEN_CASES/NAME.out (stderr: NAME.err, if there is one); UPDATE=1 rewrites them.
check() {
	name=$1 want=$2
	shift 2
	"$NFEMU" "$GOLDEN_CMD" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, expected $want"; cat "$tmp/err"; fail=1; return
	fi
	if [ -n "${UPDATE:-}" ]; then
		cp "$tmp/out" "$GOLDEN_CASES/$name.out"
		[ -s "$tmp/err" ] && cp "$tmp/err" "$GOLDEN_CASES/$name.err"
	fi
	if ! diff -u "$GOLDEN_CASES/$name.out" "$tmp/out"; then
		echo "FAIL $name: stdout differs"; fail=1; return
	fi
	if [ -f "$GOLDEN_CASES/$name.err" ] && ! diff -u "$GOLDEN_CASES/$name.err" "$tmp/err"; then
		echo "FAIL $name: stderr differs"; fail=1; return
	fi
	echo "ok $name"
}
