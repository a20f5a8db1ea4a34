#!/bin/bash
# bench/replay-bench.sh [SIZE_MB ...]: replay throughput and memory of `nfemu replay`.
#
# For each size (default: 100 and 1024 MB) it writes a capture with bench/gen-capture.py
# (kept in $BENCH_DIR, default /tmp/nfemu-bench, for the next run), replays it through
# bench/topology and bench/rules.v4 twice -- no outputs, then --trace to /dev/null (every
# packet traced: a TRACE line per rule it crosses) -- and prints packets/s (per wall-clock and
# per CPU second: the latter does not depend on what else the machine runs) and the peak RSS
# (/usr/bin/time -v).  Memory must not grow with the capture: compare the sizes' RSS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
nfemu=${NFEMU:-$root/build/nfemu}
work=${BENCH_DIR:-/tmp/nfemu-bench}
py=${PYTHON:-python3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1024)
[ -x "$nfemu" ] || { echo "replay-bench: $nfemu is not built (ninja -C build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "replay-bench: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"

printf '%-8s %-6s %12s %9s %12s %9s %14s %12s\n' size mode packets wall packets/s cpu "packets/cpu-s" "peak RSS"
for mb in "${sizes[@]}"; do
	cap=$work/capture-${mb}M.pcap
	[ -f "$cap" ] || "$py" "$root/bench/gen-capture.py" --size-mb "$mb" --out "$cap" >&2
	for mode in plain trace; do
		args=()
		[ "$mode" = trace ] && args=(--trace /dev/null)
		/usr/bin/time -v -o "$work/time.txt" "$nfemu" replay --topology "$root/bench/topology" \
			--rules "$root/bench/rules.v4" "${args[@]}" "$cap" > "$work/summary-$mb-$mode.txt"
		rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
		wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
		secs=$(awk -v t="$wall" 'BEGIN { n = split(t, p, ":"); s = 0;
			for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }')
		cpu=$(awk -F': ' '/User time|System time/ {t += $2} END {print t}' "$work/time.txt")
		pkts=$(sed -n 's/^nfemu replay: \([0-9]*\) packets.*/\1/p' "$work/summary-$mb-$mode.txt")
		awk -v mb="$mb" -v mode="$mode" -v p="$pkts" -v s="$secs" -v c="$cpu" -v r="$rss_kb" 'BEGIN {
			printf "%-8s %-6s %12d %8.2fs %12.0f %8.2fs %14.0f %9.1f MB\n", mb " MB", mode, p, s,
				(s > 0 ? p / s : 0), c, (c > 0 ? p / c : 0), r / 1024 }'
	done
done
