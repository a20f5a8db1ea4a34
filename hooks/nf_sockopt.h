/* hooks/nf_sockopt.h - the (get|set)sockopt dispatch of net/netfilter/nf_sockopt.c.
 *
 * Protocol families register nf_sockopt_ops with their optname ranges; nf_getsockopt and
 * nf_setsockopt find the owner of an optname and call it.  ip_tables registers
 * IPT_BASE_CTL..IPT_SO_SET_MAX and IPT_BASE_CTL..IPT_SO_GET_MAX for PF_INET.
 * EMU: the ops table is static (nothing else registers sockopts in nfemu yet).
 */
#ifndef NFEMU_SOCKOPT_SHIM_NF_SOCKOPT_H
#define NFEMU_SOCKOPT_SHIM_NF_SOCKOPT_H

struct net;

struct nf_sockopt_ops {
	int pf;
	const char *module;      /* EMU: the module that registers these (must be loaded) */
	int set_optmin, set_optmax;
	int (*set)(struct net *net, int optval, const void *user, unsigned int len);
	int get_optmin, get_optmax;
	int (*get)(struct net *net, int optval, void *user, int *len);
};

/* 0 / revision / -errno; -ENOPROTOOPT when no family owns optval, as Linux. */
/* EMU: net is needed to know whether the owning module is loaded. */
int nf_sockopt_owned(struct net *net, int pf, int optval, int get);

int nf_setsockopt(struct net *net, int pf, int optval, const void *opt, unsigned int len);
int nf_getsockopt(struct net *net, int pf, int optval, void *opt, int *len);


#endif
