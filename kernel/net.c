/* kernel/net.c - create and destroy one emulated kernel (struct net), and its kernel log.
 *
 * net_alloc() gives an empty kernel (no registries, no tables, no modules); net_boot() loads
 * what a booted kernel has (ip_tables and x_tables).  Tables and extensions appear on demand
 * through request_module(), as they do on Linux.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "kernel/module.h"
#include "kernel/random.h"
#include "xtables/ip_tables.h"
#include "netstack/inet.h"
#include "conntrack/nf_conntrack.h"

struct net *net_alloc(void)
{
	struct net *net = calloc(1, sizeof(*net));

	if (!net)
		return NULL;
	INIT_LIST_HEAD(&net->modules);
	xt_net_init(net);
	nfemu_random_seed(net, 0);
	return net;
}

/*
 * EMU: what a freshly booted kernel has loaded.  On the machines nfemu is checked against,
 * x_tables and ip_tables are built in (CONFIG_IP_NF_IPTABLES=y), so the ABI answers at once
 * and /proc/net/ip_tables_names exists (empty).  nfemu loads them as modules instead, so that
 * lsmod shows them and rmmod can still take them out.
 */
int net_boot(struct net *net)
{
	return request_module(net, "ip_tables");
}

/*
 * Tear a kernel down the way a netns exit does (cleanup_net: the pernet exits in reverse
 * registration order).  The devices go first (pernet device ops are last on the list): the
 * packets they still hold, queued on unresolved neighbours or in the backlog, are freed and
 * drop their conntrack references.  Then the tables (their pernet exit releases the rules and
 * with them the extension modules), then the modules, newest first (nf_conntrack's exit finds
 * no packet holding an entry, as Linux's waits for), then the rest of the stack.
 */
void net_free(struct net *net)
{
	if (!net)
		return;
	default_device_exit_batch(net);
	while (!list_empty(&net->xt.tables[NFPROTO_IPV4])) {
		struct xt_table *t = list_first_entry(&net->xt.tables[NFPROTO_IPV4], struct xt_table, list);
		char name[XT_TABLE_MAXNAMELEN];

		memcpy(name, t->name, sizeof(name));
		ipt_unregister_table_pre_exit(net, name);
		ipt_unregister_table_exit(net, name);
	}
	module_unload_all(net);
	inet_net_exit(net);     /* devices, routes, neighbours, fragments, peers */
	/* EMU: the skb and conntrack caches are the process's: empty them with the kernel */
	skb_caches_drain();
	nf_conntrack_cache_shrink();
	free(net);
}

void nfemu_printk(struct net *net, const char *level, const char *fmt, ...)
{
	char *line;
	va_list ap;
	size_t n;

	(void)level;
	if (!net || !fmt)
		return;
	line = net->printk.line[net->printk.head];
	va_start(ap, fmt);
	vsnprintf(line, NFEMU_PRINTK_LEN, fmt, ap);
	va_end(ap);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	net->printk.head = (net->printk.head + 1) % NFEMU_PRINTK_LINES;
	if (net->printk.count < NFEMU_PRINTK_LINES)
		net->printk.count++;
	net->printk.seq++;
}

const char *nfemu_printk_since(const struct net *net, unsigned long since)
{
	unsigned int last;

	if (net->printk.seq == since || !net->printk.count)
		return NULL;
	last = (net->printk.head + NFEMU_PRINTK_LINES - 1) % NFEMU_PRINTK_LINES;
	return net->printk.line[last];
}

void nfemu_refuse(struct net *net, enum nfemu_refusal_reason reason, long long a0, long long a1,
		  long long a2)
{
	net->refusal.reason = (u16)reason;
	net->refusal.a[0] = a0;
	net->refusal.a[1] = a1;
	net->refusal.a[2] = a2;
}
