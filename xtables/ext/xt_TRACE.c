/* xtables/ext/xt_TRACE.c - the "TRACE" target (raw table): mark packets for rule tracing.
 *
 * Mirrors net/netfilter/xt_TRACE.c: raw table only (xt_check_target); trace_tg_check holds the
 * syslog logger that prints the TRACE lines, ENOENT without one.  trace_tg sets skb->nf_trace,
 * so ipt_do_table logs every rule the packet then matches.  Leaves out: the IPv6 registration.
 */
#include "kernel/module.h"
#include "xtables/x_tables.h"
/* After x_tables.h: nf_log.h needs NFPROTO_NUMPROTO from <linux/netfilter.h>. */
#include "hooks/nf_log.h"
#include "netstack/skbuff.h"

static unsigned int trace_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	(void)par;
	skb->nf_trace = 1;
	return XT_CONTINUE;
}

static int trace_tg_check(const struct xt_tgchk_param *par)
{
	int ret;

	/* EMU: the kernel module has MODULE_SOFTDEP("pre: nf_log_syslog"), so modprobe loads the
	 * logger before xt_TRACE; module_info has no softdeps, so load it here. */
	request_module(par->net, "%s", "nf_log_syslog");

	ret = nf_logger_find_get(par->net, par->family, NF_LOG_TYPE_LOG);
	if (ret)
		pr_debug(par->net, "xt_TRACE: no syslog logger");	/* EMU: silent in the kernel */
	return ret;
}

static void trace_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_logger_put(par->net, par->family, NF_LOG_TYPE_LOG);
}

static const struct xt_target trace_tg_reg[] = {
	{
		.name		= "TRACE",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.table		= "raw",
		.target		= trace_tg,
		.checkentry	= trace_tg_check,
		.destroy	= trace_tg_destroy,
	},
};

static int trace_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, trace_tg_reg, ARRAY_SIZE(trace_tg_reg));
}

static void trace_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, trace_tg_reg, ARRAY_SIZE(trace_tg_reg));
}

const struct module_info module_info_xt_TRACE = {
	.name = "xt_TRACE",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TRACE", "ip6t_TRACE"),
	.init = trace_tg_init,
	.exit = trace_tg_exit,
};
