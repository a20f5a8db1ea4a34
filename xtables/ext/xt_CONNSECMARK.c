/* xtables/ext/xt_CONNSECMARK.c - the CONNSECMARK target: copy the security mark between
 * packet and connection (--save / --restore), mangle and security tables only.
 *
 * Mirrors net/netfilter/xt_CONNSECMARK.c: checkentry enforces the table itself (the target
 * has no .table), refuses an unknown mode, then takes a conntrack reference; the target
 * copies a packet's secmark to a connection that has none (save) or back (restore).
 * EMU: no LSM, so no packet ever has a secmark (SECMARK cannot be loaded) and nfemu's
 * sk_buff has no field for one: it reads as 0, as on a kernel where no LSM labels packets,
 * and both modes leave packet and connection as they are.
 */
#include <linux/netfilter/xt_CONNSECMARK.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"

/* EMU: skb->secmark, always 0 here (see the head comment) */
static u32 skb_secmark(const struct sk_buff *skb)
{
	(void)skb;
	return 0;
}

/* If the packet has a security mark and the connection does not, copy the security mark
 * from the packet to the connection. */
static void secmark_save(const struct sk_buff *skb)
{
	if (skb_secmark(skb)) {
		enum ip_conntrack_info ctinfo;
		struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

		if (ct && !ct->secmark) {
			ct->secmark = skb_secmark(skb);
			nf_conntrack_event_cache(IPCT_SECMARK, ct);
		}
	}
}

/* If packet has no security mark, and the connection does, restore the security mark from
 * the connection to the packet.  EMU: a connection never has one (nothing saves a mark). */
static void secmark_restore(struct sk_buff *skb)
{
	if (!skb_secmark(skb)) {
		enum ip_conntrack_info ctinfo;
		const struct nf_conn *ct = nf_ct_get(skb, &ctinfo);

		if (ct && ct->secmark)
			pr_debug(nf_ct_net(ct), "xt_CONNSECMARK: no skb->secmark to restore %u to",
				 ct->secmark);
	}
}

static unsigned int connsecmark_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_connsecmark_target_info *info = par->targinfo;

	switch (info->mode) {
	case CONNSECMARK_SAVE:
		secmark_save(skb);
		break;
	case CONNSECMARK_RESTORE:
		secmark_restore(skb);
		break;
	}
	return XT_CONTINUE;
}

static int connsecmark_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_connsecmark_target_info *info = par->targinfo;
	int ret;

	if (strcmp(par->table, "mangle") != 0 &&
	    strcmp(par->table, "security") != 0) {
		pr_info_ratelimited(par->net, "xt_CONNSECMARK: only valid in 'mangle' or 'security' table, not '%s'\n",
				    par->table);
		return -EINVAL;
	}

	switch (info->mode) {
	case CONNSECMARK_SAVE:
	case CONNSECMARK_RESTORE:
		break;

	default:
		pr_info_ratelimited(par->net, "xt_CONNSECMARK: invalid mode: %hu\n",
				    (unsigned short)info->mode);
		return -EINVAL;
	}

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		pr_info_ratelimited(par->net, "xt_CONNSECMARK: cannot load conntrack support for proto=%u\n",
				    par->family);
	return ret;
}

static void connsecmark_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_target connsecmark_tg_reg[] = {
	{
		.name       = "CONNSECMARK",
		.revision   = 0,
		.family     = NFPROTO_IPV4,
		.checkentry = connsecmark_tg_check,
		.target     = connsecmark_tg,
		.destroy    = connsecmark_tg_destroy,
		.targetsize = sizeof(struct xt_connsecmark_target_info),
	},
};

static int connsecmark_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, connsecmark_tg_reg, ARRAY_SIZE(connsecmark_tg_reg));
}

static void connsecmark_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, connsecmark_tg_reg, ARRAY_SIZE(connsecmark_tg_reg));
}

const struct module_info module_info_xt_CONNSECMARK = {
	.name = "xt_CONNSECMARK",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_CONNSECMARK", "ip6t_CONNSECMARK"),
	.init = connsecmark_tg_init,
	.exit = connsecmark_tg_exit,
};
