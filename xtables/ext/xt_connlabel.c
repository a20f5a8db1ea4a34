/* xtables/ext/xt_connlabel.c - the "connlabel" match: test (and with --set, set) one of the
 * 128 conntrack label bits.
 *
 * Mirrors net/netfilter/xt_connlabel.c with nf_connlabels_get/put of
 * net/netfilter/nf_conntrack_labels.c: unknown option bits are EINVAL, a bit beyond the
 * label area is ERANGE, and every rule counts as a label user of the netns.
 * Leaves out: connlabel_mt (needs conntrack/ and its label extension).
 */
#include <stdlib.h>
#include <linux/netfilter/xt_connlabel.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

/* Size of the label area of a connection: XT_CONNLABEL_MAXBIT + 1 bits. */
#define NF_CT_LABELS_MAX_SIZE ((XT_CONNLABEL_MAXBIT + 1) / 8)
#define BITS_PER_LONG (8 * sizeof(long))

/* EMU: Linux counts label users in net->ct.labels_used (nf_conntrack_labels.c) so that
 * conntrack only adds the label extension when some rule needs it; nfemu keeps that
 * counter in the NET_GENERIC_CONNLABEL slot, allocated while this module is loaded. */
struct connlabel_net {
	unsigned int labels_used;
};

static int nf_connlabels_get(struct net *net, unsigned int bits)
{
	struct connlabel_net *cn = net_generic(net, NET_GENERIC_CONNLABEL);

	if (bits / BITS_PER_LONG >= NF_CT_LABELS_MAX_SIZE / sizeof(long))
		return -ERANGE;
	cn->labels_used++;
	return 0;
}

static void nf_connlabels_put(struct net *net)
{
	struct connlabel_net *cn = net_generic(net, NET_GENERIC_CONNLABEL);

	if (cn->labels_used)
		cn->labels_used--;
}

static int connlabel_mt_check(const struct xt_mtchk_param *par)
{
	const int options = XT_CONNLABEL_OP_INVERT | XT_CONNLABEL_OP_SET;
	const struct xt_connlabel_mtinfo *info = par->matchinfo;
	int ret;

	if (info->options & ~options) {
		pr_info_ratelimited(par->net, "Unknown options in mask %x\n", info->options);
		return -EINVAL;
	}

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0) {
		pr_info_ratelimited(par->net, "cannot load conntrack support for proto=%u\n",
				    par->family);
		return ret;
	}

	ret = nf_connlabels_get(par->net, info->bit);
	if (ret < 0) {
		/* EMU: the kernel returns ERANGE without a word; the debug line says why. */
		pr_debug(par->net, "xt_connlabel: label bit %u out of range (max %u)\n",
			 info->bit, XT_CONNLABEL_MAXBIT);
		nf_ct_netns_put(par->net, par->family);
	}
	return ret;
}

static void connlabel_mt_destroy(const struct xt_mtdtor_param *par)
{
	nf_connlabels_put(par->net);
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match connlabels_mt_reg = {
	.name       = "connlabel",
	.match     = xt_unemulated_match,
	.family     = NFPROTO_UNSPEC,
	.checkentry = connlabel_mt_check,
	.matchsize  = sizeof(struct xt_connlabel_mtinfo),
	.destroy    = connlabel_mt_destroy,
};

static int connlabel_mt_init(struct net *net, struct module *mod)
{
	struct connlabel_net *cn;
	int ret;

	cn = calloc(1, sizeof(*cn));
	if (!cn)
		return -ENOMEM;
	net->gen[NET_GENERIC_CONNLABEL] = cn;
	ret = xt_register_match(net, mod, &connlabels_mt_reg);
	if (ret < 0) {
		net->gen[NET_GENERIC_CONNLABEL] = NULL;
		free(cn);
	}
	return ret;
}

static void connlabel_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &connlabels_mt_reg);
	free(net->gen[NET_GENERIC_CONNLABEL]);
	net->gen[NET_GENERIC_CONNLABEL] = NULL;
}

const struct module_info module_info_xt_connlabel = {
	.name = "xt_connlabel",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_connlabel", "ip6t_connlabel"),
	.init = connlabel_mt_init,
	.exit = connlabel_mt_exit,
};
