#!/bin/bash
# bench/conntrack-flows.sh [FLOWS ...]: conntrack under many distinct flows.
#
# For each count (default: 100000 and 1000000) it writes a capture of that many distinct UDP
# flows, one datagram each, 50k packets/s of capture time (bench/gen-flows.py; kept in
# $BENCH_DIR, default /tmp/nfemu-bench), loads a stateful ruleset (ESTABLISHED,RELATED
# accepted, NEW accepted from the LAN, the rest dropped) into a state file and replays the
# capture through bench/topology, then prints packets/s (wall clock and CPU), the peak RSS
# (/usr/bin/time -v) and nf_conntrack_count at the end (`nfemu conntrack -C`).  The table must
# stay within nf_conntrack_max (262144, read-only in a netns as on Linux): at 50k new flows/s
# and the 30 s UDP timeout it fills after about 5 s, and from then on early_drop makes room
# for each new flow -- memory is bounded by the table, not by the capture.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nfemu=${NFEMU:-$root/build/nfemu}
work=${BENCH_DIR:-/tmp/nfemu-bench}
py=${PYTHON:-python3}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(100000 1000000)
[ -x "$nfemu" ] || { echo "conntrack-flows: $nfemu is not built (ninja -C build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "conntrack-flows: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"

rules=$work/conntrack-rules.v4
cat > "$rules" <<'EOF'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i lan0 -m conntrack --ctstate NEW -j ACCEPT
COMMIT
EOF

printf '%-9s %10s %9s %12s %9s %14s %11s %10s %9s\n' flows packets wall packets/s cpu \
	"packets/cpu-s" "peak RSS" ct_count ct_max
for n in "${counts[@]}"; do
	cap=$work/flows-$n.pcap
	[ -f "$cap" ] || "$py" "$root/bench/gen-flows.py" --flows "$n" --out "$cap" >&2
	state=$work/flows-$n.state
	rm -f "$state"
	XTABLES_LOCKFILE=$work/xtables.lock "$nfemu" exec --state "$state" -- \
		iptables-legacy-restore "$rules"
	/usr/bin/time -v -o "$work/time.txt" "$nfemu" replay --topology "$root/bench/topology" \
		--state "$state" "$cap" > "$work/summary-flows-$n.txt"
	rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
	secs=$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0;
		for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')
	cpu=$(awk -F': ' '/User time|System time/ {t += $2} END {print t}' "$work/time.txt")
	pkts=$(sed -n 's/^nfemu replay: \([0-9]*\) packets.*/\1/p' "$work/summary-flows-$n.txt")
	count=$("$nfemu" conntrack -C --state "$state")
	max=262144
	awk -v n="$n" -v p="$pkts" -v s="$secs" -v c="$cpu" -v r="$rss_kb" -v k="$count" -v m="$max" 'BEGIN {
		printf "%-9d %10d %8.2fs %12.0f %8.2fs %14.0f %8.1f MB %10d %9d\n", n, p, s,
			(s > 0 ? p / s : 0), c, (c > 0 ? p / c : 0), r / 1024, k, m }'
	if [ "$count" -gt "$max" ]; then
		echo "conntrack-flows: nf_conntrack_count $count > nf_conntrack_max $max" >&2
		exit 1
	fi
done
