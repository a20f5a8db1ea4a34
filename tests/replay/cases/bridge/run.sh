# A bridge as an L3 device: frames for br0's MAC are the router's (IN=br0); a frame between
# two hosts behind the bridge would be bridged from port to port, which nfemu does not do:
# the packet is dropped with an error note saying so (known destination: "forward it to
# lan1", unknown: "flood it"); a frame from a multicast source MAC is dropped by the bridge
# (MAC_INVALID_SOURCE).  A dummy device swallows what is routed to it.  Then errors.
$NFEMU replay --topology topology --rules rules.v4 --trace - --egress "$OUT/egress" capture.pcapng
echo "== errors"
for t in bad-*.topology; do $NFEMU replay --topology $t --rules rules.v4 capture.pcapng; echo "exit $?"; done
