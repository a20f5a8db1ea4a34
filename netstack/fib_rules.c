/* netstack/fib_rules.c - policy routing rules (net/core/fib_rules.c, net/ipv4/fib_rules.c).
 *
 * The rules `ip rule` manages, kept by preference as fib_nl_newrule keeps them; the default
 * ones a net starts with (0 local, 32766 main, 32767 default); __fib_lookup walking them as
 * fib_rules_lookup does (iif, oif, fwmark/mask, from, to, tos, `not`; lookup a table,
 * goto, nop, unreachable/prohibit/blackhole; suppress_prefixlength / suppress_ifgroup).
 * EMU: no uidrange, ipproto, sport/dport, l3mdev, realms or tunnel ids (the topology parser
 * refuses them); rules are never deleted, so devices only ever attach to them.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/fib_rules.h>
#include "kernel/net.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"

/* fib_default_rule_add() */
static int fib_default_rule_add(struct net *net, u32 pref, u32 table)
{
	struct fib_rule *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->action = FR_ACT_TO_TBL;
	r->pref = pref;
	r->table = table;
	r->suppress_prefixlen = -1;
	r->suppress_ifgroup = -1;
	list_add_tail(&r->list, &net->ipv4.fib_rules);
	return 0;
}

/* fib4_rules_init() -> fib_default_rules_init() */
int fib4_rules_init(struct net *net)
{
	int err;

	INIT_LIST_HEAD(&net->ipv4.fib_rules);
	err = fib_default_rule_add(net, 0, RT_TABLE_LOCAL);
	if (!err)
		err = fib_default_rule_add(net, 0x7FFE, RT_TABLE_MAIN);
	if (!err)
		err = fib_default_rule_add(net, 0x7FFF, RT_TABLE_DEFAULT);
	if (err)
		fib4_rules_exit(net);
	net->ipv4.fib_has_custom_rules = false;
	return err;
}

void fib4_rules_exit(struct net *net)
{
	struct fib_rule *r, *n;

	if (!net->ipv4.fib_rules.next)
		return;
	list_for_each_entry_safe(r, n, &net->ipv4.fib_rules, list) {
		list_del(&r->list);
		free(r);
	}
}

/* fib_default_rule_pref(): one below the second rule's preference (the first is 0 local). */
static u32 fib_default_rule_pref(struct net *net)
{
	struct list_head *head = &net->ipv4.fib_rules;

	if (!list_empty(head) && head->next->next != head) {
		struct fib_rule *second = list_entry(head->next->next, struct fib_rule, list);

		if (second->pref)
			return second->pref - 1;
	}
	return 0;
}

static int fib_rule_dev_index(struct net *net, const char *name)
{
	struct net_device *dev;

	if (!name[0])
		return 0;
	dev = dev_get_by_name(net, name);
	return dev ? dev->ifindex : -1;
}

/*
 * fib_nl_newrule() with fib_nl2rule() and fib4_rule_configure(): the rule goes after every
 * rule of a lower or equal preference.  `ip rule add` does not ask for NLM_F_EXCL, so the
 * same rule twice is two rules.  A goto must jump forward.  A table of 0 with a lookup
 * action gets a new empty table (fib_empty_table).
 */
int fib_nl_newrule(struct net *net, const struct fib_rule *tmpl, bool has_pref, const char **extack)
{
	struct fib_rule *rule, *r, *last = NULL;

	rule = calloc(1, sizeof(*rule));
	if (!rule)
		return -ENOMEM;
	*rule = *tmpl;
	INIT_LIST_HEAD(&rule->list);
	rule->ctarget = NULL;
	if (!has_pref)
		rule->pref = fib_default_rule_pref(net);
	rule->iifindex = fib_rule_dev_index(net, rule->iifname);
	rule->oifindex = fib_rule_dev_index(net, rule->oifname);
	if (rule->action == FR_ACT_GOTO) {
		if (rule->target <= rule->pref) {
			*extack = "Backward goto not supported";
			free(rule);
			return -EINVAL;
		}
		list_for_each_entry(r, &net->ipv4.fib_rules, list)
			if (r->pref == rule->target) {
				rule->ctarget = r;
				break;
			}
	}
	/* fib4_rule_configure() */
	if (rule->dscp & 0x03) {
		*extack = "Invalid dsfield (tos): ECN bits must be 0";
		free(rule);
		return -EINVAL;
	}
	if (rule->table == 0 && rule->action == FR_ACT_TO_TBL) {
		rule->table = fib_empty_table(net);
		if (!rule->table) {
			free(rule);
			return -ENOBUFS;
		}
	}
	rule->srcmask = inet_make_mask(rule->src_len);
	rule->dstmask = inet_make_mask(rule->dst_len);
	net->ipv4.fib_has_custom_rules = true;

	list_for_each_entry(r, &net->ipv4.fib_rules, list) {
		if (r->pref > rule->pref)
			break;
		last = r;
	}
	if (last)
		list_add(&rule->list, &last->list);
	else
		list_add(&rule->list, &net->ipv4.fib_rules);
	/* unresolved gotos that point at the new rule */
	list_for_each_entry(r, &net->ipv4.fib_rules, list)
		if (r->action == FR_ACT_GOTO && r->target == rule->pref && !r->ctarget)
			r->ctarget = rule;
	rt_cache_flush(net);
	return 0;
}

/* fib_rules_event(NETDEV_REGISTER) -> attach_rules() */
void fib_rules_attach(struct net_device *dev)
{
	struct net *net = dev_net(dev);
	struct fib_rule *r;

	if (!net->ipv4.fib_rules.next)
		return;
	list_for_each_entry(r, &net->ipv4.fib_rules, list) {
		if (r->iifindex == -1 && !strncmp(dev->name, r->iifname, IFNAMSIZ))
			r->iifindex = dev->ifindex;
		if (r->oifindex == -1 && !strncmp(dev->name, r->oifname, IFNAMSIZ))
			r->oifindex = dev->ifindex;
	}
}

/* fib4_rule_match() */
static bool fib4_rule_match(const struct fib_rule *r, const struct flowi4 *fl4)
{
	if (((fl4->saddr ^ r->src) & r->srcmask) || ((fl4->daddr ^ r->dst) & r->dstmask))
		return false;
	if (r->dscp && r->dscp != (fl4->flowi4_tos & INET_DSCP_MASK))
		return false;
	return true;
}

/* fib_rule_match(): a detached device (-1) never matches; `not` inverts the whole test. */
static bool fib_rule_match(const struct fib_rule *r, const struct flowi4 *fl4)
{
	bool ret = false;

	if (r->iifindex && r->iifindex != fl4->flowi4_iif)
		goto out;
	if (r->oifindex && r->oifindex != fl4->flowi4_oif)
		goto out;
	if ((r->mark ^ fl4->flowi4_mark) & r->mark_mask)
		goto out;
	ret = fib4_rule_match(r, fl4);
out:
	return (r->flags & FIB_RULE_INVERT) ? !ret : ret;
}

/* fib4_rule_action(): a table that does not exist answers -EAGAIN, as does a table with no
 * route for the destination: the walk goes on with the next rule. */
static int fib4_rule_action(struct net *net, const struct fib_rule *r, const struct flowi4 *fl4,
			    struct fib_result *res, unsigned int flags)
{
	switch (r->action) {
	case FR_ACT_TO_TBL:
		break;
	case FR_ACT_UNREACHABLE:
		return -ENETUNREACH;
	case FR_ACT_PROHIBIT:
		return -EACCES;
	case FR_ACT_BLACKHOLE:
	default:
		return -EINVAL;
	}
	if (!fib_table_exists(net, r->table))
		return -EAGAIN;
	return fib_table_lookup(net, r->table, fl4, res, flags);
}

/* fib4_rule_suppress(): refuse a result whose prefix is too short or whose device is in a
 * forbidden group, and go on with the next rule. */
static bool fib4_rule_suppress(const struct fib_rule *r, const struct fib_result *res)
{
	const struct net_device *dev = res->fi ? res->nhc->fib_nh_dev : NULL;

	if ((int)res->prefixlen <= r->suppress_prefixlen)
		return true;
	if (r->suppress_ifgroup != -1 && dev && dev->group == (u32)r->suppress_ifgroup)
		return true;
	return false;
}

/* fib_rules_lookup() for IPv4, and __fib_lookup's -ESRCH -> -ENETUNREACH. */
int __fib_lookup(struct net *net, const struct flowi4 *flp, struct fib_result *res, unsigned int flags)
{
	struct fib_rule *rule;
	int err = -ESRCH;

	res->tclassid = 0;
	list_for_each_entry(rule, &net->ipv4.fib_rules, list) {
jumped:
		if (!fib_rule_match(rule, flp))
			continue;
		if (rule->action == FR_ACT_GOTO) {
			if (!rule->ctarget)
				continue;
			rule = rule->ctarget;
			goto jumped;
		} else if (rule->action == FR_ACT_NOP) {
			continue;
		}
		err = fib4_rule_action(net, rule, flp, res, flags);
		if (!err && fib4_rule_suppress(rule, res))
			continue;
		if (err != -EAGAIN)
			goto out;
	}
	err = -ESRCH;
out:
	return err == -ESRCH ? -ENETUNREACH : err;
}
