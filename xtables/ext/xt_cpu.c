/* xtables/ext/xt_cpu.c - the "cpu" match: the CPU handling the packet.
 *
 * Mirrors net/netfilter/xt_cpu.c: one NFPROTO_UNSPEC registration, checkentry (invert
 * must be 0 or 1; any CPU number is accepted, as Linux does) and the match on the CPU
 * running the hook.
 * EMU: nfemu is one CPU: every packet is processed by CPU 0.
 */
#include <linux/netfilter/xt_cpu.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

static bool cpu_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_cpu_info *info = par->matchinfo;
	const unsigned int cpu = 0;     /* EMU: raw_smp_processor_id() */

	(void)skb;
	return (info->cpu == cpu) ^ info->invert;
}

#define pr_fmt(fmt) "xt_cpu: " fmt

static int cpu_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_cpu_info *info = par->matchinfo;

	if (info->invert & ~1) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(par->net, pr_fmt("invert must be 0 or 1, not %u\n"), info->invert);
		return -EINVAL;
	}
	return 0;
}

static const struct xt_match cpu_mt_reg = {
	.name       = "cpu",
	.revision   = 0,
	.family     = NFPROTO_UNSPEC,
	.checkentry = cpu_mt_check,
	.match      = cpu_mt,
	.matchsize  = sizeof(struct xt_cpu_info),
};

static int cpu_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &cpu_mt_reg);
}

static void cpu_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &cpu_mt_reg);
}

const struct module_info module_info_xt_cpu = {
	.name = "xt_cpu",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_cpu", "ip6t_cpu"),
	.init = cpu_mt_init,
	.exit = cpu_mt_exit,
};
