/* conntrack/nf_conntrack_state.h - EMU: the conntrack table in nfemu's state file.
 *
 * emu/state.c stores the payload as its NFEMU_SEC_CONNTRACK section; see
 * nf_conntrack_state.c for the layout.  No kernel counterpart.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_STATE_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_STATE_H

#include <stddef.h>

struct net;

/* The payload (malloc'd) for net's table and clock; *lenp = 0 (and no buffer) when
 * nf_conntrack is not loaded.  0 or -ENOMEM. */
int nf_conntrack_state_save(struct net *net, unsigned char **bufp, size_t *lenp);
/* Restore the clock and the entries into net (nf_conntrack loaded, table empty).  On error,
 * -EINVAL and one line in err saying which entry and what is wrong. */
int nf_conntrack_state_load(struct net *net, const unsigned char *buf, size_t len, char *err,
			    size_t errlen);

#endif
