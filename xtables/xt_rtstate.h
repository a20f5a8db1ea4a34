/* xtables/xt_rtstate.h - EMU: extensions' run-time state in the state file (kernel/rtstate.h).
 * No kernel counterpart. */
#ifndef NFEMU_XTABLES_XT_RTSTATE_H
#define NFEMU_XTABLES_XT_RTSTATE_H

#include <stddef.h>

struct net;

/* The payload of the state file's run-time section (malloc'd in *bufp): the clock, the
 * randomness once packets have drawn from it, every loaded module's per-net objects and every
 * rule's state.  0 or -ENOMEM. */
int nfemu_rtstate_save(struct net *net, unsigned char **bufp, size_t *lenp);
/* Restore it into net, whose modules and tables were loaded from the same image.  0, or
 * -EINVAL with one line in err saying which record (byte offset in the payload) and why. */
int nfemu_rtstate_load(struct net *net, const unsigned char *buf, size_t len, char *err,
		       size_t errlen);

#endif
