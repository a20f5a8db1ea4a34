/* xtables/ext/xt_AUDIT.c - the "AUDIT" target: emit an audit record for matching packets.
 *
 * Mirrors net/netfilter/xt_AUDIT.c: audit_tg_check (ERANGE past reject) and audit_tg's
 * NETFILTER_PKT record.  EMU: no audit log: the record is a NOTE, written as if auditing were
 * enabled (Linux: auditd running or audit=1).  Leaves out: the bridge registration.
 */
#include <arpa/inet.h>
#include <linux/netfilter/xt_AUDIT.h>

#include "kernel/module.h"
#include "netstack/ip.h"
#include "xtables/x_tables.h"

static unsigned int audit_tg(struct sk_buff *skb, const struct xt_action_param *par)
{
	const struct iphdr *ih = skb_header_pointer(skb, skb_network_offset(skb), sizeof(*ih), NULL);
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	/* The kernel's "mark=%#x" always has the 0x (glibc's %#x prints 0 bare). */
	if (ih) {
		inet_ntop(AF_INET, &ih->saddr, s, sizeof(s));
		inet_ntop(AF_INET, &ih->daddr, d, sizeof(d));
		nfemu_note(xt_net(par), skb, NULL,
			   "audit: NETFILTER_PKT mark=0x%x saddr=%s daddr=%s proto=%u",
			   skb->mark, s, d, ih->protocol);
	} else {
		nfemu_note(xt_net(par), skb, NULL,
			   "audit: NETFILTER_PKT mark=0x%x saddr=? daddr=? proto=-1", skb->mark);
	}
	return XT_CONTINUE;
}

static int audit_tg_check(const struct xt_tgchk_param *par)
{
	const struct xt_audit_info *info = par->targinfo;

	if (info->type > XT_AUDIT_TYPE_MAX) {
		pr_info_ratelimited(par->net, "xt_AUDIT: Audit type out of range (valid range: 0..%u)",
				    XT_AUDIT_TYPE_MAX);
		return -ERANGE;
	}

	return 0;
}

static const struct xt_target audit_tg_reg[] = {
	{
		.name		= "AUDIT",
		.family		= NFPROTO_UNSPEC,
		.target		= audit_tg,
		.checkentry	= audit_tg_check,
		.targetsize	= sizeof(struct xt_audit_info),
	},
};

static int audit_tg_init(struct net *net, struct module *mod)
{
	return xt_register_targets(net, mod, audit_tg_reg, ARRAY_SIZE(audit_tg_reg));
}

static void audit_tg_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_targets(net, audit_tg_reg, ARRAY_SIZE(audit_tg_reg));
}

const struct module_info module_info_xt_AUDIT = {
	.name = "xt_AUDIT",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_AUDIT", "ip6t_AUDIT", "ebt_AUDIT", "arpt_AUDIT"),
	.init = audit_tg_init,
	.exit = audit_tg_exit,
};
