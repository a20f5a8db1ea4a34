/* xtables/ext/xt_TEE.c - the "TEE" target (rev 1): send a copy of the packet to a gateway.
 *
 * Mirrors net/netfilter/xt_TEE.c: tee_tg_check refuses the all-zero gateway and an unterminated
 * --oif; with --oif the rule gets private state (priv; usersize stops before it).  Leaves out:
 * the packet path (tee_tg4 is NULL: the copy re-enters the tables from inside ipt_do_table,
 * which needs its second jumpstack and a per-net nf_skb_duplicated flag), IPv6.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_TEE.h>

#include "kernel/module.h"
#include "xtables/x_tables.h"

struct xt_tee_priv {
	struct xt_tee_tginfo *tginfo;
	int oif;
};

static const union nf_inet_addr tee_zero_address;

static int tee_tg_check(const struct xt_tgchk_param *par)
{
	struct xt_tee_tginfo *info = par->targinfo;
	struct xt_tee_priv *priv;

	/* 0.0.0.0 and :: not allowed */
	if (memcmp(&info->gw, &tee_zero_address, sizeof(tee_zero_address)) == 0) {
		pr_debug(par->net, "xt_TEE: no gateway");	/* EMU: silent in the kernel */
		return -EINVAL;
	}

	if (info->oif[0]) {
		if (info->oif[sizeof(info->oif) - 1] != '\0') {
			pr_debug(par->net, "xt_TEE: oif is not null-terminated");	/* EMU: silent */
			return -EINVAL;
		}

		priv = calloc(1, sizeof(*priv));
		if (priv == NULL)
			return -ENOMEM;

		priv->tginfo = info;
		/* EMU: nfemu has no net devices here, so dev_get_by_name() finds none and the index
		 * stays -1, as the kernel stores it for a device that does not exist yet; the
		 * netdevice notifier that would update it is left out. */
		priv->oif = -1;
		info->priv = priv;
	} else {
		info->priv = NULL;
	}

	return 0;
}

static void tee_tg_destroy(const struct xt_tgdtor_param *par)
{
	struct xt_tee_tginfo *info = par->targinfo;

	free(info->priv);
}

static const struct xt_target tee_tg_reg[] = {
	{
		.name		= "TEE",
		.target		= xt_unemulated_target,
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.targetsize	= sizeof(struct xt_tee_tginfo),
		.usersize	= offsetof(struct xt_tee_tginfo, priv),
		.checkentry	= tee_tg_check,
		.destroy	= tee_tg_destroy,
	},
};

static int tee_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, tee_tg_reg, ARRAY_SIZE(tee_tg_reg));
}

static void tee_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, tee_tg_reg, ARRAY_SIZE(tee_tg_reg));
}

/* EMU: the kernel module also depends on nf_dup_ipv4/nf_dup_ipv6, which nfemu does not list. */
const struct module_info module_info_xt_TEE = {
	.name = "xt_TEE",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_TEE", "ip6t_TEE"),
	.init = tee_tg_init,
	.exit = tee_tg_exit,
};
