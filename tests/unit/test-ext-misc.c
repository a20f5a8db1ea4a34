/* tests/unit/test-ext-misc.c - run-time semantics of the group C extensions.
 *
 * Stateful matches on packets at chosen times of the emulated clock, each verdict worked out
 * from the kernel's arithmetic; time, owner and the targets; LOG and REJECT end to end through
 * the emulated router, compared with what Linux 6.18 logged and sent for the same frames.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/netfilter/xt_AUDIT.h>
#include <linux/netfilter/xt_CHECKSUM.h>
#include <linux/netfilter/xt_CLASSIFY.h>
#include <linux/netfilter/xt_IDLETIMER.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/xt_RATEEST.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_hashlimit.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_quota.h>
#include <linux/netfilter/xt_rateest.h>
#include <linux/netfilter/xt_recent.h>
#include <linux/netfilter/xt_set.h>
#include <linux/netfilter/xt_statistic.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_time.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>

#include "emu/refusal.h"
#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "kernel/random.h"
#include "emu/topology.h"
#include "hooks/nf_log.h"
#include "lib/jhash.h"
#include "netstack/checksum.h"
#include "netstack/inet.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"
#include "hooks/nf_sockopt.h"
#include "tests/unit/blob.h"
#include "xtables/x_tables.h"
#include "pktutil.h"

#define IP(a, b, c, d) __cpu_to_be32(((u32)(a) << 24) | ((u32)(b) << 16) | ((u32)(c) << 8) | (u32)(d))
#define H1 IP(192, 0, 2, 10)
#define H2 IP(192, 0, 2, 11)
#define R_LAN IP(192, 0, 2, 1)
#define NET1 IP(203, 0, 113, 5)

/* 2025-03-03 12:00:00 UTC, a Monday: the emulated clock starts here in every test. */
#define T0_SEC 1741003200ULL
#define MS(x) ((u64)(x) * NSEC_PER_MSEC)
#define SEC(x) ((u64)(x) * NSEC_PER_SEC)

/* The standard router of the packet differential suite (tests/kernel/packet), with the ICMP
 * rate limit off as in the kernel run the REJECT frames come from. */
static const char topology[] =
	"ip link set lo up\n"
	"ip link add lan0 address 02:00:00:00:01:01 type veth\n"
	"ip link add wan0 address 02:00:00:00:02:01 type veth\n"
	"ip addr add 192.0.2.1/24 dev lan0\n"
	"ip addr add 198.51.100.1/24 dev wan0\n"
	"ip link set lan0 up\n"
	"ip link set wan0 up\n"
	"ip neigh add 192.0.2.10 lladdr 02:00:00:00:01:0a dev lan0 nud permanent\n"
	"ip neigh add 192.0.2.11 lladdr 02:00:00:00:01:0b dev lan0 nud permanent\n"
	"ip neigh add 198.51.100.20 lladdr 02:00:00:00:02:14 dev wan0 nud permanent\n"
	"ip neigh add 198.51.100.254 lladdr 02:00:00:00:02:fe dev wan0 nud permanent\n"
	"ip route add default via 198.51.100.254 dev wan0\n"
	"sysctl -w net.ipv4.ip_forward=1\n"
	"sysctl -w net.ipv4.icmp_ratelimit=0\n";

/* ------------------------------------------------------------------ the kernel under test */

#define MAX_SEEN 64

struct env {
	struct net *net;
	struct net_device *lan0, *wan0, *lo;
	struct nf_hook_state state;
	struct sock sk;                 /* a process's socket: uid 0, gid 0 */
	/* what the kernel did, as the observer and the kernel log saw it */
	char tx[MAX_SEEN][2 * 1600 + 8];
	unsigned int ntx;
	char notes[MAX_SEEN][256];
	unsigned int nnotes;
	char log[MAX_SEEN][1100];      /* a line is at most S_SIZE - 1 (1018) bytes */
	unsigned int nlog;
	char walk[MAX_SEEN][64];        /* NFEMU_EV_HOOK / NFEMU_EV_WALK, when observer.walk */
	unsigned int nwalk;
	u64 npkt;
};

static void observe(void *ctx, const struct nfemu_event *ev)
{
	struct env *e = ctx;

	/* frames on lo: the kernel runs captured the veths' far ends only */
	if (ev->type == NFEMU_EV_XMIT && e->ntx < MAX_SEEN && ev->dev && strcmp(ev->dev->name, "lo")) {
		char *p = e->tx[e->ntx++];

		p += sprintf(p, "%s ", ev->dev ? ev->dev->name : "?");
		for (unsigned int i = 0; i < ev->frame_len && i < 1600; i++)
			p += sprintf(p, "%02x", ev->frame[i]);
	} else if (ev->type == NFEMU_EV_WALK && e->nwalk < MAX_SEEN) {
		static const char *const what[] = { "enter", "match", "jump", "goto", "return",
						    "continue", "verdict" };
		const struct nfemu_walk_event *w = ev->walk;

		snprintf(e->walk[e->nwalk++], sizeof(e->walk[0]), "%s %s@%u %u->%u d%u v%u%s",
			 what[w->what], w->table, w->hook, w->offset, w->to, w->depth, w->verdict,
			 w->hotdrop ? " hotdrop" : "");
	} else if (ev->type == NFEMU_EV_HOOK && e->nwalk < MAX_SEEN) {
		snprintf(e->walk[e->nwalk++], sizeof(e->walk[0]), "hook %s %d %u/%u v%u",
			 ev->hook->ops->name ? ev->hook->ops->name : "?", ev->hook->ops->priority,
			 ev->hook->index, ev->hook->count, ev->hook->verdict);
	} else if (ev->type == NFEMU_EV_NOTE && e->nnotes < MAX_SEEN) {
		snprintf(e->notes[e->nnotes++], sizeof(e->notes[0]), "%s", ev->text ? ev->text : "");
	}
}

static void log_sink(void *ctx, int level, const char *line, size_t len)
{
	struct env *e = ctx;

	assert_int_equal(len, strlen(line));
	if (e->nlog < MAX_SEEN)
		snprintf(e->log[e->nlog++], sizeof(e->log[0]), "<%d>%s", level, line);
}

static void seen_clear(struct env *e)
{
	e->ntx = e->nnotes = e->nlog = e->nwalk = 0;
}

/* The emulated clock at T0 + ns (it never goes back). */
static void at(struct env *e, u64 ns)
{
	nfemu_clock_set(e->net, SEC(T0_SEC) + ns);
}

static int setup(void **state)
{
	static const char *const mods[] = {
		"xt_mark", "xt_comment", "xt_limit", "xt_hashlimit", "xt_recent", "xt_quota",
		"xt_statistic", "xt_time", "xt_owner", "xt_RATEEST", "xt_rateest", "xt_NFQUEUE",
		"xt_NFLOG", "xt_TRACE", "xt_CLASSIFY", "xt_CHECKSUM", "xt_AUDIT", "xt_IDLETIMER",
		"xt_LOG", "ipt_REJECT", "xt_set", "xt_tcpudp",
	};
	struct env *e = calloc(1, sizeof(*e));
	char err[512] = "";

	if (!e)
		return -1;
	e->net = net_alloc();
	if (!e->net || net_boot(e->net))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(mods); i++)
		if (request_module(e->net, "%s", mods[i]) != 0) {
			fprintf(stderr, "request_module %s failed\n", mods[i]);
			return -1;
		}
	if (nfemu_topology_load_string(e->net, "topology", topology, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	e->lan0 = dev_get_by_name(e->net, "lan0");
	e->wan0 = dev_get_by_name(e->net, "wan0");
	e->lo = dev_get_by_name(e->net, "lo");
	if (!e->lan0 || !e->wan0 || !e->lo)
		return -1;
	e->net->observer.event = observe;
	e->net->observer.ctx = e;
	e->net->nf.log.sink = log_sink;
	e->net->nf.log.sink_ctx = e;
	e->sk.sk_protocol = IPPROTO_RAW;
	at(e, 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	net_free(e->net);
	free(e);
	return 0;
}

/* ------------------------------------------------------------------ packets */

/* An IPv4 packet (no options) of protocol proto with `l4len` bytes after the header: for TCP
 * and UDP the ports come first; the header checksum is right, the transport's is not set. */
static struct sk_buff *pkt(__be32 saddr, __be32 daddr, u8 proto, u16 sport, u16 dport, u8 ttl,
			   unsigned int l4len)
{
	struct sk_buff *skb = alloc_skb(20 + l4len);
	u8 *p;

	assert_non_null(skb);
	p = skb_put(skb, 20 + l4len);
	memset(p, 0, 20 + l4len);
	p[0] = 0x45;
	put16(p + 2, (u16)(20 + l4len));
	put16(p + 4, 1);
	p[8] = ttl;
	p[9] = proto;
	memcpy(p + 12, &saddr, 4);
	memcpy(p + 16, &daddr, 4);
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && l4len >= 4) {
		put16(p + 20, sport);
		put16(p + 22, dport);
	}
	if (proto == IPPROTO_UDP && l4len >= 8)
		put16(p + 24, (u16)l4len);
	if (proto == IPPROTO_TCP && l4len >= 20)
		p[32] = 0x50;
	ip_send_check((struct iphdr *)p);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, 20);
	skb->protocol = htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	skb->emu_net = NULL;            /* not reported: these never travel */
	return skb;
}

static struct sk_buff *udp(__be32 saddr, __be32 daddr, u16 dport, unsigned int payload)
{
	return pkt(saddr, daddr, IPPROTO_UDP, 5000, dport, 64, 8 + payload);
}

/* ------------------------------------------------------------------ rules, called directly */

/* One rule's match: checkentry once, then packets as ipt_do_table passes them. */
struct mrule {
	struct env *e;
	struct xt_match *m;
	u64 data[64];
};

static void mrule_init(struct mrule *r, struct env *e, const char *name, u8 rev, const void *info,
		       size_t size, unsigned int hook)
{
	struct ipt_ip ip = { 0 };
	struct xt_mtchk_param chk = {
		.net = e->net, .table = "filter", .entryinfo = &ip, .hook_mask = 1u << hook,
		.family = NFPROTO_IPV4,
	};

	r->e = e;
	r->m = xt_find_match(e->net, NFPROTO_IPV4, name, rev);
	assert_false(IS_ERR(r->m));
	assert_non_null(r->m->match);
	assert_true(size <= sizeof(r->data));
	memset(r->data, 0, sizeof(r->data));
	memcpy(r->data, info, size);
	chk.match = r->m;
	chk.matchinfo = r->data;
	if (r->m->checkentry)
		assert_int_equal(r->m->checkentry(&chk), 0);
}

static void mrule_fini(struct mrule *r)
{
	struct xt_mtdtor_param dtor = {
		.net = r->e->net, .match = r->m, .matchinfo = r->data, .family = NFPROTO_IPV4,
	};

	if (r->m->destroy)
		r->m->destroy(&dtor);
	module_put(r->m->me);
}

/* Match skb at hook (in/out devices as a received, forwarded or sent packet has them). */
static bool mrule_hook(struct mrule *r, struct sk_buff *skb, unsigned int hook, bool *hotdrop)
{
	struct env *e = r->e;
	struct xt_action_param par = { 0 };
	bool ret;

	nf_hook_state_init(&e->state, hook, NFPROTO_IPV4,
			   hook == NF_INET_LOCAL_OUT || hook == NF_INET_POST_ROUTING ? NULL : e->lan0,
			   hook == NF_INET_PRE_ROUTING || hook == NF_INET_LOCAL_IN ? NULL : e->wan0,
			   skb->sk, e->net, NULL);
	par.match = r->m;
	par.matchinfo = r->data;
	par.state = &e->state;
	par.thoff = ip_hdrlen(skb);
	par.fragoff = ntohs(ip_hdr(skb)->frag_off) & IP_OFFSET;
	ret = r->m->match(skb, &par);
	if (hotdrop)
		*hotdrop = par.hotdrop;
	else
		assert_false(par.hotdrop);
	return ret;
}

/* The packet, matched in INPUT and freed. */
static bool mrule_pkt(struct mrule *r, struct sk_buff *skb)
{
	bool ret = mrule_hook(r, skb, NF_INET_LOCAL_IN, NULL);

	kfree_skb(skb);
	return ret;
}

/* A target called as ipt_do_table calls it (checkentry and destroy around it). */
static unsigned int run_target(struct env *e, const char *name, u8 rev, const void *info,
			       size_t size, struct sk_buff *skb, unsigned int hook, const char *table)
{
	u64 data[64];
	struct xt_target *t = xt_find_target(e->net, NFPROTO_IPV4, name, rev);
	struct ipt_entry ent = { 0 };
	struct xt_tgchk_param chk = {
		.net = e->net, .table = table, .entryinfo = &ent, .targinfo = data,
		.hook_mask = 1u << hook, .family = NFPROTO_IPV4,
	};
	struct xt_tgdtor_param dtor = { .net = e->net, .targinfo = data, .family = NFPROTO_IPV4 };
	struct xt_action_param par = { 0 };
	unsigned int verdict;

	assert_false(IS_ERR(t));
	assert_non_null(t->target);
	memset(data, 0, sizeof(data));
	memcpy(data, info, size);
	chk.target = t;
	dtor.target = t;
	if (t->checkentry)
		assert_int_equal(t->checkentry(&chk), 0);
	nf_hook_state_init(&e->state, hook, NFPROTO_IPV4, e->lan0, e->wan0, skb->sk, e->net, NULL);
	par.target = t;
	par.targinfo = data;
	par.state = &e->state;
	par.thoff = ip_hdrlen(skb);
	verdict = t->target(skb, &par);
	if (t->destroy)
		t->destroy(&dtor);
	module_put(t->me);
	return verdict;
}

/* ================================================================== mark, comment */

/* A log line is what Linux's S_SIZE buffer keeps: the first S_SIZE - 1 bytes of what was
 * added, a piece that did not fit cut at the end, nothing after it (nf_log_buf_put and
 * nf_log_buf_add alike); a line that fits is whole. */
static void test_nf_log_buf_cut(void **state)
{
	struct env *e = *state;
	char piece[100], want[S_SIZE + 200];
	struct nf_log_buf *m;
	size_t n = 0;

	memset(piece, 'a', sizeof(piece));
	m = nf_log_buf_open();
	for (unsigned int i = 0; i < 12; i++) {         /* 1200 bytes: past S_SIZE */
		piece[0] = (char)('A' + i);
		if (i & 1)
			nf_log_buf_add(m, "%.*s", (int)sizeof(piece), piece);
		else
			nf_log_buf_put(m, piece, sizeof(piece));
		memcpy(want + n, piece, sizeof(piece));
		n += sizeof(piece);
	}
	e->nlog = 0;
	nf_log_buf_close(e->net, m, 4);
	assert_int_equal(e->nlog, 1);
	want[S_SIZE - 1] = '\0';
	assert_int_equal(strlen(e->log[0]), 3 + S_SIZE - 1);   /* "<4>" */
	assert_string_equal(e->log[0] + 3, want);

	m = nf_log_buf_open();
	nf_log_buf_put(m, "short ", 6);
	nf_log_buf_add(m, "%u", 42u);
	e->nlog = 0;
	nf_log_buf_close(e->net, m, 6);
	assert_int_equal(e->nlog, 1);
	assert_string_equal(e->log[0], "<6>short 42");
}

static void test_mark(void **state)
{
	struct env *e = *state;
	struct xt_mark_tginfo2 set = { .mark = 0x50, .mask = 0xf0 };
	struct xt_mark_mtinfo1 m = { .mark = 0x52, .mask = 0xff };
	struct xt_mark_mtinfo1 minv = { .mark = 0x52, .mask = 0xff, .invert = 1 };
	struct sk_buff *skb = udp(H1, R_LAN, 53, 4);
	struct mrule r, ri;

	/* MARK --set-xmark 0x50/0xf0: keep the low nibble, xor in 0x50 */
	skb->mark = 0x12345602;
	assert_int_equal(run_target(e, "MARK", 2, &set, sizeof(set), skb, NF_INET_FORWARD, "mangle"),
			 XT_CONTINUE);
	assert_int_equal(skb->mark, 0x12345652);

	mrule_init(&r, e, "mark", 1, &m, sizeof(m), NF_INET_LOCAL_IN);
	mrule_init(&ri, e, "mark", 1, &minv, sizeof(minv), NF_INET_LOCAL_IN);
	assert_true(mrule_hook(&r, skb, NF_INET_LOCAL_IN, NULL));       /* 0x52 & 0xff */
	assert_false(mrule_hook(&ri, skb, NF_INET_LOCAL_IN, NULL));
	skb->mark = 0x53;
	assert_false(mrule_hook(&r, skb, NF_INET_LOCAL_IN, NULL));
	assert_true(mrule_hook(&ri, skb, NF_INET_LOCAL_IN, NULL));
	mrule_fini(&r);
	mrule_fini(&ri);
	kfree_skb(skb);
}

static void test_comment(void **state)
{
	struct env *e = *state;
	struct xt_comment_info c = { .comment = "anything at all" };
	struct mrule r;

	mrule_init(&r, e, "comment", 0, &c, sizeof(c), NF_INET_LOCAL_IN);
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	mrule_fini(&r);
}

/* ================================================================== limit */

/*
 * --limit 3/min --limit-burst 5, as libxt_limit stores it: avg = 60 s * 10000 / 3 = 200000,
 * burst 5.  Credits (HZ=250, CREDITS_PER_JIFFY=128): cost = user2credits(200000) = 20 * 250 *
 * 128 = 640000 (divide first: 200000 > 2^32 / 32000), cap = user2credits(10^6) = 3200000, i.e.
 * five packets; 128 credits come back per jiffy, one packet's worth every 5000 jiffies (20 s).
 */
static void test_limit_token_bucket(void **state)
{
	static const struct { u64 ms; bool pass; } seq[] = {
		{ 0, 1 }, { 0, 1 }, { 0, 1 }, { 0, 1 }, { 0, 1 },   /* the burst */
		{ 0, 0 },               /* same jiffy, empty: the fast path */
		{ 10000, 0 },           /* +2500 jiffies = 320000 credits < 640000 */
		{ 20000, 1 },           /* +320000 = 640000: exactly one packet, 0 left */
		{ 25000, 0 },           /* +160000 */
		{ 100000, 1 },          /* +2400000 -> 2560000, 1920000 left: three more */
		{ 100000, 1 }, { 100000, 1 }, { 100000, 1 }, { 100000, 0 },
	};
	struct env *e = *state;
	struct xt_rateinfo ri = { .avg = 200000, .burst = 5 };
	const struct xt_rateinfo *kr;
	struct mrule r;

	mrule_init(&r, e, "limit", 0, &ri, sizeof(ri), NF_INET_LOCAL_IN);
	kr = (const void *)r.data;
	assert_int_equal(kr->cost, 640000);
	assert_int_equal(kr->credit_cap, 3200000);
	for (size_t i = 0; i < ARRAY_SIZE(seq); i++) {
		at(e, MS(seq[i].ms));
		if (mrule_pkt(&r, udp(H1, R_LAN, 53, 0)) != seq[i].pass)
			fail_msg("limit packet %zu at %llu ms: want %s", i + 1,
				 (unsigned long long)seq[i].ms, seq[i].pass ? "match" : "no match");
	}
	/* The kernel adds (jiffies * 128) in 32 bits: after exactly 2^25 jiffies (134217.728 s)
	 * of silence the increase wraps to 0 and the empty bucket stays empty. */
	at(e, MS(100000) + MS(134217728));
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	at(e, MS(100000) + MS(134217728) + MS(4));  /* one jiffy: 128 credits */
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	mrule_fini(&r);
}

/* ================================================================== hashlimit */

static struct xt_hashlimit_mtinfo3 hl3(const char *name, u64 avg, u64 burst, u32 mode)
{
	struct xt_hashlimit_mtinfo3 i;

	memset(&i, 0, sizeof(i));
	snprintf(i.name, sizeof(i.name), "%s", name);
	i.cfg.avg = avg;
	i.cfg.burst = burst;
	i.cfg.mode = mode;
	i.cfg.gc_interval = 1000;       /* libxt_hashlimit's defaults */
	i.cfg.expire = 10000;
	i.cfg.srcmask = 32;
	i.cfg.dstmask = 32;
	return i;
}

/*
 * Revision 3, --hashlimit-upto 1/sec --hashlimit-burst 2 --hashlimit-mode srcip: avg =
 * 10^6 (XT_HASHLIMIT_SCALE_v2), CREDITS_PER_JIFFY = 2^39 (the largest power of two below
 * 2^64 / (250 * 86400)), cost = 10^6 * floor(250 * 2^39 / 10^6) = 137438953000000.  250
 * jiffies refill 250 * 2^39 = 137438953472000 >= cost; 249 jiffies do not.
 */
static void test_hashlimit_srcip(void **state)
{
	struct env *e = *state;
	struct xt_hashlimit_mtinfo3 i = hl3("h1", 1000000, 2, XT_HASHLIMIT_HASH_SIP);
	struct xt_hashlimit_mtinfo3 iv = hl3("h1", 1000000, 2, XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_INVERT);
	struct mrule r, rv;

	mrule_init(&r, e, "hashlimit", 3, &i, sizeof(i), NF_INET_LOCAL_IN);
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 54, 0)));      /* ports are not in the key */
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	at(e, MS(500));
	assert_true(mrule_pkt(&r, udp(H2, R_LAN, 53, 0)));      /* another source: its own bucket */
	at(e, MS(996));                                         /* 249 jiffies */
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	at(e, MS(1000));                                        /* 250 */
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));

	/* A second rule on the same table shares its buckets; its own mode inverts (above). */
	mrule_init(&rv, e, "hashlimit", 3, &iv, sizeof(iv), NF_INET_LOCAL_IN);
	assert_true(mrule_pkt(&rv, udp(H1, R_LAN, 53, 0)));     /* H1's bucket is empty */
	assert_false(mrule_pkt(&rv, udp(H2, R_LAN, 53, 0)));    /* H2 has one left */
	assert_true(mrule_pkt(&rv, udp(H2, R_LAN, 53, 0)));
	mrule_fini(&rv);
	mrule_fini(&r);
}

/* srcip/24 + dstport: 192.0.2.10 and .11 share a bucket per destination port. */
static void test_hashlimit_masks_ports(void **state)
{
	struct env *e = *state;
	struct xt_hashlimit_mtinfo3 i = hl3("h2", 1000000, 1, XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_DPT);
	struct sk_buff *skb;
	struct mrule r;
	bool hot;

	i.cfg.srcmask = 24;
	mrule_init(&r, e, "hashlimit", 3, &i, sizeof(i), NF_INET_LOCAL_IN);
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	assert_false(mrule_pkt(&r, udp(H2, R_LAN, 53, 0)));     /* same /24, same port */
	assert_true(mrule_pkt(&r, udp(H2, R_LAN, 54, 0)));
	/* ICMP has no ports: one bucket for all of 192.0.2.0/24 */
	assert_true(mrule_pkt(&r, pkt(H1, R_LAN, IPPROTO_ICMP, 0, 0, 64, 8)));
	assert_false(mrule_pkt(&r, pkt(H2, R_LAN, IPPROTO_ICMP, 0, 0, 64, 8)));
	/* a UDP header cut short: the ports cannot be read, the packet is hot-dropped */
	skb = pkt(H1, R_LAN, IPPROTO_UDP, 0, 0, 64, 2);
	assert_false(mrule_hook(&r, skb, NF_INET_LOCAL_IN, &hot));
	assert_true(hot);
	kfree_skb(skb);
	mrule_fini(&r);
}

/*
 * --hashlimit-htable-size 2 --hashlimit-htable-max 2 --hashlimit-htable-expire 1000
 * --hashlimit-htable-gcinterval 500: the collector runs 500 ms after the table was made and
 * every 500 ms (125 jiffies) after, freeing the buckets whose expiry (last packet + 250
 * jiffies) has come; a new source when the table holds `max` buckets is hot-dropped.
 */
static void test_hashlimit_max_expire_gc(void **state)
{
	static const struct { u64 ms; __be32 src; bool hotdrop; } seq[] = {
		{ 0, IP(10, 0, 0, 1), 0 },
		{ 100, IP(10, 0, 0, 2), 0 },
		{ 200, IP(10, 0, 0, 3), 1 },    /* full */
		{ 1050, IP(10, 0, 0, 3), 0 },   /* the 1000 ms run freed .1 (expired at 1000) */
		{ 1060, IP(10, 0, 0, 4), 1 },   /* .2 expired at 1100 ... */
		{ 1490, IP(10, 0, 0, 4), 1 },   /* ... but the collector comes at 1500 */
		{ 1500, IP(10, 0, 0, 4), 0 },
		{ 1500, IP(10, 0, 0, 3), 0 },   /* still there (last seen 1050) */
	};
	struct env *e = *state;
	struct xt_hashlimit_mtinfo3 i = hl3("h3", 1, 1, XT_HASHLIMIT_HASH_SIP);
	struct mrule r;

	i.cfg.size = 2;
	i.cfg.max = 2;
	i.cfg.expire = 1000;
	i.cfg.gc_interval = 500;
	mrule_init(&r, e, "hashlimit", 3, &i, sizeof(i), NF_INET_LOCAL_IN);
	for (size_t k = 0; k < ARRAY_SIZE(seq); k++) {
		struct sk_buff *skb = udp(seq[k].src, R_LAN, 53, 0);
		bool hot, m;

		at(e, MS(seq[k].ms));
		m = mrule_hook(&r, skb, NF_INET_LOCAL_IN, &hot);
		kfree_skb(skb);
		if (hot != seq[k].hotdrop || m == seq[k].hotdrop)
			fail_msg("hashlimit packet %zu at %llu ms: hotdrop %d match %d", k + 1,
				 (unsigned long long)seq[k].ms, hot, m);
	}
	mrule_fini(&r);
}

/*
 * Byte mode, --hashlimit-upto 1kb/s --hashlimit-burst 2kb (libxt_hashlimit: avg 0x03f03f03,
 * burst 2).  A second of credit is CREDITS_PER_JIFFY_BYTES * HZ = 2^24 * 250; a 16-byte chunk
 * costs (0x03f03f03 * 250 * 2^24) >> 32 = 64527752; a 100-byte packet is 7 chunks =
 * 451694264, so a full bucket passes 9 of them, and `burst` times the empty bucket is refilled
 * at once: 27 packets, then nothing until credit comes back at 2^24 per jiffy.
 */
static void test_hashlimit_bytes(void **state)
{
	struct env *e = *state;
	struct xt_hashlimit_mtinfo3 i = hl3("b1", 0x03f03f03, 2, XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_BYTES);
	struct mrule r;
	int n = 0;

	mrule_init(&r, e, "hashlimit", 3, &i, sizeof(i), NF_INET_LOCAL_IN);
	for (int k = 0; k < 30; k++)
		n += mrule_pkt(&r, udp(H1, R_LAN, 53, 100 - 28));   /* 100-byte IP packets */
	assert_int_equal(n, 27);
	/* 100 jiffies later: 129055624 left + 100 * 2^24 = 1806777224 -> four more (168 left) */
	at(e, MS(400));
	for (int k = 0; k < 4; k++)
		assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 100 - 28)));
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 100 - 28)));
	mrule_fini(&r);
}

/*
 * Revision 3 --hashlimit-rate-match --hashlimit-rate-interval 10 --hashlimit-upto 5/min
 * --hashlimit-burst 3 (libxt_hashlimit: avg 200000, burst 3, mode 0x40): rate = 10^6 / 200000 =
 * 5, burst = 3 + 5 = 8 packets per window; a window that saw more than rate packets per
 * interval (current_rate * interval > delta * rate) closes the next window entirely.
 */
static void test_hashlimit_rate_match(void **state)
{
	struct env *e = *state;
	struct xt_hashlimit_mtinfo3 i = hl3("r1", 200000, 3, XT_HASHLIMIT_RATE_MATCH);
	struct xt_hashlimit_mtinfo1 v1;
	struct mrule r;
	int n = 0;

	i.cfg.interval = 10;
	i.cfg.expire = 60000;           /* the bucket must outlive the windows (see max_expire_gc) */
	mrule_init(&r, e, "hashlimit", 3, &i, sizeof(i), NF_INET_LOCAL_IN);
	for (int k = 0; k < 10; k++)
		n += mrule_pkt(&r, udp(H1, R_LAN, 53, 0));
	assert_int_equal(n, 8);                                 /* current_rate is now 10 */
	at(e, SEC(10));                                         /* 10 * 2500 > 2500 * 5: closed */
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	at(e, MS(10500));
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));     /* current_rate 2 */
	at(e, SEC(20));                                         /* 2 * 2500 <= 2500 * 5: open */
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	mrule_fini(&r);

	/* Rate match needs revision 3, and a table is one kind or the other (Linux 6.18 refuses
	 * both with EINVAL, checked with iptables-legacy). */
	memset(&v1, 0, sizeof(v1));
	snprintf(v1.name, sizeof(v1.name), "r1");
	v1.cfg.avg = 10000;
	v1.cfg.burst = 5;
	v1.cfg.mode = XT_HASHLIMIT_RATE_MATCH;
	v1.cfg.gc_interval = 1000;
	v1.cfg.expire = 10000;
	{
		struct xt_match *m = xt_find_match(e->net, NFPROTO_IPV4, "hashlimit", 1);
		struct ipt_ip ip = { 0 };
		struct xt_mtchk_param chk = {
			.net = e->net, .table = "filter", .entryinfo = &ip, .match = m,
			.matchinfo = &v1, .hook_mask = 1 << NF_INET_LOCAL_IN, .family = NFPROTO_IPV4,
		};
		struct xt_hashlimit_mtinfo3 tb = hl3("r2", 1000000, 5, 0);

		assert_int_equal(m->checkentry(&chk), -EINVAL);
		mrule_init(&r, e, "hashlimit", 3, &tb, sizeof(tb), NF_INET_LOCAL_IN);
		tb.cfg.mode = XT_HASHLIMIT_RATE_MATCH;
		tb.cfg.interval = 1;
		chk.match = xt_find_match(e->net, NFPROTO_IPV4, "hashlimit", 3);
		chk.matchinfo = &tb;
		assert_int_equal(chk.match->checkentry(&chk), -EINVAL);
		module_put(chk.match->me);
		mrule_fini(&r);
		module_put(m->me);
	}
}

/* Revision 1 counts in 1/10000 s and 32-bit credits: --hashlimit 2/sec --hashlimit-burst 1
 * (avg 5000) with CREDITS_PER_JIFFY_v1 = 128: cost = 5000 * (250 * 128 / 10000 = 3) = 15000,
 * so a packet every 118 jiffies (117 * 128 = 14976 falls short), not every 125. */
static void test_hashlimit_rev1(void **state)
{
	struct env *e = *state;
	struct xt_hashlimit_mtinfo1 i;
	struct mrule r;

	memset(&i, 0, sizeof(i));
	snprintf(i.name, sizeof(i.name), "v1");
	i.cfg.avg = 5000;
	i.cfg.burst = 1;
	i.cfg.mode = XT_HASHLIMIT_HASH_DIP;
	i.cfg.gc_interval = 1000;
	i.cfg.expire = 10000;
	i.cfg.dstmask = 32;
	mrule_init(&r, e, "hashlimit", 1, &i, sizeof(i), NF_INET_LOCAL_IN);
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	assert_false(mrule_pkt(&r, udp(H2, R_LAN, 53, 0)));     /* keyed by destination */
	assert_true(mrule_pkt(&r, udp(H1, NET1, 53, 0)));
	at(e, MS(468));                                         /* 117 jiffies */
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	at(e, MS(472));
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));
	mrule_fini(&r);
}

/* ================================================================== recent */

static struct xt_recent_mtinfo_v1 rc(const char *name, u8 check_set, u32 seconds, u32 hits)
{
	struct xt_recent_mtinfo_v1 i;

	memset(&i, 0, sizeof(i));
	snprintf(i.name, sizeof(i.name), "%s", name);
	i.check_set = check_set;
	i.seconds = seconds;
	i.hit_count = hits;
	i.side = XT_RECENT_SOURCE;
	memset(&i.mask, 0xff, sizeof(i.mask));
	return i;
}

static void test_recent_set_check_update_remove(void **state)
{
	struct env *e = *state;
	struct xt_recent_mtinfo_v1 set = rc("t1", XT_RECENT_SET, 0, 0);
	struct xt_recent_mtinfo_v1 chk = rc("t1", XT_RECENT_CHECK, 10, 2);
	struct xt_recent_mtinfo_v1 upd = rc("t1", XT_RECENT_UPDATE, 5, 2);
	struct xt_recent_mtinfo_v1 rem = rc("t1", XT_RECENT_REMOVE, 0, 0);
	struct xt_recent_mtinfo_v1 nchk = rc("t1", XT_RECENT_CHECK, 0, 0);
	struct mrule rset, rchk, rupd, rrem, rnchk;

	nchk.invert = 1;
	mrule_init(&rset, e, "recent", 1, &set, sizeof(set), NF_INET_LOCAL_IN);
	mrule_init(&rchk, e, "recent", 1, &chk, sizeof(chk), NF_INET_LOCAL_IN);
	mrule_init(&rupd, e, "recent", 1, &upd, sizeof(upd), NF_INET_LOCAL_IN);
	mrule_init(&rrem, e, "recent", 1, &rem, sizeof(rem), NF_INET_LOCAL_IN);
	mrule_init(&rnchk, e, "recent", 1, &nchk, sizeof(nchk), NF_INET_LOCAL_IN);

	assert_false(mrule_pkt(&rchk, udp(H1, R_LAN, 53, 0)));  /* unknown: no entry made */
	assert_true(mrule_pkt(&rnchk, udp(H1, R_LAN, 53, 0)));  /* ! --rcheck */
	assert_true(mrule_pkt(&rset, udp(H1, R_LAN, 53, 0)));   /* stamps: 0 */
	assert_false(mrule_pkt(&rnchk, udp(H1, R_LAN, 53, 0)));
	assert_false(mrule_pkt(&rchk, udp(H1, R_LAN, 53, 0)));  /* 1 hit < 2 */
	at(e, SEC(1));
	assert_true(mrule_pkt(&rset, udp(H1, R_LAN, 53, 0)));   /* stamps: 0 1 */
	assert_true(mrule_pkt(&rchk, udp(H1, R_LAN, 53, 0)));
	assert_false(mrule_pkt(&rchk, udp(H2, R_LAN, 53, 0)));
	at(e, MS(10500));                                       /* window from 0.5 s */
	assert_false(mrule_pkt(&rchk, udp(H1, R_LAN, 53, 0)));
	/* --update: a match refreshes the entry; 2 hits within 5 s needed */
	at(e, SEC(12));
	assert_true(mrule_pkt(&rset, udp(H1, R_LAN, 53, 0)));   /* stamps: 0 1 12 */
	assert_false(mrule_pkt(&rupd, udp(H1, R_LAN, 53, 0)));  /* no match, no stamp */
	at(e, SEC(13));
	assert_true(mrule_pkt(&rset, udp(H1, R_LAN, 53, 0)));   /* 0 1 12 13 */
	assert_true(mrule_pkt(&rupd, udp(H1, R_LAN, 53, 0)));   /* adds 13 again */
	at(e, SEC(17));
	assert_true(mrule_pkt(&rupd, udp(H1, R_LAN, 53, 0)));   /* 12 and 13 in [12, 17] */
	at(e, SEC(23));
	assert_false(mrule_pkt(&rupd, udp(H1, R_LAN, 53, 0)));  /* nothing since 18 s */
	/* --remove */
	assert_true(mrule_pkt(&rrem, udp(H1, R_LAN, 53, 0)));
	assert_false(mrule_pkt(&rrem, udp(H1, R_LAN, 53, 0)));
	assert_true(mrule_pkt(&rnchk, udp(H1, R_LAN, 53, 0)));

	mrule_fini(&rnchk);
	mrule_fini(&rrem);
	mrule_fini(&rupd);
	mrule_fini(&rchk);
	mrule_fini(&rset);
}

/* Timestamps are kept in a ring of roundup_pow_of_two(hitcount) entries, 32 for a rule
 * without --hitcount (so at least 32 for any table with --set); a later rule that needs a
 * longer ring empties the table. */
static void test_recent_ring_and_flush(void **state)
{
	struct env *e = *state;
	struct xt_recent_mtinfo_v1 set = rc("ring", XT_RECENT_SET, 0, 0);
	struct xt_recent_mtinfo_v1 chk32 = rc("ring", XT_RECENT_CHECK, 0, 32);
	struct xt_recent_mtinfo_v1 chk33 = rc("ring", XT_RECENT_CHECK, 0, 33);
	struct mrule rs, r32, r33;

	mrule_init(&rs, e, "recent", 1, &set, sizeof(set), NF_INET_LOCAL_IN);      /* 32 stamps */
	mrule_init(&r32, e, "recent", 1, &chk32, sizeof(chk32), NF_INET_LOCAL_IN);
	for (int k = 0; k < 40; k++)
		assert_true(mrule_pkt(&rs, udp(H1, R_LAN, 53, 0)));
	assert_true(mrule_pkt(&r32, udp(H1, R_LAN, 53, 0)));    /* 32 of the 40 kept */
	mrule_init(&r33, e, "recent", 1, &chk33, sizeof(chk33), NF_INET_LOCAL_IN); /* 64: flush */
	assert_false(mrule_pkt(&r32, udp(H1, R_LAN, 53, 0)));
	for (int k = 0; k < 32; k++)
		assert_true(mrule_pkt(&rs, udp(H1, R_LAN, 53, 0)));
	assert_false(mrule_pkt(&r33, udp(H1, R_LAN, 53, 0)));
	assert_true(mrule_pkt(&rs, udp(H1, R_LAN, 53, 0)));
	assert_true(mrule_pkt(&r33, udp(H1, R_LAN, 53, 0)));
	mrule_fini(&r33);
	mrule_fini(&r32);
	mrule_fini(&rs);
}

/* ip_list_tot = 100 addresses per table: the 101st evicts the least recently set. */
static void test_recent_list_tot(void **state)
{
	struct env *e = *state;
	struct xt_recent_mtinfo_v1 set = rc("lru", XT_RECENT_SET, 0, 0);
	struct xt_recent_mtinfo_v1 chk = rc("lru", XT_RECENT_CHECK, 0, 0);
	struct mrule rs, rcheck;

	mrule_init(&rs, e, "recent", 1, &set, sizeof(set), NF_INET_LOCAL_IN);
	mrule_init(&rcheck, e, "recent", 1, &chk, sizeof(chk), NF_INET_LOCAL_IN);
	for (int k = 1; k <= 100; k++)
		assert_true(mrule_pkt(&rs, udp(IP(10, 0, 0, k), R_LAN, 53, 0)));
	assert_true(mrule_pkt(&rs, udp(IP(10, 0, 0, 1), R_LAN, 53, 0)));    /* .1 is fresh again */
	assert_true(mrule_pkt(&rs, udp(IP(10, 0, 1, 1), R_LAN, 53, 0)));    /* evicts .2 */
	assert_true(mrule_pkt(&rcheck, udp(IP(10, 0, 0, 1), R_LAN, 53, 0)));
	assert_false(mrule_pkt(&rcheck, udp(IP(10, 0, 0, 2), R_LAN, 53, 0)));
	assert_true(mrule_pkt(&rcheck, udp(IP(10, 0, 0, 3), R_LAN, 53, 0)));
	assert_true(mrule_pkt(&rcheck, udp(IP(10, 0, 1, 1), R_LAN, 53, 0)));
	mrule_fini(&rcheck);
	mrule_fini(&rs);
}

/* --rttl, --rdest with --mask, --reap. */
static void test_recent_ttl_mask_reap(void **state)
{
	struct env *e = *state;
	struct xt_recent_mtinfo_v1 set = rc("ttl", XT_RECENT_SET, 0, 0);
	struct xt_recent_mtinfo_v1 chk = rc("ttl", XT_RECENT_CHECK | XT_RECENT_TTL, 0, 0);
	struct xt_recent_mtinfo_v1 dset = rc("dst", XT_RECENT_SET, 0, 0);
	struct xt_recent_mtinfo_v1 dchk = rc("dst", XT_RECENT_CHECK, 0, 0);
	struct xt_recent_mtinfo_v1 rset = rc("reap", XT_RECENT_SET, 0, 0);
	struct xt_recent_mtinfo_v1 reap = rc("reap", XT_RECENT_CHECK | XT_RECENT_REAP, 3, 0);
	struct xt_recent_mtinfo_v1 rchk = rc("reap", XT_RECENT_CHECK, 0, 0);
	struct mrule r1, r2, r3, r4, r5, r6, r7;
	struct sk_buff *skb;

	mrule_init(&r1, e, "recent", 1, &set, sizeof(set), NF_INET_LOCAL_IN);
	mrule_init(&r2, e, "recent", 1, &chk, sizeof(chk), NF_INET_FORWARD);
	assert_true(mrule_pkt(&r1, pkt(H1, R_LAN, IPPROTO_UDP, 1, 2, 64, 8)));
	assert_false(mrule_pkt(&r2, pkt(H1, R_LAN, IPPROTO_UDP, 1, 2, 63, 8)));
	assert_true(mrule_pkt(&r2, pkt(H1, R_LAN, IPPROTO_UDP, 1, 2, 64, 8)));
	/* forwarded: "use TTL as seen before forwarding", so 63 counts as 64 */
	skb = pkt(H1, R_LAN, IPPROTO_UDP, 1, 2, 63, 8);
	assert_true(mrule_hook(&r2, skb, NF_INET_FORWARD, NULL));
	kfree_skb(skb);

	dset.side = dchk.side = XT_RECENT_DEST;
	dset.mask.ip = IP(255, 255, 255, 0);
	mrule_init(&r3, e, "recent", 1, &dset, sizeof(dset), NF_INET_LOCAL_IN);
	mrule_init(&r4, e, "recent", 1, &dchk, sizeof(dchk), NF_INET_LOCAL_IN);  /* first mask stays */
	assert_true(mrule_pkt(&r3, udp(H1, IP(198, 51, 100, 7), 53, 0)));
	assert_true(mrule_pkt(&r4, udp(H2, IP(198, 51, 100, 99), 53, 0)));
	assert_false(mrule_pkt(&r4, udp(H1, IP(198, 51, 101, 7), 53, 0)));

	/* --reap: while checking, the oldest entry goes if its last stamp is out of the window */
	mrule_init(&r5, e, "recent", 1, &rset, sizeof(rset), NF_INET_LOCAL_IN);
	mrule_init(&r6, e, "recent", 1, &reap, sizeof(reap), NF_INET_LOCAL_IN);
	mrule_init(&r7, e, "recent", 1, &rchk, sizeof(rchk), NF_INET_LOCAL_IN);
	assert_true(mrule_pkt(&r5, udp(H1, R_LAN, 53, 0)));     /* t = 0 */
	at(e, SEC(5));
	assert_true(mrule_pkt(&r5, udp(H2, R_LAN, 53, 0)));
	at(e, SEC(6));
	assert_true(mrule_pkt(&r6, udp(H2, R_LAN, 53, 0)));     /* and H1 (t = 0 < 3) is reaped */
	assert_false(mrule_pkt(&r7, udp(H1, R_LAN, 53, 0)));
	assert_true(mrule_pkt(&r7, udp(H2, R_LAN, 53, 0)));
	mrule_fini(&r7);
	mrule_fini(&r6);
	mrule_fini(&r5);
	mrule_fini(&r4);
	mrule_fini(&r3);
	mrule_fini(&r2);
	mrule_fini(&r1);
}

/* ================================================================== quota, statistic */

static void test_quota(void **state)
{
	struct env *e = *state;
	struct xt_quota_info q = { .quota = 100 };
	struct xt_quota_info qi = { .quota = 100, .flags = XT_QUOTA_INVERT };
	struct mrule r, ri;

	mrule_init(&r, e, "quota", 0, &q, sizeof(q), NF_INET_LOCAL_IN);
	mrule_init(&ri, e, "quota", 0, &qi, sizeof(qi), NF_INET_LOCAL_IN);
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 12)));     /* 40 bytes: 60 left */
	assert_true(mrule_pkt(&r, udp(H1, R_LAN, 53, 12)));     /* 20 left */
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 12)));    /* too big: quota emptied */
	assert_false(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)));     /* so even 28 bytes fail */
	assert_false(mrule_pkt(&ri, udp(H1, R_LAN, 53, 72)));   /* 100 fit exactly */
	assert_true(mrule_pkt(&ri, udp(H1, R_LAN, 53, 0)));
	mrule_fini(&ri);
	mrule_fini(&r);
}

static void test_statistic_nth(void **state)
{
	struct env *e = *state;
	/* --every 3 --packet 0 / --packet 2 / ! --every 2 --packet 0 as libxt_statistic stores
	 * them: every - 1, count = every - 1 - packet */
	struct xt_statistic_info p0 = { .mode = XT_STATISTIC_MODE_NTH, .u.nth = { 2, 0, 2 } };
	struct xt_statistic_info p2 = { .mode = XT_STATISTIC_MODE_NTH, .u.nth = { 2, 2, 0 } };
	struct xt_statistic_info inv = { .mode = XT_STATISTIC_MODE_NTH, .flags = XT_STATISTIC_INVERT,
					 .u.nth = { 1, 0, 1 } };
	static const bool w0[] = { 1, 0, 0, 1, 0, 0, 1 }, w2[] = { 0, 0, 1, 0, 0, 1, 0 },
			  wi[] = { 0, 1, 0, 1, 0, 1, 0 };
	struct mrule r0, r2, ri;

	mrule_init(&r0, e, "statistic", 0, &p0, sizeof(p0), NF_INET_LOCAL_IN);
	mrule_init(&r2, e, "statistic", 0, &p2, sizeof(p2), NF_INET_LOCAL_IN);
	mrule_init(&ri, e, "statistic", 0, &inv, sizeof(inv), NF_INET_LOCAL_IN);
	for (size_t k = 0; k < ARRAY_SIZE(w0); k++) {
		assert_int_equal(mrule_pkt(&r0, udp(H1, R_LAN, 53, 0)), w0[k]);
		assert_int_equal(mrule_pkt(&r2, udp(H1, R_LAN, 53, 0)), w2[k]);
		assert_int_equal(mrule_pkt(&ri, udp(H1, R_LAN, 53, 0)), wi[k]);
	}
	mrule_fini(&ri);
	mrule_fini(&r2);
	mrule_fini(&r0);
}

/* Random mode draws from the net's seeded generator: the same seed gives the same packets,
 * and --probability 0.25 (0x20000000 of 2^31) takes about a quarter. */
static void test_statistic_random(void **state)
{
	struct env *e = *state;
	struct xt_statistic_info q = { .mode = XT_STATISTIC_MODE_RANDOM, .u.random.probability = 0x20000000 };
	struct xt_statistic_info all = { .mode = XT_STATISTIC_MODE_RANDOM, .u.random.probability = 0x80000000 };
	struct xt_statistic_info none = { .mode = XT_STATISTIC_MODE_RANDOM, .flags = XT_STATISTIC_INVERT };
	bool first[200];
	struct mrule r, ra, rn;
	int n = 0;

	mrule_init(&r, e, "statistic", 0, &q, sizeof(q), NF_INET_LOCAL_IN);
	nfemu_random_seed(e->net, 42);
	for (int k = 0; k < 200; k++)
		first[k] = mrule_pkt(&r, udp(H1, R_LAN, 53, 0));
	nfemu_random_seed(e->net, 42);
	for (int k = 0; k < 200; k++)
		assert_int_equal(mrule_pkt(&r, udp(H1, R_LAN, 53, 0)), first[k]);
	nfemu_random_seed(e->net, 7);
	for (int k = 0; k < 10000; k++)
		n += mrule_pkt(&r, udp(H1, R_LAN, 53, 0));
	/* binomial(10000, 0.25): mean 2500, sd 43.3; +-5 sd */
	assert_in_range(n, 2500 - 217, 2500 + 217);

	mrule_init(&ra, e, "statistic", 0, &all, sizeof(all), NF_INET_LOCAL_IN);
	mrule_init(&rn, e, "statistic", 0, &none, sizeof(none), NF_INET_LOCAL_IN);
	for (int k = 0; k < 100; k++) {
		assert_true(mrule_pkt(&ra, udp(H1, R_LAN, 53, 0)));
		assert_true(mrule_pkt(&rn, udp(H1, R_LAN, 53, 0)));     /* ! --probability 0 */
	}
	mrule_fini(&rn);
	mrule_fini(&ra);
	mrule_fini(&r);
}

/* ================================================================== time */

static struct xt_time_info tm_all(void)
{
	struct xt_time_info t = {
		.date_start = 0, .date_stop = 0xffffffffu, .daytime_start = 0,
		.daytime_stop = XT_TIME_MAX_DAYTIME, .monthdays_match = XT_TIME_ALL_MONTHDAYS,
		.weekdays_match = XT_TIME_ALL_WEEKDAYS,
	};
	return t;
}

static bool time_at(struct env *e, const struct xt_time_info *t, u64 unix_sec)
{
	struct mrule r;
	bool ret;

	/* EMU clock moved by hand: the time match reads the wall clock only */
	e->net->clock.now_ns = SEC(unix_sec);
	mrule_init(&r, e, "time", 0, t, sizeof(*t), NF_INET_LOCAL_IN);
	ret = mrule_pkt(&r, udp(H1, R_LAN, 53, 0));
	mrule_fini(&r);
	return ret;
}

static void test_time(void **state)
{
	struct env *e = *state;
	const u64 mon_noon = T0_SEC;                    /* 2025-03-03 12:00:00 Monday */
	const u64 tue_0030 = T0_SEC + 12 * 3600 + 1800; /* 2025-03-04 00:30:00 Tuesday */
	struct xt_time_info t;

	t = tm_all();
	t.date_start = 1735689600;                      /* 2025-01-01 */
	t.date_stop = 1740960000;                       /* 2025-03-03 00:00:00 */
	assert_false(time_at(e, &t, mon_noon));
	t.date_stop = mon_noon;                         /* inclusive */
	assert_true(time_at(e, &t, mon_noon));

	t = tm_all();
	t.daytime_start = 11 * 3600;
	t.daytime_stop = 13 * 3600;
	assert_true(time_at(e, &t, mon_noon));
	t.daytime_start = 12 * 3600 + 1;
	assert_false(time_at(e, &t, mon_noon));

	t = tm_all();
	t.weekdays_match = 1 << 1;                      /* Mon (Monday = 1 .. Sunday = 7) */
	assert_true(time_at(e, &t, mon_noon));
	t.weekdays_match = 1 << 7;
	assert_false(time_at(e, &t, mon_noon));
	t.weekdays_match = 1 << 2;
	assert_true(time_at(e, &t, tue_0030));

	t = tm_all();
	t.monthdays_match = 1 << 3;
	assert_true(time_at(e, &t, mon_noon));
	t.monthdays_match = 1 << 4;
	assert_false(time_at(e, &t, mon_noon));
	assert_true(time_at(e, &t, tue_0030));

	/* 23:00-01:00 on Mondays: without --contiguous Tuesday 00:30 is a Tuesday */
	t = tm_all();
	t.daytime_start = 23 * 3600;
	t.daytime_stop = 3600;
	t.weekdays_match = 1 << 1;
	assert_false(time_at(e, &t, tue_0030));
	t.flags = XT_TIME_CONTIGUOUS;
	assert_true(time_at(e, &t, tue_0030));
	t.flags = XT_TIME_CONTIGUOUS | XT_TIME_LOCAL_TZ;        /* kernel timezone UTC: same */
	assert_true(time_at(e, &t, tue_0030));

	/* 2024-02-29 (leap day) and 2040-01-15: the kernel's year table ends in 2039, so it
	 * counts January 2040 as days 365.. of 2039: day 46 of "December", bit 46 & 31 = 14. */
	t = tm_all();
	t.monthdays_match = 1 << 29;
	assert_true(time_at(e, &t, 1709208000));        /* 2024-02-29 12:00 */
	t.monthdays_match = 1 << 14;
	assert_true(time_at(e, &t, 2210241600ULL));     /* 2040-01-15 12:00 */
	t.monthdays_match = 1 << 15;
	assert_false(time_at(e, &t, 2210241600ULL));
}

/* ================================================================== owner */

static void test_owner(void **state)
{
	struct env *e = *state;
	struct sock sk = { .sk_uid = 1000, .sk_gid = 100 };
	struct xt_owner_match_info uid = { .uid_min = 1000, .uid_max = 1000, .match = XT_OWNER_UID };
	struct xt_owner_match_info uid0 = { .uid_min = 0, .uid_max = 0, .match = XT_OWNER_UID };
	struct xt_owner_match_info nuid0 = { .uid_min = 0, .uid_max = 0, .match = XT_OWNER_UID,
					     .invert = XT_OWNER_UID };
	struct xt_owner_match_info range = { .uid_min = 999, .uid_max = 1001, .gid_min = 100,
					     .gid_max = 100, .match = XT_OWNER_UID | XT_OWNER_GID };
	struct xt_owner_match_info gid = { .gid_min = 0, .gid_max = 99, .match = XT_OWNER_GID };
	struct xt_owner_match_info sock = { .match = XT_OWNER_SOCKET };
	struct xt_owner_match_info nsock = { .match = XT_OWNER_SOCKET, .invert = XT_OWNER_SOCKET };
	const struct { const struct xt_owner_match_info *i; bool with_sk, without_sk; } cases[] = {
		{ &uid, 1, 0 }, { &uid0, 0, 0 }, { &nuid0, 1, 1 }, { &range, 1, 0 }, { &gid, 0, 0 },
		{ &sock, 1, 0 }, { &nsock, 0, 1 },
	};

	for (size_t k = 0; k < ARRAY_SIZE(cases); k++) {
		struct sk_buff *skb = udp(R_LAN, H1, 53, 0);
		struct mrule r;

		mrule_init(&r, e, "owner", 1, cases[k].i, sizeof(*cases[k].i), NF_INET_LOCAL_OUT);
		if (mrule_hook(&r, skb, NF_INET_LOCAL_OUT, NULL) != cases[k].without_sk)
			fail_msg("owner case %zu without a socket", k);
		skb->sk = &sk;
		if (mrule_hook(&r, skb, NF_INET_POST_ROUTING, NULL) != cases[k].with_sk)
			fail_msg("owner case %zu with a socket", k);
		skb->sk = NULL;
		kfree_skb(skb);
		mrule_fini(&r);
	}
}

/* ================================================================== rateest */

/*
 * RATEEST --rateest-interval 1s (interval 0: every (HZ/4) << 2 = 248 jiffies) with ewma_log 1,
 * and rateest comparing with absolute rates.  Ten 100-byte packets in the first period:
 * avbps += (1000 << 8) >> 1 = 128000, read as >> 8 = 500 B/s; avpps = (10 << 8) >> 1 = 1280 ->
 * 5/s.  An idle period halves them: avbps += 0 - (128000 >> 1).
 */
static void test_rateest(void **state)
{
	struct env *e = *state;
	struct xt_rateest_target_info tg = { .name = "est", .interval = 0, .ewma_log = 1 };
	struct xt_rateest_match_info gt = { .name1 = "est", .mode = XT_RATEEST_MATCH_GT, .bps2 = 400,
					    .flags = XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_BPS };
	struct xt_rateest_match_info eq = { .name1 = "est", .mode = XT_RATEEST_MATCH_EQ, .pps2 = 5,
					    .flags = XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_PPS };
	struct xt_rateest_match_info lt = { .name1 = "est", .mode = XT_RATEEST_MATCH_LT, .bps2 = 300,
					    .flags = XT_RATEEST_MATCH_ABS | XT_RATEEST_MATCH_BPS };
	struct xt_target *t = xt_find_target(e->net, NFPROTO_IPV4, "RATEEST", 0);
	struct ipt_entry ent = { 0 };
	struct xt_tgchk_param chk = {
		.net = e->net, .table = "mangle", .entryinfo = &ent, .target = t, .targinfo = &tg,
		.hook_mask = 1 << NF_INET_FORWARD, .family = NFPROTO_IPV4,
	};
	struct xt_tgdtor_param dtor = { .net = e->net, .target = t, .targinfo = &tg, .family = NFPROTO_IPV4 };
	struct xt_action_param par = { 0 };
	struct mrule rgt, req, rlt;

	assert_int_equal(t->checkentry(&chk), 0);
	mrule_init(&rgt, e, "rateest", 0, &gt, sizeof(gt), NF_INET_FORWARD);
	mrule_init(&req, e, "rateest", 0, &eq, sizeof(eq), NF_INET_FORWARD);
	mrule_init(&rlt, e, "rateest", 0, &lt, sizeof(lt), NF_INET_FORWARD);
	nf_hook_state_init(&e->state, NF_INET_FORWARD, NFPROTO_IPV4, e->lan0, e->wan0, NULL, e->net, NULL);
	par.target = t;
	par.targinfo = &tg;
	par.state = &e->state;
	for (int k = 0; k < 10; k++) {
		struct sk_buff *skb = udp(H1, NET1, 53, 72);

		at(e, MS(10 * k));
		assert_int_equal(t->target(skb, &par), XT_CONTINUE);
		kfree_skb(skb);
	}
	assert_false(mrule_pkt(&rgt, udp(H1, NET1, 53, 0)));    /* nothing estimated yet */
	at(e, MS(248 * 4 - 4));
	assert_false(mrule_pkt(&rgt, udp(H1, NET1, 53, 0)));
	at(e, MS(248 * 4));                                     /* the first period ends */
	assert_true(mrule_pkt(&rgt, udp(H1, NET1, 53, 0)));     /* 500 > 400 */
	assert_true(mrule_pkt(&req, udp(H1, NET1, 53, 0)));     /* 5 == 5 */
	assert_false(mrule_pkt(&rlt, udp(H1, NET1, 53, 0)));
	at(e, MS(2 * 248 * 4));                                 /* idle: 250 B/s, 2.5 -> 2 p/s */
	assert_false(mrule_pkt(&rgt, udp(H1, NET1, 53, 0)));
	assert_false(mrule_pkt(&req, udp(H1, NET1, 53, 0)));
	assert_true(mrule_pkt(&rlt, udp(H1, NET1, 53, 0)));
	mrule_fini(&rlt);
	mrule_fini(&req);
	mrule_fini(&rgt);
	t->destroy(&dtor);
	module_put(t->me);
}

/* ================================================================== simple targets */

static void test_targets_simple(void **state)
{
	struct env *e = *state;
	struct xt_classify_target_info cl = { .priority = 0x10002 };
	struct xt_audit_info au = { .type = XT_AUDIT_TYPE_DROP };
	struct idletimer_tg_info idle = { .timeout = 30, .label = "idle" };
	struct xt_nflog_info nl = { .group = 3, .prefix = "nflog in" };
	struct xt_set_info_target_v3 set = {
		.add_set = { .index = 65535 }, .del_set = { .index = 65535 },
		.map_set = { .index = 65535 },
	};
	struct sk_buff *skb = udp(H1, NET1, 53, 0);

	assert_int_equal(run_target(e, "TRACE", 0, &cl, 0, skb, NF_INET_PRE_ROUTING, "raw"), XT_CONTINUE);
	assert_true(skb->nf_trace);
	assert_int_equal(run_target(e, "CLASSIFY", 0, &cl, sizeof(cl), skb, NF_INET_FORWARD, "mangle"),
			 XT_CONTINUE);
	assert_int_equal(skb->priority, 0x10002);

	seen_clear(e);
	skb->mark = 0;
	assert_int_equal(run_target(e, "AUDIT", 0, &au, sizeof(au), skb, NF_INET_FORWARD, "filter"),
			 XT_CONTINUE);
	skb->mark = 0x1f;
	assert_int_equal(run_target(e, "AUDIT", 0, &au, sizeof(au), skb, NF_INET_FORWARD, "filter"),
			 XT_CONTINUE);
	assert_int_equal(e->nnotes, 2);
	/* the kernel's %#x prints 0 as 0x0 */
	assert_string_equal(e->notes[0], "audit: NETFILTER_PKT mark=0x0 saddr=192.0.2.10 daddr=203.0.113.5 proto=17");
	assert_string_equal(e->notes[1], "audit: NETFILTER_PKT mark=0x1f saddr=192.0.2.10 daddr=203.0.113.5 proto=17");

	/* NFLOG: no listener, nothing in the kernel log, a note for the trace */
	seen_clear(e);
	assert_int_equal(run_target(e, "NFLOG", 0, &nl, sizeof(nl), skb, NF_INET_LOCAL_IN, "filter"),
			 XT_CONTINUE);
	assert_int_equal(e->nlog, 0);
	assert_int_equal(e->nnotes, 1);
	assert_string_equal(e->notes[0], "NFLOG group 3 prefix \"nflog in\"");

	assert_int_equal(run_target(e, "IDLETIMER", 0, &idle, sizeof(idle), skb, NF_INET_FORWARD,
				    "filter"), XT_CONTINUE);
	assert_int_equal(run_target(e, "SET", 3, &set, sizeof(set), skb, NF_INET_FORWARD, "filter"),
			 XT_CONTINUE);
	kfree_skb(skb);
}

/* NFQUEUE: the queue number and the bypass flag in the verdict; --queue-balance keeps both
 * directions of a flow on one queue, with the kernel's jhash. */
static void test_nfqueue(void **state)
{
	struct env *e = *state;
	struct xt_NFQ_info v0 = { .queuenum = 5 };
	struct xt_NFQ_info_v1 v1 = { .queuenum = 10, .queues_total = 3 };
	struct xt_NFQ_info_v2 v2 = { .queuenum = 6, .queues_total = 1, .bypass = 1 };
	struct xt_NFQ_info_v3 fan = { .queuenum = 20, .queues_total = 4,
				      .flags = NFQ_FLAG_CPU_FANOUT | NFQ_FLAG_BYPASS };
	struct sk_buff *fwd = udp(H1, NET1, 53, 0), *back = udp(NET1, H1, 5000, 0);
	unsigned int q;

	assert_int_equal(run_target(e, "NFQUEUE", 0, &v0, sizeof(v0), fwd, NF_INET_FORWARD, "filter"),
			 NF_QUEUE_NR(5));
	assert_int_equal(run_target(e, "NFQUEUE", 2, &v2, sizeof(v2), fwd, NF_INET_FORWARD, "filter"),
			 NF_QUEUE_NR(6) | NF_VERDICT_FLAG_QUEUE_BYPASS);
	assert_int_equal(run_target(e, "NFQUEUE", 3, &fan, sizeof(fan), fwd, NF_INET_FORWARD, "filter"),
			 NF_QUEUE_NR(20) | NF_VERDICT_FLAG_QUEUE_BYPASS);      /* CPU 0 */
	/* initval = ip_id_key ^ "NFQU": with the key 0 it is 0x4e465155; the smaller address
	 * (as a raw u32) first: jhash_3words(0x057100cb, 0x0a0200c0, 17, 0x4e465155) = 0xe9e5b25c
	 * (an independent lookup3), and 0xe9e5b25c * 3 >> 32 = 2 */
	e->net->ipv4.ip_id_key = 0;
	q = run_target(e, "NFQUEUE", 1, &v1, sizeof(v1), fwd, NF_INET_FORWARD, "filter");
	assert_int_equal(q, NF_QUEUE_NR(12));
	assert_int_equal(run_target(e, "NFQUEUE", 1, &v1, sizeof(v1), back, NF_INET_FORWARD, "filter"), q);
	kfree_skb(back);
	kfree_skb(fwd);
}

/* lib/jhash.h against an independent lookup3 implementation. */
static void test_jhash(void **state)
{
	static const u32 nine[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

	(void)state;
	assert_int_equal(jhash_3words(1, 2, 3, 0), 0xa46158f5);
	assert_int_equal(jhash_1word(0x0a000001, 0x12345678), 0x330128be);
	assert_int_equal(jhash2(nine, 9, 7), 0x50b6a3ae);
	assert_int_equal(jhash_2words(0xdeadbeef, 0x01020304, 0), 0x7838956e);
	assert_int_equal(reciprocal_scale(0xe9e5b25c, 3), 2);
}

/* CHECKSUM --checksum-fill completes a checksum left to the device (REJECT's resets are the
 * CHECKSUM_PARTIAL packets in nfemu) and leaves complete ones alone. */
static void test_checksum_fill(void **state)
{
	struct env *e = *state;
	struct xt_CHECKSUM_info fill = { .operation = XT_CHECKSUM_OP_FILL };
	struct sk_buff *skb = pkt(R_LAN, H1, IPPROTO_TCP, 9, 40000, 64, 20);
	u8 *th = skb_transport_header(skb), before[20];
	__sum16 partial = ~csum_tcpudp_magic(R_LAN, H1, 20, IPPROTO_TCP, 0);

	th[13] = 0x14;                  /* ACK RST */
	memcpy(th + 16, &partial, 2);
	skb->ip_summed = CHECKSUM_PARTIAL;
	assert_int_equal(run_target(e, "CHECKSUM", 0, &fill, sizeof(fill), skb, NF_INET_POST_ROUTING,
				    "mangle"), XT_CONTINUE);
	assert_int_equal(skb->ip_summed, CHECKSUM_NONE);
	/* the segment now sums to 0 with its pseudo header */
	assert_int_equal(csum_tcpudp_magic(R_LAN, H1, 20, IPPROTO_TCP, csum_partial(th, 20, 0)), 0);
	th[17] ^= 1;                    /* now wrong, but complete: left alone */
	memcpy(before, th, 20);
	assert_int_equal(run_target(e, "CHECKSUM", 0, &fill, sizeof(fill), skb, NF_INET_POST_ROUTING,
				    "mangle"), XT_CONTINUE);
	assert_memory_equal(th, before, 20);
	kfree_skb(skb);
}

/* ================================================================== LOG and REJECT vs Linux */

struct kcase {
	bool local;             /* sent by the router from a uid 0 raw socket */
	const char *frame;      /* hex, Ethernet frame as captured */
	const char *log[6];     /* "<level>line" as Linux 6.18 logged it; "ID=*" for a random ID */
	const char *tx[3];      /* "dev hex" of the frames that left, "xx" masked */
};

/* Captured on Linux 6.18 (tests/kernel/packet's router, frames sent 100 ms apart). */
static const struct kcase kcases_log[] = {
	{	/* 1: 192.0.2.10 > 192.0.2.1 TCP 40000 > 9 flags 0x02 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a0800461000401234400040060f64c000020ac0000201940400009c4000090102"
			 "030400000000a002faf0f87a0000020405b40402080a000030390000000001030307",
		.log = {
			"<4>a IN=lan0 OUT= MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=192.0"
			".2.1 LEN=64 TOS=0x10 PREC=0x00 TTL=64 ID=4660 DF PROTO=TCP SPT=40000 DPT=9 WINDOW=64240 "
			"RES=0x00 SYN URGP=0 ",
			"<7>b IN=lan0 OUT= MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=192.0"
			".2.1 LEN=64 TOS=0x10 PREC=0x00 TTL=64 ID=4660 DF OPT (94040000) PROTO=TCP SPT=40000 DPT="
			"9 SEQ=16909060 ACK=0 WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A0000303900000"
			"00001030307) ",
			"<0>c IN=lan0 OUT= MACSRC=02:00:00:00:01:0a MACDST=02:00:00:00:01:01 MACPROTO=0800 SRC=19"
			"2.0.2.10 DST=192.0.2.1 LEN=64 TOS=0x10 PREC=0x00 TTL=64 ID=4660 DF PROTO=TCP SPT=40000 D"
			"PT=9 WINDOW=64240 RES=0x00 SYN URGP=0 ",
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=40 TOS=0x10 PREC=0x00 TTL=64 ID=0 DF "
			"PROTO=TCP SPT=9 DPT=40000 WINDOW=0 RES=0x00 ACK RST URGP=0 ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045100028000040004006b6b4c0000201c000020a00099c40000000000102"
			"0305501400008b740000",
		},
	},
	{	/* 2: 192.0.2.10 > 192.0.2.1 TCP 40001 > 9 flags 0xf9 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a08004500002d123500004006e48ac000020ac00002019c4100090000004d0000"
			 "006350f9faf04f1d000068656c6c6f",
		.log = {
			"<4>a IN=lan0 OUT= MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=192.0"
			".2.1 LEN=45 TOS=0x00 PREC=0x00 TTL=64 ID=4661 PROTO=TCP SPT=40001 DPT=9 WINDOW=64240 RES"
			"=0x00 CWR ECE URG ACK PSH FIN URGP=0 ",
			"<7>b IN=lan0 OUT= MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=192.0"
			".2.1 LEN=45 TOS=0x00 PREC=0x00 TTL=64 ID=4661 PROTO=TCP SPT=40001 DPT=9 SEQ=77 ACK=99 WI"
			"NDOW=64240 RES=0x00 CWR ECE URG ACK PSH FIN URGP=0 ",
			"<0>c IN=lan0 OUT= MACSRC=02:00:00:00:01:0a MACDST=02:00:00:00:01:01 MACPROTO=0800 SRC=19"
			"2.0.2.10 DST=192.0.2.1 LEN=45 TOS=0x00 PREC=0x00 TTL=64 ID=4661 PROTO=TCP SPT=40001 DPT="
			"9 WINDOW=64240 RES=0x00 CWR ECE URG ACK PSH FIN URGP=0 ",
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF "
			"PROTO=TCP SPT=9 DPT=40001 WINDOW=0 RES=0x00 RST URGP=0 ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045000028000040004006b6c4c0000201c000020a00099c41000000630000"
			"0000500400008f270000",
		},
	},
	{	/* 3: 192.0.2.10 > 192.0.2.1 UDP 5000 > 9 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a0800460000251236000040114f82c000020ac00002019404000013880009000d"
			 "1f636e66656d75",
		.log = {
			"<4>e IN=lan0 OUT= MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=192.0"
			".2.1 LEN=37 TOS=0x00 PREC=0x00 TTL=64 ID=4662 OPT (94040000) PROTO=UDP SPT=5000 DPT=9 LE"
			"N=13 ",
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=65 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.10 DST=192.0.2.1 LEN=37 TOS=0x00 PREC=0x00 TTL=64 ID="
			"4662 OPT (94040000) PROTO=UDP SPT=5000 DPT=9 LEN=13 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00041xxxx00004001xxxxc0000201c000020a03038127000000004600"
			"00251236000040114f82c000020ac00002019404000013880009000d1f636e66656d75",
		},
	},
	{	/* 4: 192.0.2.10 > 192.0.2.1 ICMP type 8 code 0 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a080045b80026000100004001f612c000020ac0000201080081e04e4600076e66"
			 "656d752d70696e67",
		.log = {
			"<4>d IN=lan0 OUT= MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=192.0"
			".2.1 LEN=38 TOS=0x18 PREC=0xA0 TTL=64 ID=1 PROTO=ICMP TYPE=8 CODE=0 ID=20038 SEQ=7 ",
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=38 TOS=0x18 PREC=0xA0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=0 CODE=0 ID=20038 SEQ=7 ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045b80026xxxx00004001xxxxc0000201c000020a000089e04e4600076e66"
			"656d752d70696e67",
		},
	},
	{	/* 5: 192.0.2.10 > 203.0.113.5 UDP 5001 > 53 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a0800450000241237200040114a82c000020acb007105138900350030d4a64141"
			 "414141414141",
		.log = {
			"<6>f IN=lan0 OUT=wan0 MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=2"
			"03.0.113.5 LEN=36 TOS=0x00 PREC=0x00 TTL=63 ID=4663 MF PROTO=UDP SPT=5001 DPT=53 LEN=48 ",
		},
		.tx = {
			"wan0 " "0200000002fe020000000201080045000024123720003f114b82c000020acb007105138900350030d4a64141"
			"414141414141",
		},
	},
	{	/* 6: 192.0.2.10 > 203.0.113.5 UDP 16705 > 16705 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a0800450000341237000240116a70c000020acb00710541414141414141414141"
			 "41414141414141414141414141414141414141414141",
		.log = {
			"<6>frag IN=lan0 OUT=wan0 MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DS"
			"T=203.0.113.5 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=4663 FRAG:2 PROTO=UDP ",
			"<6>f IN=lan0 OUT=wan0 MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=2"
			"03.0.113.5 LEN=52 TOS=0x00 PREC=0x00 TTL=63 ID=4663 FRAG:2 PROTO=UDP ",
		},
		.tx = {
			"wan0 " "0200000002fe020000000201080045000034123700023f116b70c000020acb00710541414141414141414141"
			"41414141414141414141414141414141414141414141",
		},
	},
	{	/* 7: 192.0.2.10 > 203.0.113.5 TCP 40000 > 80 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a08004500001e1238000040066a92c000020acb0071059c400050000000010000",
		.log = {
			"<6>f IN=lan0 OUT=wan0 MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=2"
			"03.0.113.5 LEN=30 TOS=0x00 PREC=0x00 TTL=63 ID=4664 PROTO=TCP INCOMPLETE [10 bytes] ",
		},
		.tx = {
			"wan0 " "0200000002fe02000000020108004500001e123800003f066b92c000020acb0071059c400050000000010000",
		},
	},
	{	/* 8: 192.0.2.10 > 203.0.113.5 proto 47 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a08004500002012390000402f6a66c000020acb00710500000800787878787878"
			 "7878",
		.log = {
			"<6>f IN=lan0 OUT=wan0 MAC=02:00:00:00:01:01:02:00:00:00:01:0a:08:00 SRC=192.0.2.10 DST=2"
			"03.0.113.5 LEN=32 TOS=0x00 PREC=0x00 TTL=63 ID=4665 PROTO=47 ",
		},
		.tx = {
			"wan0 " "0200000002fe020000000201080045000020123900003f2f6b66c000020acb00710500000800787878787878"
			"7878",
		},
	},
	{	/* 9: 192.0.2.1 > 192.0.2.10 UDP 5353 > 5353 ttl 64 */
		.local = true,
		.frame = "02000000010a020000000101080045000021200100004011d6bfc0000201c000020a14e914e9000d09226e66"
			 "656d75",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=8193 "
			"PROTO=UDP SPT=5353 DPT=5353 LEN=13 UID=0 GID=0 ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045000021200100004011d6bfc0000201c000020a14e914e9000d09226e66"
			"656d75",
		},
	},
};

static const struct kcase kcases_rej[] = {
	{	/* 1: 192.0.2.10 > 192.0.2.1 TCP 40000 > 9 flags 0x02 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a0800461300341234400040060f6dc000020ac0000201940400009c4000090102"
			 "0304000000007002faf063d30000020405b404020101",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF "
			"PROTO=TCP SPT=9 DPT=40000 WINDOW=0 RES=0x00 ACK RST URGP=0 ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045000028000040004006b6c4c0000201c000020a00099c40000000000102"
			"03055014000084260000",
		},
	},
	{	/* 2: 192.0.2.10 > 192.0.2.1 TCP 40001 > 9 flags 0x18 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a08004502002d123500004006e488c000020ac00002019c4100090000004d0000"
			 "00635018faf04ffe000068656c6c6f",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF "
			"PROTO=TCP SPT=9 DPT=40001 WINDOW=0 RES=0x00 RST URGP=0 ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045000028000040004006b6c4c0000201c000020a00099c41000000630000"
			"00005004000084260000",
		},
	},
	{	/* 3: 192.0.2.10 > 192.0.2.1 TCP 40002 > 9 flags 0x03 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a08004500002b123600004006e48bc000020ac00002019c420009fffffffe0000"
			 "00005003faf0d0340000616263",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF "
			"PROTO=TCP SPT=9 DPT=40002 WINDOW=0 RES=0x00 ACK RST URGP=0 ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045000028000040004006b6c4c0000201c000020a00099c42000000000000"
			"00035014000084260000",
		},
	},
	{	/* 4: 192.0.2.10 > 192.0.2.1 TCP 40003 > 9 flags 0x04 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a080045000028123700004006e48dc000020ac00002019c430009000000050000"
			 "00005004faf094920000",
	},
	{	/* 5: 192.0.2.10 > 192.0.2.1 TCP 40004 > 9 flags 0x02 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a080045000028123800004006e48cc000020ac00002019c440009000000050000"
			 "00005002faf0c1930000",
	},
	{	/* 6: 192.0.2.10 > 192.0.2.1 UDP 5001 > 1 ttl 31 */
		.local = false,
		.frame = "02000000010102000000010a080045000024124100001f11057dc000020ac0000201138900010010fac77265"
			 "6a6563742d31",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=64 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=0 [SRC=192.0.2.10 DST=192.0.2.1 LEN=36 TOS=0x00 PREC=0x00 TTL=31 ID="
			"4673 PROTO=UDP SPT=5001 DPT=1 LEN=16 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00040xxxx00004001xxxxc0000201c000020a0300812d000000004500"
			"0024124100001f11057dc000020ac0000201138900010010fac772656a6563742d31",
		},
	},
	{	/* 7: 192.0.2.10 > 192.0.2.1 UDP 5002 > 2 ttl 32 */
		.local = false,
		.frame = "02000000010102000000010a080045000024124200002011047cc000020ac0000201138a00020010fac47265"
			 "6a6563742d32",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=64 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=1 [SRC=192.0.2.10 DST=192.0.2.1 LEN=36 TOS=0x00 PREC=0x00 TTL=32 ID="
			"4674 PROTO=UDP SPT=5002 DPT=2 LEN=16 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00040xxxx00004001xxxxc0000201c000020a0301812c000000004500"
			"0024124200002011047cc000020ac0000201138a00020010fac472656a6563742d32",
		},
	},
	{	/* 8: 192.0.2.10 > 192.0.2.1 UDP 5003 > 3 ttl 33 */
		.local = false,
		.frame = "02000000010102000000010a080045000024124300002111037bc000020ac0000201138b00030010fac17265"
			 "6a6563742d33",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=64 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.10 DST=192.0.2.1 LEN=36 TOS=0x00 PREC=0x00 TTL=33 ID="
			"4675 PROTO=UDP SPT=5003 DPT=3 LEN=16 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00040xxxx00004001xxxxc0000201c000020a0303812a000000004500"
			"0024124300002111037bc000020ac0000201138b00030010fac172656a6563742d33",
		},
	},
	{	/* 9: 192.0.2.10 > 192.0.2.1 UDP 5004 > 4 ttl 34 */
		.local = false,
		.frame = "02000000010102000000010a080045000024124400002211027ac000020ac0000201138c00040010fabe7265"
			 "6a6563742d34",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=64 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=2 [SRC=192.0.2.10 DST=192.0.2.1 LEN=36 TOS=0x00 PREC=0x00 TTL=34 ID="
			"4676 PROTO=UDP SPT=5004 DPT=4 LEN=16 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00040xxxx00004001xxxxc0000201c000020a0302812b000000004500"
			"0024124400002211027ac000020ac0000201138c00040010fabe72656a6563742d34",
		},
	},
	{	/* 10: 192.0.2.10 > 192.0.2.1 UDP 5005 > 5 ttl 35 */
		.local = false,
		.frame = "02000000010102000000010a0800450000241245000023110179c000020ac0000201138d00050010fabb7265"
			 "6a6563742d35",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=64 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=9 [SRC=192.0.2.10 DST=192.0.2.1 LEN=36 TOS=0x00 PREC=0x00 TTL=35 ID="
			"4677 PROTO=UDP SPT=5005 DPT=5 LEN=16 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00040xxxx00004001xxxxc0000201c000020a03098124000000004500"
			"00241245000023110179c000020ac0000201138d00050010fabb72656a6563742d35",
		},
	},
	{	/* 11: 192.0.2.10 > 192.0.2.1 UDP 5006 > 6 ttl 36 */
		.local = false,
		.frame = "02000000010102000000010a0800450000241246000024110078c000020ac0000201138e00060010fab87265"
			 "6a6563742d36",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=64 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=10 [SRC=192.0.2.10 DST=192.0.2.1 LEN=36 TOS=0x00 PREC=0x00 TTL=36 ID"
			"=4678 PROTO=UDP SPT=5006 DPT=6 LEN=16 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00040xxxx00004001xxxxc0000201c000020a030a8123000000004500"
			"00241246000024110078c000020ac0000201138e00060010fab872656a6563742d36",
		},
	},
	{	/* 12: 192.0.2.10 > 192.0.2.1 UDP 5007 > 7 ttl 37 */
		.local = false,
		.frame = "02000000010102000000010a080045000024124700002511ff76c000020ac0000201138f00070010fab57265"
			 "6a6563742d37",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=64 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=13 [SRC=192.0.2.10 DST=192.0.2.1 LEN=36 TOS=0x00 PREC=0x00 TTL=37 ID"
			"=4679 PROTO=UDP SPT=5007 DPT=7 LEN=16 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00040xxxx00004001xxxxc0000201c000020a030d8120000000004500"
			"0024124700002511ff76c000020ac0000201138f00070010fab572656a6563742d37",
		},
	},
	{	/* 13: 192.0.2.10 > 192.0.2.1 UDP 5100 > 3 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a080045000020125000004011e471c000020ac000020113ec0003000c00007a65"
			 "726f",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.10 DST=192.0.2.1 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID="
			"4688 PROTO=UDP SPT=5100 DPT=3 LEN=12 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c0003cxxxx00004001xxxxc0000201c000020a0303fc2c000000004500"
			"0020125000004011e471c000020ac000020113ec0003000c00007a65726f",
		},
	},
	{	/* 14: 192.0.2.10 > 192.0.2.1 UDP 5101 > 3 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a08004500001f125100004011e471c000020ac000020113ed0003000bf47a6261"
			 "64",
	},
	{	/* 15: 192.0.2.10 > 192.0.2.1 ICMP type 8 code 0 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a080045000026000100004001f6cac000020ac00002010800bdd2125200096e66"
			 "656d752d70696e67",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=66 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=10 [SRC=192.0.2.10 DST=192.0.2.1 LEN=38 TOS=0x00 PREC=0x00 TTL=64 ID"
			"=1 PROTO=ICMP TYPE=8 CODE=0 ID=4690 SEQ=9 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c00042xxxx00004001xxxxc0000201c000020a030afcf5000000004500"
			"0026000100004001f6cac000020ac00002010800bdd2125200096e66656d752d70696e67",
		},
	},
	{	/* 16: 192.0.2.10 > 192.0.2.1 ICMP type 3 code 1 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a080045000038125300004001e466c000020ac00002010301c9fd000000004500"
			 "0021000100004011f6bfc0000201c000020a00010002000d32f1",
	},
	{	/* 17: 192.0.2.10 > 192.0.2.1 ICMP type 8 code 0 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a080045000026000100004001f6cac000020ac00002010800e8cf1254000a6e66"
			 "656d752d70696e67",
	},
	{	/* 18: 192.0.2.10 > 203.0.113.5 TCP 40010 > 80 flags 0x02 ttl 10 */
		.local = false,
		.frame = "02000000010102000000010a080045000028125500000a06a06bc000020acb0071059c4a0050000003e80000"
			 "00005002faf0165f0000",
		.log = {
			"<4>o IN= OUT=lan0 SRC=203.0.113.5 DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 D"
			"F PROTO=TCP SPT=80 DPT=40010 WINDOW=0 RES=0x00 ACK RST URGP=0 ",
		},
		.tx = {
			"lan0 " "02000000010a0200000001010800450000280000400040063cc0cb007105c000020a00509c4a000000000000"
			"03e950140000fe2a0000",
		},
	},
	{	/* 19: 192.0.2.10 > 203.0.113.5 UDP 5200 > 1 ttl 10 */
		.local = false,
		.frame = "02000000010102000000010a08004500001f125600000a11a068c000020acb00710514500001000b22ff6677"
			 "64",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=59 TOS=0x00 PREC=0xC0 TTL=64 ID=* PRO"
			"TO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.10 DST=203.0.113.5 LEN=31 TOS=0x00 PREC=0x00 TTL=9 ID"
			"=4694 PROTO=UDP SPT=5200 DPT=1 LEN=11 ] ",
		},
		.tx = {
			"lan0 " "02000000010a020000000101080045c0003bxxxx00004001xxxxc0000201c000020a0303fb29000000004500"
			"001f125600000911a168c000020acb00710514500001000b22ff667764",
		},
	},
	{	/* 20: 192.0.2.10 > 203.0.113.5 UDP 5201 > 53 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a0800450000241257200040114a62c000020acb007105145100350030bfca4242"
			 "424242424242",
	},
	{	/* 21: 192.0.2.10 > 203.0.113.5 UDP 16962 > 16962 ttl 64 */
		.local = false,
		.frame = "02000000010102000000010a0800450000341257000240116a50c000020acb00710542424242424242424242"
			 "42424242424242424242424242424242424242424242",
	},
	{	/* 22: 192.0.2.1 > 192.0.2.10 UDP 5353 > 7 ttl 64 */
		.local = true,
		.frame = "02000000010a020000000101080045000021200100004011d6bfc0000201c000020a14e90007000d1e046e66"
			 "656d75",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=8193 "
			"PROTO=UDP SPT=5353 DPT=7 LEN=13 ",
			"<4>o IN= OUT=lo SRC=192.0.2.1 DST=192.0.2.1 LEN=61 TOS=0x00 PREC=0xC0 TTL=64 ID=* PROTO="
			"ICMP TYPE=3 CODE=13 [SRC=192.0.2.1 DST=192.0.2.10 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=81"
			"93 PROTO=UDP SPT=5353 DPT=7 LEN=13 ] ",
			"<4>lo IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=192.0.2.1 DST=192.0.2"
			".1 LEN=61 TOS=0x00 PREC=0xC0 TTL=64 ID=* PROTO=ICMP TYPE=3 CODE=13 [SRC=192.0.2.1 DST=19"
			"2.0.2.10 LEN=33 TOS=0x00 PREC=0x00 TTL=64 ID=8193 PROTO=UDP SPT=5353 DPT=7 LEN=13 ] ",
		},
	},
	{	/* 23: 192.0.2.1 > 192.0.2.10 TCP 41000 > 7 flags 0x10 ttl 64 */
		.local = true,
		.frame = "02000000010a020000000101080045000028200200004006d6c2c0000201c000020aa0280007000000050000"
			 "00065010faf0909d0000",
		.log = {
			"<4>o IN= OUT=lan0 SRC=192.0.2.1 DST=192.0.2.10 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=8194 "
			"PROTO=TCP SPT=41000 DPT=7 WINDOW=64240 RES=0x00 ACK URGP=0 ",
			"<4>o IN= OUT=lo SRC=192.0.2.10 DST=192.0.2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PR"
			"OTO=TCP SPT=7 DPT=41000 WINDOW=0 RES=0x00 RST URGP=0 ",
			"<4>lo IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=192.0.2.10 DST=192.0."
			"2.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=7 DPT=41000 WINDOW=0 RES=0x00"
			" RST URGP=0 ",
		},
	},
	{	/* 24: 192.0.2.10 > 192.0.2.255 TCP 40020 > 9 flags 0x02 ttl 64 */
		.local = false,
		.frame = "ffffffffffff02000000010a080045000028126000004006e366c000020ac00002ff9c540009000003e80000"
			 "00005002faf08fa20000",
	},
	{	/* 25: 192.0.2.10 > 192.0.2.255 UDP 5300 > 3 ttl 64 */
		.local = false,
		.frame = "ffffffffffff02000000010a080045000021126100004011e361c000020ac00002ff14b40003000d1d3f6e66"
			 "656d75",
	},
};


static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static unsigned int unhex(const char *s, u8 *out, unsigned int max)
{
	unsigned int n = 0;

	for (; s[0] && s[1] && n < max; s += 2)
		out[n++] = (u8)(hexval(s[0]) << 4 | hexval(s[1]));
	return n;
}

/* want matches got, "ID=*" standing for any number and 'x' in a frame for any hex digit. */
static bool line_matches(const char *want, const char *got, bool frame)
{
	size_t w = 0, g = 0;

	while (want[w]) {
		if (!frame && want[w] == '*' && w >= 3 && !strncmp(want + w - 3, "ID=", 3)) {
			w++;
			if (got[g] < '0' || got[g] > '9')
				return false;
			while (got[g] >= '0' && got[g] <= '9')
				g++;
			continue;
		}
		if (frame && want[w] == 'x' && got[g] && hexval(got[g]) >= 0) {
			w++;
			g++;
			continue;
		}
		if (want[w++] != got[g++])
			return false;
	}
	return got[g] == '\0';
}

static void kcase_send(struct env *e, const struct kcase *c, u64 n)
{
	u8 frame[1600];
	unsigned int len = unhex(c->frame, frame, sizeof(frame));
	struct sk_buff *skb;

	if (c->local) {
		unsigned int tot = (unsigned int)(frame[14 + 2] << 8 | frame[14 + 3]);

		skb = alloc_skb(tot);
		assert_non_null(skb);
		memcpy(skb_put(skb, tot), frame + 14, tot);
		skb->emu_id = n;
		skb->emu_net = e->net;
		skb_reset_network_header(skb);
		nfemu_local_out(e->net, skb, &e->sk);
		return;
	}
	skb = alloc_skb(2 + len);
	assert_non_null(skb);
	skb->data += 2;                 /* NET_IP_ALIGN */
	memcpy(skb_put(skb, len), frame, len);
	skb->emu_id = n;
	skb->emu_net = e->net;
	skb->dev = e->lan0;
	skb->skb_iif = e->lan0->ifindex;
	skb->protocol = htons(ETH_P_IP);
	skb_reset_mac_header(skb);
	netif_receive_skb(skb);
}

static void kcases_run(struct env *e, const struct kcase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct kcase *c = &cases[i];
		unsigned int nl = 0, nt = 0;

		at(e, MS(100 * i));
		seen_clear(e);
		kcase_send(e, c, i + 1);
		while (nl < ARRAY_SIZE(c->log) && c->log[nl])
			nl++;
		while (nt < ARRAY_SIZE(c->tx) && c->tx[nt])
			nt++;
		for (unsigned int k = 0; k < nl || k < e->nlog; k++)
			if (k >= nl || k >= e->nlog || !line_matches(c->log[k], e->log[k], false))
				fail_msg("packet %zu log line %u:\n want %s\n got  %s", i + 1, k + 1,
					 k < nl ? c->log[k] : "(none)", k < e->nlog ? e->log[k] : "(none)");
		for (unsigned int k = 0; k < nt || k < e->ntx; k++)
			if (k >= nt || k >= e->ntx || !line_matches(c->tx[k], e->tx[k], true))
				fail_msg("packet %zu frame %u:\n want %s\n got  %s", i + 1, k + 1,
					 k < nt ? c->tx[k] : "(none)", k < e->ntx ? e->tx[k] : "(none)");
	}
}

/* SET_REPLACE the filter table, as iptables-legacy-restore would. */
static void replace_filter(struct env *e, struct blob *b)
{
	struct ipt_getinfo info = { .name = "filter" };
	int ilen = sizeof(info), ret;
	struct ipt_replace *r;
	unsigned int len;
	void *counters;

	assert_int_equal(nf_getsockopt(e->net, PF_INET, IPT_SO_GET_INFO, &info, &ilen), 0);
	blob_close_hooks(b);
	r = blob_error_end(b, &len);
	r->num_counters = info.num_entries;
	counters = calloc(info.num_entries, sizeof(struct xt_counters));
	r->counters = counters;
	ret = nf_setsockopt(e->net, PF_INET, IPT_SO_SET_REPLACE, r, len);
	if (ret)
		fail_msg("SET_REPLACE: %d: %s", ret, nfemu_last_error(e->net));
	free(counters);
	free(r);
}

static void rule_log(struct blob *b, const struct ipt_ip *ip, const char *prefix, u8 level, u8 flags)
{
	struct xt_log_info li = { .level = level, .logflags = flags };

	snprintf(li.prefix, sizeof(li.prefix), "%s", prefix);
	blob_rule(b, ip);
	blob_target(b, "LOG", 0, &li, sizeof(li));
}

#define FILTER_HOOKS ((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT))

/* NF_HOOK passes an accepted packet on to its okfn, which consumes it */
static int walk_okfn(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	(void)net;
	(void)sk;
	consume_skb(skb);
	return 0;
}

/* With observer.walk, nf_hook_slow reports each hook function it calls and ipt_do_table each
 * step of its walk: entry point, rules matched, the jump pushed, the user chain's end popped
 * back (here to the policy), the verdict; nothing is reported without it.
 *   -P INPUT DROP
 *   -A INPUT -p udp -j c1
 *   -A c1 -p udp --dport 53 -j ACCEPT */
static void test_walk_events(void **state)
{
	struct env *e = *state;
	const struct ipt_ip udpp = { .proto = IPPROTO_UDP };
	struct xt_udp u = { .spts = { 0, 0xffff }, .dpts = { 53, 53 } };
	struct ipt_getinfo info = { .name = "filter" };
	int ilen = sizeof(info);
	struct blob *b = blob_begin("filter", FILTER_HOOKS);
	unsigned int c1, pol, ret;
	char want[64];

	blob_hook(b, NF_INET_LOCAL_IN);
	blob_rule(b, &udpp);
	blob_jump(b, "c1");
	blob_policy(b, NF_INET_LOCAL_IN, NF_DROP);
	blob_open_hook(b, NF_INET_LOCAL_OUT);
	blob_close_hooks(b);
	blob_chain(b, "c1");
	blob_rule(b, &udpp);
	blob_match(b, "udp", 0, &u, sizeof(u));
	blob_verdict(b, -NF_ACCEPT - 1);
	blob_return(b);
	replace_filter(e, b);
	assert_int_equal(nf_getsockopt(e->net, PF_INET, IPT_SO_GET_INFO, &info, &ilen), 0);
	pol = info.underflow[NF_INET_LOCAL_IN];

	/* nothing without observer.walk */
	seen_clear(e);
	NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, e->net, NULL, udp(NET1, R_LAN, 53, 4), e->lan0, NULL,
		walk_okfn);
	assert_int_equal(e->nwalk, 0);

	e->net->observer.walk = true;
	seen_clear(e);
	NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, e->net, NULL, udp(NET1, R_LAN, 53, 4), e->lan0, NULL,
		walk_okfn);
	assert_int_equal(e->nwalk, 6);
	assert_string_equal(e->walk[0], "enter filter@1 0->0 d0 v0");
	assert_string_equal(e->walk[1], "match filter@1 0->0 d0 v0");
	assert_int_equal(sscanf(e->walk[2], "jump filter@1 0->%u d1 v0", &c1), 1);
	assert_true(c1 > pol);
	snprintf(want, sizeof(want), "match filter@1 %u->0 d1 v0", c1);
	assert_string_equal(e->walk[3], want);
	snprintf(want, sizeof(want), "verdict filter@1 %u->0 d1 v%u", c1, NF_ACCEPT);
	assert_string_equal(e->walk[4], want);
	snprintf(want, sizeof(want), "hook ipt_do_table 0 0/1 v%u", NF_ACCEPT);
	assert_string_equal(e->walk[5], want);

	seen_clear(e);
	NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, e->net, NULL, udp(NET1, R_LAN, 54, 4), e->lan0, NULL,
		walk_okfn);
	e->net->observer.walk = false;
	/* c1's rule does not match; its closing RETURN does and pops back to the entry after the
	 * jump: the policy, which drops */
	assert_int_equal(e->nwalk, 8);
	assert_int_equal(sscanf(e->walk[3], "match filter@1 %u->0 d1 v0", &ret), 1);
	assert_true(ret > c1);
	snprintf(want, sizeof(want), "return filter@1 %u->%u d0 v0", ret, pol);
	assert_string_equal(e->walk[4], want);
	snprintf(want, sizeof(want), "match filter@1 %u->0 d0 v0", pol);
	assert_string_equal(e->walk[5], want);
	snprintf(want, sizeof(want), "verdict filter@1 %u->0 d0 v%u", pol, NF_DROP);
	assert_string_equal(e->walk[6], want);
	snprintf(want, sizeof(want), "hook ipt_do_table 0 0/1 v%u", NF_DROP);
	assert_string_equal(e->walk[7], want);
}

/*
 * The rules of the kernel run (iptables-legacy-save):
 *   -A INPUT -p tcp -j LOG --log-prefix "a "
 *   -A INPUT -p tcp -j LOG --log-prefix "b " --log-level 7 --log-tcp-sequence --log-tcp-options --log-ip-options
 *   -A INPUT -p tcp -j LOG --log-prefix "c " --log-level 0 --log-macdecode
 *   -A INPUT -p icmp -j LOG --log-prefix "d "
 *   -A INPUT -p udp -j LOG --log-prefix "e " --log-ip-options --log-uid
 *   -A FORWARD -f -j LOG --log-prefix "frag " --log-level 6
 *   -A FORWARD -j LOG --log-prefix "f " --log-level 6 --log-tcp-sequence --log-ip-options
 *   -A OUTPUT -j LOG --log-prefix "o " --log-ip-options --log-uid
 */
static void test_log_vs_linux(void **state)
{
	struct env *e = *state;
	const struct ipt_ip tcp = { .proto = IPPROTO_TCP }, icmp = { .proto = IPPROTO_ICMP },
			    udpp = { .proto = IPPROTO_UDP }, frag = { .flags = IPT_F_FRAG };
	struct blob *b = blob_begin("filter", FILTER_HOOKS);

	blob_hook(b, NF_INET_LOCAL_IN);
	rule_log(b, &tcp, "a ", 4, 0);
	rule_log(b, &tcp, "b ", 7, XT_LOG_TCPSEQ | XT_LOG_TCPOPT | XT_LOG_IPOPT);
	rule_log(b, &tcp, "c ", 0, XT_LOG_MACDECODE);
	rule_log(b, &icmp, "d ", 4, 0);
	rule_log(b, &udpp, "e ", 4, XT_LOG_IPOPT | XT_LOG_UID);
	blob_policy(b, NF_INET_LOCAL_IN, NF_ACCEPT);
	blob_hook(b, NF_INET_FORWARD);
	rule_log(b, &frag, "frag ", 6, 0);
	rule_log(b, NULL, "f ", 6, XT_LOG_TCPSEQ | XT_LOG_IPOPT);
	blob_policy(b, NF_INET_FORWARD, NF_ACCEPT);
	blob_hook(b, NF_INET_LOCAL_OUT);
	rule_log(b, NULL, "o ", 4, XT_LOG_IPOPT | XT_LOG_UID);
	blob_policy(b, NF_INET_LOCAL_OUT, NF_ACCEPT);
	replace_filter(e, b);
	kcases_run(e, kcases_log, ARRAY_SIZE(kcases_log));
}

static void rule_reject(struct blob *b, u8 proto, int port, enum ipt_reject_with with)
{
	struct ipt_ip ip = { .proto = proto };
	struct ipt_reject_info ri = { .with = with };

	blob_rule(b, &ip);
	if (port >= 0 && proto == IPPROTO_TCP) {
		struct xt_tcp t = { .spts = { 0, 0xffff }, .dpts = { (u16)port, (u16)port } };

		blob_match(b, "tcp", 0, &t, sizeof(t));
	} else if (port >= 0) {
		struct xt_udp u = { .spts = { 0, 0xffff }, .dpts = { (u16)port, (u16)port } };

		blob_match(b, "udp", 0, &u, sizeof(u));
	}
	blob_target(b, "REJECT", 0, &ri, sizeof(ri));
}

/*
 * The rules of the kernel run:
 *   -A INPUT -i lo -j LOG --log-prefix "lo "
 *   -A INPUT -i lo -j ACCEPT
 *   -A INPUT -p tcp -m tcp --dport 9 -j REJECT --reject-with tcp-reset
 *   -A INPUT -p udp -m udp --dport 1..7 -j REJECT --reject-with icmp-net-unreachable,
 *      icmp-host-unreachable, icmp-port-unreachable, icmp-proto-unreachable,
 *      icmp-net-prohibited, icmp-host-prohibited, icmp-admin-prohibited
 *   -A INPUT -p icmp -j REJECT --reject-with icmp-host-prohibited
 *   -A FORWARD -p tcp -j REJECT --reject-with tcp-reset
 *   -A FORWARD -f -j REJECT --reject-with icmp-port-unreachable
 *   -A FORWARD -p udp -j REJECT --reject-with icmp-port-unreachable
 *   -A OUTPUT -j LOG --log-prefix "o "
 *   -A OUTPUT -p udp -m udp --dport 7 -j REJECT --reject-with icmp-admin-prohibited
 *   -A OUTPUT -p tcp -m tcp --dport 7 -j REJECT --reject-with tcp-reset
 * with net.ipv4.icmp_ratelimit=0.  What the packets show: resets (ack = seq + SYN + FIN +
 * payload, or seq = the ACK) with the RST's partial checksum; no answer to a RST, to a bad
 * TCP/UDP/ICMP checksum (a zero UDP checksum is not checked), to an ICMP error, to a later
 * fragment, to a first fragment (its UDP checksum covers data it lacks), or to broadcasts;
 * resets for forwarded segments from the original destination; OUTPUT rejects answered over lo.
 */
static void test_reject_vs_linux(void **state)
{
	static const enum ipt_reject_with udp_with[] = {
		IPT_ICMP_NET_UNREACHABLE, IPT_ICMP_HOST_UNREACHABLE, IPT_ICMP_PORT_UNREACHABLE,
		IPT_ICMP_PROT_UNREACHABLE, IPT_ICMP_NET_PROHIBITED, IPT_ICMP_HOST_PROHIBITED,
		IPT_ICMP_ADMIN_PROHIBITED,
	};
	struct env *e = *state;
	struct ipt_ip lo = { 0 }, frag = { .flags = IPT_F_FRAG };
	struct blob *b = blob_begin("filter", FILTER_HOOKS);

	snprintf(lo.iniface, sizeof(lo.iniface), "lo");
	memset(lo.iniface_mask, 0xff, strlen("lo") + 1);
	blob_hook(b, NF_INET_LOCAL_IN);
	rule_log(b, &lo, "lo ", 4, 0);
	blob_rule(b, &lo);
	blob_verdict(b, -NF_ACCEPT - 1);
	rule_reject(b, IPPROTO_TCP, 9, IPT_TCP_RESET);
	for (int p = 1; p <= 7; p++)
		rule_reject(b, IPPROTO_UDP, p, udp_with[p - 1]);
	rule_reject(b, IPPROTO_ICMP, -1, IPT_ICMP_HOST_PROHIBITED);
	blob_policy(b, NF_INET_LOCAL_IN, NF_ACCEPT);
	blob_hook(b, NF_INET_FORWARD);
	rule_reject(b, IPPROTO_TCP, -1, IPT_TCP_RESET);
	{
		struct ipt_reject_info ri = { .with = IPT_ICMP_PORT_UNREACHABLE };

		blob_rule(b, &frag);
		blob_target(b, "REJECT", 0, &ri, sizeof(ri));
	}
	rule_reject(b, IPPROTO_UDP, -1, IPT_ICMP_PORT_UNREACHABLE);
	blob_policy(b, NF_INET_FORWARD, NF_ACCEPT);
	blob_hook(b, NF_INET_LOCAL_OUT);
	rule_log(b, NULL, "o ", 4, 0);
	rule_reject(b, IPPROTO_UDP, 7, IPT_ICMP_ADMIN_PROHIBITED);
	rule_reject(b, IPPROTO_TCP, 7, IPT_TCP_RESET);
	blob_policy(b, NF_INET_LOCAL_OUT, NF_ACCEPT);
	replace_filter(e, b);
	kcases_run(e, kcases_rej, ARRAY_SIZE(kcases_rej));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_nf_log_buf_cut),
		T(test_walk_events),
		T(test_mark),
		T(test_comment),
		T(test_limit_token_bucket),
		T(test_hashlimit_srcip),
		T(test_hashlimit_masks_ports),
		T(test_hashlimit_max_expire_gc),
		T(test_hashlimit_bytes),
		T(test_hashlimit_rate_match),
		T(test_hashlimit_rev1),
		T(test_recent_set_check_update_remove),
		T(test_recent_ring_and_flush),
		T(test_recent_list_tot),
		T(test_recent_ttl_mask_reap),
		T(test_quota),
		T(test_statistic_nth),
		T(test_statistic_random),
		T(test_time),
		T(test_owner),
		T(test_rateest),
		T(test_targets_simple),
		T(test_nfqueue),
		T(test_jhash),
		T(test_checksum_fill),
		T(test_log_vs_linux),
		T(test_reject_vs_linux),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
