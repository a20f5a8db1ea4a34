/* xtables/ext/xt_NFQUEUE.c - the "NFQUEUE" target (revs 0-3): queue packets to userspace.
 *
 * Mirrors net/netfilter/xt_NFQUEUE.c: nfqueue_tg_check (empty or too high queue ranges, flags)
 * and the verdicts NF_QUEUE_NR(queue) [| NF_VERDICT_FLAG_QUEUE_BYPASS], --queue-balance by the
 * kernel's flow hash; nf_queue (hooks/nf_queue.c) drops or bypasses.  Leaves out: IPv6, bridge.
 */
#include <linux/netfilter/xt_NFQUEUE.h>

#include "kernel/module.h"
#include "kernel/net.h"
#include "lib/jhash.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

/* EMU: jhash_initval.  Linux draws it at random once (init_hashrandom() in the first checkentry)
 * and keeps it in a module global; nfemu needs it per net and has no net_generic slot for this
 * module, so it uses the net's other boot-time random key, net->ipv4.ip_id_key (drawn from the
 * net's seeded generator, kernel/random.h, when the IPv4 stack starts), never 0. */
static u32 nfqueue_jhash_initval(const struct net *net)
{
	u32 initval = net->ipv4.ip_id_key ^ 0x4e465155;        /* "NFQU" */

	return initval ? initval : 1;
}

/* hash_v4 (include/net/netfilter/nf_queue.h): packets in either direction go into the same
 * queue. */
static u32 hash_v4(const struct iphdr *iph, u32 initval)
{
	if ((u32)iph->saddr < (u32)iph->daddr)
		return jhash_3words((u32)iph->saddr, (u32)iph->daddr, iph->protocol, initval);
	return jhash_3words((u32)iph->daddr, (u32)iph->saddr, iph->protocol, initval);
}

static u32 nfqueue_hash(const struct sk_buff *skb, u16 queue, u16 queues_total, u32 initval)
{
	queue += reciprocal_scale(hash_v4(ip_hdr(skb), initval), queues_total);
	return queue;
}

static unsigned int nfqueue_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_NFQ_info *tinfo = par->targinfo;

	(void)skb;
	return NF_QUEUE_NR(tinfo->queuenum);
}

static unsigned int nfqueue_tg_v1(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_NFQ_info_v1 *info = par->targinfo;
	u32 queue = info->queuenum;

	if (info->queues_total > 1)
		queue = nfqueue_hash(skb, (u16)queue, info->queues_total,
				     nfqueue_jhash_initval(xt_net(par)));
	return NF_QUEUE_NR(queue);
}

static unsigned int nfqueue_tg_v2(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_NFQ_info_v2 *info = par->targinfo;
	unsigned int ret = nfqueue_tg_v1(skb, par);

	if (info->bypass)
		ret |= NF_VERDICT_FLAG_QUEUE_BYPASS;
	return ret;
}

static unsigned int nfqueue_tg_v3(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_NFQ_info_v3 *info = par->targinfo;
	u32 queue = info->queuenum;
	unsigned int ret;

	if (info->queues_total > 1) {
		if (info->flags & NFQ_FLAG_CPU_FANOUT) {
			int cpu = 0;    /* EMU: raw_smp_processor_id(): one CPU */

			queue = info->queuenum + cpu % info->queues_total;
		} else {
			queue = nfqueue_hash(skb, (u16)queue, info->queues_total,
					     nfqueue_jhash_initval(xt_net(par)));
		}
	}

	ret = NF_QUEUE_NR(queue);
	if (info->flags & NFQ_FLAG_BYPASS)
		ret |= NF_VERDICT_FLAG_QUEUE_BYPASS;
	return ret;
}

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
		.target		= nfqueue_tg,
		.targetsize	= sizeof(struct xt_NFQ_info),
	},
	{
		.name		= "NFQUEUE",
		.revision	= 1,
		.family		= NFPROTO_UNSPEC,
		.target		= nfqueue_tg_v1,
		.checkentry	= nfqueue_tg_check,
		.targetsize	= sizeof(struct xt_NFQ_info_v1),
	},
	{
		.name		= "NFQUEUE",
		.revision	= 2,
		.family		= NFPROTO_UNSPEC,
		.target		= nfqueue_tg_v2,
		.checkentry	= nfqueue_tg_check,
		.targetsize	= sizeof(struct xt_NFQ_info_v2),
	},
	{
		.name		= "NFQUEUE",
		.revision	= 3,
		.family		= NFPROTO_UNSPEC,
		.target		= nfqueue_tg_v3,
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
