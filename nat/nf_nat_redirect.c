/* nat/nf_nat_redirect.c - REDIRECT: send a connection to the host itself.
 *
 * Mirrors the IPv4 half of net/netfilter/nf_nat_redirect.c: locally generated packets go to
 * 127.0.0.1; others to the first (primary) address of the device they arrived on, and are
 * dropped if it has none.  Ports as the range says (--to-ports), else kept.
 */
#include <arpa/inet.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat_redirect.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

static unsigned int nf_nat_redirect(struct sk_buff *skb, const struct nf_nat_range2 *range,
				    const union nf_inet_addr *newdst)
{
	struct nf_nat_range2 newrange;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return NF_ACCEPT;

	memset(&newrange, 0, sizeof(newrange));

	newrange.flags = range->flags | NF_NAT_RANGE_MAP_IPS;
	newrange.min_addr = *newdst;
	newrange.max_addr = *newdst;
	newrange.min_proto = range->min_proto;
	newrange.max_proto = range->max_proto;

	return nf_nat_setup_info(ct, &newrange, NF_NAT_MANIP_DST);
}

unsigned int nf_nat_redirect_ipv4(struct sk_buff *skb, const struct nf_nat_range2 *range,
				  unsigned int hooknum)
{
	union nf_inet_addr newdst = {};

	/* Local packets: make them go to loopback */
	if (hooknum == NF_INET_LOCAL_OUT) {
		newdst.ip = htonl(INADDR_LOOPBACK);
	} else {
		const struct in_device *indev = __in_dev_get_rcu(skb->dev);

		if (indev && !list_empty(&indev->ifa_list)) {
			const struct in_ifaddr *ifa = list_first_entry(&indev->ifa_list,
								       struct in_ifaddr, list);

			newdst.ip = ifa->ifa_local;
		}

		if (!newdst.ip)
			return NF_DROP;
	}

	return nf_nat_redirect(skb, range, &newdst);
}
