/* xtables/ext/xt_connlimit.c - the "connlimit" match: how many connections a source (or
 * destination) address or network has open.
 *
 * Mirrors net/netfilter/xt_connlimit.c (revision 1, NFPROTO_IPV4 registration) and the
 * checks of nf_conncount_init() in net/netfilter/nf_conncount.c: each rule gets its own
 * counting data, stored in the kernel-only tail of the matchinfo (info->data, hidden from
 * GET_ENTRIES by usersize).
 * Leaves out: connlimit_mt and the connection counting itself (needs conntrack/).
 */
#include <stdlib.h>
#include <linux/netfilter.h>
#include <linux/netfilter/xt_connlimit.h>
#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

/* The key is the (masked) address plus the conntrack zone id, in u32 words. */
#define MAX_KEYLEN 5

/* EMU: the per-rule data of nf_conncount (nf_conncount.c keeps an rbtree of connection
 * lists per key); until the packet path counts connections it only remembers its key
 * length.  It stays private to this file until nf_conncount gets its own. */
struct nf_conncount_data {
	unsigned int keylen;
};

static struct nf_conncount_data *nf_conncount_init(struct net *net, unsigned int keylen)
{
	struct nf_conncount_data *data;

	(void)net;
	if (keylen % sizeof(u32) || keylen / sizeof(u32) > MAX_KEYLEN || keylen == 0)
		return ERR_PTR(-EINVAL);
	data = calloc(1, sizeof(*data));
	if (!data)
		return ERR_PTR(-ENOMEM);
	data->keylen = keylen;
	return data;
}

static void nf_conncount_destroy(struct net *net, struct nf_conncount_data *data)
{
	(void)net;
	free(data);
}

static int connlimit_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_connlimit_info *info = par->matchinfo;
	unsigned int keylen;
	int ret;

	keylen = sizeof(u32);
	if (par->family == NFPROTO_IPV6)
		keylen += sizeof(struct in6_addr);
	else
		keylen += sizeof(struct in_addr);

	ret = nf_ct_netns_get(par->net, par->family);
	if (ret < 0) {
		pr_info_ratelimited(par->net, "xt_connlimit: cannot load conntrack support for proto=%u\n",
				    par->family);
		return ret;
	}

	/* init private data */
	info->data = nf_conncount_init(par->net, keylen);
	if (IS_ERR(info->data)) {
		ret = PTR_ERR(info->data);
		info->data = NULL;
		nf_ct_netns_put(par->net, par->family);
		return ret;
	}
	return 0;
}

static void connlimit_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_connlimit_info *info = par->matchinfo;

	nf_conncount_destroy(par->net, info->data);
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_match connlimit_mt_reg[] = {
	{
		.name       = "connlimit",
		.revision   = 1,
		.family     = NFPROTO_IPV4,
		.checkentry = connlimit_mt_check,
		.matchsize  = sizeof(struct xt_connlimit_info),
		.usersize   = offsetof(struct xt_connlimit_info, data),
		.destroy    = connlimit_mt_destroy,
	},
};

static int connlimit_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, connlimit_mt_reg, ARRAY_SIZE(connlimit_mt_reg));
}

static void connlimit_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, connlimit_mt_reg, ARRAY_SIZE(connlimit_mt_reg));
}

const struct module_info module_info_xt_connlimit = {
	.name = "xt_connlimit",
	.size = 12288,
	.depends = MODULE_DEPS("nf_conncount", "nf_conntrack", "x_tables"),
	.aliases = MODULE_ALIASES("ipt_connlimit", "ip6t_connlimit"),
	.init = connlimit_mt_init,
	.exit = connlimit_mt_exit,
};
