/* xtables/ext/xt_limit.c - the "limit" match: a token bucket private to the rule.
 *
 * Mirrors net/netfilter/xt_limit.c: limit_mt_check (ERANGE on overflow; master, credit_cap and
 * cost, which GET_ENTRIES does not return) and limit_mt, CREDITS_PER_JIFFY credits per jiffy of
 * the capture clock with the kernel's 32-bit wrap.  Leaves out: cmpxchg (one CPU), compat.
 */
#include <stdlib.h>
#include <linux/netfilter/xt_limit.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/rtstate.h"
#include "xtables/x_tables.h"

/* The per-rule state the kernel keeps behind r->master.  EMU: no lock, one CPU. */
struct xt_limit_priv {
	unsigned long prev;
	u32 credit;
};

/* Credits are scaled so that one per day still fits: CREDITS_PER_JIFFY is the largest
 * power of two p with p * HZ * 86400 < 2^32 (128 for HZ=250). */
#define MAX_CPJ (0xFFFFFFFFu / (HZ * 60 * 60 * 24))
#define POW2_BELOW2(x) ((x) | ((x) >> 1))
#define POW2_BELOW4(x) (POW2_BELOW2(x) | POW2_BELOW2((x) >> 2))
#define POW2_BELOW8(x) (POW2_BELOW4(x) | POW2_BELOW4((x) >> 4))
#define POW2_BELOW16(x) (POW2_BELOW8(x) | POW2_BELOW8((x) >> 8))
#define POW2_BELOW32(x) (((POW2_BELOW16(x) | POW2_BELOW16((x) >> 16)) >> 1) + 1)
#define CREDITS_PER_JIFFY (POW2_BELOW32(MAX_CPJ))

/* avg (seconds * XT_LIMIT_SCALE) to credits, dividing first where the product would
 * overflow 32 bits, exactly as the kernel rounds. */
static bool limit_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_rateinfo *r = par->matchinfo;
	struct xt_limit_priv *priv = r->master;
	unsigned long now = nfemu_jiffies(xt_net(par));
	u32 new_credit, credit_increase;

	(void)skb;
	/* fastpath if there is nothing to update */
	if (priv->credit < r->cost && priv->prev == now)
		return false;

	/* u32 on purpose: the kernel's credit arithmetic wraps after ~37 hours of silence. */
	credit_increase = (u32)((now - priv->prev) * CREDITS_PER_JIFFY);
	priv->prev = now;
	new_credit = priv->credit + credit_increase;
	if (new_credit > r->credit_cap)
		new_credit = r->credit_cap;
	if (new_credit >= r->cost) {
		priv->credit = new_credit - r->cost;
		return true;
	}
	priv->credit = new_credit;
	return false;
}

static u32 user2credits(u32 user)
{
	if (user > 0xFFFFFFFFu / (HZ * CREDITS_PER_JIFFY))
		return (user / XT_LIMIT_SCALE) * HZ * CREDITS_PER_JIFFY;

	return (user * HZ * CREDITS_PER_JIFFY) / XT_LIMIT_SCALE;
}

static int limit_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_rateinfo *r = par->matchinfo;
	struct xt_limit_priv *priv;

	/* Check for overflow: avg * burst wraps in 32 bits, as in the kernel. */
	if (r->burst == 0 ||
	    user2credits(r->avg * r->burst) < user2credits(r->avg)) {
		pr_info(par->net, "xt_limit: Overflow, try lower: %u/%u", r->avg, r->burst);
		return -ERANGE;
	}

	priv = calloc(1, sizeof(*priv));
	if (priv == NULL)
		return -ENOMEM;

	r->master = priv;
	/* User avg in seconds * XT_LIMIT_SCALE: convert to jiffies * 128. */
	priv->prev = nfemu_jiffies(par->net);
	priv->credit = user2credits(r->avg * r->burst);	/* credits full */
	if (r->cost == 0) {
		r->credit_cap = priv->credit;
		r->cost = user2credits(r->avg);
	}
	return 0;
}

static void limit_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_rateinfo *info = par->matchinfo;

	free(info->master);
}

/* EMU: the state file keeps the bucket (kernel/rtstate.h). */
static void limit_mt_rt_save(const void *matchinfo, struct rts_w *w)
{
	const struct xt_rateinfo *r = matchinfo;
	u64 prev = r->master->prev;

	RTS_PUT(w, prev);
	RTS_PUT(w, r->master->credit);
}

static int limit_mt_rt_load(struct net *net, void *matchinfo, struct rts_r *rd)
{
	struct xt_rateinfo *r = matchinfo;
	u64 prev;
	u32 credit;

	(void)net;
	if (!RTS_GET(rd, prev) || !RTS_GET(rd, credit))
		return -EINVAL;
	if (credit > r->credit_cap)
		return rts_bad(rd, "credit above the bucket's size");
	r->master->prev = (unsigned long)prev;
	r->master->credit = credit;
	return 0;
}

static const struct xt_match limit_mt_reg[] = {
	{
		.name		= "limit",
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.match		= limit_mt,
		.checkentry	= limit_mt_check,
		.destroy	= limit_mt_destroy,
		.matchsize	= sizeof(struct xt_rateinfo),
		.usersize	= offsetof(struct xt_rateinfo, prev),
		.emu_rt_save	= limit_mt_rt_save,
		.emu_rt_load	= limit_mt_rt_load,
	},
};

static int limit_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, limit_mt_reg, ARRAY_SIZE(limit_mt_reg));
}

static void limit_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, limit_mt_reg, ARRAY_SIZE(limit_mt_reg));
}

const struct module_info module_info_xt_limit = {
	.name = "xt_limit",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_limit", "ip6t_limit"),
	.init = limit_mt_init,
	.exit = limit_mt_exit,
};
