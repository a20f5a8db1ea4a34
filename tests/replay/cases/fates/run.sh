# Fate wording: ACCEPT by a rule and by the policy, REJECT with its reply (#3.1), DROP by the
# unconditional rule ending a user chain (fate "rule", TRACE "return"), in the trace and in
# JSON Lines ("rule", "reject_with").
$NFEMU replay --topology ../common/topology --rules rules.v4 \
	--trace "$OUT/trace.txt" --jsonl "$OUT/events.jsonl" capture.pcapng
