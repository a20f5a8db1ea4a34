/* sockopt_shim/sockopt_trace.h - EMU: `nfemu exec --sockopt-trace`: the sockopt conversation.
 *
 * The shim calls these around each IPv4 getsockopt/setsockopt it hands to the emulated kernel
 * (sockopt_shim/shim.c, the "sockopt trace" part) when NFEMU_SOCKOPT_TRACE is set: "-" or
 * empty for stderr, else a file appended to.  Each call is printed like strace prints it,
 * then what the kernel answered, decoded: GET_INFO's fields, GET_ENTRIES' entries and the
 * counters read, the revision asked and the best one, SET_REPLACE's header and the old
 * counters it copied back, SET_ADD_COUNTERS' additions with each counter before and after,
 * the modules the call loaded, and nfemu's one-line reason for a refusal.
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
