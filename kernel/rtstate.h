/* kernel/rtstate.h - EMU: what a running kernel keeps in memory between packets, as bytes.
 *
 * A real kernel stays up; nfemu's lives in a state file between processes.  The tables reach
 * it through the ABI (GET_ENTRIES) and conntrack through its own section, but what extensions
 * keep behind their rules and per net -- recent lists, hashlimit buckets, the limit match's
 * credit, quota left, statistic's nth counter, connlimit's lists, IDLETIMER timers, RATEEST
 * estimators -- has no ABI.  Each such extension saves and restores it here in binary (the
 * hooks in struct module_info and struct xt_match/xt_target); xtables/xt_rtstate.c walks the
 * modules and the rules and frames the records; emu/state.c stores the result as one section.
 * No kernel counterpart.  Host byte order: a state file never leaves the machine that wrote it.
 */
#ifndef NFEMU_KERNEL_RTSTATE_H
#define NFEMU_KERNEL_RTSTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>

/* A growing buffer; err is -ENOMEM once an allocation failed (later puts do nothing).  With
 * flush set, what has filled is handed to flush (and the buffer emptied) each time it reaches
 * RTS_FLUSH_AT bytes, so a large payload can go to a file without being held whole; err is
 * then flush's error too. */
#define RTS_FLUSH_AT ((size_t)1 << 20)

struct rts_w {
	unsigned char *buf;
	size_t len, cap;
	int err;
	int (*flush)(void *ctx, const unsigned char *p, size_t n);
	void *flush_ctx;
};

static inline void rts_put(struct rts_w *w, const void *p, size_t n)
{
	if (w->err)
		return;
	if (w->flush && w->len >= RTS_FLUSH_AT) {
		w->err = w->flush(w->flush_ctx, w->buf, w->len);
		w->len = 0;
		if (w->err)
			return;
	}
	if (w->cap - w->len < n) {
		size_t ncap = w->cap ? w->cap : 256;
		unsigned char *nb;

		while (ncap - w->len < n)
			ncap *= 2;
		nb = realloc(w->buf, ncap);
		if (!nb) {
			w->err = -ENOMEM;
			return;
		}
		w->buf = nb;
		w->cap = ncap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

#define RTS_PUT(w, v) rts_put((w), &(v), sizeof(v))

/* A reader over one record's payload.  A short read or a bad value sets why (a constant
 * string saying what was wrong); the framing code adds where.  A failed get zeroes what it
 * was to fill, so a caller that checks why only after several gets reads defined values. */
struct rts_r {
	const unsigned char *buf;
	size_t len, off;
	const char *why;
};

static inline bool rts_get(struct rts_r *r, void *p, size_t n)
{
	if (r->why || r->len - r->off < n) {
		if (!r->why)
			r->why = "truncated";
		memset(p, 0, n);
		return false;
	}
	memcpy(p, r->buf + r->off, n);
	r->off += n;
	return true;
}

#define RTS_GET(r, v) rts_get((r), &(v), sizeof(v))

/* Mark the record bad (why must be a string constant); returns -EINVAL. */
static inline int rts_bad(struct rts_r *r, const char *why)
{
	if (!r->why)
		r->why = why;
	return -EINVAL;
}

#endif
