#!/bin/bash
# exec_env: what `nfemu exec` sets up (absolute NFEMU_STATE, XTABLES_LOCKFILE next to the state
# unless already set, the shim first in LD_PRELOAD), its errors, and the shim used directly
# through LD_PRELOAD (state ./nfemu.state, the /run/xtables.lock moved next to it).
. "$(dirname "$0")/lib.sh"

shim=$(dirname "$NFEMU")/sockopt_shim/libnfemu_shim.so
[ -r "$shim" ] || skip "no shim next to $NFEMU"

cd "$work" || fail "cd"
env=$(as_user env -u XTABLES_LOCKFILE LD_PRELOAD=/nonexistent-lib.so "$NFEMU" exec --state rel.state -- env 2>/dev/null)
grep -qx "NFEMU_STATE=$work/rel.state" <<<"$env" || fail "NFEMU_STATE not absolute: $(grep NFEMU_STATE <<<"$env")"
grep -qx "XTABLES_LOCKFILE=$work/rel.state.xtables.lock" <<<"$env" || fail "XTABLES_LOCKFILE: $env"
# (An ASan build of nfemu puts the ASan runtime first: the shim cannot load without it.)
grep -Eqx "LD_PRELOAD=([^:]*/lib(asan|clang_rt\.asan)[^:]*:)?$(realpath "$shim"):/nonexistent-lib.so" <<<"$env" ||
	fail "LD_PRELOAD: $(grep LD_PRELOAD <<<"$env")"
env=$(as_user env XTABLES_LOCKFILE=/tmp/mine.lock "$NFEMU" exec --state rel.state -- env)
grep -qx "XTABLES_LOCKFILE=/tmp/mine.lock" <<<"$env" || fail "a set XTABLES_LOCKFILE was overridden"
env=$(as_user env NFEMU_STATE=from-env "$NFEMU" exec -- env)
grep -qx "NFEMU_STATE=$work/from-env" <<<"$env" || fail "\$NFEMU_STATE ignored"

# Errors: one clear line each, and the exit codes a shell would give.
out=$(as_user env NFEMU_SHIM=/nonexistent/libnfemu_shim.so "$NFEMU" exec -- true 2>&1); rc=$?
[ $rc != 0 ] && grep -q '^nfemu: exec: NFEMU_SHIM=/nonexistent' <<<"$out" || fail "missing shim: rc $rc: $out"
out=$(as_user "$NFEMU" exec --state s -- /nonexistent-command 2>&1); rc=$?
[ $rc = 127 ] && grep -q '^nfemu: exec: /nonexistent-command: ' <<<"$out" || fail "missing command: rc $rc: $out"
out=$(as_user "$NFEMU" exec --state /nonexistent-dir/s -- true 2>&1); rc=$?
[ $rc != 0 ] && grep -q '^nfemu: exec: state file /nonexistent-dir/s: ' <<<"$out" || fail "bad state dir: rc $rc: $out"
out=$(as_user "$NFEMU" exec --state s 2>&1); rc=$?
[ $rc = 2 ] || fail "no command: rc $rc: $out"

# The shim alone: LD_PRELOAD and nothing else (after the ASan runtime, in an ASan build).
preload=$shim
asan=$(ldd "$shim" | awk '/libasan|libclang_rt\.asan/ { print $3 }')
[ -n "$asan" ] && preload=$asan:$shim
as_user env -u NFEMU_STATE -u XTABLES_LOCKFILE LD_PRELOAD="$preload" iptables-legacy -A INPUT -s 10.9.9.9 -j DROP ||
	fail "iptables with LD_PRELOAD only"
[ -s "$work/nfemu.state" ] || fail "./nfemu.state not written"
[ -e "$work/nfemu.state.xtables.lock" ] || fail "the xtables lock was not moved next to ./nfemu.state"
out=$(as_user env -u NFEMU_STATE LD_PRELOAD="$preload" iptables-legacy-save) || fail "save with LD_PRELOAD only"
grep -qx -- '-A INPUT -s 10.9.9.9/32 -j DROP' <<<"$out" || fail "rule not in ./nfemu.state: $out"

# Programs that are not iptables run undisturbed under the shim.
out=$(nf sh -c 'ls / >/dev/null && cat /etc/hostname >/dev/null && ls -l /proc/self/ >/dev/null && echo ok') ||
	fail "ordinary commands under the shim"
[ "$out" = ok ] || fail "ordinary commands: $out"
# As root, nothing under nfemu reaches the real kernel: not iptables, not ip6tables.
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns add "nfemu-exec-$$" 2>/dev/null; then
	ns() { ip netns exec "nfemu-exec-$$" "$@"; }
	ns "$NFEMU" exec --state "$work/root.state" -- iptables-legacy -A INPUT -s 10.7.7.7 -j DROP
	rc1=$?
	ns "$NFEMU" exec --state "$work/root.state" -- ip6tables-legacy -A INPUT -j DROP 2>/dev/null
	rc2=$?
	real4=$(ns iptables-legacy -S INPUT) real6=$(ns ip6tables-legacy -S INPUT)
	ip netns del "nfemu-exec-$$"
	[ $rc1 = 0 ] || fail "iptables as root under nfemu failed"
	[ $rc2 != 0 ] || fail "ip6tables under nfemu succeeded: IPv6 is not emulated"
	[ "$real4" = "-P INPUT ACCEPT" ] || fail "the real kernel's iptables changed: $real4"
	[ "$real6" = "-P INPUT ACCEPT" ] || fail "the real kernel's ip6tables changed: $real6"
else
	note "not root or no netns: real-kernel isolation check skipped"
fi
echo PASS
