/* xtables/ext/ipt_SYNPROXY.c - the SYNPROXY target: answer TCP SYNs with syncookies and open
 * the server connection only for clients that complete the handshake.
 *
 * Mirrors net/ipv4/netfilter/ipt_SYNPROXY.c, so the module is called ipt_SYNPROXY as in
 * Linux (CONFIG_IP_NF_TARGET_SYNPROXY): INPUT/FORWARD only, and checkentry requires a
 * non-inverted "-p tcp" before taking conntrack and the synproxy hooks.
 * Leaves out: synproxy_tg4 and the hooks nf_synproxy_ipv4_init() registers (need
 * conntrack/ and TCP).
 */
#include <netinet/in.h>
#include <linux/netfilter/xt_SYNPROXY.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"

/* EMU: nf_synproxy_core registers its LOCAL_IN/POST_ROUTING hooks for the first SYNPROXY
 * rule of a netns (hook_ref4); with no packet path there is nothing to register yet. */
static inline int nf_synproxy_ipv4_init(struct net *net) { (void)net; return 0; }
static inline void nf_synproxy_ipv4_fini(struct net *net) { (void)net; }

static int synproxy_tg4_check(const struct xt_tgchk_param *par)
{
	const struct ipt_entry *e = par->entryinfo;
	int err;

	if (e->ip.proto != IPPROTO_TCP ||
	    e->ip.invflags & XT_INV_PROTO) {
		/* EMU: the kernel refuses silently; the debug line only says why. */
		pr_debug(par->net, "ipt_SYNPROXY: only valid with -p tcp\n");
		return -EINVAL;
	}

	err = nf_ct_netns_get(par->net, par->family);
	if (err)
		return err;

	err = nf_synproxy_ipv4_init(par->net);
	if (err) {
		nf_ct_netns_put(par->net, par->family);
		return err;
	}
	return err;
}

static void synproxy_tg4_destroy(const struct xt_tgdtor_param *par)
{
	nf_synproxy_ipv4_fini(par->net);
	nf_ct_netns_put(par->net, par->family);
}

static const struct xt_target synproxy_tg4_reg = {
	.name       = "SYNPROXY",
	.target    = xt_unemulated_target,
	.family     = NFPROTO_IPV4,
	.hooks      = (1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD),
	.targetsize = sizeof(struct xt_synproxy_info),
	.checkentry = synproxy_tg4_check,
	.destroy    = synproxy_tg4_destroy,
};

static int synproxy_tg4_init(struct net *net, struct module *mod)
{
	return xt_register_target(net, mod, &synproxy_tg4_reg);
}

static void synproxy_tg4_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_target(net, &synproxy_tg4_reg);
}

/* ipt_SYNPROXY is also the name x_tables asks request_module() for ("ipt_" + target). */
const struct module_info module_info_ipt_SYNPROXY = {
	.name = "ipt_SYNPROXY",
	.size = 12288,
	.depends = MODULE_DEPS("nf_synproxy_core", "nf_conntrack", "x_tables"),
	.init = synproxy_tg4_init,
	.exit = synproxy_tg4_exit,
};
