# --explain: nf_queue (bypassed, dropped), nf_log_packet (NFLOG with no logger, LOG with level,
# flags and an escaped prefix) and, before packet #1, the module loads and references of the
# rules' load (xt_recent held by the -m recent rule).  Then the same rules loaded into a state
# and flushed there: its load takes no reference on xt_recent any more.
$NFEMU replay --topology ../common/topology --rules rules.v4 --explain --trace "$OUT/trace.txt" \
	capture.pcapng
S=$(mktemp -d)
$NFEMU exec --state "$S/s" -- iptables-legacy-restore rules.v4
$NFEMU exec --state "$S/s" -- iptables-legacy -F FORWARD
$NFEMU replay --topology ../common/topology --state "$S/s" --explain --trace "$OUT/flushed.txt" \
	capture.pcapng
rm -rf "$S"
