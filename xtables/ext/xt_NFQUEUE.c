/* xtables/ext/xt_NFQUEUE.c - the "NFQUEUE" target (revs 0-3): queue packets to userspace.
 *
 * Mirrors net/netfilter/xt_NFQUEUE.c: revisions 1-3 refuse an empty queue range (e.g. 0:65535,
 * whose count wraps to 0 in 16 bits), a range past queue 65535 (ERANGE) and unknown flags.
 * Leaves out: the packet path (nfqueue_tg* are NULL) and the jhash seed.
 */
#include <linux/netfilter/xt_NFQUEUE.h>

#include "emu/module.h"
#include "xtables/x_tables.h"

/* Revisions 1-3 share the leading queuenum/queues_total; flags exist from revision 2 on. */
static int nfqueue_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_NFQ_info_v1 *info = par->targinfo;
	u32 maxid;

	if (info->queues_total == 0) {
		pr_info_ratelimited(par->net, "xt_NFQUEUE: number of total queues is 0");
		return -EINVAL;
	}
	maxid = info->queues_total - 1 + info->queuenum;
	if (maxid > 0xffff) {
		pr_info_ratelimited(par->net, "xt_NFQUEUE: number of queues (%u) out of range (got %u)",
				    info->queues_total, maxid);
		return -ERANGE;
	}
	/* EMU: the kernel refuses silently in the next two checks; the reasons are nfemu's. */
	if (par->target->revision == 2) {
		const struct xt_NFQ_info_v2 *info2 = par->targinfo;

		if (info2->bypass > 1) {
			pr_debug(par->net, "xt_NFQUEUE: unknown bypass value %u", info2->bypass);
			return -EINVAL;
		}
	}
	if (par->target->revision == 3) {
		const struct xt_NFQ_info_v3 *info3 = par->targinfo;

		if (info3->flags & ~NFQ_FLAG_MASK) {
			pr_debug(par->net, "xt_NFQUEUE: unknown flags 0x%x",
				 info3->flags & ~NFQ_FLAG_MASK);
			return -EINVAL;
		}
	}

	return 0;
}

static const struct xt_target nfqueue_tg_reg[] = {
	{
		.name		= "NFQUEUE",
		.family		= NFPROTO_UNSPEC,
		.targetsize	= sizeof(struct xt_NFQ_info),
	},
	{
		.name		= "NFQUEUE",
		.revision	= 1,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= nfqueue_tg_check,
		.targetsize	= sizeof(struct xt_NFQ_info_v1),
	},
	{
		.name		= "NFQUEUE",
		.revision	= 2,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= nfqueue_tg_check,
		.targetsize	= sizeof(struct xt_NFQ_info_v2),
	},
	{
		.name		= "NFQUEUE",
		.revision	= 3,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= nfqueue_tg_check,
		.targetsize	= sizeof(struct xt_NFQ_info_v3),
	},
};

static int nfqueue_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, nfqueue_tg_reg, ARRAY_SIZE(nfqueue_tg_reg));
}

static void nfqueue_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, nfqueue_tg_reg, ARRAY_SIZE(nfqueue_tg_reg));
}

const struct module_info module_info_xt_NFQUEUE = {
	.name = "xt_NFQUEUE",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_NFQUEUE", "ip6t_NFQUEUE", "arpt_NFQUEUE"),
	.init = nfqueue_tg_init,
	.exit = nfqueue_tg_exit,
};
