/* conntrack/nf_conntrack_proto_generic.c - the tracker for every protocol without one.
 *
 * Mirrors net/netfilter/nf_conntrack_proto_generic.c: the tuple is the addresses and the
 * protocol number, every packet is accepted and refreshes nf_conntrack_generic_timeout.
 * EMU: GRE, SCTP, DCCP and UDP-Lite, which have trackers in Linux, are tracked as generic.
 */
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "netstack/skbuff.h"

int generic_packet(struct nf_conn *ct, struct sk_buff *skb, enum ip_conntrack_info ctinfo)
{
	const unsigned int *timeout = nf_ct_timeout_lookup(ct);
	unsigned int t;

	t = timeout ? *timeout : (unsigned int)nf_ct_sysctl(nf_ct_net(ct))->generic_timeout * HZ;
	nf_ct_refresh_acct(ct, ctinfo, skb, t);
	return NF_ACCEPT;
}

const struct nf_conntrack_l4proto nf_conntrack_l4proto_generic = {
	.l4proto = 255,
};
