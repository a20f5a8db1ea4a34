#!/bin/bash
# basic_unprivileged: -A, -L -v -n, iptables-legacy-save -c, iptables-legacy-restore -c and
# --noflush work without privilege through `nfemu exec`; a rule the kernel refuses gives one
# "nfemu:" line and exit 1.  As root, the same commands are also run on the real kernel in a
# network namespace and the iptables-save outputs compared.
. "$(dirname "$0")/lib.sh"

restore_c='*filter
:INPUT DROP [5:500]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [7:700]
:custom - [0:0]
[3:180] -A INPUT -s 10.1.0.0/16 -j ACCEPT
[2:120] -A INPUT -p udp -m udp --dport 53 -j custom
[1:60] -A custom -j RETURN
COMMIT
'
noflush='*filter
-A INPUT -s 10.2.0.0/16 -j DROP
COMMIT
'

# The scenario, on whatever `run` points at; prints what iptables-save -c says at the end.
scenario() {
	run iptables-legacy -A INPUT -p tcp --dport 22 -j ACCEPT || fail "-A"
	run iptables-legacy -L -v -n > "$1.list" || fail "-L -v -n"
	run iptables-legacy-save -c > "$1.save1" || fail "save -c"
	printf '%s' "$restore_c" | run iptables-legacy-restore -c || fail "restore -c"
	run iptables-legacy-save -c > "$1.save2" || fail "save -c after restore"
	printf '%s' "$noflush" | run iptables-legacy-restore --noflush || fail "restore --noflush"
	run iptables-legacy -t nat -A POSTROUTING -s 192.168.0.0/24 -j ACCEPT || fail "-t nat -A"
	run iptables-legacy-save -c > "$1.save3" || fail "save -c after --noflush"
}

run() { nf "$@"; }
scenario "$work/emu"

grep -Eq '^ +0 +0 ACCEPT +(6|tcp) +-- +\* +\* +0\.0\.0\.0/0 +0\.0\.0\.0/0 +tcp dpt:22$' "$work/emu.list" ||
	fail "-L -v -n does not show the rule: $(cat "$work/emu.list")"
grep -qx '\[0:0\] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT' "$work/emu.save1" ||
	fail "save -c: $(cat "$work/emu.save1")"
grep -qx ':INPUT DROP \[5:500\]' "$work/emu.save2" || fail "restore -c lost the policy counters"
grep -qx '\[3:180\] -A INPUT -s 10.1.0.0/16 -j ACCEPT' "$work/emu.save2" || fail "restore -c lost rule counters"
grep -q 'dport 22' "$work/emu.save2" && fail "restore without --noflush kept the old rule"
grep -qx '\[3:180\] -A INPUT -s 10.1.0.0/16 -j ACCEPT' "$work/emu.save3" || fail "--noflush lost a rule"
grep -qx '\[0:0\] -A INPUT -s 10.2.0.0/16 -j DROP' "$work/emu.save3" || fail "--noflush did not add"
# Tables are listed newest first, as /proc/net/ip_tables_names does.
[ "$(grep '^\*' "$work/emu.save3" | tr '\n' ' ')" = '*nat *filter ' ] ||
	fail "table order: $(grep '^\*' "$work/emu.save3" | tr '\n' ' ')"
if [ "$(id -u)" = 0 ]; then
	[ "$(stat -c %u "$state")" = 65534 ] || fail "state file not owned by the unprivileged user"
fi

# The kernel refuses -m tcp without -p tcp (xt_check_match): exit 1 and one nfemu line.
out=$(nf iptables-legacy -A INPUT -m tcp --dport 1 2>&1) && fail "-m tcp without -p tcp accepted"
[ "$(printf '%s\n' "$out" | grep -c '^nfemu: ')" = 1 ] || fail "refusal not explained: $out"
note "refusal: $(printf '%s\n' "$out" | grep '^nfemu: ')"
nf iptables-legacy-save -c | strip_save | diff -u <(strip_save < "$work/emu.save3") - ||
	fail "a refused rule changed the state"

# The real kernel, if we may make a network namespace.
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null && ip netns add "nfemu-shell-$$" 2>/dev/null; then
	run() { ip netns exec "nfemu-shell-$$" "$@"; }
	( scenario "$work/kernel" ); rc=$?
	ip netns del "nfemu-shell-$$"
	[ $rc = 0 ] || exit $rc
	for f in list save1 save2 save3; do
		diff -u <(strip_save < "$work/kernel.$f") <(strip_save < "$work/emu.$f") ||
			fail "$f differs from the real kernel"
	done
	note "identical to the real kernel"
else
	note "not root or no netns: real-kernel comparison skipped"
fi
echo PASS
