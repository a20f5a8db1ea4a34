/* xtables/ext/xt_RATEEST.c - the "RATEEST" target: feed packets into a named rate estimator.
 *
 * Mirrors net/netfilter/xt_RATEEST.c: per-net named estimators, shared only with the same
 * interval/ewmalog, checked as gen_new_estimator() does; exports xt_rateest_lookup/put to the
 * "rateest" match.  Leaves out: the packet path (xt_rateest_tg is NULL), the estimator timer.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_RATEEST.h>

#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"

/* EMU: the kernel exports these in include/net/netfilter/xt_rateest.h. */
struct xt_rateest *xt_rateest_lookup(struct net *net, const char *name);
void xt_rateest_put(struct net *net, struct xt_rateest *est);

struct xt_rateest {
	struct list_head list;		/* xt_rateest_net.hash */
	char name[IFNAMSIZ];
	unsigned int refcnt;
	struct {			/* struct gnet_estimator */
		signed char interval;
		unsigned char ewma_log;
	} params;
};

/* net_generic(net, NET_GENERIC_RATEEST).  EMU: a list instead of a jhash table. */
struct xt_rateest_net {
	struct list_head hash;
};

static struct xt_rateest_net *xt_rateest_pernet(struct net *net)
{
	return net_generic(net, NET_GENERIC_RATEEST);
}

static struct xt_rateest *__xt_rateest_lookup(struct xt_rateest_net *xn, const char *name)
{
	struct xt_rateest *est;

	list_for_each_entry(est, &xn->hash, list) {
		if (strcmp(est->name, name) == 0) {
			est->refcnt++;
			return est;
		}
	}
	return NULL;
}

struct xt_rateest *xt_rateest_lookup(struct net *net, const char *name)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(net);

	if (xn == NULL)
		return NULL;
	return __xt_rateest_lookup(xn, name);
}

void xt_rateest_put(struct net *net, struct xt_rateest *est)
{
	(void)net;
	if (--est->refcnt == 0) {
		list_del(&est->list);
		free(est);
	}
}

/* The parameter checks of gen_new_estimator() (net/core/gen_estimator.c). */
static int gen_new_estimator_check(signed char interval, unsigned char ewma_log)
{
	/* allowed timer periods are :
	 * -2 : 250ms,   -1 : 500ms,    0 : 1 sec
	 *  1 : 2 sec,    2 : 4 sec,    3 : 8 sec
	 */
	if (interval < -2 || interval > 3)
		return -EINVAL;

	if (ewma_log == 0 || ewma_log >= 31)
		return -EINVAL;

	return 0;
}

static int xt_rateest_tg_checkentry(const struct xt_tgchk_param *par)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(par->net);
	struct xt_rateest_target_info *info = par->targinfo;
	struct xt_rateest *est;
	int ret;

	if (strnlen(info->name, sizeof(est->name)) >= sizeof(est->name)) {
		/* EMU: the kernel refuses silently here and below; the reasons are nfemu's. */
		pr_debug(par->net, "xt_RATEEST: estimator name not terminated");
		return -ENAMETOOLONG;
	}

	est = __xt_rateest_lookup(xn, info->name);
	if (est) {
		/*
		 * If estimator parameters are specified, they must match the
		 * existing estimator.
		 */
		if ((!info->interval && !info->ewma_log) ||
		    (info->interval != est->params.interval ||
		     info->ewma_log != est->params.ewma_log)) {
			pr_debug(par->net, "xt_RATEEST: estimator %s exists with other parameters",
				 info->name);
			xt_rateest_put(par->net, est);
			return -EINVAL;
		}
		info->est = est;
		return 0;
	}

	ret = gen_new_estimator_check(info->interval, info->ewma_log);
	if (ret < 0) {
		pr_debug(par->net, "xt_RATEEST: invalid interval %d or ewmalog %u",
			 info->interval, info->ewma_log);
		return ret;
	}

	est = calloc(1, sizeof(*est));
	if (!est)
		return -ENOMEM;

	memcpy(est->name, info->name, sizeof(est->name));	/* NUL-terminated: checked above */
	est->refcnt = 1;
	est->params.interval = info->interval;
	est->params.ewma_log = info->ewma_log;

	info->est = est;
	list_add(&est->list, &xn->hash);
	return 0;
}

static void xt_rateest_tg_destroy(const struct xt_tgdtor_param *par)
{
	struct xt_rateest_target_info *info = par->targinfo;

	xt_rateest_put(par->net, info->est);
}

static const struct xt_target xt_rateest_tg_reg[] = {
	{
		.name		= "RATEEST",
		.revision	= 0,
		.family		= NFPROTO_IPV4,
		.checkentry	= xt_rateest_tg_checkentry,
		.destroy	= xt_rateest_tg_destroy,
		.targetsize	= sizeof(struct xt_rateest_target_info),
		.usersize	= offsetof(struct xt_rateest_target_info, est),
	},
};

static int xt_rateest_net_init(struct net *net)
{
	struct xt_rateest_net *xn = calloc(1, sizeof(*xn));

	if (xn == NULL)
		return -ENOMEM;
	INIT_LIST_HEAD(&xn->hash);
	net->gen[NET_GENERIC_RATEEST] = xn;
	return 0;
}

static void xt_rateest_net_exit(struct net *net)
{
	struct xt_rateest_net *xn = xt_rateest_pernet(net);

	if (xn == NULL)
		return;
	/* Rules hold the module, so no estimator is left here unless the net is torn down with
	 * rules in place: those rules still point at their estimators, so keep them all. */
	if (!list_empty(&xn->hash))
		return;
	free(xn);
	net->gen[NET_GENERIC_RATEEST] = NULL;
}

static int xt_rateest_tg_init(struct net *net, struct module *mod)
{
	int err;

	err = xt_rateest_net_init(net);
	if (err)
		return err;
	err = xt_register_targets(net, mod, xt_rateest_tg_reg, ARRAY_SIZE(xt_rateest_tg_reg));
	if (err)
		xt_rateest_net_exit(net);
	return err;
}

static void xt_rateest_tg_fini(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, xt_rateest_tg_reg, ARRAY_SIZE(xt_rateest_tg_reg));
	xt_rateest_net_exit(net);
}

const struct module_info module_info_xt_RATEEST = {
	.name = "xt_RATEEST",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_RATEEST", "ip6t_RATEEST"),
	.init = xt_rateest_tg_init,
	.exit = xt_rateest_tg_fini,
};
