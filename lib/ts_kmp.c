/* lib/ts_kmp.c - Knuth-Morris-Pratt text search, as Linux's "kmp" textsearch algorithm.
 *
 * Mirrors lib/ts_kmp.c: the prefix table is computed over the pattern as given (compared
 * through kernel toupper() when TS_IGNORECASE), the pattern is stored upper-cased for such
 * searches, and the text is upper-cased byte by byte while searching.  A match may span
 * the blocks get_next_block hands out.
 */
#include <limits.h>
#include "lib/ctype.h"
#include "lib/textsearch.h"

struct ts_kmp {
	u8 *pattern;
	unsigned int pattern_len;
	unsigned int prefix_tbl[];      /* pattern_len entries, then the pattern */
};

static unsigned int kmp_find(struct ts_config *conf, struct ts_state *state)
{
	struct ts_kmp *kmp = ts_config_priv(conf);
	unsigned int i, q = 0, text_len, consumed = state->offset;
	const u8 *text;
	const bool icase = conf->flags & TS_IGNORECASE;

	for (;;) {
		text_len = conf->get_next_block(consumed, &text, conf, state);
		if (text_len == 0)
			break;

		for (i = 0; i < text_len; i++) {
			u8 c = icase ? kernel_toupper(text[i]) : text[i];

			while (q > 0 && kmp->pattern[q] != c)
				q = kmp->prefix_tbl[q - 1];
			if (kmp->pattern[q] == c)
				q++;
			if (q == kmp->pattern_len) {
				state->offset = consumed + i + 1;
				return state->offset - kmp->pattern_len;
			}
		}
		consumed += text_len;
	}
	return UINT_MAX;
}

static inline u8 kmp_char(const u8 *pattern, unsigned int k, bool icase)
{
	return icase ? kernel_toupper(pattern[k]) : pattern[k];
}

/* prefix_tbl[0] is never written: it stays 0 from the zeroed allocation, as in Linux. */
static void compute_prefix_tbl(const u8 *pattern, unsigned int len, unsigned int *prefix_tbl,
			       int flags)
{
	unsigned int k, q;
	const bool icase = flags & TS_IGNORECASE;

	for (k = 0, q = 1; q < len; q++) {
		while (k > 0 && kmp_char(pattern, k, icase) != kmp_char(pattern, q, icase))
			k = prefix_tbl[k - 1];
		if (kmp_char(pattern, k, icase) == kmp_char(pattern, q, icase))
			k++;
		prefix_tbl[q] = k;
	}
}

static struct ts_config *kmp_init(const void *pattern, unsigned int len, int flags)
{
	struct ts_config *conf;
	struct ts_kmp *kmp;
	unsigned int i;
	size_t prefix_tbl_len, priv_size;

	/* Zero-length patterns would make kmp_find() read beyond kmp->pattern. */
	if (!len)
		return ERR_PTR(-EINVAL);
	prefix_tbl_len = (size_t)len * sizeof(*kmp->prefix_tbl);
	priv_size = sizeof(*kmp) + len + prefix_tbl_len;

	conf = alloc_ts_config(priv_size);
	if (IS_ERR(conf))
		return conf;

	conf->flags = flags;
	kmp = ts_config_priv(conf);
	kmp->pattern_len = len;
	compute_prefix_tbl(pattern, len, kmp->prefix_tbl, flags);
	kmp->pattern = (u8 *)kmp->prefix_tbl + prefix_tbl_len;
	if (flags & TS_IGNORECASE)
		for (i = 0; i < len; i++)
			kmp->pattern[i] = kernel_toupper(((const u8 *)pattern)[i]);
	else
		memcpy(kmp->pattern, pattern, len);
	return conf;
}

static void *kmp_get_pattern(struct ts_config *conf)
{
	struct ts_kmp *kmp = ts_config_priv(conf);

	return kmp->pattern;
}

static unsigned int kmp_get_pattern_len(struct ts_config *conf)
{
	struct ts_kmp *kmp = ts_config_priv(conf);

	return kmp->pattern_len;
}

const struct ts_ops ts_kmp_ops = {
	.name            = "kmp",
	.find            = kmp_find,
	.init            = kmp_init,
	.get_pattern     = kmp_get_pattern,
	.get_pattern_len = kmp_get_pattern_len,
};
