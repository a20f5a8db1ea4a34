/* tests/unit/test-inspect.c - what nfemu hooks, nfemu dump and the sockopt trace read.
 *
 * The hook lists Linux 6.18 builds (priorities, functions, modules: iptable_*.c,
 * nf_conntrack_proto.c, nf_defrag_ipv4.c, nf_nat_proto.c; checked against the source, as this
 * kernel has no nfnetlink_hook), the blob index of emu/ipt_blob.c, the decoders of emu/xt_decode.c.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "conntrack/nf_conntrack.h"
#include "emu/ipt_blob.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/xt_decode.h"
#include "hooks/nf_sockopt.h"
#include "tests/unit/blob.h"
#include "xtables/ip_tables.h"

#define HOOK(h) (1u << NF_INET_##h)
#define FILTER_HOOKS (HOOK(LOCAL_IN) | HOOK(FORWARD) | HOOK(LOCAL_OUT))
#define V_ACCEPT (-NF_ACCEPT - 1)

static int setup(void **state)
{
	struct net *net = net_alloc();

	if (!net || request_module(net, "ip_tables"))
		return -1;
	*state = net;
	return 0;
}

static int teardown(void **state)
{
	net_free(*state);
	return 0;
}

static int get_info(struct net *net, const char *table, struct ipt_getinfo *info)
{
	int len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", table);
	return nf_getsockopt(net, PF_INET, IPT_SO_GET_INFO, info, &len);
}

/* SET_REPLACE with num_counters from GET_INFO, as libiptc does; frees r. */
static int replace(struct net *net, struct ipt_replace *r)
{
	unsigned int len = sizeof(*r) + r->size;
	struct ipt_getinfo info;
	int ret = get_info(net, r->name, &info);
	struct xt_counters *counters = calloc(ret == 0 ? info.num_entries : 1, sizeof(*counters));

	assert_int_equal(ret, 0);
	assert_non_null(counters);
	r->num_counters = info.num_entries;
	r->counters = counters;
	ret = nf_setsockopt(net, PF_INET, IPT_SO_SET_REPLACE, r, len);
	free(counters);
	free(r);
	return ret;
}

/* ------------------------------------------------------------------ hook lists */

struct want_hook {
	int priority;
	const char *name, *module;
};

/* The entries of one hook, in nf_hook_slow's order, must be exactly want[0..n). */
static void assert_hook_list(struct net *net, unsigned int hook, const struct want_hook *want, unsigned int n)
{
	const struct nf_hook_entries *e = &net->nf.hooks_ipv4[hook];

	assert_int_equal(e->num_hook_entries, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(e->ops[i]->priority, want[i].priority);
		assert_string_equal(e->ops[i]->name, want[i].name);
		assert_string_equal(e->ops[i]->module, want[i].module);
		/* the module the function is in is loaded: rmmod would have unhooked it */
		assert_non_null(find_module(net, e->ops[i]->module));
	}
}

#define ASSERT_HOOK(net, hook, ...) do {                                                  \
	static const struct want_hook w_[] = { __VA_ARGS__ };                               \
	assert_hook_list(net, hook, w_, sizeof(w_) / sizeof(w_[0]));                        \
} while (0)

/* Every table, conntrack and NAT: the lists of Linux 6.18 (NF_IP_PRI_* in
 * include/uapi/linux/netfilter_ipv4.h; filter/raw/security hook ipt_do_table itself since
 * 5.16, mangle its iptable_mangle_hook, the NAT core its nf_nat_ipv4_* functions). */
static void test_hook_lists_are_the_kernels(void **state)
{
	struct net *net = *state;
	struct ipt_getinfo info;

	assert_int_equal(get_info(net, "filter", &info), 0);
	assert_int_equal(get_info(net, "mangle", &info), 0);
	assert_int_equal(get_info(net, "raw", &info), 0);
	assert_int_equal(get_info(net, "security", &info), 0);
	assert_int_equal(get_info(net, "nat", &info), 0);
	assert_int_equal(request_module(net, "nf_conntrack"), 0);
	assert_int_equal(nf_ct_netns_get(net, NFPROTO_IPV4), 0);

	ASSERT_HOOK(net, NF_INET_PRE_ROUTING,
		    { NF_IP_PRI_CONNTRACK_DEFRAG, "ipv4_conntrack_defrag", "nf_defrag_ipv4" },
		    { NF_IP_PRI_RAW, "ipt_do_table", "ip_tables" },
		    { NF_IP_PRI_CONNTRACK, "ipv4_conntrack_in", "nf_conntrack" },
		    { NF_IP_PRI_MANGLE, "iptable_mangle_hook", "iptable_mangle" },
		    { NF_IP_PRI_NAT_DST, "nf_nat_ipv4_pre_routing", "nf_nat" });
	ASSERT_HOOK(net, NF_INET_LOCAL_IN,
		    { NF_IP_PRI_MANGLE, "iptable_mangle_hook", "iptable_mangle" },
		    { NF_IP_PRI_FILTER, "ipt_do_table", "ip_tables" },
		    { NF_IP_PRI_SECURITY, "ipt_do_table", "ip_tables" },
		    { NF_IP_PRI_NAT_SRC, "nf_nat_ipv4_local_in", "nf_nat" },
		    { NF_IP_PRI_CONNTRACK_CONFIRM, "nf_confirm", "nf_conntrack" });
	ASSERT_HOOK(net, NF_INET_FORWARD,
		    { NF_IP_PRI_MANGLE, "iptable_mangle_hook", "iptable_mangle" },
		    { NF_IP_PRI_FILTER, "ipt_do_table", "ip_tables" },
		    { NF_IP_PRI_SECURITY, "ipt_do_table", "ip_tables" });
	ASSERT_HOOK(net, NF_INET_LOCAL_OUT,
		    { NF_IP_PRI_CONNTRACK_DEFRAG, "ipv4_conntrack_defrag", "nf_defrag_ipv4" },
		    { NF_IP_PRI_RAW, "ipt_do_table", "ip_tables" },
		    { NF_IP_PRI_CONNTRACK, "ipv4_conntrack_local", "nf_conntrack" },
		    { NF_IP_PRI_MANGLE, "iptable_mangle_hook", "iptable_mangle" },
		    { NF_IP_PRI_NAT_DST, "nf_nat_ipv4_local_fn", "nf_nat" },
		    { NF_IP_PRI_FILTER, "ipt_do_table", "ip_tables" },
		    { NF_IP_PRI_SECURITY, "ipt_do_table", "ip_tables" });
	ASSERT_HOOK(net, NF_INET_POST_ROUTING,
		    { NF_IP_PRI_MANGLE, "iptable_mangle_hook", "iptable_mangle" },
		    { NF_IP_PRI_NAT_SRC, "nf_nat_ipv4_out", "nf_nat" },
		    { NF_IP_PRI_CONNTRACK_CONFIRM, "nf_confirm", "nf_conntrack" });
	nf_ct_netns_put(net, NFPROTO_IPV4);
}

/* Hooks come and go with their users: conntrack's with the last rule needing it (nf_ct_netns_put),
 * the NAT core's with the nat table, a table's with its module. */
static void test_hooks_go_with_their_users(void **state)
{
	struct net *net = *state;
	struct ipt_getinfo info;

	assert_int_equal(get_info(net, "filter", &info), 0);
	assert_int_equal(get_info(net, "nat", &info), 0);
	assert_int_equal(request_module(net, "nf_conntrack"), 0);
	assert_int_equal(nf_ct_netns_get(net, NFPROTO_IPV4), 0);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING].num_hook_entries, 3);

	nf_ct_netns_put(net, NFPROTO_IPV4);
	ASSERT_HOOK(net, NF_INET_PRE_ROUTING, { NF_IP_PRI_NAT_DST, "nf_nat_ipv4_pre_routing", "nf_nat" });
	ASSERT_HOOK(net, NF_INET_POST_ROUTING, { NF_IP_PRI_NAT_SRC, "nf_nat_ipv4_out", "nf_nat" });

	assert_int_equal(delete_module(net, "iptable_nat"), 0);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING].num_hook_entries, 0);
	ASSERT_HOOK(net, NF_INET_LOCAL_IN, { NF_IP_PRI_FILTER, "ipt_do_table", "ip_tables" });

	assert_int_equal(delete_module(net, "iptable_filter"), 0);
	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++)
		assert_int_equal(net->nf.hooks_ipv4[h].num_hook_entries, 0);
}

/* ------------------------------------------------------------------ ipt_blob */

/* filter: INPUT "-p tcp --dport 22 -j ACCEPT", "-j x", policy DROP; chain x: one rule. */
static struct ipt_replace *filter_with_chain(void)
{
	struct blob *b = blob_begin("filter", FILTER_HOOKS);
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 22, 22 } };

	blob_hook(b, NF_INET_LOCAL_IN);
	blob_rule(b, &(struct ipt_ip){ .proto = IPPROTO_TCP });
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_verdict(b, V_ACCEPT);
	blob_rule(b, NULL);
	blob_jump(b, "x");
	blob_policy(b, NF_INET_LOCAL_IN, NF_DROP);
	blob_close_hooks(b);
	blob_chain(b, "x");
	blob_rule(b, &(struct ipt_ip){ .proto = IPPROTO_UDP });
	blob_verdict(b, V_ACCEPT);
	blob_return(b);
	return blob_error_end(b, &(unsigned int){ 0 });
}

static void test_blob_index_names_chains_as_libiptc(void **state)
{
	struct net *net = *state;
	struct ipt_blob b;
	char where[96];
	static const struct {
		const char *chain;
		unsigned int rule;
		bool head, end, tail, user;
		unsigned int hook_entry, underflow;
		const char *where;
	} want[] = {
		{ "INPUT", 1, false, false, false, false, HOOK(LOCAL_IN), 0, "chain INPUT rule 1" },
		{ "INPUT", 2, false, false, false, false, 0, 0, "chain INPUT rule 2" },
		{ "INPUT", 3, false, false, true, false, 0, HOOK(LOCAL_IN), "policy of INPUT" },
		{ "FORWARD", 1, false, false, true, false, HOOK(FORWARD), HOOK(FORWARD), "policy of FORWARD" },
		{ "OUTPUT", 1, false, false, true, false, HOOK(LOCAL_OUT), HOOK(LOCAL_OUT), "policy of OUTPUT" },
		{ "x", 0, true, false, false, false, 0, 0, "chain x head" },
		{ "x", 1, false, false, false, true, 0, 0, "chain x rule 1" },
		{ "x", 2, false, false, true, true, 0, 0, "chain x's RETURN" },
		{ "", 0, false, true, false, false, 0, 0, "the table's end" },
	};

	assert_int_equal(ipt_blob_get(net, "filter", &b), -ENOENT);     /* not created by a look */
	assert_null(xt_find_table(net, NFPROTO_IPV4, "filter"));
	assert_int_equal(request_module(net, "iptable_filter"), 0);
	assert_int_equal(replace(net, filter_with_chain()), 0);
	assert_int_equal(ipt_blob_get(net, "filter", &b), 0);
	assert_int_equal(b.n, ARRAY_SIZE(want));
	for (unsigned int i = 0; i < b.n; i++) {
		const struct ipt_blob_entry *x = &b.idx[i];

		assert_string_equal(x->chain, want[i].chain);
		assert_int_equal(x->rule, want[i].rule);
		assert_int_equal(x->head, want[i].head);
		assert_int_equal(x->end, want[i].end);
		assert_int_equal(x->tail, want[i].tail);
		assert_int_equal(x->user, want[i].user);
		assert_int_equal(x->hook_entry, want[i].hook_entry);
		assert_int_equal(x->underflow, want[i].underflow);
		ipt_blob_where(x, where, sizeof(where));
		assert_string_equal(where, want[i].where);
		assert_ptr_equal(ipt_blob_at(&b, x->offset), x);
		if (i)
			assert_int_equal(x->offset, b.idx[i - 1].offset + b.idx[i - 1].e->next_offset);
	}
	assert_null(ipt_blob_at(&b, 4));
	/* what GET_ENTRIES returned: the names, not the kernel's pointers */
	assert_string_equal(((const struct xt_entry_match *)b.idx[0].e->elems)->u.user.name, "tcp");
	ipt_blob_free(&b);
}

static void test_blob_index_refuses_a_broken_tiling(void **state)
{
	struct ipt_replace *r = filter_with_chain();
	struct ipt_blob b = { 0 };

	(void)state;
	b.info.valid_hooks = FILTER_HOOKS;
	b.info.size = r->size;
	b.entries = (unsigned char *)r->entries;
	blob_entry(r->entries, r->size, 1)->next_offset = 4;
	assert_int_equal(ipt_blob_index(&b), -EINVAL);
	b.info.size = r->size - 1;
	blob_entry(r->entries, r->size, 1)->next_offset = blob_entry(r->entries, r->size, 0)->next_offset;
	assert_int_equal(ipt_blob_index(&b), -EINVAL);
	free(b.idx);
	free(r);
}

/* ------------------------------------------------------------------ xt_decode */

static char *decode(bool target, const char *name, unsigned int rev, const void *data, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);
	bool ok;

	assert_non_null(f);
	ok = xt_decode_data(f, "  ", target, name, rev, data, len);
	fclose(f);
	if (!ok) {
		assert_int_equal(size, 0);
		free(buf);
		return NULL;
	}
	return buf;
}

static void test_decode_tcp(void **state)
{
	struct { struct xt_tcp t; char pad[4]; } d = {
		.t = { .spts = { 1024, 65535 }, .dpts = { 22, 22 }, .flg_mask = 0x17, .flg_cmp = 0x02,
		       .invflags = XT_TCP_INV_FLAGS },
	};
	char *s = decode(false, "tcp", 0, &d, XT_ALIGN(sizeof(d.t)));
	size_t size;

	(void)state;
	assert_string_equal(s, "  .spts = { 1024, 65535 }\n"
			       "  .dpts = { 22, 22 }\n"
			       "  .option = 0\n"
			       "  .flg_mask = 0x17 /* FIN|SYN|RST|ACK */\n"
			       "  .flg_cmp = 0x2 /* SYN */\n"
			       "  .invflags = 0x4 /* XT_TCP_INV_FLAGS */\n");
	free(s);
	assert_string_equal(xt_decode_struct(false, "tcp", 0, &size), "struct xt_tcp");
	assert_int_equal(size, sizeof(struct xt_tcp));
	/* not a size this revision has, or a revision nfemu cannot decode: the caller prints hex */
	assert_null(decode(false, "tcp", 0, &d, sizeof(d.t)));
	assert_null(decode(false, "tcp", 1, &d, XT_ALIGN(sizeof(d.t))));
	assert_null(decode(false, "nosuch", 0, &d, XT_ALIGN(sizeof(d.t))));
	assert_null(xt_decode_struct(true, "tcp", 0, NULL));
}

static void test_decode_limit_and_multiport(void **state)
{
	struct xt_rateinfo r = { .avg = 120000, .burst = 5 };          /* --limit 5/min */
	struct xt_multiport_v1 mp = { .flags = XT_MULTIPORT_DESTINATION, .count = 2, .ports = { 53, 123 } };
	char *s;

	(void)state;
	s = decode(false, "limit", 0, &r, sizeof(r));
	assert_non_null(strstr(s, "  .avg = 120000 /* XT_LIMIT_SCALE x seconds per packet: 5/minute */\n"
				  "  .burst = 5\n"));
	free(s);
	s = decode(false, "multiport", 1, &mp, XT_ALIGN(sizeof(mp)));
	assert_string_equal(s, "  .flags = 1 /* XT_MULTIPORT_DESTINATION */\n"
			       "  .count = 2\n"
			       "  .ports = { 53, 123 } /* the first 2 of 15; the rest zero */\n"
			       "  .pflags = { 0, 0 } /* the first 2 of 15; the rest zero */\n"
			       "  .invert = 0\n");
	free(s);
}

static void test_decode_nat_range(void **state)
{
	struct nf_nat_ipv4_multi_range_compat mr = {
		.rangesize = 1,
		.range = { { .flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED,
			     .min_ip = htonl(0xc0000201), .max_ip = htonl(0xc0000201),
			     .min = { .all = htons(1024) }, .max = { .all = htons(2048) } } },
	};
	char *s;

	(void)state;
	s = decode(true, "SNAT", 0, &mr, XT_ALIGN(sizeof(mr)));
	assert_string_equal(s, "  .rangesize = 1\n"
			       "  .range[0].flags = 0x3 /* NF_NAT_RANGE_MAP_IPS|NF_NAT_RANGE_PROTO_SPECIFIED */\n"
			       "  .range[0].min_ip = 192.0.2.1\n"
			       "  .range[0].max_ip = 192.0.2.1\n"
			       "  .range[0].min.all = htons(1024)\n"
			       "  .range[0].max.all = htons(2048)\n");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hook_lists_are_the_kernels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_go_with_their_users, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob_index_names_chains_as_libiptc, setup, teardown),
		cmocka_unit_test(test_blob_index_refuses_a_broken_tiling),
		cmocka_unit_test(test_decode_tcp),
		cmocka_unit_test(test_decode_limit_and_multiport),
		cmocka_unit_test(test_decode_nat_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
