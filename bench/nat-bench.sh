#!/bin/bash
# bench/nat-bench.sh [FLOWS]: what NAT costs a replay.
#
# Replays the same TCP traffic (bench/gen-nat-capture.py, default 50000 flows of 12 packets)
# through bench/topology three ways and prints packets per CPU second of each (best of 3 runs,
# so another process on the machine does not decide the figure) and their ratios:
#   stateful    the conntrack ruleset (ESTABLISHED,RELATED accepted, NEW from the LAN), the
#               servers answering the LAN hosts directly (a routed network);
#   masquerade  the same ruleset plus -t nat POSTROUTING -o wan0 -j MASQUERADE, the servers
#               answering the router's public address (every packet NATed or de-NATed, every
#               connection a binding and an entry in the bysource hash).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nfemu=${NFEMU:-$root/build/nfemu}
work=${BENCH_DIR:-/tmp/nfemu-bench}
py=${PYTHON:-python3}
flows=${1:-50000}
[ -x "$nfemu" ] || { echo "nat-bench: $nfemu is not built (ninja -C build)" >&2; exit 1; }
mkdir -p "$work"
export XTABLES_LOCKFILE=$work/xtables.lock

plain=$work/nat-plain-$flows.pcap
natted=$work/nat-masq-$flows.pcap
[ -f "$plain" ] || "$py" "$root/bench/gen-nat-capture.py" --flows "$flows" --out "$plain" >&2
[ -f "$natted" ] || "$py" "$root/bench/gen-nat-capture.py" --flows "$flows" \
	--reply-to 198.51.100.1 --out "$natted" >&2

filter='*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i lan0 -m conntrack --ctstate NEW -j ACCEPT
COMMIT'
printf '%s\n' "$filter" > "$work/nat-stateful.v4"
printf '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -o wan0 -j MASQUERADE\nCOMMIT\n%s\n' \
	"$filter" > "$work/nat-masquerade.v4"
cp "$root/bench/topology" "$work/nat-topology"

cpu_of() {      # best CPU seconds of 3 replays: $1 ruleset, $2 capture
	local best=
	for _ in 1 2 3; do
		rm -f "$work/nat.state"
		"$nfemu" exec --state "$work/nat.state" -- iptables-legacy-restore "$1" || exit 1
		/usr/bin/time -f '%U %S' -o "$work/time.txt" "$nfemu" replay \
			--topology "$work/nat-topology" --state "$work/nat.state" "$2" > "$work/nat-summary.txt"
		local t
		t=$(awk '{print $1 + $2}' "$work/time.txt")
		best=$(awk -v a="$t" -v b="${best:-1e9}" 'BEGIN {print (a < b ? a : b)}')
	done
	echo "$best"
}

n=$("$nfemu" replay --topology "$work/nat-topology" --rules "$work/nat-stateful.v4" "$plain" |
	sed -n 's/^nfemu replay: \([0-9]*\) packets.*/\1/p')
s=$(cpu_of "$work/nat-stateful.v4" "$plain")
m=$(cpu_of "$work/nat-masquerade.v4" "$natted")
printf '%-12s %10s %8s %14s %8s\n' ruleset packets cpu packets/cpu-s vs-stateful
for row in "stateful $s" "masquerade $m"; do
	set -- $row
	awk -v name="$1" -v c="$2" -v n="$n" -v base="$s" 'BEGIN {
		printf "%-12s %10d %7.2fs %14.0f %7.1f%%\n", name, n, c, n / c, (c / base - 1) * 100 }'
done
rm -f "$work/nat.state" "$work/nat.state".*
