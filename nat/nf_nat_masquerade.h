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

/* xt_MASQUERADE's init/exit: watch devices going down (refcounted). */
int nf_nat_masquerade_inet_register_notifiers(struct net *net);
void nf_nat_masquerade_inet_unregister_notifiers(struct net *net);

/* EMU: Linux's notifiers forget masqueraded connections when their device goes down or loses
 * its address.  A replay rebuilds the host from its topology after loading a state: a saved
 * entry masqueraded to a device or address the topology no longer has is forgotten here, as the
 * notifier would have forgotten it when that went away. */
void nf_nat_masquerade_sweep(struct net *net);

#endif
