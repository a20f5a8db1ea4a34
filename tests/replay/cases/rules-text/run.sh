# --rules-text: after each fate line, the rules it names as iptables-legacy-save prints them
# ("#   filter:lan_fwd:rule:2: -A lan_fwd ..."; a policy as iptables -S says it, "-P FORWARD
# DROP"), and "rule_text" in JSON Lines (trace.txt, events.jsonl).  Without the option,
# neither, and iptables-legacy-save is not run: a PATH without it changes nothing
# (trace-plain.txt).  With the option and no iptables-legacy-save: one warning, and the
# rules by name only (trace-nosave.txt).
$NFEMU replay --topology ../common/topology --rules rules.v4 --rules-text \
	--trace "$OUT/trace.txt" --jsonl "$OUT/events.jsonl" capture.pcapng
S="$OUT/fw.state"
for opt in "" --rules-text; do
	$NFEMU exec --state "$S" -- iptables-legacy-restore < rules.v4
	PATH=/nonexistent $NFEMU replay --topology ../common/topology --state "$S" $opt \
		--trace "$OUT/trace-${opt:-plain}.txt" capture.pcapng > /dev/null
	rm -f "$S" "$S".*
done
mv "$OUT/trace---rules-text.txt" "$OUT/trace-nosave.txt"
# The queue and the accept in the order they came: a bypassed queue in mangle PREROUTING
# before filter's accept, one in mangle POSTROUTING after it, one without bypass that drops
# the host's echo reply after OUTPUT accepted it.
$NFEMU replay --topology ../common/topology --rules queue.v4 --rules-text \
	--trace "$OUT/trace-queue.txt" --jsonl "$OUT/events-queue.jsonl" ../fates/capture.pcapng > /dev/null
# --rules-text with nothing to add it to: a usage error
$NFEMU replay --topology ../common/topology --rules rules.v4 --rules-text capture.pcapng
echo "exit $?"
