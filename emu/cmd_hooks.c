/* emu/cmd_hooks.c - EMU: `nfemu hooks [--state FILE] [--family ipv4] [-v]`: nf_hooks[pf][hook].
 *
 * net->nf.hooks_ipv4[hook] (hooks/core.c) as nfnetlink_hook reports it and nftables 1.0.6's
 * `nft list hooks` prints it (src/mnl.c print_hooks): priority, function [module], in
 * nf_hook_slow's order.  -v adds each hook's table and the NAT core's lookups, which Linux
 * keeps out of the hook lists (nfnetlink_hook never shows them).
 */
#include <stdio.h>
#include <string.h>
#include "emu/cli.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "nat/nf_nat.h"
#include "xtables/x_tables.h"

/*
 * The priorities the entries carry (include/uapi/linux/netfilter_ipv4.h, enum
 * nf_ip_hook_priorities): NF_IP_PRI_RAW_BEFORE_DEFRAG -450, NF_IP_PRI_CONNTRACK_DEFRAG -400
 * (ipv4_conntrack_defrag), NF_IP_PRI_RAW -300, NF_IP_PRI_SELINUX_FIRST -225,
 * NF_IP_PRI_CONNTRACK -200 (ipv4_conntrack_in, ipv4_conntrack_local), NF_IP_PRI_MANGLE -150,
 * NF_IP_PRI_NAT_DST -100 (nf_nat_ipv4_pre_routing, nf_nat_ipv4_local_fn), NF_IP_PRI_FILTER 0,
 * NF_IP_PRI_SECURITY 50, NF_IP_PRI_NAT_SRC 100 (nf_nat_ipv4_out, nf_nat_ipv4_local_in),
 * NF_IP_PRI_SELINUX_LAST 225, NF_IP_PRI_CONNTRACK_HELPER 300,
 * NF_IP_PRI_CONNTRACK_CONFIRM INT_MAX (nf_confirm).
 */

/* nftables' hooknum2str() for NFPROTO_IPV4 */
static const char *const hooks_nft_name[NF_INET_NUMHOOKS] = {
	"prerouting", "input", "forward", "output", "postrouting",
};

static void cmd_hooks_usage(FILE *f)
{
	fprintf(f, "usage: nfemu hooks [--state FILE] [--family ipv4] [-v|--verbose]\n"
		   "  The netfilter hooks registered in the emulated kernel, nf_hooks[NFPROTO_IPV4][hook]\n"
		   "  in the order nf_hook_slow calls them, printed as `nft list hooks ip` prints them on\n"
		   "  a kernel with nfnetlink_hook: priority, hook function [module].\n"
		   "  -v  also say what each hook works on (the table ipt_do_table walks) and list the\n"
		   "      nat table's chains, which are lookups inside the NAT core's hooks, not hooks\n");
}

/* nftables' print_hooks(): "%011d" for a negative priority (the sign takes a digit), a space
 * and "%010u" for 0, "+%010u" for a positive one. */
static void hooks_print_prio(int prio)
{
	if (prio < 0)
		printf("%011d", prio);
	else if (prio == 0)
		printf(" %010u", (unsigned int)prio);
	else
		printf("+%010u", (unsigned int)prio);
}

/* nfnetlink_hook: NFNLA_HOOK_FUNCTION_NAME, and NFNLA_HOOK_MODULE_NAME when %ps named one. */
static void hooks_print_fn(const struct nf_hook_ops *ops)
{
	printf(" %s", ops->name ? ops->name : "?");
	if (ops->module)
		printf(" [%s]", ops->module);
}

/* The table an xtables hook walks (its priv), or NULL. */
static const struct xt_table *hooks_ops_table(struct net *net, const struct nf_hook_ops *ops)
{
	const struct xt_table *t;

	list_for_each_entry(t, &net->xt.tables[NFPROTO_IPV4], list) {
		unsigned int n = (unsigned int)__builtin_popcount(t->valid_hooks);

		if (ops->priv == t)
			return t;
		if (t->ops && ops >= t->ops && ops < t->ops + n)
			return t;
	}
	return NULL;
}

/* The NAT core's lookup list behind ops, if ops is one of its hooks (nf_nat_register_fn). */
static const struct nf_hook_entries *hooks_nat_lookups(struct net *net, const struct nf_hook_ops *ops)
{
	const struct nat_net *nat_net = nf_nat_pernet(net);
	const struct nf_hook_ops *nat_ops;

	if (!nat_net)
		return NULL;
	nat_ops = nat_net->nat_proto_net[NFPROTO_IPV4].nat_hook_ops;
	if (!nat_ops || ops < nat_ops || ops >= nat_ops + ARRAY_SIZE(nf_nat_ipv4_ops))
		return NULL;
	return &((const struct nf_nat_lookup_hook_priv *)ops->priv)->entries;
}

static void hooks_print_entry(struct net *net, const struct nf_hook_ops *ops, bool verbose)
{
	const struct nf_hook_entries *lookups = hooks_nat_lookups(net, ops);
	const struct xt_table *t = hooks_ops_table(net, ops);

	printf("\t\t");
	hooks_print_prio(ops->priority);
	hooks_print_fn(ops);
	if (!verbose)
		return;
	if (t)
		printf("\t# table %s", t->name);
	if (!lookups)
		return;
	printf("\t# NAT core: runs these lookups for a new connection");
	for (unsigned int i = 0; i < lookups->num_hook_entries; i++) {
		const struct nf_hook_ops *l = lookups->ops[i];

		t = hooks_ops_table(net, l);
		printf("\n\t\t  lookup ");
		hooks_print_prio(l->priority);
		hooks_print_fn(l);
		if (t)
			printf("\t# table %s", t->name);
	}
}

/* The nat table's chains, which no hook list holds: say where they are. */
static void hooks_note_nat(struct net *net, bool verbose)
{
	const struct nat_net *nat_net = nf_nat_pernet(net);
	const struct nf_hook_ops *nat_ops;
	unsigned int n = 0;

	if (!nat_net || !(nat_ops = nat_net->nat_proto_net[NFPROTO_IPV4].nat_hook_ops))
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(nf_nat_ipv4_ops); i++)
		n += ((const struct nf_nat_lookup_hook_priv *)nat_ops[i].priv)->entries.num_hook_entries;
	printf("# %u NAT lookup%s (the nat table's chains) hang off the nf_nat_ipv4_* hooks, stored there by\n"
	       "# nf_nat_register_fn and run by nf_nat_inet_fn; they are not in nf_hooks, so nfnetlink_hook\n"
	       "# (nft list hooks) does not list them%s\n", n, n == 1 ? "" : "s",
	       verbose ? "" : ": nfemu hooks -v shows them");
}

/* Which table each table hook walks: nfnetlink_hook cannot say (it is the hook's priv). */
static void hooks_note_tables(struct net *net)
{
	const struct xt_table *t, *tabs[16];
	unsigned int n = 0;

	list_for_each_entry(t, &net->xt.tables[NFPROTO_IPV4], list)
		if (t->ops && n < ARRAY_SIZE(tabs))
			tabs[n++] = t;
	if (!n)
		return;
	/* by priority, as the hooks list them */
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && tabs[j - 1]->priority > tabs[j]->priority; j--) {
			t = tabs[j];
			tabs[j] = tabs[j - 1];
			tabs[j - 1] = t;
		}
	printf("# the tables behind these hooks (each hook's priv; -v puts them on the lines):");
	for (unsigned int i = 0; i < n; i++)
		printf("%s %s %d", i ? "," : "", tabs[i]->name, tabs[i]->priority);
	putchar('\n');
}

static void hooks_show(struct net *net, bool verbose)
{
	bool any = false;

	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++) {
		const struct nf_hook_entries *e = &net->nf.hooks_ipv4[h];

		if (!e->num_hook_entries)
			continue;
		if (!any)
			printf("family ip {\n");
		else
			printf("\n\t}\n");
		any = true;
		printf("\thook %s {\n", hooks_nft_name[h]);
		for (unsigned int i = 0; i < e->num_hook_entries; i++) {
			if (i)
				putchar('\n');
			hooks_print_entry(net, e->ops[i], verbose);
		}
	}
	if (any)
		printf("\n\t}\n}\n");
	else
		printf("# no hooks: nf_hooks[NFPROTO_IPV4] is empty (no table hooked, conntrack unused)\n");
	if (!verbose)
		hooks_note_tables(net);
	hooks_note_nat(net, verbose);
}

int cmd_hooks(int argc, char **argv)
{
	const char *state = NULL, *family = "ipv4";
	struct nfemu_state st;
	struct net *net = NULL;
	bool verbose = false;
	char err[1024];
	int i = 1;

	while (i < argc) {
		if (cli_state_opt(argc, argv, &i, &state))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cmd_hooks_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = true;
		} else if (!strcmp(argv[i], "--family") && i + 1 < argc) {
			family = argv[++i];
		} else if (!strncmp(argv[i], "--family=", 9)) {
			family = argv[i] + 9;
		} else {
			fprintf(stderr, "nfemu hooks: unknown option '%s'\n", argv[i]);
			cmd_hooks_usage(stderr);
			return 2;
		}
		i++;
	}
	if (strcmp(family, "ipv4") && strcmp(family, "ip") && strcmp(family, "inet")) {
		static const char *const others[] = { "ipv6", "ip6", "arp", "bridge", "netdev" };

		for (size_t k = 0; k < ARRAY_SIZE(others); k++)
			if (!strcmp(family, others[k])) {
				fprintf(stderr, "nfemu hooks: nfemu emulates IPv4 only: family %s has no hooks\n",
					family);
				return 0;
			}
		fprintf(stderr, "nfemu hooks: unknown family '%s' (ipv4, ip or inet)\n", family);
		return 2;
	}
	if (nfemu_state_open_flags(&st, nfemu_state_path(state), NFEMU_STATE_LAZY_CT, &net, err, sizeof(err)) < 0) {
		fprintf(stderr, "nfemu hooks: %s\n", err);
		return 1;
	}
	hooks_show(net, verbose);
	nfemu_state_close(&st);
	net_free(net);
	return 0;
}
