# NAT: MASQUERADE and a port forward.  --explain shows each binding and why it was chosen
# (kept, searched after a clash with the PRNG of --seed); fate lines and JSON Lines show the
# translated headers; conntrack -L shows the translated reply tuples.  A later replay whose
# topology gives wan0 another address forgets the masqueraded entries, as Linux's MASQUERADE
# notifier does when the address goes away; the port forward's entry stays.
S="$OUT/fw.state"
$NFEMU exec --state "$S" -- iptables-legacy-restore < rules.v4
$NFEMU replay --topology ../common/topology --state "$S" --explain=ct --trace "$OUT/trace.txt" \
	--jsonl "$OUT/events.jsonl" --egress "$OUT/egress" capture.pcapng
$NFEMU conntrack --state "$S" -L
sed 's#198.51.100.1/24#198.51.100.2/24#' ../common/topology > "$OUT/topology2"
$NFEMU replay --topology "$OUT/topology2" --state "$S" later.pcapng
$NFEMU conntrack --state "$S" -L
rm -f "$S" "$S".* "$OUT/topology2"
