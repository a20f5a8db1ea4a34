/* lib/textsearch.h - the kernel's text search infrastructure (string match, ...).
 *
 * Mirrors include/linux/textsearch.h and lib/textsearch.c: a search is prepared once
 * (textsearch_prepare: algorithm by name, pattern, flags) and run over data handed out in
 * blocks by get_next_block; skb_find_text (net/core/skbuff.c) runs it over a packet.
 * The algorithms are bm (Boyer-Moore), kmp (Knuth-Morris-Pratt) and fsm, as lib/ts_*.c.
 * EMU: the algorithms are a fixed built-in table, not a registry modules add to.
 */
#ifndef NFEMU_LIB_TEXTSEARCH_H
#define NFEMU_LIB_TEXTSEARCH_H

#include "kernel/kernel.h"

struct sk_buff;
struct ts_config;

#define TS_AUTOLOAD	1	/* Automatically load textsearch modules when needed */
#define TS_IGNORECASE	2	/* Searches string case insensitively */

/* Search state: offset to continue from and room for get_next_block's own state. */
struct ts_state {
	unsigned int offset;
	char cb[48] __attribute__((aligned(8)));
};

struct ts_ops {
	const char *name;
	struct ts_config *(*init)(const void *pattern, unsigned int len, int flags);
	unsigned int (*find)(struct ts_config *conf, struct ts_state *state);
	void (*destroy)(struct ts_config *conf);
	void *(*get_pattern)(struct ts_config *conf);
	unsigned int (*get_pattern_len)(struct ts_config *conf);
};

struct ts_config {
	const struct ts_ops *ops;
	int flags;
	/* Hand out the next block of data at `consumed` bytes into the search: its length,
	 * 0 at the end. */
	unsigned int (*get_next_block)(unsigned int consumed, const u8 **dst,
				       struct ts_config *conf, struct ts_state *state);
	void (*finish)(struct ts_config *conf, struct ts_state *state);
	unsigned char priv[] __attribute__((aligned(8)));      /* the algorithm's data */
};

static inline void *ts_config_priv(struct ts_config *conf)
{
	return conf->priv;
}

/* A zeroed ts_config with `payload` bytes of private data, or ERR_PTR(-ENOMEM). */
struct ts_config *alloc_ts_config(size_t payload);

/* ERR_PTR(-EINVAL) for an empty pattern or one the algorithm refuses, ERR_PTR(-ENOENT)
 * for an unknown algorithm. */
struct ts_config *textsearch_prepare(const char *algo, const void *pattern, unsigned int len,
				     int flags);
void textsearch_destroy(struct ts_config *conf);

/* The position of the next occurrence, or UINT_MAX. */
static inline unsigned int textsearch_next(struct ts_config *conf, struct ts_state *state)
{
	unsigned int ret = conf->ops->find(conf, state);

	if (conf->finish)
		conf->finish(conf, state);
	return ret;
}

static inline unsigned int textsearch_find(struct ts_config *conf, struct ts_state *state)
{
	state->offset = 0;
	return textsearch_next(conf, state);
}

static inline void *textsearch_get_pattern(struct ts_config *conf)
{
	return conf->ops->get_pattern(conf);
}

static inline unsigned int textsearch_get_pattern_len(struct ts_config *conf)
{
	return conf->ops->get_pattern_len(conf);
}

/* Search one contiguous buffer. */
unsigned int textsearch_find_continuous(struct ts_config *conf, struct ts_state *state,
					const void *data, unsigned int len);

/* Find the pattern in the packet data between from and to (offsets from skb->data): the
 * offset of the match relative to from, or UINT_MAX. */
unsigned int skb_find_text(struct sk_buff *skb, unsigned int from, unsigned int to,
			   struct ts_config *config);

/* The algorithms (lib/ts_bm.c, lib/ts_kmp.c, lib/ts_fsm.c). */
extern const struct ts_ops ts_bm_ops;
extern const struct ts_ops ts_kmp_ops;
extern const struct ts_ops ts_fsm_ops;

#endif
