/* xtables/ext/xt_LOG.c - the "LOG" target: log packet headers through the syslog logger.
 *
 * Mirrors net/netfilter/xt_LOG.c: log_tg_check refuses a level above 7 or an unterminated
 * prefix, then holds the syslog logger, loading nf_log_syslog if none is registered.
 * Leaves out: the packet path (log_tg is NULL), nf_log's logger table, IPv6.
 */
#include <linux/netfilter/xt_LOG.h>

#include "emu/module.h"
#include "xtables/x_tables.h"

/* nf_logger_find_get(family, NF_LOG_TYPE_LOG) / nf_logger_put().  EMU: nf_log's table of
 * loggers is not emulated: nf_log_syslog's logger exists exactly while that module is loaded,
 * so finding and holding the logger is holding the module (as try_module_get(logger->me)). */
static int log_logger_find_get(struct net *net)
{
	struct module *logger = find_module(net, "nf_log_syslog");

	if (logger == NULL || !try_module_get(logger))
		return -ENOENT;
	return 0;
}

static void log_logger_put(struct net *net)
{
	struct module *logger = find_module(net, "nf_log_syslog");

	if (logger != NULL)
		module_put(logger);
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

	ret = log_logger_find_get(par->net);
	if (ret != 0 && !par->nft_compat) {
		request_module(par->net, "%s", "nf_log_syslog");

		ret = log_logger_find_get(par->net);
	}

	return ret;
}

static void log_tg_destroy(const struct xt_tgdtor_param *par)
{
	log_logger_put(par->net);
}

static const struct xt_target log_tg_regs[] = {
	{
		.name		= "LOG",
		.family		= NFPROTO_IPV4,
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
