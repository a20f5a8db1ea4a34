/* tests/unit/test-xtables.c - translate_table and the ip_tables sockopt ABI, refusal by refusal.
 *
 * Each test builds the blob iptables would send (tests/unit/blob.h), hands it to the emulated
 * kernel through nf_setsockopt/nf_getsockopt, and checks the errno Linux 6.18 answers and that
 * the refusal (net->refusal, worded by emu/refusal.c) names the reason.  With NFEMU_TEST_REAL_KERNEL=1 (root) the same tests run
 * against the running Linux kernel, each in a fresh network namespace: that is how every
 * expected errno here was verified.  Emulator-only checks are skipped in that mode.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/xt_SYNPROXY.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/netfilter/xt_TCPOPTSTRIP.h>
#include <linux/netfilter/xt_TPROXY.h>
#include <linux/netfilter/xt_cgroup.h>
#include <linux/netfilter/xt_connlabel.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_ecn.h>
#include <linux/netfilter/xt_esp.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_nfacct.h>
#include <linux/netfilter/xt_osf.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter_ipv4/ipt_CLUSTERIP.h>
#include <linux/netfilter_ipv4/ipt_ah.h>

#include "emu/refusal.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "hooks/nf_sockopt.h"
#include "tests/unit/blob.h"
#include "xtables/ip_tables.h"

#define HOOK(h) (1u << NF_INET_##h)
#define FILTER_HOOKS (HOOK(LOCAL_IN) | HOOK(FORWARD) | HOOK(LOCAL_OUT))
#define MANGLE_HOOKS (HOOK(PRE_ROUTING) | HOOK(LOCAL_IN) | HOOK(FORWARD) | HOOK(LOCAL_OUT) | HOOK(POST_ROUTING))
#define NAT_HOOKS (HOOK(PRE_ROUTING) | HOOK(LOCAL_IN) | HOOK(LOCAL_OUT) | HOOK(POST_ROUTING))
#define V_ACCEPT (-NF_ACCEPT - 1)
#define V_DROP (-NF_DROP - 1)
#define V_QUEUE (-NF_QUEUE - 1)
#define V_STOLEN (-NF_STOLEN - 1)

/* ------------------------------------------------------------------ the kernel under test */

struct k {
	struct net *net;        /* the emulated kernel, or NULL in real-kernel mode */
	int fd;                 /* real-kernel mode: a raw socket in a fresh netns */
	struct xt_counters *counters;   /* handed out as ipt_replace.counters */
	void *owned[32];                /* blobs freed by teardown, also when a test fails */
	unsigned int nowned;
};

static void *own(struct k *k, void *p)
{
	assert_true(k->nowned < ARRAY_SIZE(k->owned));
	k->owned[k->nowned++] = p;
	return p;
}

static bool real_kernel(void)
{
	const char *s = getenv("NFEMU_TEST_REAL_KERNEL");

	return s && *s && strcmp(s, "0") != 0;
}

static int setup(void **state)
{
	struct k *k = calloc(1, sizeof(*k));

	if (!k)
		return -1;
	k->fd = -1;
	if (real_kernel()) {
		if (unshare(CLONE_NEWNET) != 0) {
			perror("unshare(CLONE_NEWNET)");
			free(k);
			return -1;
		}
		k->fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
		if (k->fd < 0) {
			perror("socket");
			free(k);
			return -1;
		}
	} else {
		k->net = net_alloc();
		if (!k->net || request_module(k->net, "ip_tables") != 0) {
			net_free(k->net);
			free(k);
			return -1;
		}
	}
	*state = k;
	return 0;
}

static int teardown(void **state)
{
	struct k *k = *state;

	if (k->net)
		net_free(k->net);
	if (k->fd >= 0)
		close(k->fd);
	free(k->counters);
	while (k->nowned > 0)
		free(k->owned[--k->nowned]);
	free(k);
	return 0;
}

/* Tests that look inside the emulated kernel. */
#define emu_only(k) do { if (!(k)->net) skip(); } while (0)

static int k_set(struct k *k, int cmd, const void *buf, unsigned int len)
{
	if (k->net)
		return nf_setsockopt(k->net, PF_INET, cmd, buf, len);
	return setsockopt(k->fd, SOL_IP, cmd, buf, len) < 0 ? -errno : 0;
}

static int k_get(struct k *k, int cmd, void *buf, int *len)
{
	socklen_t l;
	int ret;

	if (k->net)
		return nf_getsockopt(k->net, PF_INET, cmd, buf, len);
	l = *len;
	ret = getsockopt(k->fd, SOL_IP, cmd, buf, &l);
	*len = l;
	return ret < 0 ? -errno : ret;
}

static int k_get_info(struct k *k, const char *table, struct ipt_getinfo *info)
{
	int len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", table);
	return k_get(k, IPT_SO_GET_INFO, info, &len);
}

/* SET_REPLACE as libiptc does it: num_counters is the current number of entries (unless the
 * test set one), counters a buffer that receives the old table's counters. */
static int k_replace(struct k *k, struct ipt_replace *r, unsigned int len)
{
	struct ipt_getinfo info;

	if (r->num_counters == 0)
		r->num_counters = k_get_info(k, r->name, &info) == 0 ? info.num_entries : 1;
	if (!r->counters) {
		free(k->counters);
		k->counters = calloc(r->num_counters, sizeof(struct xt_counters));
		assert_non_null(k->counters);
		r->counters = k->counters;
	}
	return k_set(k, IPT_SO_SET_REPLACE, r, len);
}

static struct ipt_get_entries *k_get_entries(struct k *k, const char *table)
{
	struct ipt_get_entries *get;
	struct ipt_getinfo info;
	int len;

	assert_int_equal(k_get_info(k, table, &info), 0);
	len = sizeof(*get) + info.size;
	get = calloc(1, len);
	assert_non_null(get);
	own(k, get);
	snprintf(get->name, sizeof(get->name), "%s", table);
	get->size = info.size;
	assert_int_equal(k_get(k, IPT_SO_GET_ENTRIES, get, &len), 0);
	return get;
}

static int k_add_counters(struct k *k, const char *table, const struct xt_counters *c, unsigned int n)
{
	size_t len = sizeof(struct xt_counters_info) + n * sizeof(*c);
	struct xt_counters_info *info = calloc(1, len);
	int ret;

	assert_non_null(info);
	snprintf(info->name, sizeof(info->name), "%s", table);
	info->num_counters = n;
	memcpy(info->counters, c, n * sizeof(*c));
	ret = k_set(k, IPT_SO_SET_ADD_COUNTERS, info, len);
	free(info);
	return ret;
}

/* The refusal has the kernel's errno, and (emulated kernel) its reason says why. */
#define assert_refused(k, ret, err, why) check_refused(k, ret, err, why, __FILE__, __LINE__)

static void check_refused(struct k *k, int ret, int err, const char *why, const char *file, int line)
{
	if (ret != -err) {
		print_error("got %d (%s), want -%s; refusal: %s\n", ret,
			    ret < 0 ? strerrorname_np(-ret) : "success", strerrorname_np(err),
			    k->net ? nfemu_last_error(k->net) : "(real kernel)");
		_fail(file, line);
	}
	if (k->net && why && !strstr(nfemu_last_error(k->net), why)) {
		print_error("refusal \"%s\" does not say \"%s\"\n", nfemu_last_error(k->net), why);
		_fail(file, line);
	}
}

#define assert_ok(k, ret) check_ok(k, ret, __FILE__, __LINE__)

static void check_ok(struct k *k, int ret, const char *file, int line)
{
	if (ret < 0) {
		print_error("got %d (%s), want success; refusal: %s\n", ret, strerrorname_np(-ret),
			    k->net ? nfemu_last_error(k->net) : "(real kernel)");
		_fail(file, line);
	}
}

/* The table is as it was created: one policy per hook and the ERROR entry. */
static void assert_table_initial(struct k *k, const char *table, unsigned int nhooks)
{
	struct ipt_getinfo info;

	assert_int_equal(k_get_info(k, table, &info), 0);
	assert_int_equal(info.num_entries, nhooks + 1);
	assert_int_equal(info.size, nhooks * sizeof(struct ipt_standard) + sizeof(struct ipt_error));
}

/* ------------------------------------------------------------------- blob shorthands */

static struct blob *filter_input(void)
{
	struct blob *b = blob_begin("filter", FILTER_HOOKS);

	blob_open_hook(b, NF_INET_LOCAL_IN);
	return b;
}

static struct ipt_replace *finish(struct blob *b, unsigned int *len)
{
	blob_close_hooks(b);
	return blob_error_end(b, len);
}

static void accept_rule(struct blob *b, const struct ipt_ip *ip)
{
	blob_rule(b, ip);
	blob_verdict(b, V_ACCEPT);
}

static const struct ipt_ip ip_tcp = { .proto = IPPROTO_TCP };

static struct xt_tcp tcp_dport(u16 port)
{
	return (struct xt_tcp){ .spts = { 0, 0xffff }, .dpts = { port, port } };
}

/* filter with INPUT "-p tcp -m tcp --dport 22 -j ACCEPT" */
static struct ipt_replace *filter_with_tcp_rule(unsigned int *len)
{
	struct blob *b = filter_input();
	struct xt_tcp tcp = tcp_dport(22);

	blob_rule(b, &ip_tcp);
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_verdict(b, V_ACCEPT);
	return finish(b, len);
}

/* ============================================================ translate_table: sanity */

static void test_replace_accepts_initial_table(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	assert_ok(k, k_replace(k, r, len));
	if (k->net)
		assert_string_equal(nfemu_last_error(k->net), "");
	assert_table_initial(k, "filter", 3);
}

static void test_replace_accepts_rules_user_chains_and_jumps(void **state)
{
	struct k *k = *state;
	struct ipt_getinfo info;
	unsigned int len;
	struct xt_tcp tcp = tcp_dport(80);
	struct blob *b = filter_input();
	struct ipt_replace *r;

	blob_rule(b, NULL);
	blob_jump(b, "web");
	blob_rule(b, &ip_tcp);
	blob_verdict(b, V_QUEUE);               /* -j QUEUE is a valid rule verdict */
	blob_close_hooks(b);
	blob_chain(b, "web");
	blob_rule(b, &ip_tcp);
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_verdict(b, V_DROP);
	blob_rule(b, NULL);
	blob_verdict(b, XT_RETURN);             /* an unconditional RETURN inside the chain */
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	assert_ok(k, k_replace(k, r, len));
	assert_int_equal(k_get_info(k, "filter", &info), 0);
	assert_int_equal(info.num_entries, r->num_entries);
	assert_int_equal(info.size, r->size);
	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (!(FILTER_HOOKS & (1u << h))) {
			assert_int_equal(info.hook_entry[h], 0xFFFFFFFF);      /* never set */
			continue;
		}
		assert_int_equal(info.hook_entry[h], r->hook_entry[h]);
		assert_int_equal(info.underflow[h], r->underflow[h]);
	}
}

static void test_replace_accepts_drop_policy(void **state)
{
	struct k *k = *state;
	struct blob *b = blob_begin("filter", FILTER_HOOKS);
	struct ipt_replace *r;
	unsigned int len;

	blob_hook(b, NF_INET_LOCAL_IN);
	blob_policy(b, NF_INET_LOCAL_IN, NF_DROP);
	blob_open_hook(b, NF_INET_FORWARD);
	r = own(k, finish(b, &len));
	assert_ok(k, k_replace(k, r, len));
}

/* ======================================================= translate_table: entry layout */

static void test_translate_refuses_misaligned_entry(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_close_hooks(b);
	blob_chain(b, "x");
	blob_pad(b, 4);                 /* the chain's RETURN starts 4 bytes off alignment */
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "not aligned");
	assert_table_initial(k, "filter", 3);
}

static void test_translate_refuses_entry_header_past_end(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	/* Only sizeof(struct ipt_entry) bytes left for the ERROR entry: Linux wants more. */
	r->size = blob_offset(r->entries, r->size, 3) + sizeof(struct ipt_entry);
	assert_refused(k, k_replace(k, r, len), EINVAL, "entry header runs past the end");
}

static void test_translate_refuses_next_offset_past_end(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	blob_entry(r->entries, r->size, 3)->next_offset += 8;
	assert_refused(k, k_replace(k, r, len), EINVAL, "next_offset 184 runs past the end");
}

static void test_translate_refuses_next_offset_too_small(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	blob_entry(r->entries, r->size, 0)->next_offset = sizeof(struct ipt_entry) + 8;
	assert_refused(k, k_replace(k, r, len), EINVAL, "smaller than an entry with a target");
}

static void test_translate_refuses_unknown_ip_flags(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	accept_rule(b, &(struct ipt_ip){ .flags = 0x80 });
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "unknown ip flags 0x80");
}

static void test_translate_refuses_unknown_ip_invflags(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	accept_rule(b, &(struct ipt_ip){ .invflags = 0x80 });
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "invflags 0x80");
}

static void test_translate_refuses_target_offset_inside_header(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	blob_entry(r->entries, r->size, 0)->target_offset = sizeof(struct ipt_entry) - 8;
	assert_refused(k, k_replace(k, r, len), EINVAL, "target_offset 104 outside the entry");
}

static void test_translate_refuses_target_offset_past_next_offset(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));
	struct ipt_entry *e = blob_entry(r->entries, r->size, 0);

	e->target_offset = e->next_offset - 8;  /* no room for the target header */
	assert_refused(k, k_replace(k, r, len), EINVAL, "outside the entry");
}

static void test_translate_refuses_target_size_too_small(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	blob_entry_target(blob_entry(r->entries, r->size, 0))->u.target_size = 16;
	assert_refused(k, k_replace(k, r, len), EINVAL, "target_size 16 does not fit");
}

static void test_translate_refuses_target_size_too_big(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	blob_entry_target(blob_entry(r->entries, r->size, 0))->u.target_size = 48;
	assert_refused(k, k_replace(k, r, len), EINVAL, "target_size 48 does not fit");
}

static void test_translate_refuses_standard_target_with_wrong_entry_size(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	accept_rule(b, &ip_tcp);
	blob_pad(b, 8);                 /* next_offset 160, not XT_ALIGN(112 + 40) */
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "does not end the entry");
}

static void test_check_target_refuses_standard_target_of_wrong_size(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	/* The layout fits (next_offset is right); xt_check_target compares the sizes. */
	blob_entry_target(blob_entry(r->entries, r->size, 0))->u.target_size = 36;
	assert_refused(k, k_replace(k, r, len), EINVAL, "invalid size 8 (kernel) != (user) 4");
}

static void test_translate_refuses_verdict_stolen(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, &ip_tcp);
	blob_verdict(b, V_STOLEN);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "standard target: invalid verdict -3");
}

static void test_translate_refuses_verdict_zero(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, &ip_tcp);
	blob_verdict(b, 0);             /* verdict_ok(): 0 is neither a jump nor a verdict */
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "standard target: invalid verdict 0");
}

/* Found by fuzzing: verdict_ok() negated INT_MIN (undefined behaviour; clang's UBSan flags it).
 * The refusal is Linux's, as a rule verdict and as a chain policy. */
static void test_translate_refuses_verdict_int_min(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, &ip_tcp);
	blob_verdict(b, INT_MIN);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL,
		       "standard target: invalid verdict -2147483648");
}

static void test_translate_refuses_error_target_of_wrong_size(void **state)
{
	struct k *k = *state;
	char name[XT_FUNCTION_MAXNAMELEN + 8] = "x";
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_close_hooks(b);
	blob_rule(b, NULL);
	blob_target(b, XT_ERROR_TARGET, 0, name, sizeof(name));        /* 72 bytes, not 64 */
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "ERROR target: bad size 72");
}

static void test_translate_refuses_unterminated_error_name(void **state)
{
	struct k *k = *state;
	char name[XT_FUNCTION_MAXNAMELEN + 2];
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	memset(name, 'A', sizeof(name));
	blob_close_hooks(b);
	blob_rule(b, NULL);
	blob_target(b, XT_ERROR_TARGET, 0, name, sizeof(name));
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "unterminated chain name");
}

/* Matches that do not tile the space before a standard target: the refusal names the matches. */
static void test_translate_refuses_match_size_too_small(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	blob_entry_match(blob_entry(r->entries, r->size, 0), 0)->u.match_size = 16;
	assert_refused(k, k_replace(k, r, len), EINVAL, "matches do not tile");
}

static void test_translate_refuses_match_size_too_big(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	blob_entry_match(blob_entry(r->entries, r->size, 0), 0)->u.match_size += 8;
	assert_refused(k, k_replace(k, r, len), EINVAL, "matches do not tile");
}

static void test_translate_refuses_misaligned_second_match(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	/* 44 leaves 4 bytes before the target: a second match would start misaligned. */
	blob_entry_match(blob_entry(r->entries, r->size, 0), 0)->u.match_size = 44;
	assert_refused(k, k_replace(k, r, len), EINVAL, "matches do not tile");
}

/* ============================================================ translate_table: hooks */

static void test_translate_refuses_hook_entry_off_entry_boundary(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->hook_entry[NF_INET_FORWARD] += 8;
	assert_refused(k, k_replace(k, r, len), EINVAL, "hook_entry does not start an entry at hook 2 (FORWARD)");
}

static void test_translate_refuses_underflow_off_entry_boundary(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->underflow[NF_INET_LOCAL_OUT] += 8;
	assert_refused(k, k_replace(k, r, len), EINVAL, "underflow does not start an entry at hook 3 (OUTPUT)");
}

static void test_translate_refuses_conditional_underflow(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	blob_entry(r->entries, r->size, 1)->ip.proto = IPPROTO_TCP;     /* FORWARD's policy */
	assert_refused(k, k_replace(k, r, len), EINVAL, "policy of FORWARD (underflow) is not an unconditional");
}

static void test_translate_refuses_underflow_with_non_standard_target(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));
	struct xt_entry_target *t = blob_entry_target(blob_entry(r->entries, r->size, 0));

	/* INPUT's policy entry carries a TRACE target instead of the standard one. */
	snprintf(t->u.user.name, sizeof(t->u.user.name), "TRACE");
	assert_refused(k, k_replace(k, r, len), EINVAL, "policy of INPUT (underflow) is not an unconditional");
}

static void underflow_verdict(void **state, int nf_verdict)
{
	struct k *k = *state;
	struct blob *b = blob_begin("filter", FILTER_HOOKS);
	struct ipt_replace *r;
	unsigned int len;

	blob_hook(b, NF_INET_LOCAL_IN);
	blob_policy(b, NF_INET_LOCAL_IN, nf_verdict);
	blob_open_hook(b, NF_INET_FORWARD);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL,
		       "policy of INPUT (underflow) is not an unconditional ACCEPT or DROP");
}

static void test_translate_refuses_underflow_return(void **state)
{
	underflow_verdict(state, NF_REPEAT);    /* -NF_REPEAT - 1 == XT_RETURN */
}

static void test_translate_refuses_underflow_queue(void **state)
{
	underflow_verdict(state, NF_QUEUE);
}

static void test_translate_refuses_unsorted_hooks(void **state)
{
	struct k *k = *state;
	unsigned int len, t;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	t = r->hook_entry[NF_INET_LOCAL_IN];
	r->hook_entry[NF_INET_LOCAL_IN] = r->hook_entry[NF_INET_FORWARD];
	r->hook_entry[NF_INET_FORWARD] = t;
	t = r->underflow[NF_INET_LOCAL_IN];
	r->underflow[NF_INET_LOCAL_IN] = r->underflow[NF_INET_FORWARD];
	r->underflow[NF_INET_FORWARD] = t;
	assert_refused(k, k_replace(k, r, len), EINVAL, "unsorted underflow at hook 2");
}

static void test_translate_refuses_duplicate_underflow(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->hook_entry[NF_INET_FORWARD] = r->hook_entry[NF_INET_LOCAL_IN];
	r->underflow[NF_INET_FORWARD] = r->underflow[NF_INET_LOCAL_IN];
	assert_refused(k, k_replace(k, r, len), EINVAL, "duplicate underflow at hook 2");
}

static void test_translate_refuses_unsorted_hook_entry(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	accept_rule(b, &ip_tcp);
	r = own(k, finish(b, &len));
	/* INPUT starts at its policy (the rule is skipped), FORWARD at the rule before it. */
	r->hook_entry[NF_INET_LOCAL_IN] = r->underflow[NF_INET_LOCAL_IN];
	r->hook_entry[NF_INET_FORWARD] = 0;
	assert_refused(k, k_replace(k, r, len), EINVAL, "unsorted entry at hook 2");
}

static void test_translate_refuses_duplicate_hook_entry(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	accept_rule(b, &ip_tcp);
	r = own(k, finish(b, &len));
	r->hook_entry[NF_INET_FORWARD] = r->hook_entry[NF_INET_LOCAL_IN];
	assert_refused(k, k_replace(k, r, len), EINVAL, "duplicate entry at hook 2");
}

static void test_translate_refuses_num_entries_mismatch(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->num_entries++;
	assert_refused(k, k_replace(k, r, len), EINVAL, "num_entries is 5 but the blob holds 4 entries");
}

/* ========================================================= translate_table: chains */

static void test_translate_refuses_jump_into_middle_of_entry(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, NULL);
	blob_jump(b, "x");
	blob_close_hooks(b);
	blob_chain(b, "x");
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	((struct xt_standard_target *)blob_entry_target(blob_entry(r->entries, r->size, 0)))->verdict += 8;
	assert_refused(k, k_replace(k, r, len), ELOOP, "jump to a non-entry offset");
	assert_table_initial(k, "filter", 3);
}

static void test_translate_refuses_jump_beyond_table(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, NULL);
	blob_verdict(b, 100000);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), ELOOP, "(ELOOP)");
}

static void test_translate_refuses_chain_loop(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, NULL);
	blob_jump(b, "a");
	blob_close_hooks(b);
	blob_chain(b, "a");
	blob_rule(b, &ip_tcp);
	blob_jump(b, "b");
	blob_return(b);
	blob_chain(b, "b");
	blob_rule(b, &ip_tcp);
	blob_jump(b, "a");
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	assert_refused(k, k_replace(k, r, len), ELOOP, "chain loop");
}

static void test_translate_refuses_chain_without_return(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, NULL);
	blob_jump(b, "x");
	blob_close_hooks(b);
	blob_chain(b, "x");
	accept_rule(b, &ip_tcp);        /* falls through into the final ERROR entry, then off the end */
	r = own(k, blob_error_end(b, &len));
	assert_refused(k, k_replace(k, r, len), ELOOP, "falls off the end");
}

static void test_translate_refuses_blob_ending_inside_chain(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, NULL);
	blob_jump(b, "x");
	blob_close_hooks(b);
	blob_chain(b, "x");
	accept_rule(b, &ip_tcp);
	r = own(k, blob_end(b, &len));          /* no RETURN and no final ERROR entry */
	assert_refused(k, k_replace(k, r, len), ELOOP, "falls off the end");
}

static void test_translate_accepts_unreachable_chain_without_return(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	/* mark_source_chains only walks what the hooks reach. */
	blob_close_hooks(b);
	blob_chain(b, "x");
	accept_rule(b, &ip_tcp);
	r = own(k, blob_error_end(b, &len));
	assert_ok(k, k_replace(k, r, len));
}

/* ================================================== translate_table: find_check_entry */

static void test_find_check_refuses_unknown_match(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;
	u32 data = 0;

	blob_rule(b, NULL);
	blob_match(b, "nosuchmatch", 0, &data, sizeof(data));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), ENOENT, "match 'nosuchmatch' rev 0: no such extension");
}

static void test_find_check_refuses_unknown_target(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;
	u32 data = 0;

	blob_rule(b, NULL);
	blob_target(b, "NOSUCHTARGET", 0, &data, sizeof(data));
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), ENOENT, "target 'NOSUCHTARGET' rev 0: no such extension");
}

static void test_find_check_refuses_missing_revision_with_eprototype(void **state)
{
	struct k *k = *state;
	struct xt_conntrack_mtinfo3 ct = { 0 };
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	/* conntrack has revisions 1-3 in the family-independent list: rev 0 is EPROTOTYPE. */
	blob_rule(b, NULL);
	blob_match(b, "conntrack", 0, &ct, sizeof(ct));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EPROTOTYPE, "match 'conntrack' rev 0: revision not supported");
}

static void test_find_check_refuses_missing_revision_of_ipv4_match_with_enoent(void **state)
{
	struct k *k = *state;
	struct xt_tcp tcp = tcp_dport(22);
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	/* tcp is registered for NFPROTO_IPV4 only: xt_find_match notes EPROTOTYPE there, then
	 * searches NFPROTO_UNSPEC and returns that search's ENOENT, as Linux does. */
	blob_rule(b, &ip_tcp);
	blob_match(b, "tcp", 1, &tcp, sizeof(tcp));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), ENOENT, "match 'tcp' rev 1");
}

static void test_find_check_refuses_missing_target_revision_with_eprototype(void **state)
{
	struct k *k = *state;
	struct xt_NFQ_info_v3 q = { .queuenum = 1 };
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	/* NFQUEUE: revision 0 for NFPROTO_IPV4, 1-3 for NFPROTO_UNSPEC; there is no 4. */
	blob_rule(b, NULL);
	blob_target(b, "NFQUEUE", 4, &q, sizeof(q));
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EPROTOTYPE, "target 'NFQUEUE' rev 4: revision not supported");
}

static void test_translate_refuses_huge_num_entries_with_enomem(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->num_entries = 0x7fffffff;    /* the jump offsets array (xt_alloc_entry_offsets) is too big */
	assert_refused(k, k_replace(k, r, len), ENOMEM, "num_entries 2147483647 is too large");
}

static void test_translate_refuses_empty_blob(void **state)
{
	struct k *k = *state;
	struct ipt_replace *r = own(k, blob_end(blob_begin("filter", FILTER_HOOKS), &(unsigned int){ 0 }));

	/* No entries: no hook has an entry point (xt_check_table_hooks). */
	assert_refused(k, k_replace(k, r, sizeof(*r)), EINVAL,
		       "hook_entry does not start an entry at hook 1 (INPUT)");
}

static void test_check_match_refuses_wrong_size(void **state)
{
	struct k *k = *state;
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;
	char data[sizeof(struct xt_tcp) + 8] = { 0 };

	blob_rule(b, &ip_tcp);
	blob_match(b, "tcp", 0, data, sizeof(data));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "tcp.0 match: invalid size 16 (kernel) != (user) 24");
}

static struct nf_nat_ipv4_multi_range_compat masquerade_info(void)
{
	return (struct nf_nat_ipv4_multi_range_compat){ .rangesize = 1 };
}

static void test_check_target_refuses_other_table(void **state)
{
	struct k *k = *state;
	struct nf_nat_ipv4_multi_range_compat mr = masquerade_info();
	struct blob *b = blob_begin("filter", FILTER_HOOKS);
	struct ipt_replace *r;
	unsigned int len;

	blob_open_hook(b, NF_INET_LOCAL_OUT);
	blob_rule(b, NULL);
	blob_target(b, "MASQUERADE", 0, &mr, sizeof(mr));
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "MASQUERADE target: only valid in nat table, not filter");
}

static void test_check_target_refuses_raw_only_target_in_mangle(void **state)
{
	struct k *k = *state;
	struct xt_ct_target_info_v1 ct = { .flags = XT_CT_NOTRACK };
	struct blob *b = blob_begin("mangle", MANGLE_HOOKS);
	struct ipt_replace *r;
	unsigned int len;

	/* iptables -t mangle -A OUTPUT -j CT --notrack */
	blob_open_hook(b, NF_INET_LOCAL_OUT);
	blob_rule(b, NULL);
	blob_target(b, "CT", 2, &ct, sizeof(ct));
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "CT target: only valid in raw table, not mangle");
}

static void test_check_target_refuses_forbidden_hook(void **state)
{
	struct k *k = *state;
	struct nf_nat_ipv4_multi_range_compat mr = masquerade_info();
	struct blob *b = blob_begin("nat", NAT_HOOKS);
	struct ipt_replace *r;
	unsigned int len;

	blob_open_hook(b, NF_INET_PRE_ROUTING);
	blob_rule(b, NULL);
	blob_target(b, "MASQUERADE", 0, &mr, sizeof(mr));
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL,
		       "MASQUERADE target: used from hooks PREROUTING, but only usable from POSTROUTING");
}

static void test_check_target_sees_every_hook_reaching_a_user_chain(void **state)
{
	struct k *k = *state;
	struct nf_nat_ipv4_multi_range_compat mr = masquerade_info();
	struct blob *b = blob_begin("nat", NAT_HOOKS);
	struct ipt_replace *r;
	unsigned int len;

	/* The chain is reached from OUTPUT and POSTROUTING: hook_mask is the union. */
	blob_open_hook(b, NF_INET_LOCAL_OUT);
	blob_rule(b, NULL);
	blob_jump(b, "masq");
	blob_policy(b, NF_INET_LOCAL_OUT, NF_ACCEPT);
	blob_hook(b, NF_INET_POST_ROUTING);
	blob_rule(b, NULL);
	blob_jump(b, "masq");
	blob_policy(b, NF_INET_POST_ROUTING, NF_ACCEPT);
	blob_chain(b, "masq");
	blob_rule(b, NULL);
	blob_target(b, "MASQUERADE", 0, &mr, sizeof(mr));
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "used from hooks OUTPUT/POSTROUTING");
}

static void test_check_match_refuses_missing_proto(void **state)
{
	struct k *k = *state;
	struct xt_tcp tcp = tcp_dport(22);
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, NULL);
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "tcp match: only valid for protocol 6");
}

static void test_check_match_refuses_inverted_proto(void **state)
{
	struct k *k = *state;
	struct xt_tcp tcp = tcp_dport(22);
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;

	blob_rule(b, &(struct ipt_ip){ .proto = IPPROTO_TCP, .invflags = IPT_INV_PROTO });
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), EINVAL, "tcp match: only valid for protocol 6");
}

static void test_find_check_refusal_in_later_rule_releases_earlier_ones(void **state)
{
	struct k *k = *state;
	struct xt_tcp tcp = tcp_dport(22);
	struct blob *b = filter_input();
	struct ipt_replace *r;
	unsigned int len;
	u32 data = 0;

	blob_rule(b, &ip_tcp);
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_verdict(b, V_ACCEPT);
	blob_rule(b, NULL);
	blob_match(b, "nosuchmatch", 0, &data, sizeof(data));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_refused(k, k_replace(k, r, len), ENOENT, "rule 2 (offset 200, chain INPUT rule 2)");
	assert_table_initial(k, "filter", 3);
	if (k->net)
		assert_int_equal(module_refcount(find_module(k->net, "xt_tcpudp")), 0);
}

/* ================================================================= ABI: SET_REPLACE */

static void test_set_replace_refuses_short_len(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->num_counters = 4;
	r->counters = own(k, calloc(4, sizeof(struct xt_counters)));
	assert_refused(k, k_set(k, IPT_SO_SET_REPLACE, r, sizeof(*r) - 1), EINVAL,
		       "optlen 95 < sizeof(struct ipt_replace)");
}

static void test_set_replace_refuses_zero_counters(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->num_counters = 0;
	assert_refused(k, k_set(k, IPT_SO_SET_REPLACE, r, len), EINVAL, "num_counters is 0");
}

static void test_set_replace_refuses_huge_counters_with_enomem(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->num_counters = INT_MAX / sizeof(struct xt_counters);
	assert_refused(k, k_set(k, IPT_SO_SET_REPLACE, r, len), ENOMEM, "num_counters 134217727 too large");
}

static void test_set_replace_refuses_len_shorter_than_size(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", FILTER_HOOKS, &len));

	r->num_counters = 4;
	r->counters = own(k, calloc(4, sizeof(struct xt_counters)));
	assert_refused(k, k_set(k, IPT_SO_SET_REPLACE, r, len - 1), EINVAL, "< sizeof(struct ipt_replace) + size");
}

static void test_set_replace_refuses_unknown_table(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("nosuchtable", FILTER_HOOKS, &len));

	r->num_counters = 4;
	assert_refused(k, k_replace(k, r, len), ENOENT, "no table 'nosuchtable'");
}

static void test_set_replace_refuses_valid_hooks_mismatch(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, blob_initial("filter", MANGLE_HOOKS, &len));

	/* A well-formed blob for five hooks, but filter has three. */
	r->num_counters = 4;
	assert_refused(k, k_replace(k, r, len), EINVAL, "valid_hooks 0x1f, but table 'filter' has 0xe");
	assert_table_initial(k, "filter", 3);
}

static void test_set_replace_refuses_stale_num_counters_with_eagain(void **state)
{
	struct k *k = *state;
	unsigned int len, len2;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));
	struct ipt_replace *r2 = own(k, blob_initial("filter", FILTER_HOOKS, &len2));
	struct ipt_get_entries *before, *after;

	assert_ok(k, k_replace(k, r, len));     /* the table now has 5 entries */
	before = k_get_entries(k, "filter");
	r2->num_counters = 4;                   /* read before someone added the rule */
	assert_refused(k, k_replace(k, r2, len2), EAGAIN, "num_counters 4 but table 'filter' has 5 entries");
	after = k_get_entries(k, "filter");
	assert_int_equal(after->size, before->size);
	assert_memory_equal(after->entrytable, before->entrytable, before->size);
}

static void test_set_replace_survives_bad_counters_pointer(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));

	/* Linux writes the old counters after the new table is in place and ignores a fault. */
	r->counters = (struct xt_counters *)1;
	assert_ok(k, k_replace(k, r, len));
	r = own(k, blob_initial("filter", FILTER_HOOKS, &len));
	r->counters = (struct xt_counters *)1;
	assert_ok(k, k_replace(k, r, len));
	assert_table_initial(k, "filter", 3);
}

static void test_set_refuses_unknown_optname_outside_range(void **state)
{
	struct k *k = *state;
	char buf[8] = { 0 };

	/* Nobody owns optname IPT_SO_SET_MAX + 1: nf_setsockopt answers ENOPROTOOPT. */
	assert_int_equal(k_set(k, IPT_SO_SET_MAX + 1, buf, sizeof(buf)), -ENOPROTOOPT);
}

static void test_do_ipt_set_ctl_refuses_unknown_optname(void **state)
{
	struct k *k = *state;
	char buf[8] = { 0 };

	emu_only(k);
	assert_refused(k, do_ipt_set_ctl(k->net, 99, buf, sizeof(buf)), EINVAL, "unknown ip_tables optname 99");
}

/* ============================================================== ABI: SET_ADD_COUNTERS */

/* CORE BUG (xtables/ip_tables.c do_add_counters): Linux's xt_copy_counters refuses
 * len <= sizeof(struct xt_counters_info) with EINVAL before looking up the table; nfemu
 * only refuses len < sizeof and then answers ENOENT (or EINVAL from the count check). */
static void test_add_counters_refuses_len_without_counters(void **state)
{
	struct k *k = *state;
	struct xt_counters_info info = { .name = "filter", .num_counters = 0 };

	/* xt_copy_counters: len <= sizeof(struct xt_counters_info) is EINVAL. */
	assert_refused(k, k_set(k, IPT_SO_SET_ADD_COUNTERS, &info, sizeof(info)), EINVAL, "SET_ADD_COUNTERS");
	assert_refused(k, k_set(k, IPT_SO_SET_ADD_COUNTERS, &info, sizeof(info) - 1), EINVAL, "SET_ADD_COUNTERS");
}

static void test_add_counters_refuses_len_mismatch(void **state)
{
	struct k *k = *state;
	size_t len = sizeof(struct xt_counters_info) + 4 * sizeof(struct xt_counters);
	struct xt_counters_info *info = own(k, calloc(1, len + 16));

	snprintf(info->name, sizeof(info->name), "filter");
	info->num_counters = 4;
	assert_refused(k, k_set(k, IPT_SO_SET_ADD_COUNTERS, info, len + 16), EINVAL, "4 counters need optlen");
	assert_refused(k, k_set(k, IPT_SO_SET_ADD_COUNTERS, info, len - 16), EINVAL, "4 counters need optlen");
}

static void test_add_counters_refuses_wrong_num_counters(void **state)
{
	struct k *k = *state;
	struct xt_counters c[3] = { { 1, 1 } };
	struct ipt_getinfo info;

	assert_int_equal(k_get_info(k, "filter", &info), 0);   /* create the table: 4 entries */
	assert_refused(k, k_add_counters(k, "filter", c, 3), EINVAL, "3 counters for 4 entries");
}

static void test_add_counters_refuses_unknown_table(void **state)
{
	struct k *k = *state;
	struct xt_counters c[4] = { { 1, 1 } };

	assert_refused(k, k_add_counters(k, "nosuchtable", c, 4), ENOENT, "no table 'nosuchtable'");
}

/* ====================================================================== ABI: GET_INFO */

static void test_get_info_refuses_wrong_len(void **state)
{
	struct k *k = *state;
	struct ipt_getinfo info[2] = { { .name = "filter" } };
	int len = sizeof(info[0]) + 1;

	assert_refused(k, k_get(k, IPT_SO_GET_INFO, info, &len), EINVAL, "GET_INFO: optlen 85");
	len = sizeof(info[0]) - 1;
	assert_refused(k, k_get(k, IPT_SO_GET_INFO, info, &len), EINVAL, "GET_INFO: optlen 83");
}

static void test_get_info_refuses_unknown_table(void **state)
{
	struct k *k = *state;
	struct ipt_getinfo info;

	assert_refused(k, k_get_info(k, "nosuchtable", &info), ENOENT, NULL);
}

static void test_get_info_describes_initial_tables(void **state)
{
	struct k *k = *state;
	static const struct { const char *name; unsigned int hooks; } tables[] = {
		{ "filter", FILTER_HOOKS }, { "mangle", MANGLE_HOOKS }, { "nat", NAT_HOOKS },
		{ "raw", HOOK(PRE_ROUTING) | HOOK(LOCAL_OUT) },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
		struct ipt_getinfo info;
		unsigned int off = 0;

		assert_int_equal(k_get_info(k, tables[i].name, &info), 0);
		assert_string_equal(info.name, tables[i].name);
		assert_int_equal(info.valid_hooks, tables[i].hooks);
		for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++) {
			if (!(tables[i].hooks & (1u << h)))
				continue;
			assert_int_equal(info.hook_entry[h], off);
			assert_int_equal(info.underflow[h], off);
			off += sizeof(struct ipt_standard);
		}
		assert_int_equal(info.size, off + sizeof(struct ipt_error));
	}
}

/* =================================================================== ABI: GET_ENTRIES */

static void test_get_entries_refuses_short_len(void **state)
{
	struct k *k = *state;
	struct ipt_get_entries get = { .name = "filter" };
	int len = sizeof(get) - 1;

	assert_refused(k, k_get(k, IPT_SO_GET_ENTRIES, &get, &len), EINVAL, "GET_ENTRIES: optlen");
}

static void test_get_entries_refuses_len_not_matching_size(void **state)
{
	struct k *k = *state;
	struct ipt_getinfo info;
	struct ipt_get_entries *get;
	int len;

	assert_int_equal(k_get_info(k, "filter", &info), 0);
	len = sizeof(*get) + info.size;
	get = own(k, calloc(1, len + 8));
	snprintf(get->name, sizeof(get->name), "filter");
	get->size = info.size;
	len += 8;
	assert_refused(k, k_get(k, IPT_SO_GET_ENTRIES, get, &len), EINVAL, "GET_ENTRIES: optlen");
}

static void test_get_entries_refuses_changed_size_with_eagain(void **state)
{
	struct k *k = *state;
	struct ipt_getinfo info;
	struct ipt_get_entries *get;
	int len;

	assert_int_equal(k_get_info(k, "filter", &info), 0);
	len = sizeof(*get) + info.size + 8;
	get = own(k, calloc(1, len));
	snprintf(get->name, sizeof(get->name), "filter");
	get->size = info.size + 8;              /* consistent with len, not with the table */
	assert_refused(k, k_get(k, IPT_SO_GET_ENTRIES, get, &len), EAGAIN, "changed since GET_INFO");
}

static void test_get_entries_refuses_unknown_table(void **state)
{
	struct k *k = *state;
	struct ipt_get_entries get = { .name = "nosuchtable", .size = 0 };
	int len = sizeof(get);

	assert_refused(k, k_get(k, IPT_SO_GET_ENTRIES, &get, &len), ENOENT, NULL);
}

/* The blob comes back as it was sent, but with the counters and comefrom filled in. */
static void test_get_entries_round_trips_the_blob(void **state)
{
	struct k *k = *state;
	struct xt_tcp tcp = tcp_dport(22);
	struct blob *b = filter_input();
	struct ipt_get_entries *get;
	struct ipt_replace *r;
	unsigned int len, n;

	blob_rule(b, &ip_tcp);
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_jump(b, "x");
	blob_close_hooks(b);
	blob_chain(b, "x");
	accept_rule(b, NULL);
	blob_return(b);
	r = own(k, blob_error_end(b, &len));
	assert_ok(k, k_replace(k, r, len));
	get = k_get_entries(k, "filter");
	assert_int_equal(get->size, r->size);
	n = blob_count(r->entries, r->size);
	for (unsigned int i = 0; i < n; i++) {
		struct ipt_entry *sent = blob_entry(r->entries, r->size, i);
		struct ipt_entry *got = blob_entry(get->entrytable, get->size, i);

		assert_int_equal(got->next_offset, sent->next_offset);
		assert_memory_equal(&got->ip, &sent->ip, sizeof(sent->ip));
		assert_int_equal(got->nfcache, sent->nfcache);
		assert_int_equal(got->target_offset, sent->target_offset);
		assert_memory_equal(got->elems, sent->elems, sent->next_offset - sizeof(*sent));
	}
}

static void test_get_entries_restores_extension_names(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));
	struct ipt_get_entries *get;
	struct xt_entry_match *m;
	struct xt_entry_target *t;
	char name[XT_EXTENSION_MAXNAMELEN] = "tcp";

	assert_ok(k, k_replace(k, r, len));
	get = k_get_entries(k, "filter");
	m = blob_entry_match(blob_entry(get->entrytable, get->size, 0), 0);
	assert_int_equal(m->u.user.match_size, XT_ALIGN(sizeof(*m) + sizeof(struct xt_tcp)));
	assert_memory_equal(m->u.user.name, name, sizeof(name));
	assert_int_equal(m->u.user.revision, 0);
	t = blob_entry_target(blob_entry(get->entrytable, get->size, 0));
	memset(name, 0, sizeof(name));
	assert_memory_equal(t->u.user.name, name, sizeof(name));      /* the standard target: "" */
	assert_int_equal(t->u.user.target_size, sizeof(struct xt_standard_target));
	t = blob_entry_target(blob_entry(get->entrytable, get->size, 4));
	assert_string_equal(t->u.user.name, XT_ERROR_TARGET);
	assert_string_equal(((struct xt_error_target *)t)->errorname, "ERROR");
}

/* copy_entries_to_user writes the entry header, each extension's size, name up to its NUL,
 * revision and data (zero-padded after usersize): the rest of the caller's buffer stays. */
static void test_get_entries_writes_only_what_the_kernel_writes(void **state)
{
	struct k *k = *state;
	unsigned int len;
	struct ipt_replace *r = own(k, filter_with_tcp_rule(&len));
	struct ipt_get_entries *get;
	struct ipt_getinfo info;
	struct xt_entry_match *m;
	struct xt_entry_target *t;
	int glen;

	assert_ok(k, k_replace(k, r, len));
	assert_int_equal(k_get_info(k, "filter", &info), 0);
	glen = sizeof(*get) + info.size;
	get = own(k, malloc(glen));
	memset(get, 0xff, glen);
	snprintf(get->name, sizeof(get->name), "filter");
	get->size = info.size;
	assert_int_equal(k_get(k, IPT_SO_GET_ENTRIES, get, &glen), 0);

	m = blob_entry_match(blob_entry(get->entrytable, get->size, 0), 0);
	assert_string_equal(m->u.user.name, "tcp");
	for (size_t i = strlen("tcp") + 1; i < sizeof(m->u.user.name); i++)
		assert_int_equal((u8)m->u.user.name[i], 0xff);
	assert_int_equal(m->u.user.revision, 0);
	{
		struct xt_tcp tcp = tcp_dport(22);

		assert_memory_equal(m->data, &tcp, sizeof(tcp));
	}
	t = blob_entry_target(blob_entry(get->entrytable, get->size, 0));
	assert_int_equal(t->u.user.name[0], 0);
	assert_int_equal((u8)t->u.user.name[1], 0xff);
	assert_int_equal(((struct xt_standard_target *)t)->verdict, V_ACCEPT);
	assert_int_equal(*(u32 *)(t->data + sizeof(int)), 0);          /* padding: zeroed */
	t = blob_entry_target(blob_entry(get->entrytable, get->size, 4));
	assert_string_equal(t->u.user.name, XT_ERROR_TARGET);
	assert_int_equal((u8)t->u.user.name[sizeof(XT_ERROR_TARGET)], 0xff);
	assert_int_equal(t->data[XT_FUNCTION_MAXNAMELEN], 0);
	assert_int_equal(t->data[XT_FUNCTION_MAXNAMELEN + 1], 0);
}

static void test_get_entries_returns_counters_and_comefrom(void **state)
{
	struct k *k = *state;
	struct xt_counters c[7] = {
		{ 1, 100 }, { 2, 200 }, { 3, 300 }, { 4, 400 }, { 5, 500 }, { 6, 600 }, { 7, 700 },
	};
	struct blob *b = filter_input();
	struct ipt_get_entries *get;
	struct ipt_replace *r;
	unsigned int len;

	/* INPUT and OUTPUT jump to x; FORWARD does not. */
	blob_rule(b, NULL);
	blob_jump(b, "x");                                      /* 0 */
	blob_policy(b, NF_INET_LOCAL_IN, NF_ACCEPT);            /* 1 */
	blob_hook(b, NF_INET_FORWARD);
	blob_policy(b, NF_INET_FORWARD, NF_ACCEPT);             /* 2 */
	blob_hook(b, NF_INET_LOCAL_OUT);
	blob_rule(b, NULL);
	blob_jump(b, "x");                                      /* 3 */
	blob_policy(b, NF_INET_LOCAL_OUT, NF_ACCEPT);           /* 4 */
	blob_chain(b, "x");                                     /* 5 */
	blob_return(b);                                         /* 6 */
	r = own(k, blob_error_end(b, &len));                            /* 7 */
	assert_ok(k, k_replace(k, r, len));
	{
		struct xt_counters all[8];

		memcpy(all, c, sizeof(c));
		all[7] = (struct xt_counters){ 8, 800 };
		assert_ok(k, k_add_counters(k, "filter", all, 8));
	}
	get = k_get_entries(k, "filter");
	for (unsigned int i = 0; i < 7; i++) {
		struct ipt_entry *e = blob_entry(get->entrytable, get->size, i);

		assert_int_equal(e->counters.pcnt, c[i].pcnt);
		assert_int_equal(e->counters.bcnt, c[i].bcnt);
	}
	assert_int_equal(blob_entry(get->entrytable, get->size, 0)->comefrom, HOOK(LOCAL_IN));
	assert_int_equal(blob_entry(get->entrytable, get->size, 2)->comefrom, HOOK(FORWARD));
	assert_int_equal(blob_entry(get->entrytable, get->size, 4)->comefrom, HOOK(LOCAL_OUT));
	assert_int_equal(blob_entry(get->entrytable, get->size, 5)->comefrom, 0);    /* chain head: not reached */
	assert_int_equal(blob_entry(get->entrytable, get->size, 6)->comefrom, HOOK(LOCAL_IN) | HOOK(LOCAL_OUT));
	assert_int_equal(blob_entry(get->entrytable, get->size, 7)->comefrom, 0);
}

static void test_get_entries_zeroes_data_beyond_usersize(void **state)
{
	struct k *k = *state;
	struct xt_rateinfo ri, *got;
	struct blob *b = filter_input();
	struct ipt_get_entries *get;
	struct ipt_replace *r;
	struct xt_entry_match *m;
	unsigned int len;

	/* -m limit --limit 3/hour with garbage in the kernel-private fields. */
	memset(&ri, 0xaa, sizeof(ri));
	ri.avg = 3600 * XT_LIMIT_SCALE / 3;
	ri.burst = 5;
	ri.cost = 0;
	blob_rule(b, NULL);
	blob_match(b, "limit", 0, &ri, sizeof(ri));
	blob_verdict(b, V_ACCEPT);
	r = own(k, finish(b, &len));
	assert_ok(k, k_replace(k, r, len));
	get = k_get_entries(k, "filter");
	m = blob_entry_match(blob_entry(get->entrytable, get->size, 0), 0);
	assert_string_equal(m->u.user.name, "limit");
	got = (struct xt_rateinfo *)m->data;
	assert_int_equal(got->avg, ri.avg);
	assert_int_equal(got->burst, 5);
	for (size_t i = offsetof(struct xt_rateinfo, prev); i < sizeof(ri); i++)
		assert_int_equal(m->data[i], 0);
}

/* =============================================================== counter arithmetic */

/*
 * libiptc's TC_COMMIT: "original read: X.  atomic read on replacement: X + Y.  currently in
 * kernel: Z.  want in kernel: X + Y + Z.  => add in replacement read."  SET_REPLACE hands back
 * the old table's counters (X + Y); packets then hit the new table (Z); SET_ADD_COUNTERS adds
 * the replacement read to the new positions.
 */
static void test_counters_survive_replace_as_libiptc_expects(void **state)
{
	struct k *k = *state;
	const struct xt_counters X = { 10, 1000 }, Y = { 3, 300 }, Z = { 7, 700 };
	struct xt_counters old[5] = { { 0 } }, now[6] = { { 0 } }, back[6] = { { 0 } };
	struct xt_counters *replaced;
	struct ipt_get_entries *get;
	struct ipt_replace *r;
	struct blob *b;
	unsigned int len;
	struct ipt_entry *e;

	/* 1. INPUT: -p tcp -m tcp --dport 22 -j ACCEPT (entry 0 of 5) has counted X. */
	r = own(k, filter_with_tcp_rule(&len));
	assert_ok(k, k_replace(k, r, len));
	old[0] = X;
	assert_ok(k, k_add_counters(k, "filter", old, 5));
	get = k_get_entries(k, "filter");               /* the original read: X */
	e = blob_entry(get->entrytable, get->size, 0);
	assert_int_equal(e->counters.pcnt, X.pcnt);
	assert_int_equal(e->counters.bcnt, X.bcnt);

	/* 2. More packets (Y) before the commit. */
	old[0] = Y;
	assert_ok(k, k_add_counters(k, "filter", old, 5));

	/* 3. Commit: insert a rule before it; the old counters come back through ->counters. */
	b = filter_input();
	accept_rule(b, &(struct ipt_ip){ .proto = IPPROTO_UDP });
	{
		struct xt_tcp tcp = tcp_dport(22);

		blob_rule(b, &ip_tcp);
		blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
		blob_verdict(b, V_ACCEPT);
	}
	r = own(k, finish(b, &len));
	assert_ok(k, k_replace(k, r, len));
	replaced = r->counters;
	assert_int_equal(r->num_counters, 5);
	assert_int_equal(replaced[0].pcnt, X.pcnt + Y.pcnt);
	assert_int_equal(replaced[0].bcnt, X.bcnt + Y.bcnt);
	for (unsigned int i = 1; i < 5; i++)
		assert_int_equal(replaced[i].pcnt, 0);

	/* 4. Packets hit the new table (Z), then libiptc adds the replacement read. */
	now[1] = Z;
	assert_ok(k, k_add_counters(k, "filter", now, 6));
	back[1] = replaced[0];                          /* the rule moved from entry 0 to 1 */
	assert_ok(k, k_add_counters(k, "filter", back, 6));

	get = k_get_entries(k, "filter");
	e = blob_entry(get->entrytable, get->size, 1);
	assert_int_equal(e->counters.pcnt, X.pcnt + Y.pcnt + Z.pcnt);
	assert_int_equal(e->counters.bcnt, X.bcnt + Y.bcnt + Z.bcnt);
	e = blob_entry(get->entrytable, get->size, 0);
	assert_int_equal(e->counters.pcnt, 0);
}

/* ================================================================== ABI: GET_REVISION */

static int get_revision(struct k *k, int cmd, const char *name, u8 rev, int len)
{
	struct xt_get_revision gr[2];

	memset(gr, 0, sizeof(gr));
	snprintf(gr[0].name, sizeof(gr[0].name), "%s", name);
	gr[0].revision = rev;
	return k_get(k, cmd, gr, &len);
}

static void test_get_revision_refuses_wrong_len(void **state)
{
	struct k *k = *state;

	assert_refused(k, get_revision(k, IPT_SO_GET_REVISION_MATCH, "tcp", 0, sizeof(struct xt_get_revision) + 1),
		       EINVAL, "GET_REVISION: optlen 31");
	assert_refused(k, get_revision(k, IPT_SO_GET_REVISION_TARGET, "MARK", 0, sizeof(struct xt_get_revision) - 1),
		       EINVAL, "GET_REVISION: optlen 29");
}

static void test_get_revision_refuses_unknown_name(void **state)
{
	struct k *k = *state;
	const int len = sizeof(struct xt_get_revision);

	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_MATCH, "nosuchmatch", 0, len), -ENOENT);
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_TARGET, "NOSUCHTARGET", 0, len), -ENOENT);
	/* CLUSTERIP left Linux in 6.x. */
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_TARGET, "CLUSTERIP", 0, len), -ENOENT);
}

static void test_get_revision_refuses_too_new_revision(void **state)
{
	struct k *k = *state;
	const int len = sizeof(struct xt_get_revision);

	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_MATCH, "conntrack", 4, len), -EPROTONOSUPPORT);
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_TARGET, "MARK", 3, len), -EPROTONOSUPPORT);
	/* A revision that was dropped (conntrack 0) is "not supported" too, though older. */
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_MATCH, "conntrack", 0, len), -EPROTONOSUPPORT);
}

/*
 * do_ipt_get_ctl (and so nf_getsockopt) answers the best revision, but ip_getsockopt()
 * replaces any non-negative answer with put_user()'s 0: getsockopt(2) itself returns 0.
 * The real-kernel run can only see that; the emulated kernel is asked at nf_getsockopt.
 */
static void test_get_revision_returns_best_revision(void **state)
{
	struct k *k = *state;
	const int len = sizeof(struct xt_get_revision);
	int best = k->net ? 1 : 0;      /* multiply the expected revision by this */

	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_MATCH, "conntrack", 1, len), 3 * best);
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_MATCH, "conntrack", 3, len), 3 * best);
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_TARGET, "MARK", 2, len), 2 * best);
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_MATCH, "tcp", 0, len), 0);
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_TARGET, XT_STANDARD_TARGET, 0, len), 0);
	assert_int_equal(get_revision(k, IPT_SO_GET_REVISION_TARGET, XT_ERROR_TARGET, 0, len), 0);
}

static void test_get_refuses_unknown_optname_outside_range(void **state)
{
	struct k *k = *state;
	char buf[8] = { 0 };
	int len = sizeof(buf);

	assert_int_equal(k_get(k, IPT_SO_GET_MAX + 1, buf, &len), -ENOPROTOOPT);
}

static void test_do_ipt_get_ctl_refuses_unknown_optname(void **state)
{
	struct k *k = *state;
	char buf[8] = { 0 };
	int len = sizeof(buf);

	emu_only(k);
	assert_refused(k, do_ipt_get_ctl(k->net, 99, buf, &len), EINVAL, "unknown ip_tables optname 99");
}

/* =============================================== the 19 refusals that come from the kernel */

struct ext {
	const char *name;
	u8 rev;
	const void *data;
	size_t size;
};

/*
 * What iptables -t TABLE -A CHAIN sends for one vector line (checked with strace against
 * iptables-legacy 1.8.9): the table's empty chains plus the one rule; a rule without -j gets
 * libiptc's fall-through jump.  The vector runs the line in every chain of `chains`.
 */
#define assert_line_refused(k, table, hooks, chains, ip, m, t, err, why) \
	check_line_refused(k, table, hooks, chains, ip, m, t, err, why, __FILE__, __LINE__)

static void check_line_refused(struct k *k, const char *table, unsigned int hooks, unsigned int chains,
			       const struct ipt_ip *ip, const struct ext *m, const struct ext *t,
			       int err, const char *why, const char *file, int line)
{
	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++) {
		struct blob *b;
		struct ipt_replace *r;
		unsigned int len;

		if (!(chains & (1u << h)))
			continue;
		b = blob_begin(table, hooks);
		blob_open_hook(b, h);
		blob_rule(b, ip);
		if (m)
			blob_match(b, m->name, m->rev, m->data, m->size);
		if (t)
			blob_target(b, t->name, t->rev, t->data, t->size);
		else
			blob_fallthrough(b);
		r = own(k, finish(b, &len));
		check_refused(k, k_replace(k, r, len), err, why, file, line);
		assert_table_initial(k, table, __builtin_popcount(hooks));
	}
}

#define FILTER_CHAINS FILTER_HOOKS

/* libipt_ah.t:10  -m ah --ahspi 0;;FAIL */
static void test_line_ah_10(void **state)
{
	struct ipt_ah ah = { .spis = { 0, 0 } };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "ah", 0, &ah, sizeof(ah) }), NULL,
			    EINVAL, "ah match: only valid for protocol 51");
}

/* libipt_ah.t:12  -m ah;;FAIL */
static void test_line_ah_12(void **state)
{
	struct ipt_ah ah = { .spis = { 0, 0xffffffff } };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "ah", 0, &ah, sizeof(ah) }), NULL,
			    EINVAL, "ah match: only valid for protocol 51");
}

/* libxt_NFQUEUE.t:8  -j NFQUEUE --queue-balance 0:65535;;FAIL  (queues_total wraps to 0) */
static void test_line_NFQUEUE_8(void **state)
{
	struct xt_NFQ_info_v3 q = { .queuenum = 0, .queues_total = 0 };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL, NULL,
			    (&(struct ext){ "NFQUEUE", 3, &q, sizeof(q) }),
			    EINVAL, "number of total queues is 0");
}

/* libxt_SYNPROXY.t:2  -j SYNPROXY --sack-perm --timestamp --mss 1460 --wscale 9;;FAIL */
static void test_line_SYNPROXY_2(void **state)
{
	struct xt_synproxy_info s = {
		.options = XT_SYNPROXY_OPT_MSS | XT_SYNPROXY_OPT_WSCALE | XT_SYNPROXY_OPT_SACK_PERM |
			   XT_SYNPROXY_OPT_TIMESTAMP,
		.wscale = 9,
		.mss = 1460,
	};

	/* Linux refuses silently (no dmesg line): only the errno is the kernel's. */
	assert_line_refused(*state, "filter", FILTER_HOOKS, HOOK(LOCAL_IN) | HOOK(FORWARD), NULL, NULL,
			    (&(struct ext){ "SYNPROXY", 0, &s, sizeof(s) }), EINVAL, "target 'SYNPROXY' rev 0");
}

/* libxt_TCPMSS.t:4  -p tcp -j TCPMSS --set-mss 42;;FAIL  (mangle) */
static void test_line_TCPMSS_4(void **state)
{
	struct xt_tcpmss_info t = { .mss = 42 };

	assert_line_refused(*state, "mangle", MANGLE_HOOKS, HOOK(FORWARD) | HOOK(LOCAL_OUT) | HOOK(POST_ROUTING),
			    &ip_tcp, NULL, (&(struct ext){ "TCPMSS", 0, &t, sizeof(t) }),
			    EINVAL, "Only works on TCP SYN packets");
}

/* libxt_TCPOPTSTRIP.t:3  -j TCPOPTSTRIP;;FAIL  (mangle) */
static void test_line_TCPOPTSTRIP_3(void **state)
{
	struct xt_tcpoptstrip_target_info t = { { 0 } };

	assert_line_refused(*state, "mangle", MANGLE_HOOKS, MANGLE_HOOKS, NULL, NULL,
			    (&(struct ext){ "TCPOPTSTRIP", 0, &t, sizeof(t) }),
			    EINVAL, "TCPOPTSTRIP target: only valid for protocol 6");
}

/* libxt_TPROXY.t:3  -j TPROXY --on-port 12345 --on-ip 10.0.0.1 --tproxy-mark 0x23/0xff;;FAIL */
static void test_line_TPROXY_3(void **state)
{
	struct xt_tproxy_target_info_v1 t = {
		.mark_mask = 0xff,
		.mark_value = 0x23,
		.laddr.ip = htonl(0x0a000001),
		.lport = htons(12345),
	};

	assert_line_refused(*state, "mangle", MANGLE_HOOKS, HOOK(PRE_ROUTING), NULL, NULL,
			    (&(struct ext){ "TPROXY", 1, &t, sizeof(t) }),
			    EINVAL, "Can be used only with -p tcp or -p udp");
}

/* libxt_cgroup.t:7  -m cgroup --cgroup 1 --path "/";;FAIL  (mangle) */
static void test_line_cgroup_7(void **state)
{
	struct xt_cgroup_info_v2 c = { .has_path = 1, .has_classid = 1, .path = "/" };

	assert_line_refused(*state, "mangle", MANGLE_HOOKS, HOOK(LOCAL_IN) | HOOK(LOCAL_OUT) | HOOK(POST_ROUTING),
			    NULL, (&(struct ext){ "cgroup", 2, &c, sizeof(c) }), NULL,
			    EINVAL, "path and classid specified");
}

/* libxt_cgroup.t:8  -m cgroup ;;FAIL  (mangle) */
static void test_line_cgroup_8(void **state)
{
	struct xt_cgroup_info_v2 c = { 0 };

	assert_line_refused(*state, "mangle", MANGLE_HOOKS, HOOK(LOCAL_IN) | HOOK(LOCAL_OUT) | HOOK(POST_ROUTING),
			    NULL, (&(struct ext){ "cgroup", 2, &c, sizeof(c) }), NULL,
			    EINVAL, "no path or classid specified");
}

/* libxt_connlabel.t:6  -m connlabel --label "2048";;FAIL  (ERANGE, no dmesg line) */
static void test_line_connlabel_6(void **state)
{
	struct xt_connlabel_mtinfo c = { .bit = 2048 };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "connlabel", 0, &c, sizeof(c) }), NULL,
			    ERANGE, "match 'connlabel' rev 0");
}

/* libxt_ecn.t:2  -m ecn --ecn-tcp-cwr;;FAIL */
static void test_line_ecn_2(void **state)
{
	struct xt_ecn_info e = { .operation = XT_ECN_OP_MATCH_CWR };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "ecn", 0, &e, sizeof(e) }), NULL,
			    EINVAL, "cannot match TCP bits for non-tcp packets");
}

/* libxt_esp.t:8  -m esp;;FAIL */
static void test_line_esp_8(void **state)
{
	struct xt_esp e = { .spis = { 0, 0xffffffff } };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "esp", 0, &e, sizeof(e) }), NULL,
			    EINVAL, "esp match: only valid for protocol 50");
}

/* libxt_nfacct.t:8  -m nfacct --nfacct-name wrong;;FAIL  (ENOENT) */
static void test_line_nfacct_8(void **state)
{
	struct xt_nfacct_match_info_v1 n = { .name = "wrong" };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "nfacct", 1, &n, sizeof(n) }), NULL,
			    ENOENT, "accounting object `wrong' does not exist");
}

/* libxt_osf.t:2  -m osf --genre linux --ttl 0 --log 0;;FAIL */
static void test_line_osf_2(void **state)
{
	struct xt_osf_info o = { .genre = "linux", .len = 5, .flags = XT_OSF_TTL | XT_OSF_LOG, .ttl = 0 };

	assert_line_refused(*state, "filter", FILTER_HOOKS, HOOK(LOCAL_IN) | HOOK(FORWARD), NULL,
			    (&(struct ext){ "osf", 0, &o, sizeof(o) }), NULL,
			    EINVAL, "osf match: only valid for protocol 6");
}

/* libxt_owner.t:16  -m owner --uid-owner root;;FAIL  (mangle INPUT) */
static void test_line_owner_16(void **state)
{
	struct xt_owner_match_info o = { .uid_min = 0, .uid_max = 0, .match = XT_OWNER_UID };

	assert_line_refused(*state, "mangle", MANGLE_HOOKS, HOOK(LOCAL_IN), NULL,
			    (&(struct ext){ "owner", 1, &o, sizeof(o) }), NULL,
			    EINVAL, "owner match: used from hooks INPUT, but only valid from OUTPUT/POSTROUTING");
}

/* libxt_tcp.t:25  -m tcp --dport 1;;FAIL */
static void test_line_tcp_25(void **state)
{
	struct xt_tcp t = tcp_dport(1);

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "tcp", 0, &t, sizeof(t) }), NULL,
			    EINVAL, "tcp match: only valid for protocol 6");
}

/* libxt_udp.t:21  -m udp --dport 1;;FAIL */
static void test_line_udp_21(void **state)
{
	struct xt_udp u = { .spts = { 0, 0xffff }, .dpts = { 1, 1 } };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "udp", 0, &u, sizeof(u) }), NULL,
			    EINVAL, "udp match: only valid for protocol 17");
}

/* libxt_tcpmss.t:2  -m tcpmss --mss 42;;FAIL */
static void test_line_tcpmss_2(void **state)
{
	struct xt_tcpmss_match_info t = { .mss_min = 42, .mss_max = 42 };

	assert_line_refused(*state, "filter", FILTER_HOOKS, FILTER_CHAINS, NULL,
			    (&(struct ext){ "tcpmss", 0, &t, sizeof(t) }), NULL,
			    EINVAL, "tcpmss match: only valid for protocol 6");
}

/* libipt_CLUSTERIP.t:2  -d 10.31.3.236/32 -i lo -j CLUSTERIP --new ...;=;FAIL  (no module in 6.x) */
static void test_line_CLUSTERIP_2(void **state)
{
	struct ipt_clusterip_tgt_info c = {
		.flags = CLUSTERIP_FLAG_NEW,
		.clustermac = { 0x01, 0xaa, 0x7b, 0x47, 0xf7, 0xd7 },
		.num_total_nodes = 2,
		.num_local_nodes = 1,
		.local_nodes = { 0 },
		.hash_mode = CLUSTERIP_HASHMODE_SIP,
		.hash_initval = 1,
	};
	struct ipt_ip ip = {
		.dst.s_addr = htonl(0x0a1f03ec),
		.dmsk.s_addr = 0xffffffff,
		.iniface = "lo",
		.iniface_mask = { 0xff, 0xff, 0xff },
	};

	assert_line_refused(*state, "filter", FILTER_HOOKS, HOOK(LOCAL_IN), &ip, NULL,
			    (&(struct ext){ "CLUSTERIP", 0, &c, sizeof(c) }),
			    ENOENT, "target 'CLUSTERIP' rev 0: no such extension");
}

/* ------------------------------------------------------------------------------ main */

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_replace_accepts_initial_table),
		T(test_replace_accepts_rules_user_chains_and_jumps),
		T(test_replace_accepts_drop_policy),
		T(test_translate_refuses_misaligned_entry),
		T(test_translate_refuses_entry_header_past_end),
		T(test_translate_refuses_next_offset_past_end),
		T(test_translate_refuses_next_offset_too_small),
		T(test_translate_refuses_unknown_ip_flags),
		T(test_translate_refuses_unknown_ip_invflags),
		T(test_translate_refuses_target_offset_inside_header),
		T(test_translate_refuses_target_offset_past_next_offset),
		T(test_translate_refuses_target_size_too_small),
		T(test_translate_refuses_target_size_too_big),
		T(test_translate_refuses_standard_target_with_wrong_entry_size),
		T(test_check_target_refuses_standard_target_of_wrong_size),
		T(test_translate_refuses_verdict_stolen),
		T(test_translate_refuses_verdict_zero),
		T(test_translate_refuses_verdict_int_min),
		T(test_translate_refuses_error_target_of_wrong_size),
		T(test_translate_refuses_unterminated_error_name),
		T(test_translate_refuses_match_size_too_small),
		T(test_translate_refuses_match_size_too_big),
		T(test_translate_refuses_misaligned_second_match),
		T(test_translate_refuses_hook_entry_off_entry_boundary),
		T(test_translate_refuses_underflow_off_entry_boundary),
		T(test_translate_refuses_conditional_underflow),
		T(test_translate_refuses_underflow_with_non_standard_target),
		T(test_translate_refuses_underflow_return),
		T(test_translate_refuses_underflow_queue),
		T(test_translate_refuses_unsorted_hooks),
		T(test_translate_refuses_duplicate_underflow),
		T(test_translate_refuses_unsorted_hook_entry),
		T(test_translate_refuses_duplicate_hook_entry),
		T(test_translate_refuses_num_entries_mismatch),
		T(test_translate_refuses_jump_into_middle_of_entry),
		T(test_translate_refuses_jump_beyond_table),
		T(test_translate_refuses_chain_loop),
		T(test_translate_refuses_chain_without_return),
		T(test_translate_refuses_blob_ending_inside_chain),
		T(test_translate_accepts_unreachable_chain_without_return),
		T(test_find_check_refuses_unknown_match),
		T(test_find_check_refuses_unknown_target),
		T(test_find_check_refuses_missing_revision_with_eprototype),
		T(test_find_check_refuses_missing_revision_of_ipv4_match_with_enoent),
		T(test_find_check_refuses_missing_target_revision_with_eprototype),
		T(test_translate_refuses_huge_num_entries_with_enomem),
		T(test_translate_refuses_empty_blob),
		T(test_check_match_refuses_wrong_size),
		T(test_check_target_refuses_other_table),
		T(test_check_target_refuses_raw_only_target_in_mangle),
		T(test_check_target_refuses_forbidden_hook),
		T(test_check_target_sees_every_hook_reaching_a_user_chain),
		T(test_check_match_refuses_missing_proto),
		T(test_check_match_refuses_inverted_proto),
		T(test_find_check_refusal_in_later_rule_releases_earlier_ones),
		T(test_set_replace_refuses_short_len),
		T(test_set_replace_refuses_zero_counters),
		T(test_set_replace_refuses_huge_counters_with_enomem),
		T(test_set_replace_refuses_len_shorter_than_size),
		T(test_set_replace_refuses_unknown_table),
		T(test_set_replace_refuses_valid_hooks_mismatch),
		T(test_set_replace_refuses_stale_num_counters_with_eagain),
		T(test_set_replace_survives_bad_counters_pointer),
		T(test_set_refuses_unknown_optname_outside_range),
		T(test_do_ipt_set_ctl_refuses_unknown_optname),
		T(test_add_counters_refuses_len_without_counters),
		T(test_add_counters_refuses_len_mismatch),
		T(test_add_counters_refuses_wrong_num_counters),
		T(test_add_counters_refuses_unknown_table),
		T(test_get_info_refuses_wrong_len),
		T(test_get_info_refuses_unknown_table),
		T(test_get_info_describes_initial_tables),
		T(test_get_entries_refuses_short_len),
		T(test_get_entries_refuses_len_not_matching_size),
		T(test_get_entries_refuses_changed_size_with_eagain),
		T(test_get_entries_refuses_unknown_table),
		T(test_get_entries_round_trips_the_blob),
		T(test_get_entries_restores_extension_names),
		T(test_get_entries_writes_only_what_the_kernel_writes),
		T(test_get_entries_returns_counters_and_comefrom),
		T(test_get_entries_zeroes_data_beyond_usersize),
		T(test_counters_survive_replace_as_libiptc_expects),
		T(test_get_revision_refuses_wrong_len),
		T(test_get_revision_refuses_unknown_name),
		T(test_get_revision_refuses_too_new_revision),
		T(test_get_revision_returns_best_revision),
		T(test_get_refuses_unknown_optname_outside_range),
		T(test_do_ipt_get_ctl_refuses_unknown_optname),
		T(test_line_ah_10),
		T(test_line_ah_12),
		T(test_line_NFQUEUE_8),
		T(test_line_SYNPROXY_2),
		T(test_line_TCPMSS_4),
		T(test_line_TCPOPTSTRIP_3),
		T(test_line_TPROXY_3),
		T(test_line_cgroup_7),
		T(test_line_cgroup_8),
		T(test_line_connlabel_6),
		T(test_line_ecn_2),
		T(test_line_esp_8),
		T(test_line_nfacct_8),
		T(test_line_osf_2),
		T(test_line_owner_16),
		T(test_line_tcp_25),
		T(test_line_udp_21),
		T(test_line_tcpmss_2),
		T(test_line_CLUSTERIP_2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
