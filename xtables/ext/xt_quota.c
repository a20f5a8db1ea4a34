/* xtables/ext/xt_quota.c - the "quota" match: a byte budget counted down by matching packets.
 *
 * Mirrors net/netfilter/xt_quota.c: quota_mt_check (flags, the rule's counter in master) and
 * quota_mt (the first packet that does not fit empties the quota).  Leaves out: the spinlock.
 */
#include <stdlib.h>
#include <linux/netfilter/xt_quota.h>

#include "kernel/module.h"
#include "kernel/rtstate.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

/* The remaining quota, private to the rule.  EMU: no lock, one CPU. */
struct xt_quota_priv {
	u64 quota;
};

static bool quota_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_quota_info *q = par->matchinfo;
	struct xt_quota_priv *priv = q->master;
	bool ret = q->flags & XT_QUOTA_INVERT;

	if (priv->quota >= skb->len) {
		priv->quota -= skb->len;
		ret = !ret;
	} else {
		/* we do not allow even small packets from now on */
		priv->quota = 0;
	}
	return ret;
}

static int quota_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_quota_info *q = par->matchinfo;

	if (q->flags & ~XT_QUOTA_MASK) {
		/* EMU: the kernel refuses silently; the reason is nfemu's. */
		pr_debug(par->net, "xt_quota: unknown flags 0x%x", q->flags & ~XT_QUOTA_MASK);
		return -EINVAL;
	}

	q->master = calloc(1, sizeof(*q->master));
	if (q->master == NULL)
		return -ENOMEM;

	q->master->quota = q->quota;
	return 0;
}

static void quota_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_quota_info *q = par->matchinfo;

	free(q->master);
}

/* EMU: the state file keeps what is left (kernel/rtstate.h). */
static void quota_mt_rt_save(const void *matchinfo, struct rts_w *w)
{
	const struct xt_quota_info *q = matchinfo;

	RTS_PUT(w, q->master->quota);
}

static int quota_mt_rt_load(struct net *net, void *matchinfo, struct rts_r *r)
{
	struct xt_quota_info *q = matchinfo;
	u64 left;

	(void)net;
	if (!RTS_GET(r, left))
		return -EINVAL;
	if (left > q->quota)
		return rts_bad(r, "more quota left than the rule gives");
	q->master->quota = left;
	return 0;
}

static const struct xt_match quota_mt_reg[] = {
	{
		.name		= "quota",
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.match		= quota_mt,
		.checkentry	= quota_mt_check,
		.destroy	= quota_mt_destroy,
		.matchsize	= sizeof(struct xt_quota_info),
		.usersize	= offsetof(struct xt_quota_info, master),
		.emu_rt_save	= quota_mt_rt_save,
		.emu_rt_load	= quota_mt_rt_load,
	},
};

static int quota_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, quota_mt_reg, ARRAY_SIZE(quota_mt_reg));
}

static void quota_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, quota_mt_reg, ARRAY_SIZE(quota_mt_reg));
}

const struct module_info module_info_xt_quota = {
	.name = "xt_quota",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_quota", "ip6t_quota"),
	.init = quota_mt_init,
	.exit = quota_mt_exit,
};
