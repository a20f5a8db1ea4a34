# conntrack's INVALID reasons in --explain (the "#   ct: ...: nf_ct_proto_N: ..." lines, with
# the kernel's wording) without net.netfilter.nf_conntrack_log_invalid; then the same capture
# with the sysctl at 255, where the kernel's own LOG lines say the same next to them
# (kernel/trace-log.txt: Linux 6.18's lines for these packets, recorded by the packet case
# tests/kernel/packet/cases/47-ct-log-invalid).
$NFEMU replay --topology ../common/topology --rules rules.v4 --explain --trace "$OUT/trace.txt" \
	--jsonl "$OUT/all.jsonl" capture.pcapng
# JSON Lines has them too (as "ct" events, with or without --explain)
grep -e 'nf_ct_proto' -e 'not logged' "$OUT/all.jsonl" > "$OUT/invalid.jsonl"
rm -f "$OUT/all.jsonl"
{ cat ../common/topology; echo "sysctl -w net.netfilter.nf_conntrack_log_invalid=255"; } > "$OUT/topology-log"
$NFEMU replay --topology "$OUT/topology-log" --rules rules.v4 --explain --trace "$OUT/trace-log.txt" \
	capture.pcapng
rm -f "$OUT/topology-log"
# Each explained reason is the text of the kernel's log line beside it.
sed -n 's/^#  *ct: .*: \(nf_ct_proto_[0-9]*: .*\)$/\1/p' "$OUT/trace-log.txt" > "$OUT/explained"
sed -n 's/^\(nf_ct_proto_[0-9]*: .*\) IN=.*/\1/p' "$OUT/trace-log.txt" > "$OUT/logged"
if cmp -s "$OUT/explained" "$OUT/logged"; then
	echo "the explained reasons are the kernel's log lines: $(wc -l < "$OUT/logged") lines"
else
	diff "$OUT/explained" "$OUT/logged"
fi
rm -f "$OUT/explained" "$OUT/logged"
