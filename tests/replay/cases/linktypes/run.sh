# The same three packets (forwarded, dropped by a rule, a ping to the router) in every link
# type the replay reads, pcap in both byte orders and with ns timestamps, pcapng in both byte
# orders with a binary timestamp resolution and EPB, SPB (no timestamp: the previous one),
# OPB and an unknown block.
for f in eth-vlan.pcap eth-be-ns.pcap sll.pcap sll2.pcap raw.pcap ipv4.pcap null.pcap \
	loop.pcap blocks-le.pcapng blocks-be.pcapng; do
	echo "== $f"
	$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --in lan0 \
		--trace "$OUT/trace-$f.txt" "$f" || echo "exit $?"
done
