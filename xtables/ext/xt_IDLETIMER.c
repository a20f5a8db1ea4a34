/* xtables/ext/xt_IDLETIMER.c - the "IDLETIMER" target (revs 0, 1): named idle timers.
 *
 * Mirrors net/netfilter/xt_IDLETIMER.c: checkentry (timeouts, labels, timer types, EOPNOTSUPP
 * for the netlink flag; one timer per label) and the targets that re-arm it.  EMU: labels are
 * per net.  Leaves out: the sysfs files and their notifications when a timer fires.
 */
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <linux/netfilter/xt_IDLETIMER.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/rtstate.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"

struct idletimer_tg {
	struct list_head entry;		/* idletimer_net.timers */
	char *name;			/* the label: attr.attr.name in the kernel */
	unsigned int refcnt;
	u8 timer_type;
	unsigned long expires;		/* EMU: the timer (or alarm), as its expiry in jiffies */
};

/* net_generic(net, NET_GENERIC_IDLETIMER).  EMU: the kernel keeps one global list (labels are
 * sysfs files under /sys/class/xt_idletimer/timers, shared by all namespaces); nfemu keeps one
 * per net, so each emulated host has its own labels. */
struct idletimer_net {
	struct list_head timers;
};

static struct idletimer_net *idletimer_pernet(struct net *net)
{
	return net_generic(net, NET_GENERIC_IDLETIMER);
}

static struct idletimer_tg *__idletimer_tg_find_by_label(struct net *net, const char *label)
{
	struct idletimer_tg *entry;

	list_for_each_entry(entry, &idletimer_pernet(net)->timers, entry) {
		if (!strcmp(label, entry->name))
			return entry;
	}

	return NULL;
}

/* A label is a file in the timers directory: a proc-style name, and none sysfs reserves. */
static int idletimer_check_sysfs_name(const char *name, unsigned int size)
{
	int ret;

	ret = xt_check_proc_name(name, size);
	if (ret < 0)
		return ret;

	if (!strcmp(name, "power") ||
	    !strcmp(name, "subsystem") ||
	    !strcmp(name, "uevent"))
		return -EINVAL;

	return 0;
}

/* Revision 0 creates with timer_type 0; revision 1 with its own. */
static int idletimer_tg_create(struct net *net, const char *label, u8 timer_type,
			       struct idletimer_tg **out)
{
	struct idletimer_tg *timer;
	int ret;

	timer = calloc(1, sizeof(*timer));
	if (!timer)
		return -ENOMEM;

	ret = idletimer_check_sysfs_name(label, MAX_IDLETIMER_LABEL_SIZE);
	if (ret < 0) {
		pr_debug(net, "xt_IDLETIMER: label %s is not a valid sysfs name", label);	/* EMU: silent in the kernel */
		goto out_free_timer;
	}

	timer->name = strdup(label);
	if (!timer->name) {
		ret = -ENOMEM;
		goto out_free_timer;
	}

	list_add(&timer->entry, &idletimer_pernet(net)->timers);
	timer->timer_type = timer_type;
	timer->refcnt = 1;
	*out = timer;
	return 0;

out_free_timer:
	free(timer);
	return ret;
}

/* mod_timer(&timer, msecs_to_jiffies(timeout * 1000) + jiffies).  EMU: the alarm type's
 * alarm_start_relative(timeout s) is kept the same way (the same moment on the capture clock);
 * nothing happens when either fires, as nfemu has no sysfs to notify. */
static void idletimer_tg_arm(struct net *net, struct idletimer_tg *timer, unsigned int timeout)
{
	timer->expires = msecs_to_jiffies(timeout * 1000) + nfemu_jiffies(net);
}

static unsigned int idletimer_tg_target(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct idletimer_tg_info *info = par->targinfo;

	(void)skb;
	idletimer_tg_arm(xt_net(par), info->timer, info->timeout);
	return XT_CONTINUE;
}

static unsigned int idletimer_tg_target_v1(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct idletimer_tg_info_v1 *info = par->targinfo;

	(void)skb;
	idletimer_tg_arm(xt_net(par), info->timer, info->timeout);
	return XT_CONTINUE;
}

static int idletimer_tg_helper(struct net *net, const struct idletimer_tg_info *info)
{
	if (info->timeout == 0) {
		pr_debug(net, "xt_IDLETIMER: timeout value is zero");
		return -EINVAL;
	}
	if (info->timeout >= INT_MAX / 1000) {
		pr_debug(net, "xt_IDLETIMER: timeout value is too big");
		return -EINVAL;
	}
	if (info->label[0] == '\0' ||
	    strnlen(info->label, MAX_IDLETIMER_LABEL_SIZE) == MAX_IDLETIMER_LABEL_SIZE) {
		pr_debug(net, "xt_IDLETIMER: label is empty or not nul-terminated");
		return -EINVAL;
	}
	return 0;
}

static int idletimer_tg_checkentry(const struct xt_tgchk_param *par)
{
	struct idletimer_tg_info *info = par->targinfo;
	int ret;

	ret = idletimer_tg_helper(par->net, info);
	if (ret < 0)
		return -EINVAL;

	info->timer = __idletimer_tg_find_by_label(par->net, info->label);
	if (info->timer) {
		/* Checked against 6.18: revision 0 cannot join a revision 1 alarm timer. */
		if (info->timer->timer_type & XT_IDLETIMER_ALARM) {
			pr_debug(par->net, "xt_IDLETIMER: Adding/Replacing rule with same label and different timer type is not allowed");
			return -EINVAL;
		}
		info->timer->refcnt++;
		idletimer_tg_arm(par->net, info->timer, info->timeout);
		return 0;
	}

	ret = idletimer_tg_create(par->net, info->label, 0, &info->timer);
	if (ret == 0)
		idletimer_tg_arm(par->net, info->timer, info->timeout);
	return ret;
}

static int idletimer_tg_checkentry_v1(const struct xt_tgchk_param *par)
{
	struct idletimer_tg_info_v1 *info = par->targinfo;
	int ret;

	if (info->send_nl_msg) {
		pr_debug(par->net, "xt_IDLETIMER: send_nl_msg is not supported");	/* EMU: silent in the kernel */
		return -EOPNOTSUPP;
	}

	/* The revision 0 fields lead revision 1's layout. */
	ret = idletimer_tg_helper(par->net, (const struct idletimer_tg_info *)info);
	if (ret < 0)
		return -EINVAL;

	if (info->timer_type > XT_IDLETIMER_ALARM) {
		pr_debug(par->net, "xt_IDLETIMER: invalid value for timer type");
		return -EINVAL;
	}

	info->timer = __idletimer_tg_find_by_label(par->net, info->label);
	if (info->timer) {
		if (info->timer->timer_type != info->timer_type) {
			pr_debug(par->net, "xt_IDLETIMER: Adding/Replacing rule with same label and different timer type is not allowed");
			return -EINVAL;
		}

		info->timer->refcnt++;
		idletimer_tg_arm(par->net, info->timer, info->timeout);
		return 0;
	}

	ret = idletimer_tg_create(par->net, info->label, info->timer_type, &info->timer);
	if (ret == 0)
		idletimer_tg_arm(par->net, info->timer, info->timeout);
	return ret;
}

static void idletimer_tg_put(struct idletimer_tg *timer)
{
	if (--timer->refcnt > 0)
		return;

	list_del(&timer->entry);
	free(timer->name);
	free(timer);
}

static void idletimer_tg_destroy(const struct xt_tgdtor_param *par)
{
	const struct idletimer_tg_info *info = par->targinfo;

	idletimer_tg_put(info->timer);
}

static void idletimer_tg_destroy_v1(const struct xt_tgdtor_param *par)
{
	const struct idletimer_tg_info_v1 *info = par->targinfo;

	idletimer_tg_put(info->timer);
}

static const struct xt_target idletimer_tg[] = {
	{
		.name		= "IDLETIMER",
		.family		= NFPROTO_IPV4,
		.target		= idletimer_tg_target,
		.targetsize	= sizeof(struct idletimer_tg_info),
		.usersize	= offsetof(struct idletimer_tg_info, timer),
		.checkentry	= idletimer_tg_checkentry,
		.destroy	= idletimer_tg_destroy,
	},
	{
		.name		= "IDLETIMER",
		.family		= NFPROTO_IPV4,
		.revision	= 1,
		.target		= idletimer_tg_target_v1,
		.targetsize	= sizeof(struct idletimer_tg_info_v1),
		.usersize	= offsetof(struct idletimer_tg_info_v1, timer),
		.checkentry	= idletimer_tg_checkentry_v1,
		.destroy	= idletimer_tg_destroy_v1,
	},
};

static void idletimer_net_exit(struct net *net)
{
	struct idletimer_net *in = idletimer_pernet(net);

	if (in == NULL)
		return;
	/* Rules hold the module, so no timer is left here unless the net is torn down with
	 * rules in place: those rules still point at their timers, so keep them all. */
	if (!list_empty(&in->timers))
		return;
	free(in);
	net->gen[NET_GENERIC_IDLETIMER] = NULL;
}

static int idletimer_tg_init(struct net *net, struct module *mod)
{
	struct idletimer_net *in;
	int err;

	in = calloc(1, sizeof(*in));
	if (in == NULL)
		return -ENOMEM;
	INIT_LIST_HEAD(&in->timers);
	net->gen[NET_GENERIC_IDLETIMER] = in;

	err = xt_register_targets(net, mod, idletimer_tg, ARRAY_SIZE(idletimer_tg));
	if (err < 0)
		idletimer_net_exit(net);
	return err;
}

static void idletimer_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, idletimer_tg, ARRAY_SIZE(idletimer_tg));
	idletimer_net_exit(net);
}

/* EMU: the state file keeps when each timer fires (kernel/rtstate.h). */
static void idletimer_rt_save(struct net *net, struct rts_w *w)
{
	struct idletimer_net *in = idletimer_pernet(net);
	struct idletimer_tg *timer;
	u32 n = 0;

	if (!in || list_empty(&in->timers))
		return;
	list_for_each_entry(timer, &in->timers, entry)
		n++;
	RTS_PUT(w, n);
	list_for_each_entry(timer, &in->timers, entry) {
		u8 len = (u8)strlen(timer->name);
		u64 expires = timer->expires;

		RTS_PUT(w, len);
		rts_put(w, timer->name, len);
		RTS_PUT(w, expires);
	}
}

static int idletimer_rt_load(struct net *net, struct rts_r *r)
{
	u32 n;

	if (!RTS_GET(r, n))
		return -EINVAL;
	for (u32 i = 0; i < n; i++) {
		char name[MAX_IDLETIMER_LABEL_SIZE];
		struct idletimer_tg *timer;
		u64 expires;
		u8 len;

		if (!RTS_GET(r, len) || len == 0 || len >= sizeof(name) || !rts_get(r, name, len))
			return rts_bad(r, "bad timer label");
		name[len] = '\0';
		if (!RTS_GET(r, expires))
			return -EINVAL;
		timer = __idletimer_tg_find_by_label(net, name);
		if (!timer)
			return rts_bad(r, "a timer no rule names");
		timer->expires = (unsigned long)expires;
	}
	return 0;
}

const struct module_info module_info_xt_IDLETIMER = {
	.name = "xt_IDLETIMER",
	.size = 20480,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_IDLETIMER", "ip6t_IDLETIMER"),
	.init = idletimer_tg_init,
	.exit = idletimer_tg_exit,
	.rt_save = idletimer_rt_save,
	.rt_load = idletimer_rt_load,
};
