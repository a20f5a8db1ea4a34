# VLAN devices, checked against the kernel's source (net/8021q: vlan_do_receive, the tag
# vlan_dev_hard_start_xmit puts on; net/core/dev.c: check_vlan_id) -- the kernels nfemu is
# tested against have no 8021q, so there is no recording.  What to see: a frame tagged 10 on
# eth0 is received by eth0.10 (IN=eth0.10, MAC= the untagged header); what leaves eth0.10
# leaves eth0 tagged 10 (egress/eth0.txt: 8100000a after the MACs); a tag with no VLAN device
# (30) is another host's (OTHERHOST); a priority tag (id 0) stays on eth0; an untagged
# frame is eth0's, and the router answers it by the route, tagged; a QinQ frame (88a8 100,
# 8100 10) reaches eth0.100.10 and its answer leaves with both tags; a capture taken on
# eth0.10 itself (untagged) enters eth0.10; a VLAN device that is down drops its frames.
R="--topology topology --rules rules.v4"
$NFEMU replay $R --trace "$OUT/trace.txt" --egress "$OUT/egress" trunk.pcapng
echo "== eth0.20 down"
$NFEMU replay --topology topology-down --rules rules.v4 --trace - down.pcapng
echo "== errors"
for t in bad-*.topology; do $NFEMU replay --topology $t --rules rules.v4 down.pcapng; echo "exit $?"; done
