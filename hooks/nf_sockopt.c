/* hooks/nf_sockopt.c - nf_getsockopt/nf_setsockopt: route an optname to its owner.
 * Mirrors net/netfilter/nf_sockopt.c (see nf_sockopt.h). */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "hooks/nf_sockopt.h"
#include "xtables/ip_tables.h"
#include "kernel/module.h"

static const struct nf_sockopt_ops ipt_sockopts = {
	.pf = PF_INET,
	.module = "ip_tables",
	.set_optmin = IPT_BASE_CTL,
	.set_optmax = IPT_SO_SET_MAX + 1,
	.set = do_ipt_set_ctl,
	.get_optmin = IPT_BASE_CTL,
	.get_optmax = IPT_SO_GET_MAX + 1,
	.get = do_ipt_get_ctl,
};

static const struct nf_sockopt_ops *const nf_sockopts[] = { &ipt_sockopts };

static const struct nf_sockopt_ops *nf_sockopt_find(struct net *net, int pf, int val, int get)
{
	for (unsigned int i = 0; i < sizeof(nf_sockopts) / sizeof(nf_sockopts[0]); i++) {
		const struct nf_sockopt_ops *ops = nf_sockopts[i];

		if (ops->pf != pf || !find_module(net, ops->module))
			continue;
		if (get && val >= ops->get_optmin && val < ops->get_optmax)
			return ops;
		if (!get && val >= ops->set_optmin && val < ops->set_optmax)
			return ops;
	}
	return NULL;
}

int nf_sockopt_owned(struct net *net, int pf, int optval, int get)
{
	return nf_sockopt_find(net, pf, optval, get) != NULL;
}

int nf_setsockopt(struct net *net, int pf, int val, const void *opt, unsigned int len)
{
	const struct nf_sockopt_ops *ops = nf_sockopt_find(net, pf, val, 0);

	return ops ? ops->set(net, val, opt, len) : -ENOPROTOOPT;
}

int nf_getsockopt(struct net *net, int pf, int val, void *opt, int *len)
{
	const struct nf_sockopt_ops *ops = nf_sockopt_find(net, pf, val, 1);

	return ops ? ops->get(net, val, opt, len) : -ENOPROTOOPT;
}
