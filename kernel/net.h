/* kernel/net.h - struct net: one emulated kernel.
 *
 * Everything the emulated kernel owns hangs off this struct, as per-namespace state hangs
 * off struct net in Linux: x_tables (tables and, EMU, the extension registries), netfilter
 * hooks, loaded modules, the kernel log and sysctls.  Nothing else in nfemu is mutable
 * global state, so tests can run several emulated kernels side by side.
 */
#ifndef NFEMU_EMU_NET_H
#define NFEMU_EMU_NET_H

#include "kernel/kernel.h"
#include "kernel/list.h"
#include "hooks/netfilter.h"
#include "xtables/x_tables.h"
#include "kernel/observe.h"
#include "netstack/netns_ipv4.h"
#include "conntrack/netns_conntrack.h"

#define NFEMU_PRINTK_LINES 16
#define NFEMU_PRINTK_LEN 256

/* include/linux/notifier.h */
struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long action, void *data);
	struct notifier_block *next;
};

enum net_generic_id {
	NET_GENERIC_RECENT,
	NET_GENERIC_HASHLIMIT,
	NET_GENERIC_IDLETIMER,
	NET_GENERIC_RATEEST,
	NET_GENERIC_CONNLABEL,
	NET_GENERIC_NAT,
	NET_GENERIC_IPTABLE_NAT,
	NET_GENERIC_LOG,
	NET_GENERIC_MAX
};

struct net {
	struct netns_xt xt;
	struct netns_nf nf;
	struct netns_ipv4 ipv4;          /* the IPv4 stack (netstack/) */
	struct netns_ct ct;             /* connection tracking (conntrack/) */
	struct list_head modules;       /* struct module, newest first */
	/* register_netdevice_notifier(): told of devices going down (EMU: per net, NETDEV_DOWN) */
	struct notifier_block *netdev_chain;
	/* The kernel log (dmesg): the last NFEMU_PRINTK_LINES lines, oldest first. */
	struct {
		char line[NFEMU_PRINTK_LINES][NFEMU_PRINTK_LEN];
		unsigned int head, count;
		unsigned long seq;      /* lines ever printed: callers mark and read since */
	} printk;
	/* EMU: why the ABI refused the last sockopt (kernel/observe.h); reason NONE when the
	 * last call succeeded.  The tool words it (emu/refusal.c: "SET_REPLACE filter: rule 3
	 * (offset 456, chain INPUT rule 2): match 'tcp' rev 0: ..."). */
	struct nfemu_refusal refusal;
	/* EMU: bumped by every change the state file keeps (a module loaded or unloaded, a table
	 * created, replaced or gone, counters added): a command that ran no packets writes the
	 * state back only when it moved (emu/state.c). */
	u64 emu_gen;
	u64 emu_gen_rules;              /* the same, but for counters: what can change loading */
	/* EMU: where packet fates and kernel log lines go (kernel/observe.h). */
	struct nfemu_observer observer;
	/* EMU: module events while no observer was installed (kernel/observe.h) */
	struct nfemu_modlog modlog;
	/* EMU: time is the capture's clock (kernel/clock.h), randomness a seeded PRNG (kernel/random.h). */
	struct {
		u64 now_ns;             /* current time, ns since the epoch (the capture's clock) */
		u64 boot_ns;            /* when this kernel "booted": the first time it saw */
	} clock;
	u64 rnd_state[4];               /* xoshiro256** state, from --seed */
	/* EMU: a replay has sent packets through this kernel, so where its randomness stands is
	 * part of its state (saved; a later replay on the state goes on from it unless given
	 * --seed); rnd_saved is what the state file held, kept while a replay reseeds to build
	 * its topology. */
	bool rnd_in_use;
	bool rnd_saved_valid;
	u64 rnd_saved[4];
	/* EMU: `nfemu test` explores every branch a statistic match can take (emu/cmd_test.c):
	 * when decide is set, statistic_mt asks it whether the rule's condition holds instead of
	 * drawing a random number or counting (can_fire/can_miss: which answers the rule's
	 * probability or period allows).  NULL: the kernel's behaviour. */
	struct {
		bool (*decide)(void *ctx, bool can_fire, bool can_miss);
		void *ctx;
	} emu_stat_force;
	/* net_generic(): per-net private data of modules (pernet_operations .id/.size). */
	void *gen[NET_GENERIC_MAX];
};

/* Per-net data of a module, as net_generic(net, id) in the kernel.  EMU: ids are fixed
 * here instead of handed out by register_pernet_subsys. */
static inline void *net_generic(const struct net *net, enum net_generic_id id)
{
	return net->gen[id];
}

struct net *net_alloc(void);
/* Load what a freshly booted kernel has loaded (ip_tables, x_tables); 0 or -errno. */
int net_boot(struct net *net);
void net_free(struct net *net);

/* The newest printk line printed after sequence number `since`, or NULL. */
/* Tell the observer (no-op without one). */
static inline void nfemu_observe(struct net *net, const struct nfemu_event *ev)
{
	if (net->observer.event)
		net->observer.event(net->observer.ctx, ev);
}

/* Record a refusal's reason and numbers in net->refusal (the ABI calls it; the tool words it). */
void nfemu_refuse(struct net *net, enum nfemu_refusal_reason reason, long long a0, long long a1,
		  long long a2);

const char *nfemu_printk_since(const struct net *net, unsigned long since);

#endif
