# tests/kernel/packet/lib/capture-router.sh -- sourced by a case's capture.sh (run as root,
# not part of the suite) to build the case's router for recording a real capture:
# netns $R is the router (the case's topology, one veth per interface, rules.v4 loaded with
# iptables-legacy-restore), netns $W holds the veth peers (the wire side, where frames are
# sent from).  Both namespaces are deleted on exit.  The caller cd's to the case folder first.
R=nfemu-cap-r W=nfemu-cap-w
cleanup() { ip netns del $R 2>/dev/null || true; ip netns del $W 2>/dev/null || true; }
trap cleanup EXIT
cleanup
ip netns add $R; ip netns add $W
for ns in $R $W; do ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	net.ipv6.conf.default.disable_ipv6=1; done
grep -v '^#' topology | grep . | while read -r line; do
	case "$line" in
	"ip link add "*" type veth") n=$(echo "$line" | cut -d' ' -f4)
		ip -n $R ${line#ip } peer name "$n" netns $W; ip -n $W link set "$n" up ;;
	"sysctl "*) ip netns exec $R $line >/dev/null ;;
	*) ip -n $R ${line#ip } ;;
	esac
done
ip netns exec $R iptables-legacy-restore rules.v4
