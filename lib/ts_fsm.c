/* lib/ts_fsm.c - the "fsm" textsearch algorithm: a naive finite state machine over tokens.
 *
 * Mirrors lib/ts_fsm.c: tokens (character class or byte, with a recurrence) validated at
 * init, matched from the start (or after a head-ignore), with the kernel's Latin-1 classes.
 * Like Linux's, it may ask get_next_block for more after being told there is none.
 */
#include <limits.h>
#include "lib/ctype.h"
#include "lib/textsearch.h"
#include "lib/textsearch_fsm.h"

struct ts_fsm {
	unsigned int ntokens;
	struct ts_fsm_token tokens[];
};

/* Classes beyond the ctype ones. */
#define _A 0x100        /* ascii */
#define _W 0x200        /* wildcard */

/* Token types to class bits. */
static const u16 token_map[TS_FSM_TYPE_MAX + 1] = {
	[TS_FSM_SPECIFIC] = 0,
	[TS_FSM_WILDCARD] = _W,
	[TS_FSM_CNTRL]    = _C,
	[TS_FSM_LOWER]    = _L,
	[TS_FSM_UPPER]    = _U,
	[TS_FSM_PUNCT]    = _P,
	[TS_FSM_SPACE]    = _S,
	[TS_FSM_DIGIT]    = _D,
	[TS_FSM_XDIGIT]   = _D | _X,
	[TS_FSM_ALPHA]    = _U | _L,
	[TS_FSM_ALNUM]    = _U | _L | _D,
	[TS_FSM_PRINT]    = _P | _U | _L | _D | _SP,
	[TS_FSM_GRAPH]    = _P | _U | _L | _D,
	[TS_FSM_ASCII]    = _A,
};

/* The classes of byte d: every byte is a wildcard, 0-127 are ascii, and the kernel's
 * ctype classes (Linux spells this out as token_lookup_tbl[]). */
static u16 token_lookup(u8 d)
{
	return _W | (d < 128 ? _A : 0) | kernel_ctype[d];
}

static int match_token(const struct ts_fsm_token *t, u8 d)
{
	if (t->type)
		return (token_lookup(d) & t->type) != 0;
	return t->value == d;
}

static unsigned int fsm_find(struct ts_config *conf, struct ts_state *state)
{
	struct ts_fsm *fsm = ts_config_priv(conf);
	struct ts_fsm_token *cur = NULL, *next;
	unsigned int match_start, block_idx = 0, tok_idx;
	unsigned int block_len = 0, strict, consumed = state->offset;
	const u8 *data = NULL;

/* Fetch the next block: consumed moves past what this block's search used up. */
#define GET_NEXT_BLOCK()                                                        \
	({ consumed += block_idx;                                               \
	   block_idx = 0;                                                       \
	   block_len = conf->get_next_block(consumed, &data, conf, state); })

#define TOKEN_MISMATCH()                \
	do {                            \
		if (strict)             \
			goto no_match;  \
		block_idx++;            \
		goto startover;         \
	} while (0)

#define end_of_data() (block_idx >= block_len && !GET_NEXT_BLOCK())

	if (end_of_data())
		goto no_match;

	strict = fsm->tokens[0].recur != TS_FSM_HEAD_IGNORE;

startover:
	match_start = consumed + block_idx;

	for (tok_idx = 0; tok_idx < fsm->ntokens; tok_idx++) {
		cur = &fsm->tokens[tok_idx];

		if (tok_idx < (fsm->ntokens - 1))
			next = &fsm->tokens[tok_idx + 1];
		else
			next = NULL;

		switch (cur->recur) {
		case TS_FSM_SINGLE:
			if (end_of_data())
				goto no_match;
			if (!match_token(cur, data[block_idx]))
				TOKEN_MISMATCH();
			break;

		case TS_FSM_PERHAPS:
			if (end_of_data() || !match_token(cur, data[block_idx]))
				continue;
			break;

		case TS_FSM_MULTI:
			if (end_of_data())
				goto no_match;
			if (!match_token(cur, data[block_idx]))
				TOKEN_MISMATCH();
			block_idx++;
			/* fall through */
			__attribute__((fallthrough));

		case TS_FSM_ANY:
			if (next == NULL)
				goto found_match;
			if (end_of_data())
				continue;
			while (!match_token(next, data[block_idx])) {
				if (!match_token(cur, data[block_idx]))
					TOKEN_MISMATCH();
				block_idx++;
				if (end_of_data())
					goto no_match;
			}
			continue;

		/* Munch the garbage at the head in a local loop rather than starting over. */
		case TS_FSM_HEAD_IGNORE:
			if (end_of_data())
				continue;
			while (!match_token(next, data[block_idx])) {
				/* A mismatch here does not start over: the user chose which bytes
				 * may be ignored. */
				if (!match_token(cur, data[block_idx]))
					goto no_match;
				block_idx++;
				if (end_of_data())
					goto no_match;
			}
			match_start = consumed + block_idx;
			continue;
		}

		block_idx++;
	}

	if (end_of_data())
		goto found_match;

no_match:
	return UINT_MAX;

found_match:
	state->offset = consumed + block_idx;
	return match_start;
#undef GET_NEXT_BLOCK
#undef TOKEN_MISMATCH
#undef end_of_data
}

static struct ts_config *fsm_init(const void *pattern, unsigned int len, int flags)
{
	struct ts_config *conf;
	struct ts_fsm *fsm;
	unsigned int i, ntokens = len / sizeof(struct ts_fsm_token);

	if (len % sizeof(struct ts_fsm_token) || ntokens < 1)
		return ERR_PTR(-EINVAL);
	if (flags & TS_IGNORECASE)
		return ERR_PTR(-EINVAL);

	for (i = 0; i < ntokens; i++) {
		struct ts_fsm_token t;

		memcpy(&t, (const u8 *)pattern + i * sizeof(t), sizeof(t)); /* may be unaligned */
		if (t.type > TS_FSM_TYPE_MAX || t.recur > TS_FSM_RECUR_MAX)
			return ERR_PTR(-EINVAL);
		if (t.recur == TS_FSM_HEAD_IGNORE && (i != 0 || i == (ntokens - 1)))
			return ERR_PTR(-EINVAL);
	}

	conf = alloc_ts_config(sizeof(*fsm) + len);
	if (IS_ERR(conf))
		return conf;

	conf->flags = flags;
	fsm = ts_config_priv(conf);
	fsm->ntokens = ntokens;
	memcpy(fsm->tokens, pattern, len);
	for (i = 0; i < fsm->ntokens; i++)
		fsm->tokens[i].type = token_map[fsm->tokens[i].type];
	return conf;
}

static void *fsm_get_pattern(struct ts_config *conf)
{
	struct ts_fsm *fsm = ts_config_priv(conf);

	return fsm->tokens;
}

static unsigned int fsm_get_pattern_len(struct ts_config *conf)
{
	struct ts_fsm *fsm = ts_config_priv(conf);

	return fsm->ntokens * sizeof(struct ts_fsm_token);
}

const struct ts_ops ts_fsm_ops = {
	.name            = "fsm",
	.find            = fsm_find,
	.init            = fsm_init,
	.get_pattern     = fsm_get_pattern,
	.get_pattern_len = fsm_get_pattern_len,
};
