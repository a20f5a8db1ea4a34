/* xtables/ext/xt_owner.c - the "owner" match: uid/gid/socket of locally generated packets.
 *
 * Mirrors net/netfilter/xt_owner.c: OUTPUT/POSTROUTING only (xt_check_match); owner_check
 * refuses unknown flags and bad uid/gid ranges; owner_mt reads the sending socket (skb->sk).
 * Leaves out: user namespaces, supplementary groups (EMU: nfemu's sockets have none).
 */
#include <linux/netfilter/xt_owner.h>

#include "kernel/module.h"
#include "netstack/skbuff.h"
#include "netstack/sock.h"
#include "xtables/x_tables.h"

static bool owner_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_owner_match_info *info = par->matchinfo;
	/* a request sock answers for its listener, a TIME_WAIT sock for no one */
	const struct sock *sk = skb_to_full_sk(skb);

	/* No socket (forwarded packets), or one its application closed: only what is inverted
	 * matches, e.g. ! --socket-exists. */
	if (!sk || !sk_has_socket(sk))
		return (info->match ^ info->invert) == 0;
	else if (info->match & info->invert & XT_OWNER_SOCKET)
		/* Socket exists but user wanted ! --socket-exists.  (Single ampersands intended.) */
		return false;

	/* A kernel socket has no file (filp == NULL): only the uid/gid tests decide. */
	if (sk->sk_kern_sock)
		return ((info->match ^ info->invert) & (XT_OWNER_UID | XT_OWNER_GID)) == 0;

	if (info->match & XT_OWNER_UID) {
		if ((sk->sk_uid >= info->uid_min && sk->sk_uid <= info->uid_max) ^
		    !(info->invert & XT_OWNER_UID))
			return false;
	}

	/* EMU: the credentials of the file are the socket's sk_uid/sk_gid. */
	if (info->match & XT_OWNER_GID) {
		bool match = false;

		if (sk->sk_gid >= info->gid_min && sk->sk_gid <= info->gid_max)
			match = true;
		/* XT_OWNER_SUPPL_GROUPS: EMU: no supplementary groups to search. */
		if (match ^ !(info->invert & XT_OWNER_GID))
			return false;
	}

	return true;
}

/* make_kuid() in the init user namespace: identity; (uid_t)-1 is INVALID_UID. */
static bool owner_id_valid(u32 id)
{
	return id != (u32)-1;
}

static int owner_check(const struct xt_mtchk_param *par)
{
	struct xt_owner_match_info *info = par->matchinfo;

	if (info->match & ~XT_OWNER_MASK) {
		/* EMU: the kernel refuses silently here and below; the reasons are nfemu's. */
		pr_debug(par->net, "xt_owner: unknown flags 0x%x", info->match & ~XT_OWNER_MASK);
		return -EINVAL;
	}

	/* EMU: the kernel also refuses uid/gid matches from a writer outside the net's user
	 * namespace; every nfemu writer is in the init namespace, where uids map to themselves. */

	/* Ensure the uids are valid */
	if (info->match & XT_OWNER_UID) {
		if (!owner_id_valid(info->uid_min) || !owner_id_valid(info->uid_max) ||
		    info->uid_max < info->uid_min) {
			pr_debug(par->net, "xt_owner: invalid uid range %u-%u",
				 info->uid_min, info->uid_max);
			return -EINVAL;
		}
	}

	/* Ensure the gids are valid */
	if (info->match & XT_OWNER_GID) {
		if (!owner_id_valid(info->gid_min) || !owner_id_valid(info->gid_max) ||
		    info->gid_max < info->gid_min) {
			pr_debug(par->net, "xt_owner: invalid gid range %u-%u",
				 info->gid_min, info->gid_max);
			return -EINVAL;
		}
	}

	return 0;
}

static const struct xt_match owner_mt_reg[] = {
	{
		.name		= "owner",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.match		= owner_mt,
		.checkentry	= owner_check,
		.matchsize	= sizeof(struct xt_owner_match_info),
		.hooks		= (1 << NF_INET_LOCAL_OUT) | (1 << NF_INET_POST_ROUTING),
	},
};

static int owner_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, owner_mt_reg, ARRAY_SIZE(owner_mt_reg));
}

static void owner_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, owner_mt_reg, ARRAY_SIZE(owner_mt_reg));
}

const struct module_info module_info_xt_owner = {
	.name = "xt_owner",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_owner", "ip6t_owner"),
	.init = owner_mt_init,
	.exit = owner_mt_exit,
};
