/* xtables/ext/xt_time.c - the "time" match: date range, time of day, weekdays, monthdays.
 *
 * Mirrors net/netfilter/xt_time.c: time_mt_check refuses a daytime past 23:59:59 (EDOM) and
 * unknown flags; init logs the kernel timezone as the kernel does at boot (EMU: always UTC).
 * Leaves out: the packet path (time_mt is NULL).
 */
#include <linux/netfilter/xt_time.h>

#include "emu/module.h"
#include "xtables/x_tables.h"

static int time_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_time_info *info = par->matchinfo;

	if (info->daytime_start > XT_TIME_MAX_DAYTIME ||
	    info->daytime_stop > XT_TIME_MAX_DAYTIME) {
		pr_info_ratelimited(par->net, "xt_time: invalid argument - start or stop time greater than 23:59:59");
		return -EDOM;
	}

	if (info->flags & ~XT_TIME_ALL_FLAGS) {
		pr_info_ratelimited(par->net, "xt_time: unknown flags 0x%x",
				    info->flags & ~XT_TIME_ALL_FLAGS);
		return -EINVAL;
	}

	return 0;
}

static const struct xt_match xt_time_mt_reg[] = {
	{
		.name		= "time",
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= time_mt_check,
		.matchsize	= sizeof(struct xt_time_info),
	},
};

static int time_mt_init(struct net *net, struct module *mod)
{
	/* EMU: sys_tz.tz_minuteswest is 0 (west of Greenwich, as the kernel words it). */
	int minutes = 0;

	if (minutes < 0)
		pr_info(net, "xt_time: kernel timezone is +%02d%02d", -minutes / 60, -minutes % 60);
	else
		pr_info(net, "xt_time: kernel timezone is -%02d%02d", minutes / 60, minutes % 60);

	return xt_register_matches(net, mod, xt_time_mt_reg, ARRAY_SIZE(xt_time_mt_reg));
}

static void time_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, xt_time_mt_reg, ARRAY_SIZE(xt_time_mt_reg));
}

const struct module_info module_info_xt_time = {
	.name = "xt_time",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_time", "ip6t_time"),
	.init = time_mt_init,
	.exit = time_mt_exit,
};
