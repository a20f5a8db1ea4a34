/* nat/nf_nat_masquerade.h - MASQUERADE: SNAT to the address the outgoing device would use.
 *
 * Mirrors include/net/netfilter/nf_nat_masquerade.h.
 */
#ifndef NFEMU_NAT_NF_NAT_MASQUERADE_H
#define NFEMU_NAT_NF_NAT_MASQUERADE_H

#include "nat/nf_nat.h"

struct net_device;

unsigned int nf_nat_masquerade_ipv4(struct sk_buff *skb, unsigned int hooknum,
				    const struct nf_nat_range2 *range, const struct net_device *out);

/* The notifiers: a device went down, or one of its addresses was removed; masqueraded
 * connections through it are forgotten.  EMU: called by the stack directly (no notifier
 * chains), and by nfemu when a replay's topology no longer has the device or address a saved
 * entry was masqueraded to. */
void nf_nat_masquerade_device_down(struct net *net, int ifindex);
void nf_nat_masquerade_inet_down(struct net *net, int ifindex, __be32 addr);

#endif
