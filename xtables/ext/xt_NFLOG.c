/* xtables/ext/xt_NFLOG.c - the "NFLOG" target: hand packets to nfnetlink_log listeners.
 *
 * Mirrors net/netfilter/xt_NFLOG.c: nflog_tg_check (flags, prefix, the netlink logger) and
 * nflog_tg.  No user space listens in nfemu: as in Linux without a listener nothing is logged;
 * EMU: a NOTE "NFLOG group G prefix "P"" tells the trace.  Leaves out: listeners, IPv6, bridge.
 */
#include <linux/netfilter/xt_NFLOG.h>

#include "kernel/module.h"
#include "netstack/ip.h"
#include "xtables/x_tables.h"
/* After x_tables.h: nf_log.h needs NFPROTO_NUMPROTO from <linux/netfilter.h>. */
#include "hooks/nf_log.h"

static unsigned int nflog_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_nflog_info *info = par->targinfo;
	struct net *net = xt_net(par);
	struct nf_loginfo li;

	li.type = NF_LOG_TYPE_ULOG;
	li.u.ulog.copy_len = info->len;
	li.u.ulog.group = info->group;
	li.u.ulog.qthreshold = info->threshold;
	li.u.ulog.flags = 0;

	if (info->flags & XT_NFLOG_F_COPY_LEN)
		li.u.ulog.flags |= NF_LOG_F_COPY_LEN;

	/* EMU: no ULOG logger is registered (no listeners), so this reaches no one. */
	nf_log_packet(net, xt_family(par), xt_hooknum(par), skb, xt_in(par), xt_out(par), &li,
		      "%s", info->prefix);
	nfemu_note(net, skb, xt_in(par) ? xt_in(par) : xt_out(par), "NFLOG group %u prefix \"%s\"",
		   info->group, info->prefix);
	return XT_CONTINUE;
}

/* nf_logger_find_get(family, NF_LOG_TYPE_ULOG) / nf_logger_put().  EMU: nfemu's nfnetlink_log
 * is a stub that registers no ULOG logger with hooks/nf_log.c; its logger is taken to exist
 * exactly while the module is loaded, so finding and holding it is holding the module (what
 * try_module_get(logger->me) amounts to). */
static int nflog_logger_find_get(struct net *net)
{
	struct module *logger = find_module(net, "nfnetlink_log");

	if (logger == NULL || !try_module_get(logger))
		return -ENOENT;
	return 0;
}

static void nflog_logger_put(struct net *net)
{
	struct module *logger = find_module(net, "nfnetlink_log");

	if (logger != NULL)
		module_put(logger);
}

static int nflog_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_nflog_info *info = par->targinfo;
	int ret;

	/* EMU: the kernel refuses silently in the next two checks; the reasons are nfemu's. */
	if (info->flags & ~XT_NFLOG_MASK) {
		pr_debug(par->net, "xt_NFLOG: unknown flags 0x%x", info->flags & ~XT_NFLOG_MASK);
		return -EINVAL;
	}
	if (info->prefix[sizeof(info->prefix) - 1] != '\0') {
		pr_debug(par->net, "xt_NFLOG: prefix is not null-terminated");
		return -EINVAL;
	}

	ret = nflog_logger_find_get(par->net);
	if (ret != 0 && !par->nft_compat) {
		request_module(par->net, "%s", "nfnetlink_log");

		ret = nflog_logger_find_get(par->net);
	}

	return ret;
}

static void nflog_tg_destroy(const struct xt_tgdtor_param *par)
{
	nflog_logger_put(par->net);
}

static const struct xt_target nflog_tg_reg[] = {
	{
		.name		= "NFLOG",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.target		= nflog_tg,
		.checkentry	= nflog_tg_check,
		.destroy	= nflog_tg_destroy,
		.targetsize	= sizeof(struct xt_nflog_info),
	},
};

static int nflog_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, nflog_tg_reg, ARRAY_SIZE(nflog_tg_reg));
}

static void nflog_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, nflog_tg_reg, ARRAY_SIZE(nflog_tg_reg));
}

/* EMU: the kernel also has MODULE_SOFTDEP("pre: nfnetlink_log"); module_info has no softdeps,
 * so nfnetlink_log is loaded by the first NFLOG rule instead of before this module. */
const struct module_info module_info_xt_NFLOG = {
	.name = "xt_NFLOG",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_NFLOG", "ip6t_NFLOG"),
	.init = nflog_tg_init,
	.exit = nflog_tg_exit,
};
