/* emu/topology.h - EMU: the topology file, the `ip` and `sysctl` lines that build a host.
 *
 * No kernel counterpart: this is the part of iproute2 and sysctl(8) nfemu needs, applied
 * straight to the emulated kernel instead of through rtnetlink and /proc/sys.  The grammar is
 * in docs/topology.md.  Errors name the file, line and column, quote the line and put a caret
 * under the offending text, with iproute2's wording where the kernel refused.
 */
#ifndef NFEMU_EMU_TOPOLOGY_H
#define NFEMU_EMU_TOPOLOGY_H

#include <stddef.h>

struct net;

/* Read the topology file at path into net (the stack is booted first if needed).
 * 0, or -errno with err = "FILE:LINE:COL: what is wrong\n  LINE\n  ^~~~". */
int nfemu_topology_load(struct net *net, const char *path, char *err, size_t errlen);
/* The same from text; name is the file name the messages use. */
int nfemu_topology_load_string(struct net *net, const char *name, const char *text, char *err,
			       size_t errlen);
/* Both, also filling warn (empty when there is nothing to say) with the warning for the
 * IPv6 lines skipped: "FILE:LINE:COL: warning: ..." with the first such line and a caret,
 * then how many were skipped. */
int nfemu_topology_load_warn(struct net *net, const char *path, char *err, size_t errlen,
			     char *warn, size_t warnlen);
int nfemu_topology_load_string_warn(struct net *net, const char *name, const char *text,
				    char *err, size_t errlen, char *warn, size_t warnlen);

#endif
