# The router's everyday traffic from a pcapng with interface names: forwarded, dropped by a
# rule, answered by the host (echo reply, RST), refused by REJECT (tcp-reset, port-unreachable),
# logged, sent by the host itself, skipped (ARP, IPv6, an outgoing copy), refused by ip_rcv,
# TTL expired.  Every output.
$NFEMU replay --topology ../common/topology --rules rules.v4 \
	--trace "$OUT/trace.txt" --jsonl "$OUT/events.jsonl" --egress "$OUT/egress" capture.pcapng
