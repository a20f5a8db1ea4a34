/* xtables/ext/xt_string.c - the "string" match (revision 1): payload search.
 *
 * Mirrors net/netfilter/xt_string.c and, for what checkentry sees of it, lib/textsearch.c
 * (textsearch_prepare with the bm, kmp and fsm algorithms built in, as on the reference
 * kernel): offsets, algorithm name, pattern length and flags are checked, and the prepared
 * search is kept in the rule's kernel-only `config` pointer (not copied back to user space:
 * usersize stops before it) until destroy.  Leaves out the search itself (.match is NULL).
 */
#include <stdlib.h>
#include <linux/netfilter/xt_string.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_string: " fmt

#define TS_AUTOLOAD	1	/* textsearch_prepare flags, include/linux/textsearch.h */
#define TS_IGNORECASE	2

/* include/linux/textsearch_fsm.h: a token of the "fsm" algorithm's pattern. */
struct ts_fsm_token {
	u16 type;
	u8 recur;
	u8 value;
};
#define TS_FSM_TYPE_MAX		13	/* TS_FSM_SPACE */
#define TS_FSM_RECUR_MAX	4	/* TS_FSM_HEAD_IGNORE */
#define TS_FSM_HEAD_IGNORE	4

/* The prepared search (struct ts_config of lib/textsearch.c).  EMU: it keeps the pattern
 * for the packet path to come rather than the algorithm's precomputed tables. */
struct ts_config {
	const char *algo;
	int flags;
	unsigned int len;
	u8 pattern[];
};

static int fsm_check(const void *pattern, unsigned int len, int flags)
{
	const struct ts_fsm_token *tokens = pattern;
	unsigned int i, ntokens = len / sizeof(*tokens);

	if (len % sizeof(struct ts_fsm_token) || ntokens < 1)
		return -EINVAL;
	if (flags & TS_IGNORECASE)
		return -EINVAL;
	for (i = 0; i < ntokens; i++) {
		struct ts_fsm_token t;

		memcpy(&t, &tokens[i], sizeof(t));      /* the pattern is not aligned */
		if (t.type > TS_FSM_TYPE_MAX || t.recur > TS_FSM_RECUR_MAX)
			return -EINVAL;
		if (t.recur == TS_FSM_HEAD_IGNORE && (i != 0 || i == ntokens - 1))
			return -EINVAL;
	}
	return 0;
}

/* lib/textsearch.c: the algorithm by name, then its init's own checks. */
static struct ts_config *textsearch_prepare(const char *algo, const void *pattern,
					    unsigned int len, int flags)
{
	static const char *const algos[] = { "bm", "fsm", "kmp" };
	struct ts_config *conf;
	const char *name = NULL;
	int err;

	if (len == 0)
		return ERR_PTR(-EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(algos); i++)
		if (strcmp(algo, algos[i]) == 0)
			name = algos[i];
	/* EMU: TS_AUTOLOAD's request_module("ts_%s") can find nothing more: the three
	 * algorithms the reference kernel has are all built in here. */
	if (!name)
		return ERR_PTR(-ENOENT);
	if (strcmp(name, "fsm") == 0) {
		err = fsm_check(pattern, len, flags);
		if (err)
			return ERR_PTR(err);
	}
	conf = calloc(1, sizeof(*conf) + len);
	if (!conf)
		return ERR_PTR(-ENOMEM);
	conf->algo = name;
	conf->flags = flags;
	conf->len = len;
	memcpy(conf->pattern, pattern, len);
	return conf;
}

static void textsearch_destroy(struct ts_config *conf)
{
	free(conf);
}

static int string_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_string_info *conf = par->matchinfo;
	struct ts_config *ts_conf;
	const char *why = NULL;
	int flags = TS_AUTOLOAD;

	/* Damn, can't handle this case properly with iptables... */
	if (conf->from_offset > conf->to_offset)
		why = "--from beyond --to";
	else if (conf->algo[XT_STRING_MAX_ALGO_NAME_SIZE - 1] != '\0')
		why = "algorithm name not terminated";
	else if (conf->patlen > XT_STRING_MAX_PATTERN_SIZE)
		why = "pattern too long";
	else if (conf->u.v1.flags & ~(XT_STRING_FLAG_IGNORECASE | XT_STRING_FLAG_INVERT))
		why = "unknown flags";
	if (why) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("%s\n"), why);
		return -EINVAL;
	}
	if (conf->u.v1.flags & XT_STRING_FLAG_IGNORECASE)
		flags |= TS_IGNORECASE;
	ts_conf = textsearch_prepare(conf->algo, conf->pattern, conf->patlen, flags);
	if (IS_ERR(ts_conf)) {
		pr_debug(par->net, pr_fmt("textsearch_prepare(%s): error %ld\n"), conf->algo,
			 PTR_ERR(ts_conf));     /* EMU: as above */
		return PTR_ERR(ts_conf);
	}
	conf->config = ts_conf;
	return 0;
}

static void string_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_string_info *conf = par->matchinfo;

	textsearch_destroy(conf->config);
}

static const struct xt_match xt_string_mt_reg = {
	.name       = "string",
	.revision   = 1,
	.family     = NFPROTO_UNSPEC,
	.checkentry = string_mt_check,
	.destroy    = string_mt_destroy,
	.matchsize  = sizeof(struct xt_string_info),
	.usersize   = offsetof(struct xt_string_info, config),
};

static int string_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &xt_string_mt_reg);
}

static void string_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &xt_string_mt_reg);
}

const struct module_info module_info_xt_string = {
	.name = "xt_string",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_string", "ip6t_string", "ebt_string"),
	.init = string_mt_init,
	.exit = string_mt_exit,
};
