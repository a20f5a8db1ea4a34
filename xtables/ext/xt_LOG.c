/* xtables/ext/xt_LOG.c - the "LOG" target: log packet headers through the syslog logger.
 *
 * Mirrors net/netfilter/xt_LOG.c: log_tg_check (level, prefix, holds the syslog logger) and
 * log_tg (nf_log_packet with the rule's level, flags and prefix; the line is nf_log_syslog's).
 * Leaves out: the IPv6 registration.
 */
#include <linux/netfilter/xt_LOG.h>

#include "kernel/module.h"
#include "xtables/x_tables.h"
/* After x_tables.h: nf_log.h needs NFPROTO_NUMPROTO from <linux/netfilter.h>. */
#include "hooks/nf_log.h"

static unsigned int log_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct xt_log_info *loginfo = par->targinfo;
	struct nf_loginfo li;

	li.type = NF_LOG_TYPE_LOG;
	li.u.log.level = loginfo->level;
	li.u.log.logflags = loginfo->logflags;

	/* EMU: the prefix as is (nf_log_packet(..., "%s", prefix) without the format pass) */
	nf_log_packet_prefix(xt_net(par), xt_family(par), xt_hooknum(par), skb, xt_in(par), xt_out(par),
			     &li, loginfo->prefix);
	return XT_CONTINUE;
}

static int log_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_log_info *loginfo = par->targinfo;
	int ret;

	if (par->family != NFPROTO_IPV4 && par->family != NFPROTO_IPV6)
		return -EINVAL;

	if (loginfo->level >= 8) {
		pr_debug(par->net, "xt_LOG: level %u >= 8", loginfo->level);
		return -EINVAL;
	}

	if (loginfo->prefix[sizeof(loginfo->prefix) - 1] != '\0') {
		pr_debug(par->net, "xt_LOG: prefix is not null-terminated");
		return -EINVAL;
	}

	ret = nf_logger_find_get(par->net, par->family, NF_LOG_TYPE_LOG);
	if (ret != 0 && !par->nft_compat) {
		request_module(par->net, "%s", "nf_log_syslog");

		ret = nf_logger_find_get(par->net, par->family, NF_LOG_TYPE_LOG);
	}

	return ret;
}

static void log_tg_destroy(const struct xt_tgdtor_param *par)
{
	nf_logger_put(par->net, par->family, NF_LOG_TYPE_LOG);
}

static const struct xt_target log_tg_regs[] = {
	{
		.name		= "LOG",
		.family		= NFPROTO_IPV4,
		.target		= log_tg,
		.targetsize	= sizeof(struct xt_log_info),
		.checkentry	= log_tg_check,
		.destroy	= log_tg_destroy,
	},
};

static int log_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, log_tg_regs, ARRAY_SIZE(log_tg_regs));
}

static void log_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, log_tg_regs, ARRAY_SIZE(log_tg_regs));
}

/* EMU: the kernel also has MODULE_SOFTDEP("pre: nf_log_syslog"); module_info has no softdeps,
 * so nf_log_syslog is loaded by the first LOG rule instead of before this module. */
const struct module_info module_info_xt_LOG = {
	.name = "xt_LOG",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_LOG", "ip6t_LOG"),
	.init = log_tg_init,
	.exit = log_tg_exit,
};
