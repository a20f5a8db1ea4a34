/* lib/ts_bm.c - Boyer-Moore text search, as Linux's "bm" textsearch algorithm.
 *
 * Mirrors lib/ts_bm.c: the bad-character and good-suffix shift tables computed the
 * kernel's way and its search loop, so it finds (and misses) what Linux does, including
 * the --icase quirk described at compute_prefix_tbl().
 */
#include <limits.h>
#include "lib/ctype.h"
#include "lib/textsearch.h"

#define ASIZE 256

struct ts_bm {
	u8 *pattern;
	unsigned int patlen;
	unsigned int bad_shift[ASIZE];
	unsigned int good_shift[];      /* patlen entries, then the pattern */
};

/* How many bytes of pattern match, comparing backwards from its last byte (at pattern)
 * and text. */
static unsigned int matchpat(const u8 *pattern, unsigned int patlen, const u8 *text, bool icase)
{
	unsigned int i;

	for (i = 0; i < patlen; i++) {
		u8 t = *(text - i);

		if (icase)
			t = kernel_toupper(t);
		if (t != *(pattern - i))
			break;
	}
	return i;
}

static unsigned int bm_find(struct ts_config *conf, struct ts_state *state)
{
	struct ts_bm *bm = ts_config_priv(conf);
	unsigned int i, text_len, consumed = state->offset;
	const u8 *text;
	int bs;
	const bool icase = conf->flags & TS_IGNORECASE;

	for (;;) {
		int shift = bm->patlen - 1;

		text_len = conf->get_next_block(consumed, &text, conf, state);
		if (text_len == 0)
			break;

		while ((unsigned int)shift < text_len) {
			int next_bad, next_good;

			i = matchpat(&bm->pattern[bm->patlen - 1], bm->patlen, &text[shift], icase);
			if (i == bm->patlen)
				return consumed + (shift - (bm->patlen - 1));

			bs = bm->bad_shift[text[shift - i]];
			next_bad = shift - i + bs;
			next_good = shift + bm->good_shift[i];
			shift = next_bad > next_good ? next_bad : next_good;
		}
		consumed += text_len;
	}
	return UINT_MAX;
}

/* Does the g-byte suffix ending at i+g-1 recur ending at j+g-1, preceded by a different
 * byte (or running off the pattern's start)? */
static int subpattern(const u8 *pattern, int i, int j, int g)
{
	int x = i + g - 1, y = j + g - 1, ret = 0;

	while (pattern[x--] == pattern[y--]) {
		if (y < 0) {
			ret = 1;
			break;
		}
		if (--g == 0) {
			ret = pattern[i - 1] != pattern[j - 1];
			break;
		}
	}
	return ret;
}

/* The shift tables.  With TS_IGNORECASE the pattern is stored upper-cased (kernel
 * toupper) and text bytes are upper-cased only while comparing, but the bad-character table
 * gets entries for the pattern's bytes and their tolower() only: a text byte that folds into
 * the pattern without being one of those (0xdf folds to 0xbf, 0xff to 0xdf) takes the full
 * shift on a mismatch, so bm can jump over a match kmp finds.  Linux's quirk, kept. */
static void compute_prefix_tbl(struct ts_bm *bm, int flags)
{
	int i, j, g;
	int patlen = bm->patlen;

	for (i = 0; i < ASIZE; i++)
		bm->bad_shift[i] = patlen;
	for (i = 0; i < patlen - 1; i++) {
		bm->bad_shift[bm->pattern[i]] = patlen - 1 - i;
		if (flags & TS_IGNORECASE)
			bm->bad_shift[kernel_tolower(bm->pattern[i])] = patlen - 1 - i;
	}

	/* The good shift array, used to match recurrences of a subpattern. */
	bm->good_shift[0] = 1;
	for (i = 1; i < patlen; i++)
		bm->good_shift[i] = patlen;
	for (i = patlen - 1, g = 1; i > 0; g++, i--) {
		for (j = i - 1; j >= 1 - g; j--)
			if (subpattern(bm->pattern, i, j, g)) {
				bm->good_shift[g] = patlen - j - g;
				break;
			}
	}
}

static struct ts_config *bm_init(const void *pattern, unsigned int len, int flags)
{
	struct ts_config *conf;
	struct ts_bm *bm;
	unsigned int i;
	size_t prefix_tbl_len = len * sizeof(unsigned int);
	size_t priv_size = sizeof(*bm) + len + prefix_tbl_len;

	conf = alloc_ts_config(priv_size);
	if (IS_ERR(conf))
		return conf;

	conf->flags = flags;
	bm = ts_config_priv(conf);
	bm->patlen = len;
	bm->pattern = (u8 *)bm->good_shift + prefix_tbl_len;
	if (flags & TS_IGNORECASE)
		for (i = 0; i < len; i++)
			bm->pattern[i] = kernel_toupper(((const u8 *)pattern)[i]);
	else
		memcpy(bm->pattern, pattern, len);
	compute_prefix_tbl(bm, flags);
	return conf;
}

static void *bm_get_pattern(struct ts_config *conf)
{
	struct ts_bm *bm = ts_config_priv(conf);

	return bm->pattern;
}

static unsigned int bm_get_pattern_len(struct ts_config *conf)
{
	struct ts_bm *bm = ts_config_priv(conf);

	return bm->patlen;
}

const struct ts_ops ts_bm_ops = {
	.name            = "bm",
	.find            = bm_find,
	.init            = bm_init,
	.get_pattern     = bm_get_pattern,
	.get_pattern_len = bm_get_pattern_len,
};
