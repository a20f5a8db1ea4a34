/* tests/unit/test-modules.c - module loading and reference counts in the emulated kernel.
 *
 * What /proc/modules and rmmod show on Linux (kernel/module/main.c, x_tables.c, ip_tables.c):
 * request_module loads dependencies first and records their holders, rules hold the modules of
 * their matches and targets, a table holds its module while it has more than its initial
 * entries, and removing a table module removes its table and its hooks.  Emulator only: the
 * running kernel has these modules built in, so there is nothing to compare against there.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "emu/refusal.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "hooks/nf_sockopt.h"
#include "tests/unit/blob.h"
#include "xtables/ip_tables.h"

#define HOOK(h) (1u << NF_INET_##h)
#define FILTER_HOOKS (HOOK(LOCAL_IN) | HOOK(FORWARD) | HOOK(LOCAL_OUT))
#define V_ACCEPT (-NF_ACCEPT - 1)

static int setup(void **state)
{
	struct net *net = net_alloc();

	if (!net)
		return -1;
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	net_free(*state);
	return 0;
}

/* ------------------------------------------------------------------------ helpers */

static int get_info(struct net *net, const char *table, struct ipt_getinfo *info)
{
	int len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", table);
	return nf_getsockopt(net, PF_INET, IPT_SO_GET_INFO, info, &len);
}

/* SET_REPLACE with num_counters read from GET_INFO, as libiptc does; frees r. */
static int replace(struct net *net, struct ipt_replace *r)
{
	unsigned int len = sizeof(*r) + r->size;
	struct xt_counters *counters;
	struct ipt_getinfo info;
	int ret;

	ret = get_info(net, r->name, &info);
	counters = calloc(ret == 0 ? info.num_entries : 1, sizeof(*counters));
	if (ret != 0 || !counters) {
		free(counters);
		free(r);
		fail_msg("GET_INFO before SET_REPLACE: %d", ret);
	}
	r->num_counters = info.num_entries;
	r->counters = counters;
	ret = nf_setsockopt(net, PF_INET, IPT_SO_SET_REPLACE, r, len);
	if (ret < 0)
		print_message("SET_REPLACE: %s\n", nfemu_last_error(net));
	free(counters);
	free(r);
	return ret;
}

static int refcnt(struct net *net, const char *name)
{
	struct module *mod = find_module(net, name);

	assert_non_null(mod);
	return module_refcount(mod);
}

/* The /proc/modules line of a module with the given use count and holders ("a,b," or "-"). */
static char *modline(const char *name, int count, const char *holders)
{
	const struct module_info *info = module_info_find(name);
	char *line;

	assert_non_null(info);
	assert_true(asprintf(&line, "%s %u %d %s Live 0x0000000000000000\n", name, info->size, count,
			     holders) > 0);
	return line;
}

static void assert_proc_modules_has(struct net *net, const char *name, int count, const char *holders)
{
	char *text = proc_modules_show(net);
	char *line = modline(name, count, holders);

	assert_non_null(text);
	if (!strstr(text, line)) {
		print_error("/proc/modules lacks \"%.*s\":\n%s", (int)strlen(line) - 1, line, text);
		free(line);
		free(text);
		fail();
	}
	free(line);
	free(text);
}

/* Position in /proc/modules (0 = newest), -1 if not loaded. */
static int modpos(struct net *net, const char *name)
{
	struct module *mod;
	int i = 0;

	list_for_each_entry(mod, &net->modules, list) {
		if (strcmp(mod->name, name) == 0)
			return i;
		i++;
	}
	return -1;
}

static struct xt_tcp tcp_dport(u16 port)
{
	return (struct xt_tcp){ .spts = { 0, 0xffff }, .dpts = { port, port } };
}

/* filter with n copies of INPUT "-p tcp -m tcp --dport 22 -j MARK --set-xmark 1/0xffffffff" */
static struct ipt_replace *filter_with_rules(unsigned int n)
{
	struct blob *b = blob_begin("filter", FILTER_HOOKS);
	struct xt_mark_tginfo2 mark = { .mark = 1, .mask = 0xffffffff };
	struct xt_tcp tcp = tcp_dport(22);

	blob_open_hook(b, NF_INET_LOCAL_IN);
	for (unsigned int i = 0; i < n; i++) {
		blob_rule(b, &(struct ipt_ip){ .proto = IPPROTO_TCP });
		blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
		blob_target(b, "MARK", 2, &mark, sizeof(mark));
	}
	blob_close_hooks(b);
	return blob_error_end(b, &(unsigned int){ 0 });
}

/* filter with a user chain "x" holding n rules; policies given for INPUT. */
static struct ipt_replace *filter_with_chain(unsigned int n, int input_policy)
{
	struct blob *b = blob_begin("filter", FILTER_HOOKS);

	blob_hook(b, NF_INET_LOCAL_IN);
	blob_policy(b, NF_INET_LOCAL_IN, input_policy);
	blob_close_hooks(b);
	blob_chain(b, "x");
	for (unsigned int i = 0; i < n; i++) {
		blob_rule(b, &(struct ipt_ip){ .proto = IPPROTO_UDP });
		blob_verdict(b, V_ACCEPT);
	}
	blob_return(b);
	return blob_error_end(b, &(unsigned int){ 0 });
}

/* ------------------------------------------------------------------ request_module */

static void test_request_module_loads_dependencies_first(void **state)
{
	struct net *net = *state;
	static const char *const deps[] = {
		"nf_nat", "nf_conntrack", "nf_defrag_ipv6", "nf_defrag_ipv4", "libcrc32c", "ip_tables", "x_tables",
	};

	assert_int_equal(request_module(net, "iptable_nat"), 0);
	assert_int_equal(modpos(net, "iptable_nat"), 0);        /* newest first */
	for (size_t i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
		int pos = modpos(net, deps[i]);

		if (pos <= 0) {
			print_error("%s not loaded before iptable_nat (position %d)\n", deps[i], pos);
			fail();
		}
	}
	/* nf_nat's own dependencies were loaded before nf_nat. */
	assert_true(modpos(net, "nf_conntrack") > modpos(net, "nf_nat"));
	assert_true(modpos(net, "libcrc32c") > modpos(net, "nf_conntrack"));
}

static void test_request_module_records_holders(void **state)
{
	struct net *net = *state;

	assert_int_equal(request_module(net, "iptable_nat"), 0);
	assert_proc_modules_has(net, "iptable_nat", 0, "-");
	assert_proc_modules_has(net, "nf_nat", 1, "iptable_nat,");
	assert_proc_modules_has(net, "nf_conntrack", 1, "nf_nat,");
	assert_proc_modules_has(net, "ip_tables", 1, "iptable_nat,");
	/* Two holders, the newest first (list_add in ref_module). */
	assert_proc_modules_has(net, "libcrc32c", 2, "nf_nat,nf_conntrack,");
	assert_proc_modules_has(net, "x_tables", 2, "iptable_nat,ip_tables,");
}

static void test_request_module_by_alias(void **state)
{
	struct net *net = *state;

	assert_int_equal(request_module(net, "ipt_tcp"), 0);
	assert_non_null(find_module(net, "xt_tcpudp"));
	assert_null(find_module(net, "ipt_tcp"));
	assert_int_equal(request_module(net, "ipt_tcp"), 0);    /* already loaded: 0 again */
}

static void test_request_module_refuses_unknown_module(void **state)
{
	struct net *net = *state;

	assert_int_equal(request_module(net, "ipt_CLUSTERIP"), -ENOENT);
	assert_int_equal(request_module(net, "no_such_module"), -ENOENT);
	assert_true(list_empty(&net->modules));
}

static void test_delete_module_refuses_held_dependency(void **state)
{
	struct net *net = *state;

	assert_int_equal(request_module(net, "iptable_nat"), 0);
	assert_int_equal(delete_module(net, "nf_nat"), -EBUSY);
	assert_int_equal(delete_module(net, "x_tables"), -EBUSY);
	assert_int_equal(delete_module(net, "iptable_nat"), 0);
	assert_int_equal(delete_module(net, "nf_nat"), 0);      /* no holder left */
	assert_proc_modules_has(net, "nf_conntrack", 0, "-");
	assert_int_equal(delete_module(net, "nf_nat"), -ENOENT);
}

/* ------------------------------------------------------- rules hold their extensions */

static void test_rules_hold_their_match_and_target_modules(void **state)
{
	struct net *net = *state;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	assert_int_equal(replace(net, filter_with_rules(2)), 0);
	/* Loaded on demand by xt_request_find_match/target, one reference per rule. */
	assert_int_equal(refcnt(net, "xt_tcpudp"), 2);
	assert_int_equal(refcnt(net, "xt_mark"), 2);
	assert_int_equal(delete_module(net, "xt_tcpudp"), -EBUSY);
	assert_int_equal(delete_module(net, "xt_mark"), -EBUSY);

	assert_int_equal(replace(net, filter_with_rules(1)), 0);
	assert_int_equal(refcnt(net, "xt_tcpudp"), 1);
	assert_int_equal(delete_module(net, "xt_tcpudp"), -EBUSY);

	/* iptables -F: back to the initial table. */
	assert_int_equal(replace(net, blob_initial("filter", FILTER_HOOKS, &(unsigned int){ 0 })), 0);
	assert_int_equal(refcnt(net, "xt_tcpudp"), 0);
	assert_int_equal(refcnt(net, "xt_mark"), 0);
	assert_int_equal(delete_module(net, "xt_tcpudp"), 0);
	assert_int_equal(delete_module(net, "xt_mark"), 0);
	assert_null(find_module(net, "xt_tcpudp"));
}

static void test_refused_replace_holds_nothing(void **state)
{
	struct net *net = *state;
	struct ipt_replace *r;
	struct blob *b;
	unsigned int len;
	u32 data = 0;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	/* A good rule, then one with an unknown match: the first rule's references go back. */
	b = blob_begin("filter", FILTER_HOOKS);
	blob_open_hook(b, NF_INET_LOCAL_IN);
	{
		struct xt_tcp tcp = tcp_dport(22);

		blob_rule(b, &(struct ipt_ip){ .proto = IPPROTO_TCP });
		blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
		blob_verdict(b, V_ACCEPT);
	}
	blob_rule(b, NULL);
	blob_match(b, "nosuchmatch", 0, &data, sizeof(data));
	blob_verdict(b, V_ACCEPT);
	blob_close_hooks(b);
	r = blob_error_end(b, &(unsigned int){ 0 });
	assert_int_equal(replace(net, r), -ENOENT);
	assert_int_equal(refcnt(net, "xt_tcpudp"), 0);
	assert_int_equal(refcnt(net, "iptable_filter"), 0);

	/* A blob that translates but is refused by __do_replace (stale num_counters). */
	r = filter_with_rules(1);
	len = sizeof(*r) + r->size;
	r->num_counters = 7;
	r->counters = calloc(7, sizeof(struct xt_counters));
	{
		struct xt_counters *c = r->counters;

		assert_int_equal(nf_setsockopt(net, PF_INET, IPT_SO_SET_REPLACE, r, len), -EAGAIN);
		free(c);
	}
	free(r);
	assert_int_equal(refcnt(net, "xt_tcpudp"), 0);
	assert_int_equal(refcnt(net, "xt_mark"), 0);
	assert_int_equal(refcnt(net, "iptable_filter"), 0);
	assert_int_equal(delete_module(net, "xt_mark"), 0);
}

/* --------------------------------------------------- tables hold their table module */

static void test_table_holds_its_module_while_bigger_than_initial(void **state)
{
	struct net *net = *state;
	struct ipt_getinfo info;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	assert_int_equal(get_info(net, "filter", &info), 0);            /* loads iptable_filter */
	assert_int_equal(info.num_entries, 4);
	assert_int_equal(refcnt(net, "iptable_filter"), 0);

	/* iptables -N x: 6 entries. */
	assert_int_equal(replace(net, filter_with_chain(0, NF_ACCEPT)), 0);
	assert_int_equal(refcnt(net, "iptable_filter"), 1);
	assert_int_equal(delete_module(net, "iptable_filter"), -EBUSY);

	/* iptables -A x ...: still one reference, not one per replace. */
	assert_int_equal(replace(net, filter_with_chain(2, NF_ACCEPT)), 0);
	assert_int_equal(refcnt(net, "iptable_filter"), 1);

	/* iptables -F (rules go, chain x stays) and -P INPUT DROP. */
	assert_int_equal(replace(net, filter_with_chain(0, NF_DROP)), 0);
	assert_int_equal(refcnt(net, "iptable_filter"), 1);

	/* iptables -X: the initial number of entries again, though a policy changed. */
	{
		struct blob *b = blob_begin("filter", FILTER_HOOKS);

		blob_hook(b, NF_INET_LOCAL_IN);
		blob_policy(b, NF_INET_LOCAL_IN, NF_DROP);
		blob_close_hooks(b);
		assert_int_equal(replace(net, blob_error_end(b, &(unsigned int){ 0 })), 0);
	}
	assert_int_equal(refcnt(net, "iptable_filter"), 0);
	assert_int_equal(delete_module(net, "iptable_filter"), 0);
}

static void test_removing_table_module_removes_table_and_hooks(void **state)
{
	struct net *net = *state;
	struct nf_hook_entries *in = &net->nf.hooks_ipv4[NF_INET_LOCAL_IN];
	struct ipt_getinfo info;
	char *names;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	assert_int_equal(get_info(net, "filter", &info), 0);
	assert_int_equal(get_info(net, "mangle", &info), 0);
	assert_int_equal(in->num_hook_entries, 2);
	assert_int_equal(in->ops[0]->priority, NF_IP_PRI_MANGLE);      /* sorted by priority */
	assert_int_equal(in->ops[1]->priority, NF_IP_PRI_FILTER);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_FORWARD].num_hook_entries, 2);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_LOCAL_OUT].num_hook_entries, 2);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING].num_hook_entries, 1);

	assert_int_equal(delete_module(net, "iptable_filter"), 0);
	assert_null(xt_find_table(net, NFPROTO_IPV4, "filter"));
	assert_int_equal(in->num_hook_entries, 1);
	assert_int_equal(in->ops[0]->priority, NF_IP_PRI_MANGLE);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_FORWARD].num_hook_entries, 1);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_LOCAL_OUT].num_hook_entries, 1);
	names = xt_proc_show(net, NFPROTO_IPV4, "names");
	assert_string_equal(names, "mangle\n");
	free(names);

	/* The next access loads the module again and creates a fresh table. */
	assert_int_equal(get_info(net, "filter", &info), 0);
	assert_int_equal(info.num_entries, 4);
	assert_int_equal(in->num_hook_entries, 2);
}

static void test_removing_table_module_with_rules_is_refused(void **state)
{
	struct net *net = *state;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	assert_int_equal(replace(net, filter_with_rules(1)), 0);
	assert_int_equal(delete_module(net, "iptable_filter"), -EBUSY);
	assert_int_equal(delete_module(net, "ip_tables"), -EBUSY);
	assert_non_null(xt_find_table(net, NFPROTO_IPV4, "filter"));
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_LOCAL_IN].num_hook_entries, 1);
}

/* ------------------------------------------------------------------------ /proc */

static void test_proc_modules_format(void **state)
{
	struct net *net = *state;
	char *text, *want, *l1, *l2, *l3;

	assert_int_equal(request_module(net, "iptable_filter"), 0);
	text = proc_modules_show(net);
	l1 = modline("iptable_filter", 0, "-");
	l2 = modline("ip_tables", 1, "iptable_filter,");
	l3 = modline("x_tables", 2, "iptable_filter,ip_tables,");
	assert_true(asprintf(&want, "%s%s%s", l1, l2, l3) > 0);
	assert_string_equal(text, want);
	free(text);
	free(want);
	free(l1);
	free(l2);
	free(l3);
}

static void test_proc_net_ip_tables_names_newest_first(void **state)
{
	struct net *net = *state;
	struct ipt_getinfo info;
	char *names;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	names = xt_proc_show(net, NFPROTO_IPV4, "names");
	assert_string_equal(names, "");         /* a fresh netns has no tables */
	free(names);
	assert_int_equal(get_info(net, "filter", &info), 0);
	assert_int_equal(get_info(net, "mangle", &info), 0);
	names = xt_proc_show(net, NFPROTO_IPV4, "names");
	assert_string_equal(names, "mangle\nfilter\n");
	free(names);
	assert_int_equal(get_info(net, "nat", &info), 0);
	assert_int_equal(get_info(net, "filter", &info), 0);    /* access does not reorder */
	names = xt_proc_show(net, NFPROTO_IPV4, "names");
	assert_string_equal(names, "nat\nmangle\nfilter\n");
	free(names);
}

static void test_proc_net_ip_tables_targets_lists_builtin_error_target(void **state)
{
	struct net *net = *state;
	char *targets;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	/* The standard target has an empty name and is not listed. */
	targets = xt_proc_show(net, NFPROTO_IPV4, "targets");
	assert_string_equal(targets, "ERROR\n");
	free(targets);
}

static void test_net_free_unloads_everything_in_use(void **state)
{
	struct net *net = *state;

	assert_int_equal(request_module(net, "iptable_nat"), 0);
	assert_int_equal(replace(net, filter_with_rules(3)), 0);
	/* teardown's net_free must release tables, rules and modules (ASan checks). */
}

/* ------------------------------------------------- NFEMU_EV_MODULE (--explain's lines) */

#define SEEN_MAX 256

struct seen_modules {
	unsigned int n;
	struct nfemu_module_event ev[SEEN_MAX];
};

static void record_module(void *ctx, const struct nfemu_event *ev)
{
	struct seen_modules *s = ctx;

	if (ev->type == NFEMU_EV_MODULE && s->n < SEEN_MAX)
		s->ev[s->n++] = *ev->module;
}

/* The index of the first event what/name/before/after at or after from, or -1. */
static int find_ev(const struct seen_modules *s, unsigned int from, enum nfemu_module_what what,
		   const char *name, int before, int after)
{
	for (unsigned int i = from; i < s->n; i++)
		if (s->ev[i].what == what && !strcmp(s->ev[i].name, name) &&
		    s->ev[i].before == before && s->ev[i].after == after)
			return (int)i;
	return -1;
}

static void test_module_events_of_a_replace_and_a_flush(void **state)
{
	struct net *net = *state;
	struct seen_modules *s = calloc(1, sizeof(*s));
	int i;

	assert_non_null(s);
	net->observer.event = record_module;
	net->observer.ctx = s;
	net->observer.walk = true;
	assert_int_equal(request_module(net, "ip_tables"), 0);
	/* load_module: the dependency first, held by ref_module, then the module */
	i = find_ev(s, 0, NFEMU_MODULE_LOAD, "x_tables", 0, 0);
	assert_true(i >= 0);
	assert_string_equal(s->ev[i].user, "ip_tables");
	i = find_ev(s, (unsigned int)i, NFEMU_MODULE_REF, "x_tables", 0, 1);
	assert_true(i >= 0);
	assert_string_equal(s->ev[i].user, "ip_tables");
	assert_true(find_ev(s, (unsigned int)i, NFEMU_MODULE_LOAD, "ip_tables", 0, 0) >= 0);

	s->n = 0;
	assert_int_equal(replace(net, filter_with_rules(2)), 0);
	/* translate_table: one reference per rule, loaded on demand first */
	i = find_ev(s, 0, NFEMU_MODULE_LOAD, "xt_tcpudp", 0, 0);
	assert_true(i >= 0);
	i = find_ev(s, (unsigned int)i, NFEMU_MODULE_GET, "xt_tcpudp", 0, 1);
	assert_true(i >= 0);
	assert_true(find_ev(s, (unsigned int)i, NFEMU_MODULE_GET, "xt_tcpudp", 1, 2) >= 0);
	assert_true(find_ev(s, 0, NFEMU_MODULE_GET, "xt_mark", 1, 2) >= 0);
	assert_int_equal(find_ev(s, 0, NFEMU_MODULE_PUT, "xt_tcpudp", 1, 0), -1);

	/* iptables -F: cleanup_entry drops them */
	s->n = 0;
	assert_int_equal(replace(net, blob_initial("filter", FILTER_HOOKS, &(unsigned int){ 0 })), 0);
	i = find_ev(s, 0, NFEMU_MODULE_PUT, "xt_tcpudp", 2, 1);
	assert_true(i >= 0);
	assert_true(find_ev(s, (unsigned int)i, NFEMU_MODULE_PUT, "xt_tcpudp", 1, 0) >= 0);
	assert_true(find_ev(s, 0, NFEMU_MODULE_PUT, "xt_mark", 1, 0) >= 0);
	assert_int_equal(find_ev(s, 0, NFEMU_MODULE_GET, "xt_tcpudp", 0, 1), -1);

	s->n = 0;
	assert_int_equal(delete_module(net, "xt_mark"), 0);
	i = find_ev(s, 0, NFEMU_MODULE_UNLOAD, "xt_mark", 0, 0);
	assert_true(i >= 0);
	/* the unloaded module lets go of what it used */
	i = find_ev(s, (unsigned int)i, NFEMU_MODULE_UNREF, "x_tables", refcnt(net, "x_tables") + 1,
		    refcnt(net, "x_tables"));
	assert_true(i >= 0);
	assert_string_equal(s->ev[i].user, "xt_mark");
	assert_int_equal(net->modlog.n, 0);     /* an observer took them all */
	net->observer.event = NULL;
	net->observer.ctx = NULL;
	free(s);
}

static void test_module_events_without_observer_go_to_modlog(void **state)
{
	struct net *net = *state;
	struct module *mod;

	assert_int_equal(request_module(net, "ip_tables"), 0);
	assert_int_equal(net->modlog.n, 3);     /* load x_tables, ref_module, load ip_tables */
	assert_int_equal(net->modlog.ev[0].what, NFEMU_MODULE_LOAD);
	assert_string_equal(net->modlog.ev[0].name, "x_tables");
	assert_int_equal(net->modlog.ev[1].what, NFEMU_MODULE_REF);
	assert_int_equal(net->modlog.ev[2].what, NFEMU_MODULE_LOAD);
	assert_string_equal(net->modlog.ev[2].name, "ip_tables");
	/* full: counted, not kept */
	mod = find_module(net, "ip_tables");
	for (unsigned int i = 0; i < NFEMU_MODLOG_MAX; i++) {
		assert_true(try_module_get(mod));
		module_put(mod);
	}
	assert_int_equal(net->modlog.n, NFEMU_MODLOG_MAX);
	assert_int_equal(net->modlog.lost, 2 * NFEMU_MODLOG_MAX - (NFEMU_MODLOG_MAX - 3));
	assert_int_equal(net->modlog.ev[3].what, NFEMU_MODULE_GET);
	assert_int_equal(net->modlog.ev[3].before, 0);
	assert_int_equal(net->modlog.ev[3].after, 1);
	assert_int_equal(net->modlog.ev[4].what, NFEMU_MODULE_PUT);
	/* a module going is refused, and says so */
	mod->state = MODULE_STATE_GOING;
	net->modlog.n = 0;
	assert_false(try_module_get(mod));
	assert_int_equal(net->modlog.n, 1);
	assert_int_equal(net->modlog.ev[0].what, NFEMU_MODULE_GET_FAILED);
	mod->state = MODULE_STATE_LIVE;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_request_module_loads_dependencies_first),
		T(test_request_module_records_holders),
		T(test_request_module_by_alias),
		T(test_request_module_refuses_unknown_module),
		T(test_delete_module_refuses_held_dependency),
		T(test_rules_hold_their_match_and_target_modules),
		T(test_refused_replace_holds_nothing),
		T(test_table_holds_its_module_while_bigger_than_initial),
		T(test_removing_table_module_removes_table_and_hooks),
		T(test_removing_table_module_with_rules_is_refused),
		T(test_proc_modules_format),
		T(test_proc_net_ip_tables_names_newest_first),
		T(test_proc_net_ip_tables_targets_lists_builtin_error_target),
		T(test_net_free_unloads_everything_in_use),
		T(test_module_events_of_a_replace_and_a_flush),
		T(test_module_events_without_observer_go_to_modlog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
