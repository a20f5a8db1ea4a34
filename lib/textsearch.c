/* lib/textsearch.c - prepare and run text searches; search a packet's data.
 *
 * Mirrors lib/textsearch.c and, for packets, skb_seq_read/skb_find_text of
 * net/core/skbuff.c, step for step for nfemu's linear sk_buff (including what a second
 * read past the end hands out: the packet's head again).
 * EMU: no module autoloading; the three algorithms Linux 6.18 builds in are a fixed table.
 */
#include <limits.h>
#include <stdlib.h>
#include "lib/textsearch.h"
#include "netstack/skbuff.h"

static const struct ts_ops *const ts_algos[] = { &ts_bm_ops, &ts_fsm_ops, &ts_kmp_ops };

static const struct ts_ops *lookup_ts_algo(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(ts_algos); i++)
		if (strcmp(name, ts_algos[i]->name) == 0)
			return ts_algos[i];
	return NULL;
}

struct ts_config *alloc_ts_config(size_t payload)
{
	struct ts_config *conf = calloc(1, sizeof(*conf) + payload);

	if (!conf)
		return ERR_PTR(-ENOMEM);
	return conf;
}

struct ts_config *textsearch_prepare(const char *algo, const void *pattern, unsigned int len,
				     int flags)
{
	const struct ts_ops *ops;
	struct ts_config *conf;

	if (len == 0)
		return ERR_PTR(-EINVAL);

	/* EMU: TS_AUTOLOAD's request_module("ts_%s") could find nothing more. */
	ops = lookup_ts_algo(algo);
	if (!ops)
		return ERR_PTR(-ENOENT);

	conf = ops->init(pattern, len, flags);
	if (IS_ERR(conf))
		return conf;
	conf->ops = ops;
	return conf;
}

void textsearch_destroy(struct ts_config *conf)
{
	if (!conf)
		return;
	if (conf->ops && conf->ops->destroy)
		conf->ops->destroy(conf);
	free(conf);
}

struct ts_linear_state {
	unsigned int len;
	const void *data;
};

static unsigned int get_linear_data(unsigned int consumed, const u8 **dst,
				    struct ts_config *conf, struct ts_state *state)
{
	struct ts_linear_state *st = (struct ts_linear_state *)state->cb;

	(void)conf;
	if (consumed < st->len) {
		*dst = (const u8 *)st->data + consumed;
		return st->len - consumed;
	}
	return 0;
}

unsigned int textsearch_find_continuous(struct ts_config *conf, struct ts_state *state,
					const void *data, unsigned int len)
{
	struct ts_linear_state *st = (struct ts_linear_state *)state->cb;

	conf->get_next_block = get_linear_data;
	conf->finish = NULL;
	st->data = data;
	st->len = len;
	return textsearch_find(conf, state);
}

/* struct skb_seq_state, for a linear skb: no frags, no frag_list, so frag_idx stays 0 and
 * nothing is ever mapped. */
struct skb_seq_state {
	u32 lower_offset;
	u32 upper_offset;
	u32 stepped_offset;
	const struct sk_buff *skb;
};

_Static_assert(sizeof(struct skb_seq_state) <= sizeof(((struct ts_state *)0)->cb),
	       "skb_seq_state fits ts_state.cb");

static void skb_prepare_seq_read(const struct sk_buff *skb, unsigned int from, unsigned int to,
				 struct skb_seq_state *st)
{
	st->lower_offset = from;
	st->upper_offset = to;
	st->stepped_offset = 0;
	st->skb = skb;
}

static unsigned int skb_seq_read(unsigned int consumed, const u8 **data, struct skb_seq_state *st)
{
	unsigned int block_limit, abs_offset = consumed + st->lower_offset;
	unsigned int headlen = st->skb->len;    /* EMU: skb_headlen of a linear skb */

	if (abs_offset >= st->upper_offset)
		return 0;

	block_limit = headlen + st->stepped_offset;
	if (abs_offset < block_limit) {
		*data = st->skb->data + (abs_offset - st->stepped_offset);
		return block_limit - abs_offset;
	}
	/* Past the head: Linux steps over it (stepped_offset += headlen) into the frags, finds
	 * none and no frag_list, and ends. */
	st->stepped_offset += headlen;
	return 0;
}

static unsigned int skb_ts_get_next_block(unsigned int offset, const u8 **text,
					  struct ts_config *conf, struct ts_state *state)
{
	(void)conf;
	return skb_seq_read(offset, text, (struct skb_seq_state *)state->cb);
}

unsigned int skb_find_text(struct sk_buff *skb, unsigned int from, unsigned int to,
			   struct ts_config *config)
{
	unsigned int patlen = config->ops->get_pattern_len(config);
	struct ts_state state;
	unsigned int ret;

	config->get_next_block = skb_ts_get_next_block;
	config->finish = NULL;          /* skb_ts_finish only unmaps frag pages */

	skb_prepare_seq_read(skb, from, to, (struct skb_seq_state *)state.cb);

	ret = textsearch_find(config, &state);
	return (ret + patlen <= to - from ? ret : UINT_MAX);
}
