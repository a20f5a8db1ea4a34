/* xtables/ext/xt_u32.c - the "u32" match: arbitrary 32-bit loads, masks and shifts.
 *
 * Mirrors net/netfilter/xt_u32.c: one NFPROTO_UNSPEC registration and checkentry (test,
 * location and value counts within their arrays, shifts below 32).  Leaves out the packet
 * path (.match is NULL: not emulated at run time yet).
 */
#include <linux/netfilter/xt_u32.h>
#include "emu/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_u32: " fmt

static int u32_mt_checkentry(const struct xt_mtchk_param *par)
{
	const struct xt_u32 *data = par->matchinfo;
	const struct xt_u32_test *ct;
	unsigned int i, j;

	if (data->ntests > ARRAY_SIZE(data->tests))
		goto bad;

	for (i = 0; i < data->ntests; ++i) {
		ct = &data->tests[i];

		if (ct->nnums > ARRAY_SIZE(ct->location) ||
		    ct->nvalues > ARRAY_SIZE(ct->value))
			goto bad;

		for (j = 1; j < ct->nnums; ++j) {
			switch (ct->location[j].nextop) {
			case XT_U32_LEFTSH:
			case XT_U32_RIGHTSH:
				if (ct->location[j].number >= 32)
					goto bad;
				break;
			}
		}
	}
	return 0;
bad:
	/* EMU: the kernel refuses silently; say why at debug level. */
	pr_debug(par->net, pr_fmt("malformed test list\n"));
	return -EINVAL;
}

static const struct xt_match xt_u32_mt_reg = {
	.name       = "u32",
	.revision   = 0,
	.family     = NFPROTO_UNSPEC,
	.checkentry = u32_mt_checkentry,
	.matchsize  = sizeof(struct xt_u32),
};

static int u32_mt_init(struct net *net, struct module *mod)
{
	return xt_register_match(net, mod, &xt_u32_mt_reg);
}

static void u32_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_match(net, &xt_u32_mt_reg);
}

const struct module_info module_info_xt_u32 = {
	.name = "xt_u32",
	.size = 12288,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_u32", "ip6t_u32"),
	.init = u32_mt_init,
	.exit = u32_mt_exit,
};
