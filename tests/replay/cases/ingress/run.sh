# Where a packet enters when the capture does not say: the interface its source routes back
# to; the host's own source addresses go through OUTPUT; --in overrides; a pcapng interface
# that is not in the topology is noted once and routing decides.
$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --trace - noname.pcap
echo "== --in wan0"
$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --in wan0 --trace - \
	noname.pcap
echo "== unknown interface name"
$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --trace - \
	unknown-if.pcapng
echo "== a host source address from a foreign MAC is a spoof; from the router's MAC, its own"
$NFEMU replay --topology ../common/topology --rules ../common/rules.v4 --trace - spoof.pcapng
