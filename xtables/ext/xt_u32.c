/* xtables/ext/xt_u32.c - the "u32" match: arbitrary 32-bit loads, masks and shifts.
 *
 * Mirrors net/netfilter/xt_u32.c: one NFPROTO_UNSPEC registration, checkentry (test,
 * location and value counts within their arrays, shifts below 32) and the match: each test
 * loads a big-endian 32-bit word at an offset from the IP header, applies &, <<, >> and @
 * (move on by the value) and compares the result with its ranges; all tests must pass.
 * A load beyond the packet fails the match (no hotdrop).
 */
#include <arpa/inet.h>
#include <linux/netfilter/xt_u32.h>
#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_u32: " fmt

/* 1 = all tests pass, 0 = one fails, -1 = the packet could not be read. */
static int u32_match_it(const struct xt_u32 *data, const struct sk_buff *skb)
{
	const struct xt_u32_test *ct;
	unsigned int testind;
	unsigned int nnums;
	unsigned int nvals;
	unsigned int i;
	__be32 n;
	u32 pos;
	u32 val;
	u32 at;

	/* Example: "0 >> 28 == 4 && 8 & 0xFF0000 >> 16 = 6, 17" (IPv4 and TCP or UDP).  The
	 * outer loop runs over the "&&" operands. */
	for (testind = 0; testind < data->ntests; ++testind) {
		ct  = &data->tests[testind];
		at  = 0;
		pos = ct->location[0].number;

		if (skb->len < 4 || pos > skb->len - 4)
			return false;

		/* skb_copy_bits cannot fail once the bounds are checked */
		memcpy(&n, skb->data + pos, sizeof(n));

		val   = ntohl(n);
		nnums = ct->nnums;

		/* The inner loop runs over the "&", "<<", ">>" and "@" operands. */
		for (i = 1; i < nnums; ++i) {
			u32 number = ct->location[i].number;

			switch (ct->location[i].nextop) {
			case XT_U32_AND:
				val &= number;
				break;
			case XT_U32_LEFTSH:
				val <<= number;
				break;
			case XT_U32_RIGHTSH:
				val >>= number;
				break;
			case XT_U32_AT:
				if (at + val < at)
					return false;
				at += val;
				pos = number;
				if (at + 4 < at || skb->len < at + 4 || pos > skb->len - at - 4)
					return false;

				memcpy(&n, skb->data + at + pos, sizeof(n));
				val = ntohl(n);
				break;
			}
		}

		/* The "," and ":" operands */
		nvals = ct->nvalues;
		for (i = 0; i < nvals; ++i)
			if (ct->value[i].min <= val && val <= ct->value[i].max)
				break;

		if (i >= ct->nvalues)
			return false;
	}
	return true;
}

static bool u32_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_u32 *data = par->matchinfo;
	int ret;

	ret = u32_match_it(data, skb);
	if (ret < 0) {
		par->hotdrop = true;
		return false;
	}
	return ret ^ data->invert;
}

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
	.match      = u32_mt,
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
