/* xtables/ext/xt_connmark.c - the "connmark" match and the CONNMARK target (ct->mark).
 *
 * Mirrors net/netfilter/xt_connmark.c: CONNMARK revisions 1 and 2 (NFPROTO_IPV4 since the
 * kernel stopped registering them for NFPROTO_UNSPEC) and the NFPROTO_UNSPEC connmark
 * match, revision 1.  The checkentries take a conntrack reference; revision 2 also refuses a
 * shift direction other than left/right or a shift of 32 bits or more (EINVAL), the mode is
 * not validated (an unknown one does nothing).  The target sets, saves (packet mark ->
 * connection mark) or restores (connection mark -> packet mark) under masks, shifting the
 * value moved (revision 2); a changed connection mark is an IPCT_MARK event.
 */
#include <linux/netfilter/xt_connmark.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "netstack/skbuff.h"

static unsigned int connmark_tg_shift(struct sk_buff *skb, const struct xt_connmark_tginfo2 *info)
{
	enum ip_conntrack_info ctinfo;
	u32 new_targetmark;
	struct nf_conn *ct;
	u32 newmark;
	u32 oldmark;

	ct = nf_ct_get(skb, &ctinfo);
	if (ct == NULL)
		return XT_CONTINUE;

	switch (info->mode) {
	case XT_CONNMARK_SET:
		oldmark = ct->mark;
		newmark = (oldmark & ~info->ctmask) ^ info->ctmark;
		if (info->shift_dir == D_SHIFT_RIGHT)
			newmark >>= info->shift_bits;
		else
			newmark <<= info->shift_bits;
		if (ct->mark != newmark) {
			ct->mark = newmark;
			nf_conntrack_event_cache(IPCT_MARK, ct);
		}
		break;
	case XT_CONNMARK_SAVE:
		new_targetmark = (skb->mark & info->nfmask);
		if (info->shift_dir == D_SHIFT_RIGHT)
			new_targetmark >>= info->shift_bits;
		else
			new_targetmark <<= info->shift_bits;
		newmark = (ct->mark & ~info->ctmask) ^ new_targetmark;
		if (ct->mark != newmark) {
			ct->mark = newmark;
			nf_conntrack_event_cache(IPCT_MARK, ct);
		}
		break;
	case XT_CONNMARK_RESTORE:
		new_targetmark = (ct->mark & info->ctmask);
		if (info->shift_dir == D_SHIFT_RIGHT)
			new_targetmark >>= info->shift_bits;
		else
			new_targetmark <<= info->shift_bits;
		newmark = (skb->mark & ~info->nfmask) ^ new_targetmark;
		skb->mark = newmark;
		break;
	}
	return XT_CONTINUE;
}

static unsigned int connmark_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_connmark_tginfo1 *info = par->targinfo;
	const struct xt_connmark_tginfo2 info2 = {
		.ctmark = info->ctmark,
		.ctmask = info->ctmask,
		.nfmask = info->nfmask,
		.mode   = info->mode,
	};

	return connmark_tg_shift(skb, &info2);
}

static unsigned int connmark_tg_v2(struct sk_buff *skb, const struct xt_action_param *par)
{
	return connmark_tg_shift(skb, par->targinfo);
}

static bool connmark_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_connmark_mtinfo1 *info = par->matchinfo;
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (ct == NULL)
		return false;
	return ((ct->mark & info->mask) == info->mark) ^ info->invert;
}

static int connmark_tg_check(const struct xt_tgchk_param *par)
{
	int ret;

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static int connmark_tg_check_v2(const struct xt_tgchk_param *par)
{
	const struct xt_connmark_tginfo2 *info = par->targinfo;

	/* EMU: the kernel refuses silently; the debug line only says why. */
	if (info->shift_dir > D_SHIFT_RIGHT || info->shift_bits >= 32) {
		pr_debug(par->net, "xt_connmark: bad shift %u/%u\n", info->shift_dir, info->shift_bits);
		return -EINVAL;
	}
	return connmark_tg_check(par);
}

static void connmark_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static int connmark_mt_check(const struct xt_mtchk_param *par)
{
	int ret;

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void connmark_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_target connmark_tg_reg[] = {
	{
		.name       = "CONNMARK",
		.revision   = 1,
		.family     = NFPROTO_IPV4,
		.checkentry = connmark_tg_check,
		.target     = connmark_tg,
		.targetsize = sizeof(struct xt_connmark_tginfo1),
		.destroy    = connmark_tg_destroy,
	},
	{
		.name       = "CONNMARK",
		.revision   = 2,
		.family     = NFPROTO_IPV4,
		.checkentry = connmark_tg_check_v2,
		.target     = connmark_tg_v2,
		.targetsize = sizeof(struct xt_connmark_tginfo2),
		.destroy    = connmark_tg_destroy,
	},
};

static const struct xt_match connmark_mt_reg = {
	.name       = "connmark",
	.revision   = 1,
	.family     = NFPROTO_UNSPEC,
	.checkentry = connmark_mt_check,
	.match      = connmark_mt,
	.matchsize  = sizeof(struct xt_connmark_mtinfo1),
	.destroy    = connmark_mt_destroy,
};

static int connmark_mt_init(struct net *net, struct module *mod)
{
	int ret;

	ret = xt_register_targets(net, mod, connmark_tg_reg, ARRAY_SIZE(connmark_tg_reg));
	if (ret < 0)
		return ret;
	ret = xt_register_match(net, mod, &connmark_mt_reg);
	if (ret < 0) {
		xt_unregister_targets(net, connmark_tg_reg, ARRAY_SIZE(connmark_tg_reg));
		return ret;
	}
	return 0;
}

static void connmark_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &connmark_mt_reg);
	xt_unregister_targets(net, connmark_tg_reg, ARRAY_SIZE(connmark_tg_reg));
}

const struct module_info module_info_xt_connmark = {
	.name = "xt_connmark",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_CONNMARK", "ip6t_CONNMARK", "ipt_connmark", "ip6t_connmark"),
	.init = connmark_mt_init,
	.exit = connmark_mt_exit,
};
