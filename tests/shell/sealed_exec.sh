#!/bin/bash
# sealed_exec: nothing a command run under `nfemu exec` does reaches the host's network
# configuration.  A scratch network namespace plays the host: it gets real iptables-legacy,
# ip6tables-legacy and nftables rules, a conntrack entry and its links; then, from inside it,
# `nfemu exec` runs every tool that could list or change them -- iptables-legacy,
# iptables (nft), ip6tables-legacy-restore, nft, conntrack -L/-F, ip link add and a static
# binary that talks rtnetlink and IPT_SO_GET_INFO itself -- and the host's state is compared
# before and after.  The tools the shim does not emulate must say so in one line.  Root only.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || skip "needs root (a scratch network namespace plays the host)"
command -v ip >/dev/null || skip "ip (iproute2) is not installed"
host=nfemu-seal-$$
ip netns add "$host" 2>/dev/null || skip "cannot create a network namespace"
trap 'ip netns del "$host" 2>/dev/null; rm -rf "$work"' EXIT
H() { ip netns exec "$host" "$@"; }
E() { H "$NFEMU" exec --state "$work/emu.state" -- "$@"; }
# Tools that are not ours: in a sanitizer build the ASan runtime is preloaded into them too,
# and their own leaks at exit are not what this test is about.
X() { H env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$NFEMU" exec --state "$work/emu.state" -- "$@"; }

# The host's configuration.
H ip link set lo up
H ip link add hostveth0 type veth peer name hostveth1 || fail "host link"
H iptables-legacy -A INPUT -s 10.66.0.1 -j DROP || fail "host iptables-legacy"
H iptables-legacy -A INPUT -s 10.66.0.2 -j DROP
H iptables-legacy -A OUTPUT -d 10.66.0.3 -j DROP
have_ip6=0; H ip6tables-legacy -A INPUT -s 2001:db8::1 -j DROP 2>/dev/null && have_ip6=1
have_nft=0; command -v nft >/dev/null && H nft add table inet hostfw &&
	H nft add chain inet hostfw input '{ type filter hook input priority 0; }' &&
	H nft add rule inet hostfw input ip saddr 10.66.0.9 drop && have_nft=1
have_ct=0; command -v conntrack >/dev/null &&
	H conntrack -I -p tcp --src 10.66.0.1 --dst 10.66.0.2 --sport 1000 --dport 80 \
		--state ESTABLISHED --timeout 600 -u ASSURED >/dev/null 2>&1 && have_ct=1

snapshot() {
	echo "== iptables-legacy"; H iptables-legacy-save | grep -v '^#'
	echo "== ip6tables-legacy"; H ip6tables-legacy-save 2>/dev/null | grep -v '^#'
	echo "== nft"; [ $have_nft = 1 ] && H nft list ruleset
	echo "== conntrack"; [ $have_ct = 1 ] && H conntrack -L 2>/dev/null | sed -E 's/^(tcp +6 +)[0-9]+/\1T/'
	echo "== links"; H ip -o link show | awk '{ print $2 }'
}
snapshot > "$work/before"
grep -q 10.66.0.1 "$work/before" || fail "the host's rules are not in place: $(cat "$work/before")"

# Emulated iptables-legacy works as usual, on the state file.
E iptables-legacy -F || fail "iptables-legacy -F under nfemu"
E iptables-legacy -A INPUT -s 10.77.0.1 -j ACCEPT || fail "iptables-legacy -A under nfemu"
out=$(E iptables-legacy -S INPUT) || fail "iptables-legacy -S"
grep -q 10.77.0.1 <<<"$out" && ! grep -q 10.66.0 <<<"$out" || fail "iptables-legacy -S under nfemu: $out"

# Every other tool: refused with one line, or meets an empty stack.
out=$(X iptables -L -n 2>&1)
grep -q 10.66.0 <<<"$out" && fail "iptables (nft) listed the host's rules: $out"
grep -q '^nfemu: .*not emulated' <<<"$out" || fail "iptables (nft): no refusal line: $out"
X iptables -F >/dev/null 2>&1
X iptables -A INPUT -j DROP >/dev/null 2>&1
out=$(printf '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n' | E ip6tables-legacy-restore 2>&1) &&
	fail "ip6tables-legacy-restore succeeded: $out"
grep -qx 'nfemu: nfemu emulates iptables-legacy for IPv4; ip6tables is not emulated yet' <<<"$out" ||
	fail "ip6tables-legacy-restore: no refusal line: $out"
if command -v nft >/dev/null; then
	out=$(X nft list ruleset 2>&1)
	grep -q hostfw <<<"$out" && fail "nft listed the host's ruleset: $out"
	grep -q '^nfemu: .*nftables (nft) is not emulated' <<<"$out" || fail "nft: no refusal line: $out"
	X nft flush ruleset >/dev/null 2>&1
fi
if command -v conntrack >/dev/null; then
	out=$(X conntrack -L 2>&1)
	grep -q 10.66.0 <<<"$out" && fail "conntrack -L listed the host's table: $out"
	grep -q '^nfemu: conntrack-tools' <<<"$out" || fail "conntrack -L: no refusal line: $out"
	X conntrack -F >/dev/null 2>&1
fi
X ip link add sealed0 type veth peer name sealed1 || fail "ip link add under nfemu: the sealed namespace refused it"
out=$(X ip -o link show)
grep -q hostveth0 <<<"$out" && fail "ip link under nfemu sees the host's links: $out"
if command -v "${CC:-cc}" >/dev/null &&
	"${CC:-cc}" -static -O -o "$work/seal_probe" "$(dirname "$0")/seal_probe.c" 2>/dev/null; then
	out=$(E "$work/seal_probe" sealprobe0) || fail "static probe did not run"
	# the host's filter table has 3 policies, 3 rules and the ERROR end: 7 entries
	[[ $out =~ ^link\ 0\ entries\ (-?[0-9]+)$ ]] || fail "static probe: $out"
	[ "${BASH_REMATCH[1]}" != 7 ] || fail "a static binary read the host's filter table: $out"
else
	note "no C compiler able to link statically: the static-binary probe is skipped"
fi

snapshot > "$work/after"
diff -u "$work/before" "$work/after" || fail "the host's configuration changed under nfemu exec"
echo PASS
