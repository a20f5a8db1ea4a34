# Every output at once on the basic capture with the stateless filter: trace (kernel lines and
# fate lines), JSON Lines, egress and dropped pcaps, the summary.
$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 \
	--trace "$OUT/trace.txt" --jsonl "$OUT/events.jsonl" --egress "$OUT/egress" \
	../basic/capture.pcapng
