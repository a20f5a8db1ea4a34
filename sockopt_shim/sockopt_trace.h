/* sockopt_shim/sockopt_trace.h - EMU: `nfemu exec --sockopt-trace`: the sockopt conversation.
 *
 * The shim calls these around each IPv4 getsockopt/setsockopt when NFEMU_SOCKOPT_TRACE is set
 * ("-" or empty: stderr, else a file appended to): each call as strace prints it, then the
 * kernel's answer decoded, the modules it loaded, and nfemu's reason for a refusal.
 */
#ifndef NFEMU_SOCKOPT_SHIM_SOCKOPT_TRACE_H
#define NFEMU_SOCKOPT_SHIM_SOCKOPT_TRACE_H

#include <stdbool.h>

struct net;

/* Is tracing on for this process (NFEMU_SOCKOPT_TRACE set)? */
bool sockopt_trace_enabled(void);

/* A call is starting / has been answered without reaching the kernel (errno err). */
void sockopt_trace_start(bool get, int level, int optname, const void *optval, unsigned int len);
void sockopt_trace_unanswered(int err, const char *why);

/* Around the kernel's handler, with the kernel loaded and locked: before snapshots what the
 * answer will be compared with; after prints the call and the answer (ret: 0, the best
 * revision, or -errno; outlen: get's *optlen after the call; refusal: nfemu's reason). */
void sockopt_trace_before(struct net *net);
void sockopt_trace_after(struct net *net, int ret, unsigned int outlen, const char *refusal);

/* The shim answered modprobe (xtables_insmod) with request_module: status 0 = loaded. */
void sockopt_trace_modprobe(char *const argv[], int status);

#endif
