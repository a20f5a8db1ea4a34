/* conntrack/nf_conntrack.h - what the rest of the emulated kernel calls in connection tracking.
 *
 * Mirrors include/net/netfilter/nf_conntrack.h.  For now only the per-net reference that
 * conntrack-using extensions take in checkentry (nf_ct_netns_get/put): Linux registers the
 * conntrack hooks in a netns on the first such reference and removes them on the last.
 * EMU: conntrack proper is not emulated yet; the reference always succeeds, as it does in a
 * stock netns of this machine, and registers no hooks.  The conntrack work replaces this.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_H

#include "emu/kernel.h"

struct net;

static inline int nf_ct_netns_get(struct net *net, u8 nfproto)
{
	(void)net;
	(void)nfproto;
	return 0;
}

static inline void nf_ct_netns_put(struct net *net, u8 nfproto)
{
	(void)net;
	(void)nfproto;
}

#endif
