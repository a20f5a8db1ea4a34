# tests/shell/lib.sh - shared setup for the nfemu shell scenarios (sourced, never run).
#
# Each scenario runs the unmodified iptables-legacy binaries through `nfemu exec` on a state
# file in a fresh temporary directory.  As root, the commands run as nobody (65534) so the
# scenarios prove that no privilege is needed; exit status 0 = pass, 1 = fail, 77 = skip.

set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NFEMU=${NFEMU:-$here/../../build/nfemu}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
note() { echo "# $*"; }

[ -x "$NFEMU" ] || skip "nfemu binary not found at $NFEMU (set NFEMU)"
NFEMU=$(cd "$(dirname "$NFEMU")" && pwd)/$(basename "$NFEMU")
for prog in iptables-legacy iptables-legacy-save iptables-legacy-restore; do
	command -v "$prog" >/dev/null || skip "$prog is not installed"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/nfemu-shell.XXXXXX") || fail "mktemp"
trap 'rm -rf "$work"' EXIT
state=$work/state

# Run "$@" unprivileged: as nobody when we are root, else as ourselves.
if [ "$(id -u)" = 0 ]; then
	command -v setpriv >/dev/null || skip "setpriv is needed to drop root"
	chown 65534:65534 "$work"
	as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
else
	as_user() { "$@"; }
fi

# nf CMD ARGS...: CMD against the emulated kernel in $state.
nf() { as_user "$NFEMU" exec --state "$state" -- "$@"; }

# The rules of iptables-save output, without the comment lines that carry dates.
strip_save() { grep -v '^#'; }

# now_ms: wall clock in milliseconds.
now_ms() { date +%s%3N; }
