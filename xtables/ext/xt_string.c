/* xtables/ext/xt_string.c - the "string" match (revision 1): payload search.
 *
 * Mirrors net/netfilter/xt_string.c: checkentry checks offsets, algorithm name, pattern
 * length and flags and prepares the search (lib/textsearch.c: bm, kmp and fsm, built in as
 * on the reference kernel), kept in the rule's kernel-only `config` pointer (usersize stops
 * before it) until destroy; the match runs skb_find_text between --from and --to, offsets
 * counted from the IP header.  Leaves out revision 0 (gone from Linux).
 */
#include <limits.h>
#include <linux/netfilter/xt_string.h>
#include "kernel/module.h"
#include "lib/textsearch.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_string: " fmt

static bool string_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_string_info *conf = par->matchinfo;
	bool invert;

	invert = conf->u.v1.flags & XT_STRING_FLAG_INVERT;

	return (skb_find_text((struct sk_buff *)skb, conf->from_offset, conf->to_offset,
			      conf->config) != UINT_MAX) ^ invert;
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
	.match      = string_mt,
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
