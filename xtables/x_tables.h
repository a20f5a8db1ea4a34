/* xtables/x_tables.h - the x_tables core: match/target registries, tables, table_info.
 *
 * Mirrors include/linux/netfilter/x_tables.h and net/netfilter/x_tables.c.  The user-space
 * layouts (struct xt_entry_match, xt_entry_target, xt_counters, ...) come from the UAPI
 * header <linux/netfilter/x_tables.h>; this file adds the kernel side.
 * EMU: the kernel keeps the match/target lists global (xt[af]); nfemu keeps them in the
 * emulated kernel's struct net (net->xt.match[af]) so that two emulated kernels never share
 * state.  Registration copies the extension's const template into a list node and sets
 * ->me to the registering module, where the kernel has .me = THIS_MODULE.
 */
#ifndef NFEMU_XTABLES_X_TABLES_H
#define NFEMU_XTABLES_X_TABLES_H

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include "kernel/kernel.h"
#include "kernel/list.h"
#include "kernel/module.h"
#include "hooks/netfilter.h"

struct sk_buff;
struct nf_hook_state;
struct nf_hook_ops;

#define XT_TABLE_MAXNAMELEN 32

/* Runtime arguments of match()/target() (issue: packet path). */
struct xt_action_param {
	union {
		const struct xt_match *match;
		const struct xt_target *target;
	};
	union {
		const void *matchinfo, *targinfo;
	};
	const struct nf_hook_state *state;
	unsigned int thoff;
	u16 fragoff;
	bool hotdrop;
};

static inline struct net *xt_net(const struct xt_action_param *par)
{
	return par->state->net;
}
static inline struct net_device *xt_in(const struct xt_action_param *par)
{
	return par->state->in;
}
static inline struct net_device *xt_out(const struct xt_action_param *par)
{
	return par->state->out;
}
static inline unsigned int xt_hooknum(const struct xt_action_param *par)
{
	return par->state->hook;
}
static inline u_int8_t xt_family(const struct xt_action_param *par)
{
	return par->state->pf;
}
/* xt_inname/xt_outname are in netstack/netdevice.h users: par->state->in->name. */

struct xt_mtchk_param {
	struct net *net;
	const char *table;
	const void *entryinfo;          /* const struct ipt_ip * for IPv4 */
	const struct xt_match *match;
	void *matchinfo;
	unsigned int hook_mask;
	u_int8_t family;
	bool nft_compat;
};

struct xt_mtdtor_param {
	struct net *net;
	const struct xt_match *match;
	void *matchinfo;
	u_int8_t family;
};

struct xt_tgchk_param {
	struct net *net;
	const char *table;
	const void *entryinfo;
	const struct xt_target *target;
	void *targinfo;
	unsigned int hook_mask;
	u_int8_t family;
	bool nft_compat;
};

struct xt_tgdtor_param {
	struct net *net;
	const struct xt_target *target;
	void *targinfo;
	u_int8_t family;
};

struct xt_match {
	struct list_head list;
	char name[XT_EXTENSION_MAXNAMELEN];
	u_int8_t revision;
	/* NULL: nfemu validates and stores the rule but does not emulate its packet semantics
	 * (listed in docs/extensions.md); replay refuses such rulesets. */
	bool (*match)(const struct sk_buff *skb, struct xt_action_param *par);
	int (*checkentry)(const struct xt_mtchk_param *par);   /* 0 or -errno */
	void (*destroy)(const struct xt_mtdtor_param *par);
	struct module *me;              /* set by xt_register_match */
	const char *table;              /* only valid in this table, or NULL */
	unsigned int matchsize;         /* XT_ALIGN()ed by xt_check_match; -1 = variable */
	unsigned int usersize;          /* bytes copied back to user; 0 = matchsize */
	unsigned int hooks;             /* valid hook mask, 0 = any */
	unsigned short proto;           /* required ipt_ip.proto (non-inverted), 0 = any */
	unsigned short family;          /* NFPROTO_IPV4 or NFPROTO_UNSPEC */
	/* EMU: the rule's run-time state (behind matchinfo's kernel-only pointers) in the state
	 * file (kernel/rtstate.h; xtables/xt_rtstate.c): save appends it; load restores it into
	 * the rule checkentry has just made from the same bytes. */
	void (*emu_rt_save)(const void *matchinfo, struct rts_w *w);
	int (*emu_rt_load)(struct net *net, void *matchinfo, struct rts_r *r);
};

struct xt_target {
	struct list_head list;
	char name[XT_EXTENSION_MAXNAMELEN];
	u_int8_t revision;
	/* NULL: not emulated at run time (see xt_match.match). */
	unsigned int (*target)(struct sk_buff *skb, const struct xt_action_param *par);
	int (*checkentry)(const struct xt_tgchk_param *par);
	void (*destroy)(const struct xt_tgdtor_param *par);
	struct module *me;
	const char *table;
	unsigned int targetsize;
	unsigned int usersize;
	unsigned int hooks;
	unsigned short proto;
	unsigned short family;
	/* EMU: as xt_match's */
	void (*emu_rt_save)(const void *targinfo, struct rts_w *w);
	int (*emu_rt_load)(struct net *net, void *targinfo, struct rts_r *r);
};

/* The rules of one table: a single blob of ipt_entry records (entries[]), as in the kernel. */
struct xt_table_info {
	unsigned int size;              /* bytes in entries[] */
	unsigned int number;            /* number of entries */
	unsigned int initial_entries;   /* entries of the table as registered */
	unsigned int hook_entry[NF_INET_NUMHOOKS];
	unsigned int underflow[NF_INET_NUMHOOKS];
	unsigned int stacksize;         /* deepest user-chain nesting: jumpstack size */
	void **jumpstack;               /* EMU: one CPU, so one stack */
	unsigned char entries[] __attribute__((aligned(8)));
};

struct xt_table {
	struct list_head list;          /* net->xt.tables[af], newest first */
	unsigned int valid_hooks;
	struct xt_table_info *private;
	struct nf_hook_ops *ops;
	struct module *me;
	u_int8_t af;
	int priority;
	char name[XT_TABLE_MAXNAMELEN];
};

/* Per-net x_tables state (struct netns_xt plus, EMU, the registries). */
struct netns_xt {
	struct list_head tables[NFPROTO_NUMPROTO];
	struct list_head match[NFPROTO_NUMPROTO];
	struct list_head target[NFPROTO_NUMPROTO];
	struct list_head templates;     /* struct xt_template: tables created on first access */
};

/* A table module registers a template; the table itself is created on first access. */
struct xt_template {
	struct list_head list;
	int (*table_init)(struct net *net);
	struct module *me;
	char name[XT_TABLE_MAXNAMELEN];
};

void xt_net_init(struct net *net);

int xt_register_target(struct net *net, struct module *me, const struct xt_target *target);
void xt_unregister_target(struct net *net, const struct xt_target *target);
int xt_register_targets(struct net *net, struct module *me, const struct xt_target *target, unsigned int n);
void xt_unregister_targets(struct net *net, const struct xt_target *target, unsigned int n);
int xt_register_match(struct net *net, struct module *me, const struct xt_match *target);
void xt_unregister_match(struct net *net, const struct xt_match *target);
int xt_register_matches(struct net *net, struct module *me, const struct xt_match *match, unsigned int n);
void xt_unregister_matches(struct net *net, const struct xt_match *match, unsigned int n);

/* Find by name and revision (ERR_PTR(-ENOENT) / -EPROTOTYPE as the kernel); takes a module ref. */
struct xt_match *xt_find_match(struct net *net, u8 af, const char *name, u8 revision);
struct xt_match *xt_request_find_match(struct net *net, u8 af, const char *name, u8 revision);
struct xt_target *xt_find_target(struct net *net, u8 af, const char *name, u8 revision);
struct xt_target *xt_request_find_target(struct net *net, u8 af, const char *name, u8 revision);
/* Best revision >= 0, or -ENOENT (unknown) / -EPROTONOSUPPORT (revision too new). */
int xt_find_revision(struct net *net, u8 af, const char *name, u8 revision, int target, int *err);

int xt_check_match(struct xt_mtchk_param *par, unsigned int size, u16 proto, bool inv_proto);
int xt_check_target(struct xt_tgchk_param *par, unsigned int size, u16 proto, bool inv_proto);
int xt_check_entry_offsets(const void *base, const char *elems, unsigned int target_offset,
			   unsigned int next_offset);
/* EMU: static in Linux; ip_tables.c uses it to word its refusal lines. */
bool verdict_ok(int verdict);
int xt_check_table_hooks(const struct xt_table_info *info, unsigned int valid_hooks,
			 const char **why, unsigned int *hookp);
int xt_check_proc_name(const char *name, unsigned int size);
unsigned int *xt_alloc_entry_offsets(unsigned int size);
bool xt_find_jump_offset(const unsigned int *offsets, unsigned int target, unsigned int size);

int xt_match_to_user(const struct xt_entry_match *m, struct xt_entry_match *u);
int xt_target_to_user(const struct xt_entry_target *t, struct xt_entry_target *u);
int xt_data_to_user(void *dst, const void *src, int usersize, int size, int aligned_size);

struct xt_table_info *xt_alloc_table_info(unsigned int size);
void xt_free_table_info(struct xt_table_info *info);
int xt_jumpstack_alloc(struct xt_table_info *info);

int xt_register_template(struct net *net, struct module *me, const char *name, int (*table_init)(struct net *net));
void xt_unregister_template(struct net *net, const char *name);
struct xt_table *xt_find_table(struct net *net, u8 af, const char *name);
struct xt_table *xt_find_table_lock(struct net *net, u8 af, const char *name);
struct xt_table *xt_request_find_table_lock(struct net *net, u8 af, const char *name);
struct xt_table *xt_register_table(struct net *net, const struct xt_table *table,
				   struct xt_table_info *bootstrap, struct xt_table_info *newinfo);
void *xt_unregister_table(struct xt_table *table);
struct xt_table_info *xt_replace_table(struct xt_table *table, unsigned int num_counters,
				       struct xt_table_info *newinfo, int *error);

/* /proc/net/ip_tables_{names,matches,targets}; malloc'd, NUL-terminated. */
char *xt_proc_show(struct net *net, u8 af, const char *what);

/* EMU: the .match and .target of an extension nfemu checks and stores but whose packet
 * semantics it does not emulate (bpf, socket, TEE, ...).  Never NULL: Linux reads a NULL
 * .target as the standard target (its data a verdict) and calls .match unconditionally.
 * Replay refuses rulesets that use them; should a packet reach one anyway, it is dropped
 * (the match hotdrops) with a note naming the extension. */
bool xt_unemulated_match(const struct sk_buff *skb, struct xt_action_param *par);
unsigned int xt_unemulated_target(struct sk_buff *skb, const struct xt_action_param *par);

#endif
