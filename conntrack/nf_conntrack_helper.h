/* conntrack/nf_conntrack_helper.h - connection tracking helpers: the registry and what a
 * helper is.
 *
 * Mirrors include/net/netfilter/nf_conntrack_helper.h: a helper (FTP, ...) is registered by
 * name, layer-3 and layer-4 protocol; a CT --helper rule finds it (taking a module
 * reference), the rule's template carries it and init_conntrack copies it to new entries;
 * nf_confirm then runs its help() on every packet of those entries.
 * EMU: the registry is per net (Linux: one global hash); helpers with no module of their own
 * in nfemu (irc, tftp, sip, ...) are registered by nf_conntrack as stand-ins whose help() is
 * NULL: they can be attached and listed but create no expectations.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_HELPER_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_HELPER_H

#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_expect.h"

struct module;

#define NF_NAT_HELPER_PREFIX "ip_nat_"

enum nf_ct_helper_flags {
	NF_CT_HELPER_F_USERSPACE = (1 << 0),
	NF_CT_HELPER_F_CONFIGURED = (1 << 1),
};

#define NF_CT_HELPER_NAME_LEN 16

/* Must be kept in sync with the classes defined by helpers */
#define NF_CT_MAX_EXPECT_CLASSES 4

struct nf_conntrack_helper {
	struct list_head list;          /* net->ct.helpers (Linux: hnode in the helper hash) */
	char name[NF_CT_HELPER_NAME_LEN];
	unsigned int refcnt;
	struct module *me;              /* NULL: built in */
	const struct nf_conntrack_expect_policy *expect_policy;
	/* Tuple of things we will help (compared against server response) */
	struct nf_conntrack_tuple tuple;
	/* Function to call when data passes; return verdict.  EMU: NULL for the stand-ins. */
	int (*help)(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
		    enum ip_conntrack_info conntrackinfo);
	void (*destroy)(struct nf_conn *ct);
	unsigned int expect_class_max;
	unsigned int flags;
	char nat_mod_name[NF_CT_HELPER_NAME_LEN];
};

static inline void *nfct_help_data(const struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);

	return help ? (void *)help->data : NULL;
}

struct nf_conntrack_helper *__nf_conntrack_helper_find(struct net *net, const char *name,
							u16 l3num, u8 protonum);
/* Find (request_module("nfct-helper-NAME") if needed) and take a module reference. */
struct nf_conntrack_helper *nf_conntrack_helper_try_module_get(struct net *net, const char *name,
							       u16 l3num, u8 protonum);
void nf_conntrack_helper_put(struct nf_conntrack_helper *helper);

void nf_ct_helper_init(struct nf_conntrack_helper *helper, u16 l3num, u16 protonum,
		       const char *name, u16 default_port, u16 spec_port, u32 id,
		       const struct nf_conntrack_expect_policy *exp_pol, u32 expect_class_max,
		       int (*help)(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
				   enum ip_conntrack_info ctinfo),
		       struct module *module);

/* EMU: take the net the helper is registered in (Linux: one global registry). */
int nf_conntrack_helper_register(struct net *net, struct nf_conntrack_helper *me);
void nf_conntrack_helper_unregister(struct net *net, struct nf_conntrack_helper *me);
int nf_conntrack_helpers_register(struct net *net, struct nf_conntrack_helper *helper,
				  unsigned int n);
void nf_conntrack_helpers_unregister(struct net *net, struct nf_conntrack_helper *helper,
				     unsigned int n);

struct nf_conn_help *nf_ct_helper_ext_add(struct nf_conn *ct);
int __nf_ct_try_assign_helper(struct nf_conn *ct, struct nf_conn *tmpl);
void nf_ct_helper_destroy(struct nf_conn *ct);

/* "nf_ct_NAME: dropping packet: ..." through nf_log, as the kernel logs a helper's drop. */
__attribute__((format(printf, 3, 4)))
void nf_ct_helper_log(struct sk_buff *skb, const struct nf_conn *ct, const char *fmt, ...);

/* Per-net setup, called by nf_conntrack_init_net / nf_conntrack_cleanup_net: the registry
 * with its stand-ins for the built-in helpers. */
int nf_conntrack_helper_pernet_init(struct net *net);
void nf_conntrack_helper_pernet_fini(struct net *net);

/* A function an expectation runs when its connection arrives, registered by name so that
 * it can be named outside the kernel (ctnetlink's CTA_EXPECT_FN; EMU: the state file). */
struct nf_ct_helper_expectfn {
	struct list_head head;          /* net->ct.expectfn_list */
	const char *name;
	void (*expectfn)(struct nf_conn *ct, struct nf_conntrack_expect *exp);
};

void nf_ct_helper_expectfn_register(struct net *net, struct nf_ct_helper_expectfn *n);
void nf_ct_helper_expectfn_unregister(struct net *net, struct nf_ct_helper_expectfn *n);
struct nf_ct_helper_expectfn *nf_ct_helper_expectfn_find_by_name(struct net *net, const char *name);
struct nf_ct_helper_expectfn *nf_ct_helper_expectfn_find_by_symbol(struct net *net,
								   const void *symbol);

#endif
