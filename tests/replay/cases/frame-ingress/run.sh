# Direction and ingress from the frame itself (a plain pcap of a router, no interface names):
# the destination MAC of one of the router's interfaces is the ingress, even for a source
# that belongs elsewhere (a spoof, judged there); a broadcast or multicast enters on its
# sender's segment (its MAC in the neighbour table, learnt from an earlier frame, then the
# subnet of its source), a DHCP discover from 0.0.0.0 included; the router's own frames go
# through OUTPUT, forwarded copies are skipped.  SLL2's interface index and packet type, SLL's
# packet type, pcapng epb_flags without interface names.  A `tcpdump -i any` capture (any.pcap)
# holds the router's echo reply and RST: the replay's own are sent, the copies skipped.
# --in still overrides.
for f in plain.pcap sll2.pcap sll.pcap flags.pcapng any.pcap; do
	echo "== $f"
	$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --trace - "$f"
done
echo "== --in lan0 overrides the frame"
$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --in lan0 --trace - \
	plain.pcap | grep '^#1 '
echo "== ingress_by in JSON Lines"
$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --jsonl - plain.pcap \
	2>/dev/null | grep -o '"packet":[0-9]*,[^}]*"ingress":[^,]*,"ingress_by":"[a-z]*"' | \
	sed 's/"time":[^,]*,"ts_ns":[^,]*,"t":[^,]*,//'
