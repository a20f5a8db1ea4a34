/* xtables/ext/xt_CT.c - the CT target (revisions 0-2: notrack, zone, events, helper,
 * timeout policy of new connections) and the NOTRACK target, raw table only.
 *
 * Mirrors net/netfilter/xt_CT.c with the lookups it makes into conntrack:
 * nf_conntrack_helper_try_module_get() (nf_conntrack_helper.c, which request_module()s
 * "nfct-helper-NAME") and nf_ct_set_timeout() (nf_conntrack_timeout.c).  Each rule's
 * conntrack template lives in the kernel-only tail of the targinfo (info->ct).
 * Leaves out: xt_ct_target/notrack_tg (need conntrack/); the template is a stand-in.
 */
#include <stdlib.h>
#include <netinet/in.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

/* The conntrack helpers of Linux 6.18 by name and layer-4 protocol (each registers for
 * IPv4 and IPv6).  EMU: until conntrack/ keeps a helper registry, this table is it.  A
 * helper with a module is registered while that module is loaded (nfemu has
 * nf_conntrack_ftp); the others are built into the kernel this machine runs, so nfemu
 * treats them as always registered. */
struct nf_conntrack_helper {
	const char *name;
	u8 protonum;
	const char *module;     /* providing module, NULL = built in */
};

static const struct nf_conntrack_helper nf_ct_helpers[] = {
	{ "ftp",        IPPROTO_TCP, "nf_conntrack_ftp" },
	{ "irc",        IPPROTO_TCP, NULL },
	{ "tftp",       IPPROTO_UDP, NULL },
	{ "amanda",     IPPROTO_UDP, NULL },
	{ "netbios-ns", IPPROTO_UDP, NULL },
	{ "snmp",       IPPROTO_UDP, NULL },
	{ "snmp_trap",  IPPROTO_UDP, NULL },
	{ "pptp",       IPPROTO_TCP, NULL },
	{ "sane",       IPPROTO_TCP, NULL },
	{ "sip",        IPPROTO_UDP, NULL },
	{ "sip",        IPPROTO_TCP, NULL },
	{ "RAS",        IPPROTO_UDP, NULL },
	{ "Q.931",      IPPROTO_TCP, NULL },
	{ "H.245",      IPPROTO_UDP, NULL },
};

/* The conntrack template a CT rule attaches to new connections.
 * EMU: stands in for the template struct nf_conn of nf_ct_tmpl_alloc(); info->ct points to
 * one of these. */
struct xt_ct_tmpl {
	u16 zone;
	u16 flags;                                      /* XT_CT_ZONE_* */
	u32 ct_events, exp_events;
	const struct nf_conntrack_helper *helper;       /* NULL: none */
};

static const struct nf_conntrack_helper *
__nf_conntrack_helper_find(struct net *net, const char *name, u8 protonum)
{
	for (size_t i = 0; i < ARRAY_SIZE(nf_ct_helpers); i++) {
		const struct nf_conntrack_helper *h = &nf_ct_helpers[i];

		if (strcmp(h->name, name) || h->protonum != protonum)
			continue;
		if (h->module && !find_module(net, h->module))
			continue;       /* not registered: its module is not loaded */
		return h;
	}
	return NULL;
}

static const struct nf_conntrack_helper *
nf_conntrack_helper_try_module_get(struct net *net, const char *name, u8 protonum)
{
	const struct nf_conntrack_helper *h;

	h = __nf_conntrack_helper_find(net, name, protonum);
	if (!h) {
		if (request_module(net, "nfct-helper-%s", name) != 0)
			return NULL;
		h = __nf_conntrack_helper_find(net, name, protonum);
	}
	if (h && h->module && !try_module_get(find_module(net, h->module)))
		h = NULL;
	return h;
}

static void nf_conntrack_helper_put(struct net *net, const struct nf_conntrack_helper *h)
{
	if (h && h->module)
		module_put(find_module(net, h->module));
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

static int xt_ct_set_helper(struct xt_ct_tmpl *ct, const char *helper_name,
			    const struct xt_tgchk_param *par)
{
	const struct nf_conntrack_helper *helper;
	u8 proto;

	proto = xt_ct_find_proto(par);
	if (!proto) {
		pr_info_ratelimited(par->net, "xt_CT: You must specify a L4 protocol and not use inversions on it\n");
		return -ENOENT;
	}

	helper = nf_conntrack_helper_try_module_get(par->net, helper_name, proto);
	if (helper == NULL) {
		pr_info_ratelimited(par->net, "xt_CT: No such helper \"%s\"\n", helper_name);
		return -ENOENT;
	}
	ct->helper = helper;
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

static int xt_ct_tg_check(const struct xt_tgchk_param *par, struct xt_ct_target_info_v1 *info)
{
	struct xt_ct_tmpl *ct;
	int ret;

	if (info->flags & XT_CT_NOTRACK) {
		ct = NULL;
		goto out;
	}

	/* CONFIG_NF_CONNTRACK_ZONES is on: any zone and zone direction is accepted. */
	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0)
		goto err1;

	ct = calloc(1, sizeof(*ct));                    /* nf_ct_tmpl_alloc() */
	if (!ct) {
		ret = -ENOMEM;
		goto err2;
	}
	ct->zone = info->zone;
	ct->flags = info->flags & (XT_CT_ZONE_DIR_ORIG | XT_CT_ZONE_DIR_REPL | XT_CT_ZONE_MARK);
	/* nf_ct_ecache_ext_add() fails only for want of memory. */
	ct->ct_events = info->ct_events;
	ct->exp_events = info->exp_events;

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
out:
	info->ct = (struct nf_conn *)ct;
	return 0;

err4:
	nf_conntrack_helper_put(par->net, ct->helper);
err3:
	free(ct);                                       /* nf_ct_tmpl_free() */
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
	struct xt_ct_tmpl *ct = (struct xt_ct_tmpl *)info->ct;

	if (ct) {
		nf_conntrack_helper_put(par->net, ct->helper);
		nf_ct_netns_put(par->net, par->family);
		free(ct);                               /* nf_ct_put() of the template */
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
		.table      = "raw",
	},
	{
		.name       = "CT",
		.family     = NFPROTO_IPV4,
		.targetsize = sizeof(struct xt_ct_target_info),
		.usersize   = offsetof(struct xt_ct_target_info, ct),
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
