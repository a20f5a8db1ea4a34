/* kernel/clock.h - EMU: the kernel's clocks, driven by the capture.
 *
 * Linux reads jiffies and ktime from hardware; nfemu's kernel reads the time of the packet
 * being processed (net->clock.now_ns), so the same capture gives the same answers from
 * limit, hashlimit, recent, quota-by-time, time and conntrack timeouts on every run.
 * HZ is Debian's CONFIG_HZ (250).  jiffies count from boot (the first packet's time) and,
 * as in Linux, start at INITIAL_JIFFIES so that wrap-around bugs show early.
 */
#ifndef NFEMU_EMU_CLOCK_H
#define NFEMU_EMU_CLOCK_H

#include "kernel/net.h"

#define HZ 250
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define USEC_PER_SEC 1000000ULL
#define INITIAL_JIFFIES ((unsigned long)(unsigned int)(-300 * HZ))

/* Advance the clock (never backwards: a capture out of order does not rewind the kernel). */
static inline void nfemu_clock_set(struct net *net, u64 now_ns)
{
	if (!net->clock.boot_ns)
		net->clock.boot_ns = now_ns;
	if (now_ns > net->clock.now_ns)
		net->clock.now_ns = now_ns;
}

/* ktime_get_real_ns(): wall-clock time (the time match, LOG timestamps). */
static inline u64 ktime_get_real_ns(const struct net *net)
{
	return net->clock.now_ns;
}

/* ktime_get_ns(): monotonic time since boot. */
static inline u64 ktime_get_ns(const struct net *net)
{
	return net->clock.now_ns - net->clock.boot_ns;
}

static inline unsigned long nfemu_jiffies(const struct net *net)
{
	return INITIAL_JIFFIES + (unsigned long)(ktime_get_ns(net) / (NSEC_PER_SEC / HZ));
}

static inline u64 nfemu_jiffies_64(const struct net *net)
{
	return (u64)INITIAL_JIFFIES + ktime_get_ns(net) / (NSEC_PER_SEC / HZ);
}

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)
#define time_before_eq(a, b) time_after_eq(b, a)

static inline unsigned long msecs_to_jiffies(unsigned int m)
{
	return ((unsigned long)m * HZ + 999) / 1000;
}

static inline unsigned int jiffies_to_msecs(unsigned long j)
{
	return (unsigned int)(j * (1000 / HZ));
}

#endif
