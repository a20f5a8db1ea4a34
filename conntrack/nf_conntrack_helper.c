/* conntrack/nf_conntrack_helper.c - the helper registry: register/unregister, find by name
 * with a module reference, attach to a new connection from its template, log a helper's drop.
 *
 * Mirrors net/netfilter/nf_conntrack_helper.c (Linux 6.x: no automatic assignment by port, so
 * a helper reaches a connection only through a template, CT --helper, or an expectation's
 * assign_helper).  Helpers run from nf_confirm (nf_conntrack_proto.c).
 * EMU: the registry (and the expectfn registry) are per-net lists (Linux: the global
 * nf_ct_helper_hash); no nf_nat_helper_try_module_get (iptables' CT target never calls it);
 * no userspace helpers (nfnetlink_cthelper).  The helpers this machine's kernel has built in but nfemu does not emulate are
 * registered as stand-ins with no help(): `CT --helper irc` is accepted and the entry lists
 * helper=irc, but no expectation is ever made.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <netinet/in.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "hooks/nf_log.h"

struct nf_conntrack_helper *__nf_conntrack_helper_find(struct net *net, const char *name,
							u16 l3num, u8 protonum)
{
	struct nf_conntrack_helper *h;

	if (!net->ct.ready)
		return NULL;
	list_for_each_entry(h, &net->ct.helpers, list) {
		if (strcmp(h->name, name))
			continue;
		if (h->tuple.src.l3num != NFPROTO_UNSPEC && h->tuple.src.l3num != l3num)
			continue;
		if (h->tuple.dst.protonum == protonum)
			return h;
	}
	return NULL;
}

struct nf_conntrack_helper *nf_conntrack_helper_try_module_get(struct net *net, const char *name,
							       u16 l3num, u8 protonum)
{
	struct nf_conntrack_helper *h;

	h = __nf_conntrack_helper_find(net, name, l3num, protonum);
	if (h == NULL) {
		if (request_module(net, "nfct-helper-%s", name) != 0)
			return NULL;
		h = __nf_conntrack_helper_find(net, name, l3num, protonum);
	}
	if (h != NULL && h->me && !try_module_get(h->me))
		h = NULL;
	if (h != NULL && h->refcnt == 0) {     /* refcount_inc_not_zero */
		if (h->me)
			module_put(h->me);
		h = NULL;
	}
	if (h)
		h->refcnt++;
	return h;
}

void nf_conntrack_helper_put(struct nf_conntrack_helper *helper)
{
	helper->refcnt--;
	if (helper->me)
		module_put(helper->me);
}

struct nf_conn_help *nf_ct_helper_ext_add(struct nf_conn *ct)
{
	struct nf_conn_help *help = nf_ct_ext_add(ct, NF_CT_EXT_HELPER);

	if (help) {
		ct->status |= IPS_HELPER;
		INIT_LIST_HEAD(&help->expectations);
	}
	return help;
}

int __nf_ct_try_assign_helper(struct nf_conn *ct, struct nf_conn *tmpl)
{
	const struct nf_conntrack_helper *helper = NULL;
	struct nf_conn_help *help;

	/* We already got a helper explicitly attached (e.g. nft_ct) */
	if (ct->status & IPS_HELPER)
		return 0;
	if (!tmpl)
		return 0;

	help = nfct_help(tmpl);
	if (help)
		helper = help->helper;

	help = nfct_help(ct);
	if (helper == NULL) {
		if (help)
			help->helper = NULL;
		return 0;
	}

	if (help == NULL) {
		help = nf_ct_helper_ext_add(ct);
		if (help == NULL)
			return -ENOMEM;
	} else {
		/* We only allow helper re-assignment of the same sort since we cannot
		 * reallocate the helper extension area. */
		const struct nf_conntrack_helper *tmp = help->helper;

		if (tmp && tmp->help != helper->help) {
			help->helper = NULL;
			return 0;
		}
	}
	help->helper = helper;
	return 0;
}

/* appropriate ct lock protecting must be taken by caller */
static int unhelp(struct nf_conn *ct, void *me)
{
	struct nf_conn_help *help = nfct_help(ct);

	if (help && help->helper == me) {
		nf_conntrack_event(IPCT_HELPER, ct);
		help->helper = NULL;
	}
	/* We are not intended to delete this conntrack. */
	return 0;
}

void nf_ct_helper_destroy(struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);

	if (help && help->helper && help->helper->destroy)
		help->helper->destroy(ct);
}

void nf_ct_helper_log(struct sk_buff *skb, const struct nf_conn *ct, const char *fmt, ...)
{
	/* Called from the helper function, this call never fails */
	const struct nf_conn_help *help = nfct_help(ct);
	char msg[200];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	nf_log_packet(nf_ct_net(ct), (u8)nf_ct_l3num(ct), 0, skb, NULL, NULL, NULL,
		      "nf_ct_%s: dropping packet: %s ", help->helper->name, msg);
}

int nf_conntrack_helper_register(struct net *net, struct nf_conntrack_helper *me)
{
	struct nf_conntrack_tuple_mask mask = { .src.u.all = htons(0xFFFF) };
	struct nf_conntrack_helper *cur;

	if (!me->expect_policy || me->expect_class_max >= NF_CT_MAX_EXPECT_CLASSES ||
	    strlen(me->name) > NF_CT_HELPER_NAME_LEN - 1)
		return -EINVAL;         /* BUG_ON() in Linux */
	if (!net->ct.ready)
		return -ENOENT;
	if (me->expect_policy->max_expected > NF_CT_EXPECT_MAX_CNT)
		return -EINVAL;

	list_for_each_entry(cur, &net->ct.helpers, list) {
		if (!strcmp(cur->name, me->name) &&
		    (cur->tuple.src.l3num == NFPROTO_UNSPEC ||
		     cur->tuple.src.l3num == me->tuple.src.l3num) &&
		    cur->tuple.dst.protonum == me->tuple.dst.protonum)
			return -EBUSY;
	}
	/* avoid unpredictable behaviour for auto_assign_helper.  EMU: Linux compares within
	 * one bucket of its helper hash, whose function makes equal tuples share a bucket. */
	if (!(me->flags & NF_CT_HELPER_F_USERSPACE)) {
		list_for_each_entry(cur, &net->ct.helpers, list) {
			if (nf_ct_tuple_src_mask_cmp(&cur->tuple, &me->tuple, &mask))
				return -EBUSY;
		}
	}
	me->refcnt = 1;
	list_add(&me->list, &net->ct.helpers);
	return 0;
}

static bool expect_iter_me(struct nf_conntrack_expect *exp, void *data)
{
	const struct nf_conntrack_helper *me = data;

	return exp->helper == me || exp->assign_helper == me;
}

void nf_conntrack_helper_unregister(struct net *net, struct nf_conntrack_helper *me)
{
	struct nf_ct_iter_data iter_data = { .net = net, .data = me };

	list_del_init(&me->list);
	nf_ct_expect_iterate_destroy(net, expect_iter_me, me);
	/* EMU: nf_ct_iterate_destroy walks every netns; unconfirmed entries exist only while
	 * a packet is in flight, never when a module is unloaded */
	nf_ct_iterate_cleanup_net(unhelp, &iter_data);
}

void nf_ct_helper_init(struct nf_conntrack_helper *helper, u16 l3num, u16 protonum,
		       const char *name, u16 default_port, u16 spec_port, u32 id,
		       const struct nf_conntrack_expect_policy *exp_pol, u32 expect_class_max,
		       int (*help)(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
				   enum ip_conntrack_info ctinfo),
		       struct module *module)
{
	helper->tuple.src.l3num = l3num;
	helper->tuple.dst.protonum = (u8)protonum;
	helper->tuple.src.u.all = htons(spec_port);
	helper->expect_policy = exp_pol;
	helper->expect_class_max = expect_class_max;
	helper->help = help;
	helper->me = module;
	INIT_LIST_HEAD(&helper->list);
	snprintf(helper->nat_mod_name, sizeof(helper->nat_mod_name), NF_NAT_HELPER_PREFIX "%s", name);
	if (spec_port == default_port)
		snprintf(helper->name, sizeof(helper->name), "%s", name);
	else
		snprintf(helper->name, sizeof(helper->name), "%s-%u", name, id);
}

int nf_conntrack_helpers_register(struct net *net, struct nf_conntrack_helper *helper,
				  unsigned int n)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n; i++) {
		err = nf_conntrack_helper_register(net, &helper[i]);
		if (err < 0)
			goto err;
	}
	return err;
err:
	if (i > 0)
		nf_conntrack_helpers_unregister(net, helper, i);
	return err;
}

void nf_conntrack_helpers_unregister(struct net *net, struct nf_conntrack_helper *helper,
				     unsigned int n)
{
	while (n-- > 0)
		nf_conntrack_helper_unregister(net, &helper[n]);
}

/* ------------------------------------------------------------------------------------------
 * EMU: the stand-ins for the helpers built into the kernel this machine runs
 */

/* name, layer 4, port and address family as each helper's module registers it (the IPv4
 * registration; H.245 registers once for NFPROTO_UNSPEC).  Their policies are not used. */
static const struct {
	const char *name;
	u8 l3num, protonum;
	u16 port;
} nf_ct_builtin_helpers[] = {
	{ "irc",        NFPROTO_IPV4,   IPPROTO_TCP, 6667 },
	{ "tftp",       NFPROTO_IPV4,   IPPROTO_UDP, 69 },
	{ "amanda",     NFPROTO_IPV4,   IPPROTO_UDP, 10080 },
	{ "netbios-ns", NFPROTO_IPV4,   IPPROTO_UDP, 137 },
	{ "snmp",       NFPROTO_IPV4,   IPPROTO_UDP, 161 },
	{ "snmp_trap",  NFPROTO_IPV4,   IPPROTO_UDP, 162 },
	{ "pptp",       NFPROTO_IPV4,   IPPROTO_TCP, 1723 },
	{ "sane",       NFPROTO_IPV4,   IPPROTO_TCP, 6566 },
	{ "sip",        NFPROTO_IPV4,   IPPROTO_UDP, 5060 },
	{ "sip",        NFPROTO_IPV4,   IPPROTO_TCP, 5060 },
	{ "RAS",        NFPROTO_IPV4,   IPPROTO_UDP, 1719 },
	{ "Q.931",      NFPROTO_IPV4,   IPPROTO_TCP, 1720 },
	{ "H.245",      NFPROTO_UNSPEC, IPPROTO_UDP, 0 },
};

static const struct nf_conntrack_expect_policy nf_ct_builtin_policy = {
	.max_expected = 1,
	.timeout = 5 * 60,
};

int nf_conntrack_helper_pernet_init(struct net *net)
{
	struct nf_conntrack_helper *h;
	int ret;

	INIT_LIST_HEAD(&net->ct.helpers);
	h = calloc(ARRAY_SIZE(nf_ct_builtin_helpers), sizeof(*h));
	if (!h)
		return -ENOMEM;
	for (size_t i = 0; i < ARRAY_SIZE(nf_ct_builtin_helpers); i++)
		nf_ct_helper_init(&h[i], nf_ct_builtin_helpers[i].l3num,
				  nf_ct_builtin_helpers[i].protonum, nf_ct_builtin_helpers[i].name,
				  nf_ct_builtin_helpers[i].port, nf_ct_builtin_helpers[i].port, 0,
				  &nf_ct_builtin_policy, 0, NULL, NULL);
	ret = nf_conntrack_helpers_register(net, h, ARRAY_SIZE(nf_ct_builtin_helpers));
	if (ret < 0) {
		free(h);
		return ret;
	}
	net->ct.builtin_helpers = h;
	return 0;
}

void nf_conntrack_helper_pernet_fini(struct net *net)
{
	struct nf_conntrack_helper *h = net->ct.builtin_helpers;

	if (!h)
		return;
	nf_conntrack_helpers_unregister(net, h, ARRAY_SIZE(nf_ct_builtin_helpers));
	free(h);
	net->ct.builtin_helpers = NULL;
}

/* ------------------------------------------------------------------------ expectfn registry */

void nf_ct_helper_expectfn_register(struct net *net, struct nf_ct_helper_expectfn *n)
{
	list_add(&n->head, &net->ct.expectfn_list);
}

void nf_ct_helper_expectfn_unregister(struct net *net, struct nf_ct_helper_expectfn *n)
{
	(void)net;
	list_del_init(&n->head);
}

struct nf_ct_helper_expectfn *nf_ct_helper_expectfn_find_by_name(struct net *net, const char *name)
{
	struct nf_ct_helper_expectfn *cur;

	list_for_each_entry(cur, &net->ct.expectfn_list, head)
		if (!strcmp(cur->name, name))
			return cur;
	return NULL;
}

struct nf_ct_helper_expectfn *nf_ct_helper_expectfn_find_by_symbol(struct net *net,
								   const void *symbol)
{
	struct nf_ct_helper_expectfn *cur;

	list_for_each_entry(cur, &net->ct.expectfn_list, head)
		if ((const void *)cur->expectfn == symbol)
			return cur;
	return NULL;
}
