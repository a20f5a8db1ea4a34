/* nat/nf_nat_redirect.h - REDIRECT: destination NAT to the host itself.
 *
 * Mirrors include/net/netfilter/nf_nat_redirect.h.
 */
#ifndef NFEMU_NAT_NF_NAT_REDIRECT_H
#define NFEMU_NAT_NF_NAT_REDIRECT_H

#include "nat/nf_nat.h"

unsigned int nf_nat_redirect_ipv4(struct sk_buff *skb, const struct nf_nat_range2 *range,
				  unsigned int hooknum);

#endif
