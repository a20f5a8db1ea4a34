/* xtables/ext/xt_comment.c - the "comment" match: a rule annotation that always matches.
 *
 * Mirrors net/netfilter/xt_comment.c: no checkentry; the 256 bytes are stored as given (the
 * kernel does not even require a NUL); comment_mt always matches.  Leaves out: nothing.
 */
#include <linux/netfilter/xt_comment.h>

#include "kernel/module.h"
#include "xtables/x_tables.h"

static bool comment_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	(void)skb;
	(void)par;
	/* We always match */
	return true;
}

static const struct xt_match comment_mt_reg[] = {
	{
		.name		= "comment",
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.match		= comment_mt,
		.matchsize	= sizeof(struct xt_comment_info),
	},
};

static int comment_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, comment_mt_reg, ARRAY_SIZE(comment_mt_reg));
}

static void comment_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, comment_mt_reg, ARRAY_SIZE(comment_mt_reg));
}

const struct module_info module_info_xt_comment = {
	.name = "xt_comment",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_comment", "ip6t_comment"),
	.init = comment_mt_init,
	.exit = comment_mt_exit,
};
