/* xtables/ext/xt_CT.c - the CT target (revisions 0-2: notrack, zone, events, helper,
 * timeout policy of new connections) and the NOTRACK target, raw table only.
 *
 * Mirrors net/netfilter/xt_CT.c: each rule owns a conntrack template (nf_ct_tmpl_alloc:
 * zone, ecache masks, helper found with nf_conntrack_helper_try_module_get(), which
 * request_module()s "nfct-helper-NAME"), kept in the kernel-only tail of the targinfo
 * (info->ct); the target attaches it to the packet (IP_CT_NEW) and init_conntrack copies it
 * into the new entry; --notrack and NOTRACK mark the packet IP_CT_UNTRACKED, with no entry.
 * Leaves out: timeout policies (no cttimeout objects: --timeout is refused, ENOENT, as for a
 * name no policy has in a fresh netns); nf_queue_nf_hook_drop on destroy.
 */
#include <stdlib.h>
#include <netinet/in.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_helper.h"
#include "netstack/skbuff.h"

static inline unsigned int xt_ct_target(struct sk_buff *skb, struct nf_conn *ct)
{
	/* Previously seen (loopback)? Ignore. */
	if (skb->_nfct != 0)
		return XT_CONTINUE;
	if (ct) {
		nf_conntrack_get(&ct->ct_general);
		nf_ct_set(skb, ct, IP_CT_NEW);
	} else {
		nf_ct_set(skb, ct, IP_CT_UNTRACKED);
	}
	return XT_CONTINUE;
}

static unsigned int xt_ct_target_v0(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_ct_target_info *info = par->targinfo;

	return xt_ct_target(skb, info->ct);
}

static unsigned int xt_ct_target_v1(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_ct_target_info_v1 *info = par->targinfo;

	return xt_ct_target(skb, info->ct);
}

static unsigned int notrack_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	(void)par;
	/* Previously seen (loopback)? Ignore. */
	if (skb->_nfct != 0)
		return XT_CONTINUE;
	nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	return XT_CONTINUE;
}

static u8 xt_ct_find_proto(const struct xt_tgchk_param *par)
{
	if (par->family == NFPROTO_IPV4) {
		const struct ipt_entry *e = par->entryinfo;

		if (e->ip.invflags & IPT_INV_PROTO)
			return 0;
		return e->ip.proto;
	}
	return 0;
}

static int xt_ct_set_helper(struct nf_conn *ct, const char *helper_name,
			    const struct xt_tgchk_param *par)
{
	struct nf_conntrack_helper *helper;
	struct nf_conn_help *help;
	u8 proto;

	proto = xt_ct_find_proto(par);
	if (!proto) {
		pr_info_ratelimited(par->net, "xt_CT: You must specify a L4 protocol and not use inversions on it\n");
		return -ENOENT;
	}

	helper = nf_conntrack_helper_try_module_get(par->net, helper_name, par->family, proto);
	if (helper == NULL) {
		pr_info_ratelimited(par->net, "xt_CT: No such helper \"%s\"\n", helper_name);
		return -ENOENT;
	}

	help = nf_ct_helper_ext_add(ct);
	if (help == NULL) {
		nf_conntrack_helper_put(helper);
		return -ENOMEM;
	}
	help->helper = helper;
	return 0;
}

/* nf_ct_set_timeout() finds the timeout policy by name among the cttimeout objects of the
 * netns.  EMU: nfemu has no nfnetlink_cttimeout, so there are none, as in a fresh netns
 * (the lookup hook is there: Linux here has cttimeout built in). */
static int nf_ct_set_timeout(struct net *net, const char *timeout_name)
{
	pr_info_ratelimited(net, "No such timeout policy \"%s\"\n", timeout_name);
	return -ENOENT;
}

static int xt_ct_set_timeout(const struct xt_tgchk_param *par, const char *timeout_name)
{
	u8 proto;

	proto = xt_ct_find_proto(par);
	if (!proto) {
		/* Linux prints this one without a newline. */
		pr_info_ratelimited(par->net, "xt_CT: You must specify a L4 protocol and not use inversions on it");
		return -EINVAL;
	}
	return nf_ct_set_timeout(par->net, timeout_name);
}

static u8 xt_ct_flags_to_dir(const struct xt_ct_target_info_v1 *info)
{
	switch (info->flags & (XT_CT_ZONE_DIR_ORIG | XT_CT_ZONE_DIR_REPL)) {
	case XT_CT_ZONE_DIR_ORIG:
		return NF_CT_ZONE_DIR_ORIG;
	case XT_CT_ZONE_DIR_REPL:
		return NF_CT_ZONE_DIR_REPL;
	default:
		return NF_CT_DEFAULT_ZONE_DIR;
	}
}

static void xt_ct_put_helper(struct nf_conn_help *help)
{
	/* not yet exposed to other cpus, or ruleset already detached (post-replacement). */
	if (help && help->helper)
		nf_conntrack_helper_put((struct nf_conntrack_helper *)help->helper);
}

static int xt_ct_tg_check(const struct xt_tgchk_param *par, struct xt_ct_target_info_v1 *info)
{
	struct nf_conntrack_zone zone;
	struct nf_conn_help *help;
	struct nf_conn *ct;
	int ret;

	if (info->flags & XT_CT_NOTRACK) {
		ct = NULL;
		goto out;
	}

	/* CONFIG_NF_CONNTRACK_ZONES is on: any zone and zone direction is accepted. */
	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		goto err1;

	memset(&zone, 0, sizeof(zone));
	zone.id = info->zone;
	zone.dir = xt_ct_flags_to_dir(info);
	if (info->flags & XT_CT_ZONE_MARK)
		zone.flags |= NF_CT_FLAG_MARK;

	ct = nf_ct_tmpl_alloc(par->net, &zone);
	if (!ct) {
		ret = -ENOMEM;
		goto err2;
	}

	if ((info->ct_events || info->exp_events) &&
	    !nf_ct_ecache_ext_add(ct, (u16)info->ct_events, (u16)info->exp_events)) {
		ret = -EINVAL;
		goto err3;
	}

	if (info->helper[0]) {
		if (strnlen(info->helper, sizeof(info->helper)) == sizeof(info->helper)) {
			ret = -ENAMETOOLONG;
			goto err3;
		}
		ret = xt_ct_set_helper(ct, info->helper, par);
		if (ret < 0)
			goto err3;
	}

	if (info->timeout[0]) {
		if (strnlen(info->timeout, sizeof(info->timeout)) == sizeof(info->timeout)) {
			ret = -ENAMETOOLONG;
			goto err4;
		}
		ret = xt_ct_set_timeout(par, info->timeout);
		if (ret < 0)
			goto err4;
	}
	ct->status |= IPS_CONFIRMED;
out:
	info->ct = ct;
	return 0;

err4:
	help = nfct_help(ct);
	xt_ct_put_helper(help);
err3:
	nf_ct_tmpl_free(ct);
err2:
	nf_ct_netns_put(par->net, par->family);
err1:
	return ret;
}

static int xt_ct_tg_check_v0(const struct xt_tgchk_param *par)
{
	struct xt_ct_target_info *info = par->targinfo;
	struct xt_ct_target_info_v1 info_v1 = {
		.flags      = info->flags,
		.zone       = info->zone,
		.ct_events  = info->ct_events,
		.exp_events = info->exp_events,
	};
	int ret;

	if (info->flags & ~XT_CT_NOTRACK) {
		/* EMU: the kernel refuses silently; the debug line only says why. */
		pr_debug(par->net, "xt_CT: unknown flags 0x%x for revision 0\n", info->flags);
		return -EINVAL;
	}

	memcpy(info_v1.helper, info->helper, sizeof(info->helper));

	ret = xt_ct_tg_check(par, &info_v1);
	if (ret < 0)
		return ret;

	info->ct = info_v1.ct;
	return ret;
}

static int xt_ct_tg_check_v1(const struct xt_tgchk_param *par)
{
	struct xt_ct_target_info_v1 *info = par->targinfo;

	if (info->flags & ~XT_CT_NOTRACK) {
		/* EMU: the kernel refuses silently; the debug line only says why. */
		pr_debug(par->net, "xt_CT: unknown flags 0x%x for revision 1\n", info->flags);
		return -EINVAL;
	}
	return xt_ct_tg_check(par, info);
}

static int xt_ct_tg_check_v2(const struct xt_tgchk_param *par)
{
	struct xt_ct_target_info_v1 *info = par->targinfo;

	if (info->flags & ~XT_CT_MASK) {
		/* EMU: the kernel refuses silently; the debug line only says why. */
		pr_debug(par->net, "xt_CT: unknown flags 0x%x\n", info->flags);
		return -EINVAL;
	}
	return xt_ct_tg_check(par, info);
}

static void xt_ct_tg_destroy(const struct xt_tgdtor_param *par, struct xt_ct_target_info_v1 *info)
{
	struct nf_conn *ct = info->ct;

	if (ct) {
		/* nf_queue_nf_hook_drop(): EMU nothing waits in a queue between two calls */
		xt_ct_put_helper(nfct_help(ct));
		nf_ct_netns_put(par->net, par->family);
		nf_ct_put(info->ct);    /* the rule's reference to its template */
	}
}

static void xt_ct_tg_destroy_v0(const struct xt_tgdtor_param *par)
{
	struct xt_ct_target_info *info = par->targinfo;
	struct xt_ct_target_info_v1 info_v1 = {
		.flags      = info->flags,
		.zone       = info->zone,
		.ct_events  = info->ct_events,
		.exp_events = info->exp_events,
		.ct         = info->ct,
	};

	memcpy(info_v1.helper, info->helper, sizeof(info->helper));
	xt_ct_tg_destroy(par, &info_v1);
}

static void xt_ct_tg_destroy_v1(const struct xt_tgdtor_param *par)
{
	xt_ct_tg_destroy(par, par->targinfo);
}

/* usersize is offsetof(struct xt_ct_target_info, ct) for every revision, as in Linux: for
 * revisions 1 and 2 GET_ENTRIES therefore returns only the first 4 bytes of the timeout
 * name and zeroes the rest. */
static const struct xt_target xt_ct_tg_reg[] = {
	{
		.name       = "NOTRACK",
		.revision   = 0,
		.family     = NFPROTO_IPV4,
		.target     = notrack_tg,
		.table      = "raw",
	},
	{
		.name       = "CT",
		.family     = NFPROTO_IPV4,
		.targetsize = sizeof(struct xt_ct_target_info),
		.usersize   = offsetof(struct xt_ct_target_info, ct),
		.target     = xt_ct_target_v0,
		.checkentry = xt_ct_tg_check_v0,
		.destroy    = xt_ct_tg_destroy_v0,
		.table      = "raw",
	},
	{
		.name       = "CT",
		.family     = NFPROTO_IPV4,
		.revision   = 1,
		.targetsize = sizeof(struct xt_ct_target_info_v1),
		.usersize   = offsetof(struct xt_ct_target_info, ct),
		.target     = xt_ct_target_v1,
		.checkentry = xt_ct_tg_check_v1,
		.destroy    = xt_ct_tg_destroy_v1,
		.table      = "raw",
	},
	{
		.name       = "CT",
		.family     = NFPROTO_IPV4,
		.revision   = 2,
		.targetsize = sizeof(struct xt_ct_target_info_v1),
		.usersize   = offsetof(struct xt_ct_target_info, ct),
		.target     = xt_ct_target_v1,
		.checkentry = xt_ct_tg_check_v2,
		.destroy    = xt_ct_tg_destroy_v1,
		.table      = "raw",
	},
};

static int xt_ct_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, xt_ct_tg_reg, ARRAY_SIZE(xt_ct_tg_reg));
}

static void xt_ct_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, xt_ct_tg_reg, ARRAY_SIZE(xt_ct_tg_reg));
}

const struct module_info module_info_xt_CT = {
	.name = "xt_CT",
	.size = 16384,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_CT", "ip6t_CT", "ipt_NOTRACK", "ip6t_NOTRACK"),
	.init = xt_ct_tg_init,
	.exit = xt_ct_tg_exit,
};
