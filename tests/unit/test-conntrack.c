/* tests/unit/test-conntrack.c - connection tracking (conntrack/): list moves, early drop, the
 * TCP state table cell by cell, window tracking, pick-up, UDP, ICMP, defrag, timeouts, the
 * listing formats and the state file.
 *
 * Each test loads nf_conntrack into a fresh emulated kernel and drives hand-built packets
 * through the hook functions as nf_hook_slow would (nf_conntrack_in at PRE_ROUTING, nf_confirm
 * at POST_ROUTING), on the virtual clock.  The TCP table is checked against an independent
 * transcription of tcp_conntracks[][][] from net/netfilter/nf_conntrack_proto_tcp.c (Linux
 * 6.12) and, cell by cell, by sending each packet type in each direction to an entry in each
 * state.  Behaviours a unit test cannot see from the source alone (listing formats, INVALID
 * classification, timeouts, fragments) were checked against Linux 6.18 in a netns.
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

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "conntrack/nf_conntrack_state.h"
#include "netstack/inet.h"
#include "netstack/skbuff.h"
#include "pktutil.h"

#define IP(a, b, c, d) __cpu_to_be32(((u32)(a) << 24) | ((u32)(b) << 16) | ((u32)(c) << 8) | (u32)(d))
#define A IP(192, 0, 2, 10)
#define B IP(203, 0, 113, 5)
#define C IP(198, 51, 100, 254)
#define T0 (1741003200ULL * NSEC_PER_SEC)

#define FIN 0x01
#define SYN 0x02
#define RST 0x04
#define PSH 0x08
#define ACK 0x10

/* ------------------------------------------------------------------ packets */

struct pkt {
	u8 b[2048];
	unsigned int len;
};

/* IPv4 header in front of l4len bytes already at b + 20. frag: flags|offset (host order). */
static void ip_hdr_fill(struct pkt *p, __be32 s, __be32 d, u8 proto, unsigned int l4len, u16 id,
			u16 frag)
{
	u8 *h = p->b;

	h[0] = 0x45;
	h[1] = 0;
	put16(h + 2, (u16)(20 + l4len));
	put16(h + 4, id);
	put16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	put16(h + 10, 0);
	memcpy(h + 12, &s, 4);
	memcpy(h + 16, &d, 4);
	put16(h + 10, fold(sum16(h, 20, 0)));
	p->len = 20 + l4len;
}

static u32 pseudo(__be32 s, __be32 d, u8 proto, unsigned int len)
{
	u8 ph[12];

	memcpy(ph, &s, 4);
	memcpy(ph + 4, &d, 4);
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (u16)len);
	return sum16(ph, 12, 0);
}

struct tcpopt {
	const u8 *opt;
	unsigned int optlen;    /* multiple of 4 */
};

static struct pkt tcp4(__be32 s, __be32 d, u16 sp, u16 dp, u8 flags, u32 seq, u32 ack, u16 win,
		       unsigned int datalen, const struct tcpopt *o)
{
	struct pkt p = { 0 };
	unsigned int hl = 20 + (o ? o->optlen : 0);
	u8 *th = p.b + 20;

	put16(th, sp);
	put16(th + 2, dp);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = (u8)((hl / 4) << 4);
	th[13] = flags;
	put16(th + 14, win);
	if (o)
		memcpy(th + 20, o->opt, o->optlen);
	memset(th + hl, 'x', datalen);
	put16(th + 16, fold(sum16(th, hl + datalen, pseudo(s, d, 6, hl + datalen))));
	ip_hdr_fill(&p, s, d, 6, hl + datalen, 1, 0);
	return p;
}

static struct pkt udp4(__be32 s, __be32 d, u16 sp, u16 dp, unsigned int datalen)
{
	struct pkt p = { 0 };
	u8 *uh = p.b + 20;
	u16 c;

	put16(uh, sp);
	put16(uh + 2, dp);
	put16(uh + 4, (u16)(8 + datalen));
	memset(uh + 8, 'u', datalen);
	c = fold(sum16(uh, 8 + datalen, pseudo(s, d, 17, 8 + datalen)));
	put16(uh + 6, c ? c : 0xffff);
	ip_hdr_fill(&p, s, d, 17, 8 + datalen, 1, 0);
	return p;
}

/* ICMP type/code with rest-of-header and a quoted payload. */
static struct pkt icmp4(__be32 s, __be32 d, u8 type, u8 code, u32 rest, const u8 *q, unsigned int qlen)
{
	struct pkt p = { 0 };
	u8 *ih = p.b + 20;

	ih[0] = type;
	ih[1] = code;
	put32(ih + 4, rest);
	if (qlen)
		memcpy(ih + 8, q, qlen);
	put16(ih + 2, fold(sum16(ih, 8 + qlen, 0)));
	ip_hdr_fill(&p, s, d, 1, 8 + qlen, 1, 0);
	return p;
}

/* ------------------------------------------------------------------ the kernel */

struct ctx {
	struct net *net;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->net = net_alloc();
	assert_non_null(c->net);
	assert_int_equal(inet_net_init(c->net), 0);
	nfemu_clock_set(c->net, T0);
	assert_int_equal(request_module(c->net, "nf_conntrack"), 0);
	assert_true(c->net->ct.ready);
	assert_int_equal(nf_ct_netns_get(c->net, NFPROTO_IPV4), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	nf_ct_netns_put(c->net, NFPROTO_IPV4);
	inet_net_exit(c->net);
	net_free(c->net);
	free(c);
	return 0;
}

static struct sk_buff *mkskb(struct net *net, const struct pkt *p)
{
	struct sk_buff *skb = alloc_skb(p->len);

	assert_non_null(skb);
	memcpy(skb_put(skb, p->len), p->b, p->len);
	skb_reset_network_header(skb);
	skb->transport_header = skb->network_header + 20;
	skb->protocol = htons(0x0800);
	skb->emu_net = net;
	return skb;
}

static void hook_state(struct nf_hook_state *st, struct net *net, unsigned int hook)
{
	nf_hook_state_init(st, hook, NFPROTO_IPV4, NULL, NULL, NULL, net, NULL);
}

/* What the packet got: verdict and ctinfo at conntrack, and a snapshot of its entry. */
struct res {
	unsigned int verdict;           /* of nf_conntrack_in, then of nf_confirm */
	bool has_ct;
	enum ip_conntrack_info ctinfo;
	unsigned long status;
	u8 tcp_state;
	u32 expires;                    /* seconds left */
};

static struct res snap(struct sk_buff *skb)
{
	struct res r = { 0 };
	struct nf_conn *ct = nf_ct_get(skb, &r.ctinfo);

	if (ct) {
		r.has_ct = true;
		r.status = ct->status;
		r.tcp_state = ct->proto.tcp.state;
		r.expires = (u32)(nf_ct_expires(ct) / HZ);
	}
	return r;
}

/* Forward one packet: conntrack at PRE_ROUTING, confirm at POST_ROUTING, then free it. */
static struct res fwd(struct net *net, const struct pkt *p)
{
	struct nf_hook_state st;
	struct sk_buff *skb = mkskb(net, p);
	struct res r;

	hook_state(&st, net, NF_INET_PRE_ROUTING);
	r.verdict = nf_conntrack_in(skb, &st);
	if (r.verdict != NF_ACCEPT) {
		r = snap(skb);
		r.verdict = NF_DROP;
		kfree_skb(skb);
		return r;
	}
	hook_state(&st, net, NF_INET_POST_ROUTING);
	if (nf_confirm(NULL, skb, &st) != NF_ACCEPT) {
		r = snap(skb);
		r.verdict = NF_DROP;
		kfree_skb(skb);
		return r;
	}
	r = snap(skb);
	r.verdict = NF_ACCEPT;
	consume_skb(skb);
	return r;
}

static void advance(struct net *net, double secs)
{
	nfemu_clock_set(net, net->clock.now_ns + (u64)(secs * NSEC_PER_SEC));
}

static struct nf_conn *find(struct net *net, __be32 s, __be32 d, u8 proto, u16 sp, u16 dp)
{
	struct nf_conntrack_tuple t = { 0 };
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;

	t.src.l3num = NFPROTO_IPV4;
	t.src.u3.ip = s;
	t.dst.u3.ip = d;
	t.dst.protonum = proto;
	t.src.u.all = htons(sp);
	t.dst.u.all = htons(dp);
	h = nf_conntrack_find_get(net, &nf_ct_zone_dflt, &t);
	if (!h)
		return NULL;
	ct = nf_ct_tuplehash_to_ctrack(h);
	nf_ct_put(ct);  /* the hash still holds it */
	return ct;
}

static unsigned int list_len(const struct list_head *h)
{
	unsigned int n = 0;

	for (const struct list_head *p = h->next; p != h; p = p->next)
		n++;
	return n;
}

/* ------------------------------------------------------------------ registration */

static void t_hooks_follow_references(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	unsigned int pre = net->nf.hooks_ipv4[NF_INET_PRE_ROUTING].num_hook_entries;

	/* setup took one reference: defrag (-400) and conntrack (-200) at PRE_ROUTING */
	assert_int_equal(pre, 2);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING].ops[0]->priority, NF_IP_PRI_CONNTRACK_DEFRAG);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING].ops[1]->priority, NF_IP_PRI_CONNTRACK);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_LOCAL_OUT].num_hook_entries, 2);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_LOCAL_IN].num_hook_entries, 1);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_LOCAL_IN].ops[0]->priority, NF_IP_PRI_CONNTRACK_CONFIRM);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_POST_ROUTING].num_hook_entries, 1);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_FORWARD].num_hook_entries, 0);
	/* a second user changes nothing, the last put removes everything */
	assert_int_equal(nf_ct_netns_get(net, NFPROTO_IPV4), 0);
	assert_int_equal(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING].num_hook_entries, 2);
	nf_ct_netns_put(net, NFPROTO_IPV4);
	nf_ct_netns_put(net, NFPROTO_IPV4);
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		assert_int_equal(net->nf.hooks_ipv4[h].num_hook_entries, 0);
	assert_int_equal(net->ct.defrag.users, 0);
	assert_int_equal(nf_ct_netns_get(net, NFPROTO_IPV4), 0);       /* for teardown */
}

/* ------------------------------------------------------------------ list moves */

static void t_unconfirmed_to_hash(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p = udp4(A, B, 1000, 53, 4);
	struct nf_hook_state st;
	struct sk_buff *skb = mkskb(net, &p);
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;

	hook_state(&st, net, NF_INET_PRE_ROUTING);
	assert_int_equal(nf_conntrack_in(skb, &st), NF_ACCEPT);
	ct = nf_ct_get(skb, &ctinfo);
	assert_non_null(ct);
	assert_int_equal(ctinfo, IP_CT_NEW);
	/* new: on the unconfirmed list, held by the packet only, not findable */
	assert_int_equal(list_len(&net->ct.unconfirmed), 1);
	assert_ptr_equal(list_first_entry(&net->ct.unconfirmed, struct nf_conn, emu_list), ct);
	assert_int_equal(ct->ct_general.use, 1);
	assert_false(nf_ct_is_confirmed(ct));
	assert_int_equal(nf_conntrack_count(net), 1);
	assert_null(find(net, A, B, 17, 1000, 53));
	/* the timeout is relative until confirmation */
	assert_int_equal(ct->timeout, 30 * HZ);

	hook_state(&st, net, NF_INET_POST_ROUTING);
	assert_int_equal(nf_confirm(NULL, skb, &st), NF_ACCEPT);
	assert_true(nf_ct_is_confirmed(ct));
	assert_int_equal(list_len(&net->ct.unconfirmed), 0);
	assert_int_equal(ct->ct_general.use, 2);        /* the hash and the packet */
	assert_ptr_equal(find(net, A, B, 17, 1000, 53), ct);
	assert_ptr_equal(find(net, B, A, 17, 53, 1000), ct);   /* the reply tuple too */
	assert_int_equal(nf_ct_expires(ct), 30 * HZ);
	consume_skb(skb);
	assert_int_equal(ct->ct_general.use, 1);
	assert_int_equal(nf_conntrack_count(net), 1);
}

static void t_dropped_before_confirm(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p = tcp4(A, B, 2000, 80, SYN, 1000, 0, 64240, 0, NULL);
	struct nf_hook_state st;
	struct sk_buff *skb = mkskb(net, &p);

	hook_state(&st, net, NF_INET_PRE_ROUTING);
	assert_int_equal(nf_conntrack_in(skb, &st), NF_ACCEPT);
	assert_int_equal(list_len(&net->ct.unconfirmed), 1);
	assert_int_equal(nf_conntrack_count(net), 1);
	kfree_skb(skb);         /* a rule dropped it: the entry goes with it */
	assert_int_equal(list_len(&net->ct.unconfirmed), 0);
	assert_int_equal(nf_conntrack_count(net), 0);
	assert_null(find(net, A, B, 6, 2000, 80));
}

/* A listener whose DESTROY delivery fails while fail_destroy is set. */
struct listener {
	int fail_destroy;
	unsigned int destroys, news;
};
static struct listener *the_listener;    /* the notifier callback has no context pointer */

static int listener_event(unsigned int events, const struct nf_ct_event *item)
{
	(void)item;
	if (events & (1u << IPCT_NEW))
		the_listener->news++;
	if (events & (1u << IPCT_DESTROY)) {
		if (the_listener->fail_destroy)
			return -ENOBUFS;
		the_listener->destroys++;
	}
	return 0;
}

static const struct nf_ct_event_notifier listener_ops = { .ct_event = listener_event };

static void t_dying_list(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct listener l = { .fail_destroy = 1 };
	struct pkt p = udp4(A, B, 3000, 53, 1);
	struct nf_conn *ct;

	the_listener = &l;
	nf_conntrack_register_notifier(net, &listener_ops);
	assert_int_equal(fwd(net, &p).verdict, NF_ACCEPT);
	assert_int_equal(l.news, 1);            /* delivered when confirmed */
	ct = find(net, A, B, 17, 3000, 53);
	assert_non_null(ct);
	assert_true(nf_ct_ecache_exist(ct));    /* events=2 with a listener: the extension */

	/* the destroy event is lost: off the hash, onto the dying list, still counted */
	assert_false(nf_ct_kill(ct));
	assert_true(nf_ct_is_dying(ct));
	assert_null(find(net, A, B, 17, 3000, 53));
	assert_int_equal(list_len(&net->ct.dying), 1);
	assert_int_equal(nf_conntrack_count(net), 1);
	assert_true(net->ct.ecache_dwork.queued);

	/* redelivery a second later fails again (congested): retried 10 ms later */
	advance(net, 1.0);
	nf_conntrack_run_timers(net);
	assert_int_equal(list_len(&net->ct.dying), 1);
	assert_true(net->ct.ecache_dwork.queued);
	assert_int_equal(net->ct.ecache_dwork.when, nfct_time_stamp(net) + msecs_to_jiffies(10));

	/* the listener catches up: delivered, freed */
	l.fail_destroy = 0;
	advance(net, 0.012);
	nf_conntrack_run_timers(net);
	assert_int_equal(l.destroys, 1);
	assert_int_equal(list_len(&net->ct.dying), 0);
	assert_int_equal(nf_conntrack_count(net), 0);
	nf_conntrack_unregister_notifier(net);
	the_listener = NULL;
}

static void t_no_listener_no_dying(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p = udp4(A, B, 3001, 53, 1);
	struct nf_conn *ct;

	/* Linux with nf_conntrack_events=2 and no listener: no extension, freed at once */
	assert_int_equal(fwd(net, &p).verdict, NF_ACCEPT);
	ct = find(net, A, B, 17, 3001, 53);
	assert_false(nf_ct_ecache_exist(ct));
	assert_true(nf_ct_kill(ct));
	assert_int_equal(list_len(&net->ct.dying), 0);
	assert_int_equal(nf_conntrack_count(net), 0);
}

static void t_dying_while_packet_holds_it(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p = udp4(A, B, 3002, 53, 1);
	struct nf_hook_state st;
	struct sk_buff *skb;
	struct nf_conn *ct;

	assert_int_equal(fwd(net, &p).verdict, NF_ACCEPT);
	skb = mkskb(net, &p);
	hook_state(&st, net, NF_INET_PRE_ROUTING);
	assert_int_equal(nf_conntrack_in(skb, &st), NF_ACCEPT);
	ct = (struct nf_conn *)skb_nfct(skb);
	assert_int_equal(ct->ct_general.use, 2);
	assert_true(nf_ct_kill(ct));            /* out of the hash; the packet still has it */
	assert_int_equal(nf_conntrack_count(net), 1);
	assert_int_equal(ct->ct_general.use, 1);
	consume_skb(skb);
	assert_int_equal(nf_conntrack_count(net), 0);
}

/* ------------------------------------------------------------------ early drop */

/* Make room at nf_conntrack_max: every unassured entry of the new tuple's bucket goes (or of the
 * first of the next 7 buckets that has one); assured ones stay. */
static void t_early_drop(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct nf_conntrack_tuple t = { 0 };
	u32 target;
	struct pkt p;
	struct res r;

	net->ipv4.nf_ct.max = 4;
	net->ct.htable_size = 16;       /* few buckets, so entries share them */
	/* an assured UDP stream in every bucket it lands in stays */
	p = udp4(A, B, 4000, 53, 1);
	fwd(net, &p);
	p = udp4(B, A, 53, 4000, 1);
	fwd(net, &p);
	advance(net, 3);
	p = udp4(A, B, 4000, 53, 1);
	r = fwd(net, &p);
	assert_true(r.status & IPS_ASSURED);
	/* fill up with unassured entries */
	for (u16 sp = 4001; nf_conntrack_count(net) < 4; sp++) {
		p = udp4(A, B, sp, 53, 1);
		fwd(net, &p);
	}
	assert_int_equal(nf_conntrack_count(net), 4);

	/* the new flow's bucket, and what should be dropped: the first bucket of the eviction
	 * range with an unassured entry, all of its unassured entries */
	t.src.l3num = NFPROTO_IPV4;
	t.src.u3.ip = A;
	t.dst.u3.ip = B;
	t.dst.protonum = IPPROTO_UDP;
	t.src.u.all = htons(5000);
	t.dst.u.all = htons(53);
	target = nfemu_ct_hash_bucket(net, &t, 0);
	{
		unsigned int expect_dropped = 0, b = target;
		struct nf_conn *victims[8];

		/* the first bucket of the range that holds an unassured entry, and its unassured
		 * entries (an entry both of whose tuples are in it counts once) */
		for (int i = 0; i < 8 && !expect_dropped; i++, b = (b + 1) % 16) {
			struct nf_conntrack_tuple_hash *h;

			hlist_for_each_entry(h, &net->ct.hash[b], hnnode) {
				struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);
				bool dup = false;

				if (ct->status & IPS_ASSURED)
					continue;
				for (unsigned int k = 0; k < expect_dropped; k++)
					dup |= victims[k] == ct;
				if (!dup && expect_dropped < 8)
					victims[expect_dropped++] = ct;
			}
		}
		p = udp4(A, B, 5000, 53, 1);
		r = fwd(net, &p);
		if (expect_dropped) {
			assert_int_equal(r.verdict, NF_ACCEPT);
			assert_true(r.has_ct);
			assert_int_equal(net->ct.stat.early_drop, expect_dropped);
			assert_int_equal(nf_conntrack_count(net), 4 - expect_dropped + 1);
		} else {
			/* nothing to drop in the range: table full, packet dropped */
			assert_int_equal(r.verdict, NF_DROP);
			assert_int_equal(nf_conntrack_count(net), 4);
		}
	}
	/* the assured stream survived whatever was dropped */
	assert_non_null(find(net, A, B, 17, 4000, 53));
}

static void t_table_full_of_assured(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	unsigned long seq = net->printk.seq;
	struct pkt p;
	struct res r;

	net->ipv4.nf_ct.max = 2;
	net->ct.htable_size = 1;        /* one bucket: early_drop sees every entry */
	for (u16 sp = 6000; sp < 6002; sp++) {
		p = udp4(A, B, sp, 53, 1);
		fwd(net, &p);
		p = udp4(B, A, 53, sp, 1);
		fwd(net, &p);
	}
	advance(net, 3);
	for (u16 sp = 6000; sp < 6002; sp++) {
		p = udp4(A, B, sp, 53, 1);
		assert_true(fwd(net, &p).status & IPS_ASSURED);
	}
	p = udp4(A, B, 6002, 53, 1);
	r = fwd(net, &p);
	assert_int_equal(r.verdict, NF_DROP);
	assert_false(r.has_ct);
	assert_int_equal(nf_conntrack_count(net), 2);
	assert_true(net->ct.gc_work.early_drop);
	assert_int_not_equal(net->printk.seq, seq);
	assert_string_equal(nfemu_printk_since(net, seq), "nf_conntrack: nf_conntrack: table full, dropping packet");
	/* an unassured one is made room for: it alone goes */
	p = udp4(A, C, 7000, 53, 1);
	net->ipv4.nf_ct.max = 3;
	assert_int_equal(fwd(net, &p).verdict, NF_ACCEPT);
	net->ipv4.nf_ct.max = 3;
	p = udp4(A, C, 7001, 53, 1);
	r = fwd(net, &p);
	assert_int_equal(r.verdict, NF_ACCEPT);
	assert_null(find(net, A, C, 17, 7000, 53));
	assert_non_null(find(net, A, C, 17, 7001, 53));
	assert_non_null(find(net, A, B, 17, 6000, 53));
	assert_non_null(find(net, A, B, 17, 6001, 53));
}

/* ------------------------------------------------------------------ TCP: the table */

#define sNO TCP_CONNTRACK_NONE
#define sSS TCP_CONNTRACK_SYN_SENT
#define sSR TCP_CONNTRACK_SYN_RECV
#define sES TCP_CONNTRACK_ESTABLISHED
#define sFW TCP_CONNTRACK_FIN_WAIT
#define sCW TCP_CONNTRACK_CLOSE_WAIT
#define sLA TCP_CONNTRACK_LAST_ACK
#define sTW TCP_CONNTRACK_TIME_WAIT
#define sCL TCP_CONNTRACK_CLOSE
#define sS2 TCP_CONNTRACK_SYN_SENT2
#define sIV TCP_CONNTRACK_MAX
#define sIG TCP_CONNTRACK_IGNORE

/* Transcribed again, independently, from tcp_conntracks[] in Linux 6.12. */
static const u8 kernel_tcp_conntracks[2][6][10] = {
	{
		/*	     sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2 */
		/*syn*/    { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
		/*synack*/ { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
		/*fin*/    { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/*ack*/    { sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
		/*rst*/    { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/*none*/   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	{
		/*	     sNO, sSS, sSR, sES, sFW, sCW, sLA, sTW, sCL, sS2 */
		/*syn*/    { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2 },
		/*synack*/ { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
		/*fin*/    { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
		/*ack*/    { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
		/*rst*/    { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
		/*none*/   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

static void t_tcp_table_transcription(void **state)
{
	(void)state;
	for (unsigned int dir = 0; dir < 2; dir++)
		for (unsigned int idx = 0; idx < 6; idx++)
			for (unsigned int s = 0; s < 10; s++) {
				if (nfemu_tcp_conntracks_cell(dir, idx, s) != kernel_tcp_conntracks[dir][idx][s])
					fail_msg("tcp_conntracks[%u][%u][%s] = %u, Linux has %u", dir, idx,
						 nf_ct_tcp_state_name((u8)s),
						 nfemu_tcp_conntracks_cell(dir, idx, s),
						 kernel_tcp_conntracks[dir][idx][s]);
			}
}

static const u8 index_flags[6] = { SYN, SYN | ACK, FIN | ACK, ACK, RST, 0 };
static const char *const index_names[6] = { "syn", "synack", "fin", "ack", "rst", "none" };

/* Every (direction, packet type, state) cell, sent to a confirmed entry put in that state with
 * liberal windows and a seen reply (so only the table decides):
 *   sIV -> INVALID (no ctinfo), state unchanged; sIG -> accepted, state unchanged;
 *   SYN to TIME_WAIT/CLOSE with nobody having closed -> ignored (the reopen path needs a FIN or
 *   RST seen first); anything else -> accepted, the table's state. */
static void t_tcp_table_cells(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	u16 port = 10000;

	for (unsigned int dir = 0; dir < 2; dir++)
		for (unsigned int idx = 0; idx < 6; idx++)
			for (unsigned int s = 0; s < 10; s++, port++) {
				u8 cell = kernel_tcp_conntracks[dir][idx][s];
				struct pkt p = tcp4(A, B, port, 80, SYN, 1000, 0, 64240, 0, NULL);
				struct nf_conn *ct;
				struct res r;
				u8 expect;
				bool valid;

				assert_int_equal(fwd(net, &p).verdict, NF_ACCEPT);
				ct = find(net, A, B, 6, port, 80);
				assert_non_null(ct);
				ct->proto.tcp.state = (u8)s;
				ct->status |= IPS_SEEN_REPLY;
				for (int d = 0; d < 2; d++) {
					ct->proto.tcp.seen[d].flags = IP_CT_TCP_FLAG_BE_LIBERAL;
					ct->proto.tcp.seen[d].td_end = 1001;
					ct->proto.tcp.seen[d].td_maxend = 100000;
					ct->proto.tcp.seen[d].td_maxwin = 64240;
				}
				ct->proto.tcp.last_index = 5;   /* TCP_NONE_SET */
				ct->proto.tcp.last_flags = 0;
				if (dir == 0)
					p = tcp4(A, B, port, 80, index_flags[idx], 1001, 1001, 64240, 0, NULL);
				else
					p = tcp4(B, A, 80, port, index_flags[idx], 1001, 1001, 64240, 0, NULL);
				r = fwd(net, &p);
				if (cell == sIV) {
					valid = false;
					expect = (u8)s;
				} else if (cell == sIG || (cell == sSS && s >= sTW)) {
					valid = true;
					expect = (u8)s;
				} else {
					valid = true;
					expect = cell;
				}
				ct = find(net, A, B, 6, port, 80);
				assert_non_null(ct);
				if (r.has_ct != valid || ct->proto.tcp.state != expect)
					fail_msg("%s %s in %s: %s, state %s; expected %s, %s",
						 dir ? "REPLY" : "ORIGINAL", index_names[idx],
						 nf_ct_tcp_state_name((u8)s), r.has_ct ? "tracked" : "INVALID",
						 nf_ct_tcp_state_name(ct->proto.tcp.state),
						 valid ? "tracked" : "INVALID", nf_ct_tcp_state_name(expect));
				nf_ct_kill(ct);
			}
}

/* ------------------------------------------------------------------ TCP: behaviour */

static const u8 wscale7_sackok[] = { 3, 3, 7, 1, 4, 2, 1, 1 };  /* wscale 7, nop, sackok, nop nop */

static void handshake(struct net *net, u16 sport, u32 cseq, u32 sseq, u16 cwin, u16 swin,
		      const struct tcpopt *copt, const struct tcpopt *sopt)
{
	struct pkt p;

	p = tcp4(A, B, sport, 80, SYN, cseq, 0, cwin, 0, copt);
	assert_int_equal(fwd(net, &p).ctinfo, IP_CT_NEW);
	p = tcp4(B, A, 80, sport, SYN | ACK, sseq, cseq + 1, swin, 0, sopt);
	assert_int_equal(fwd(net, &p).ctinfo, IP_CT_ESTABLISHED_REPLY);
	p = tcp4(A, B, sport, 80, ACK, cseq + 1, sseq + 1, cwin, 0, NULL);
	assert_int_equal(fwd(net, &p).ctinfo, IP_CT_ESTABLISHED);
}

static void t_tcp_lifecycle(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p;
	struct res r;

	p = tcp4(A, B, 20000, 80, SYN, 1000, 0, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_SYN_SENT);
	assert_int_equal(r.expires, 120);
	p = tcp4(B, A, 80, 20000, SYN | ACK, 5000, 1001, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_SYN_RECV);
	assert_int_equal(r.expires, 60);
	assert_true(r.status & IPS_SEEN_REPLY);
	assert_false(r.status & IPS_ASSURED);
	p = tcp4(A, B, 20000, 80, ACK, 1001, 5001, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_ESTABLISHED);
	assert_true(r.status & IPS_ASSURED);
	/* data sent and not yet acked: the UNACK timeout (300 s) */
	p = tcp4(A, B, 20000, 80, ACK | PSH, 1001, 5001, 64240, 100, NULL);
	assert_int_equal(fwd(net, &p).expires, 300);
	p = tcp4(B, A, 80, 20000, ACK, 5001, 1101, 64240, 0, NULL);
	assert_int_equal(fwd(net, &p).expires, 432000);
	/* the server closes first */
	p = tcp4(B, A, 80, 20000, FIN | ACK, 5001, 1101, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_FIN_WAIT);
	p = tcp4(A, B, 20000, 80, ACK, 1101, 5002, 64240, 0, NULL);
	assert_int_equal(fwd(net, &p).tcp_state, TCP_CONNTRACK_CLOSE_WAIT);
	p = tcp4(A, B, 20000, 80, FIN | ACK, 1101, 5002, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_LAST_ACK);
	assert_int_equal(r.expires, 30);
	p = tcp4(B, A, 80, 20000, ACK, 5002, 1102, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_TIME_WAIT);
	assert_int_equal(r.expires, 120);
	/* a new SYN on the same tuple: the old entry is killed and a new one made (NF_REPEAT) */
	p = tcp4(A, B, 20000, 80, SYN, 90000, 0, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.ctinfo, IP_CT_NEW);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_SYN_SENT);
	assert_false(r.status & IPS_SEEN_REPLY);
	assert_int_equal(nf_conntrack_count(net), 1);
}

static void t_tcp_rst_and_half_open(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p;
	struct res r;

	/* SYN answered by RST: the only reply is a reset, the entry goes at once */
	p = tcp4(A, B, 21000, 81, SYN, 3000, 0, 64240, 0, NULL);
	fwd(net, &p);
	p = tcp4(B, A, 81, 21000, RST | ACK, 0, 3001, 0, 0, NULL);
	r = fwd(net, &p);
	assert_true(r.has_ct);
	assert_int_equal(r.ctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_null(find(net, A, B, 6, 21000, 81));
	assert_int_equal(nf_conntrack_count(net), 0);
	/* an ACK before any SYN/ACK is invalid; a SYN/ACK from the client too */
	p = tcp4(A, B, 21001, 82, SYN, 4000, 0, 64240, 0, NULL);
	fwd(net, &p);
	p = tcp4(A, B, 21001, 82, ACK, 4001, 1, 64240, 0, NULL);
	assert_false(fwd(net, &p).has_ct);
	p = tcp4(A, B, 21001, 82, SYN | ACK, 4000, 1, 64240, 0, NULL);
	assert_false(fwd(net, &p).has_ct);
	assert_int_equal(find(net, A, B, 6, 21001, 82)->proto.tcp.state, TCP_CONNTRACK_SYN_SENT);
	/* an established connection reset with the right sequence number: CLOSE, 10 s */
	handshake(net, 21002, 100, 200, 64240, 64240, NULL, NULL);
	p = tcp4(B, A, 80, 21002, RST, 201, 0, 0, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_CLOSE);
	assert_int_equal(r.expires, 10);
	/* invalid flag combinations never make an entry */
	p = tcp4(A, B, 21003, 83, SYN | FIN, 1, 0, 64240, 0, NULL);
	assert_false(fwd(net, &p).has_ct);
	p = tcp4(A, B, 21003, 83, 0, 1, 0, 64240, 0, NULL);
	assert_false(fwd(net, &p).has_ct);
	assert_null(find(net, A, B, 6, 21003, 83));
}

static void t_tcp_rst_out_of_window(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p;
	struct res r;

	handshake(net, 21100, 100, 200, 64240, 64240, NULL, NULL);
	p = tcp4(A, B, 21100, 80, ACK, 101, 201, 64240, 0, NULL);
	fwd(net, &p);
	/* a reset below the last ACK the other side sent: invalid (the tuple stays) */
	p = tcp4(B, A, 80, 21100, RST, 150, 0, 0, 0, NULL);
	r = fwd(net, &p);
	assert_false(r.has_ct);
	assert_int_equal(find(net, A, B, 6, 21100, 80)->proto.tcp.state, TCP_CONNTRACK_ESTABLISHED);
	/* with nf_conntrack_tcp_ignore_invalid_rst it is only not exact: state kept, 300 s */
	net->ipv4.nf_ct.tcp_ignore_invalid_rst = 1;
	r = fwd(net, &p);
	assert_true(r.has_ct);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_ESTABLISHED);
	assert_int_equal(r.expires, 300);
}

static void t_tcp_window(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p;
	struct res r;

	handshake(net, 22000, 1000, 5000, 1000, 2000, NULL, NULL);
	/* in window */
	p = tcp4(A, B, 22000, 80, ACK | PSH, 1001, 5001, 1000, 500, NULL);
	r = fwd(net, &p);
	assert_true(r.has_ct);
	assert_int_equal(r.ctinfo, IP_CT_ESTABLISHED);
	/* the sequence number is past what the receiver's window allows: INVALID */
	p = tcp4(A, B, 22000, 80, ACK | PSH, 1001 + 50000, 5001, 1000, 100, NULL);
	assert_false(fwd(net, &p).has_ct);
	/* an ACK for data the other side never sent: INVALID */
	p = tcp4(A, B, 22000, 80, ACK, 1501, 5001 + 70000, 1000, 0, NULL);
	assert_false(fwd(net, &p).has_ct);
	/* old data far below the window: ignored (tracked, no state change) */
	p = tcp4(A, B, 22000, 80, ACK | PSH, 1001u - 200000u, 5001, 1000, 10, NULL);
	r = fwd(net, &p);
	assert_true(r.has_ct);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_ESTABLISHED);
	/* with tcp_be_liberal only resets are judged by the window */
	net->ipv4.nf_ct.tcp_be_liberal = 1;
	p = tcp4(A, B, 22000, 80, ACK | PSH, 1001 + 50000, 5001, 1000, 100, NULL);
	assert_true(fwd(net, &p).has_ct);
	p = tcp4(A, B, 22000, 80, ACK, 1501, 5001 + 70000, 1000, 0, NULL);
	assert_true(fwd(net, &p).has_ct);
}

static void t_tcp_window_scaling_and_sack(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	const struct tcpopt o = { wscale7_sackok, sizeof(wscale7_sackok) };
	struct nf_conn *ct;
	struct pkt p;

	/* both ends scale by 7: a window of 1000 is 128000 bytes */
	handshake(net, 22100, 1000, 5000, 1000, 1000, &o, &o);
	ct = find(net, A, B, 6, 22100, 80);
	assert_int_equal(ct->proto.tcp.seen[0].td_scale, 7);
	assert_int_equal(ct->proto.tcp.seen[1].td_scale, 7);
	assert_true(ct->proto.tcp.seen[0].flags & IP_CT_TCP_FLAG_SACK_PERM);
	p = tcp4(B, A, 80, 22100, ACK, 5001, 1001, 1000, 0, NULL);
	fwd(net, &p);
	/* 100000 bytes ahead fits the scaled window (128000); 200000 overshoots it by less than
	 * a window and is only ignored ("bytes more than expected"); 400000 is INVALID */
	p = tcp4(A, B, 22100, 80, ACK | PSH, 1001 + 100000, 5001, 1000, 10, NULL);
	assert_true(fwd(net, &p).has_ct);
	p = tcp4(A, B, 22100, 80, ACK | PSH, 1001 + 200000, 5001, 1000, 10, NULL);
	assert_true(fwd(net, &p).has_ct);
	p = tcp4(A, B, 22100, 80, ACK | PSH, 1001 + 400000, 5001, 1000, 10, NULL);
	assert_false(fwd(net, &p).has_ct);
	/* only one side offers scaling: neither scales */
	handshake(net, 22101, 1000, 5000, 1000, 1000, &o, NULL);
	ct = find(net, A, B, 6, 22101, 80);
	assert_int_equal(ct->proto.tcp.seen[0].td_scale, 0);
	assert_int_equal(ct->proto.tcp.seen[1].td_scale, 0);
	{
		/* a SACK block acknowledging data never sent is over the upper bound */
		static const u8 sack[] = { 1, 1, 5, 10, 0, 0, 0x13, 0x89, 0, 0, 0x27, 0x10 };
		const struct tcpopt so = { sack, sizeof(sack) };
		const struct tcpopt sp = { wscale7_sackok, sizeof(wscale7_sackok) };

		handshake(net, 22102, 1000, 5000, 1000, 1000, &sp, &sp);
		/* SACK 5001..10000 from the client: the server sent nothing past 5001 */
		p = tcp4(A, B, 22102, 80, ACK, 1001, 5001, 1000, 0, &so);
		assert_false(fwd(net, &p).has_ct);
	}
}

static void t_tcp_loose(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p;
	struct res r;

	/* picked up mid-stream: NEW, ESTABLISHED, liberal windows, the UNACK timeout */
	p = tcp4(A, B, 23000, 443, ACK, 100000, 200000, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.ctinfo, IP_CT_NEW);
	assert_int_equal(r.tcp_state, TCP_CONNTRACK_ESTABLISHED);
	assert_int_equal(r.expires, 300);
	assert_true(find(net, A, B, 6, 23000, 443)->proto.tcp.seen[0].flags & IP_CT_TCP_FLAG_BE_LIBERAL);
	/* the answer makes it replied, the next valid segment assured */
	p = tcp4(B, A, 443, 23000, ACK | PSH, 200000, 100000, 64240, 100, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.ctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_true(r.status & IPS_SEEN_REPLY);
	assert_false(r.status & IPS_ASSURED);
	p = tcp4(A, B, 23000, 443, ACK, 100000, 200100, 64240, 0, NULL);
	r = fwd(net, &p);
	assert_int_equal(r.ctinfo, IP_CT_ESTABLISHED);
	assert_true(r.status & IPS_ASSURED);
	assert_int_equal(r.expires, 432000);
	/* tcp_loose=0: no pick-up */
	net->ipv4.nf_ct.tcp_loose = 0;
	p = tcp4(A, B, 23001, 443, ACK, 100000, 200000, 64240, 0, NULL);
	assert_false(fwd(net, &p).has_ct);
	assert_null(find(net, A, B, 6, 23001, 443));
	/* a FIN cannot start anything either way */
	net->ipv4.nf_ct.tcp_loose = 1;
	p = tcp4(A, B, 23002, 443, FIN | ACK, 1, 1, 64240, 0, NULL);
	assert_false(fwd(net, &p).has_ct);
}

static void t_tcp_retrans(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p;
	struct res r;

	handshake(net, 23100, 100, 200, 64240, 64240, NULL, NULL);
	/* the same data segment again and again: after tcp_max_retrans (3), max_retrans (300 s) */
	p = tcp4(A, B, 23100, 80, ACK | PSH, 101, 201, 64240, 10, NULL);
	for (int i = 0; i < 4; i++)
		r = fwd(net, &p);
	assert_int_equal(find(net, A, B, 6, 23100, 80)->proto.tcp.retrans, 3);
	assert_int_equal(r.expires, 300);
	net->ipv4.nf_ct.tcp_timeout_max_retrans = 20;
	r = fwd(net, &p);
	assert_int_equal(r.expires, 20);
}

/* ------------------------------------------------------------------ UDP and ICMP */

static void t_udp(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt q = udp4(A, B, 24000, 53, 10), a = udp4(B, A, 53, 24000, 10);
	struct res r;

	r = fwd(net, &q);
	assert_int_equal(r.ctinfo, IP_CT_NEW);
	assert_int_equal(r.expires, 30);
	assert_false(r.status & IPS_SEEN_REPLY);
	r = fwd(net, &q);
	assert_int_equal(r.ctinfo, IP_CT_NEW);          /* unreplied: still NEW */
	r = fwd(net, &a);
	assert_int_equal(r.ctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_true(r.status & IPS_SEEN_REPLY);
	assert_false(r.status & IPS_ASSURED);           /* a query and its answer: no stream */
	assert_int_equal(r.expires, 30);
	advance(net, 1);
	r = fwd(net, &q);
	assert_int_equal(r.ctinfo, IP_CT_ESTABLISHED);
	assert_false(r.status & IPS_ASSURED);
	advance(net, 1.5);      /* alive more than 2 s after the first packet: a stream */
	r = fwd(net, &q);
	assert_true(r.status & IPS_ASSURED);
	assert_int_equal(r.expires, 120);
	/* a short packet, a bad length and a bad checksum are INVALID */
	{
		struct pkt bad = udp4(A, B, 24001, 53, 10);

		bad.b[20 + 5] = 200;    /* length past the packet */
		assert_false(fwd(net, &bad).has_ct);
		bad = udp4(A, B, 24001, 53, 10);
		bad.b[20 + 6] ^= 0x55;  /* checksum */
		assert_false(fwd(net, &bad).has_ct);
		net->ipv4.nf_ct.checksum = 0;
		assert_true(fwd(net, &bad).has_ct);
		net->ipv4.nf_ct.checksum = 1;
		bad = udp4(A, B, 24002, 53, 10);
		bad.b[20 + 6] = bad.b[20 + 7] = 0;      /* no checksum at all is fine */
		assert_true(fwd(net, &bad).has_ct);
	}
}

static void t_icmp(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt req = icmp4(A, B, 8, 0, 0x00070001, NULL, 0);
	struct pkt rep = icmp4(B, A, 0, 0, 0x00070001, NULL, 0);
	struct pkt stray = icmp4(B, A, 0, 0, 0x00080001, NULL, 0);
	struct res r;

	r = fwd(net, &req);
	assert_int_equal(r.ctinfo, IP_CT_NEW);
	assert_int_equal(r.expires, 30);
	r = fwd(net, &rep);
	assert_int_equal(r.ctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_false(r.status & IPS_ASSURED);
	/* an echo reply with no request: INVALID, nothing kept */
	assert_false(fwd(net, &stray).has_ct);
	assert_int_equal(nf_conntrack_count(net), 1);
	/* a bad ICMP checksum */
	req.b[22] ^= 0xff;
	assert_false(fwd(net, &req).has_ct);
}

static void t_icmp_error_related(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt u = udp4(A, B, 25000, 123, 4), t, e;
	struct res r;

	fwd(net, &u);
	/* port unreachable from B quoting A's datagram: RELATED, in the reply direction */
	e = icmp4(B, A, 3, 3, 0, u.b, 28);
	r = fwd(net, &e);
	assert_true(r.has_ct);
	assert_int_equal(r.ctinfo, IP_CT_RELATED_REPLY);
	/* the error does not make the flow replied */
	assert_false(find(net, A, B, 17, 25000, 123)->status & IPS_SEEN_REPLY);
	/* from a router in between, about a TCP segment: RELATED as well */
	handshake(net, 25001, 100, 200, 64240, 64240, NULL, NULL);
	t = tcp4(A, B, 25001, 80, ACK | PSH, 101, 201, 64240, 1400, NULL);
	e = icmp4(C, A, 3, 4, 1400, t.b, 48);
	r = fwd(net, &e);
	assert_int_equal(r.ctinfo, IP_CT_RELATED_REPLY);
	/* about the reply direction, from A: RELATED, original direction */
	t = tcp4(B, A, 80, 25001, ACK, 201, 101, 64240, 0, NULL);
	e = icmp4(A, B, 3, 3, 0, t.b, 28);
	r = fwd(net, &e);
	assert_int_equal(r.ctinfo, IP_CT_RELATED);
	/* quoting an unknown flow, or sent to someone the flow is not about: INVALID */
	t = udp4(A, B, 7777, 8888, 0);
	e = icmp4(B, A, 3, 3, 0, t.b, 28);
	assert_false(fwd(net, &e).has_ct);
	e = icmp4(B, C, 3, 3, 0, u.b, 28);
	assert_false(fwd(net, &e).has_ct);
	/* an error never makes an entry of its own */
	assert_int_equal(nf_conntrack_count(net), 2);
}

/* ------------------------------------------------------------------ defrag */

static int okfn_stub(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	(void)net;
	(void)sk;
	(void)skb;
	return 1;
}

/* Run PRE_ROUTING's conntrack hooks (defrag, conntrack) on a fragment; 1 = it came out whole. */
static int pre_routing(struct net *net, struct sk_buff *skb)
{
	return nf_hook(NFPROTO_IPV4, NF_INET_PRE_ROUTING, net, NULL, skb, NULL, NULL, okfn_stub);
}

static struct pkt fragment(const struct pkt *whole, unsigned int from, unsigned int to, u16 id)
{
	struct pkt f = { 0 };
	unsigned int l4 = whole->len - 20;
	bool last = to >= l4;

	memcpy(f.b + 20, whole->b + 20 + from, (last ? l4 : to) - from);
	ip_hdr_fill(&f, A, B, whole->b[9], (last ? l4 : to) - from, id,
		    (u16)((last ? 0 : 0x2000) | (from / 8)));
	return f;
}

static void t_defrag(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt u = udp4(A, B, 26000, 53, 600);
	struct pkt f0 = fragment(&u, 0, 304, 100), f1 = fragment(&u, 304, 608, 100);
	struct sk_buff *skb;
	enum ip_conntrack_info ctinfo;

	/* in order: the first is held, the second comes out as the whole datagram, tracked */
	skb = mkskb(net, &f0);
	assert_int_equal(pre_routing(net, skb), 0);     /* stolen */
	assert_int_equal(nf_conntrack_count(net), 0);
	skb = mkskb(net, &f1);
	assert_int_equal(pre_routing(net, skb), 1);
	assert_int_equal(skb->len, u.len);
	assert_memory_equal(skb->data + 20, u.b + 20, u.len - 20);
	assert_int_equal(ntohs(ip_hdr(skb)->tot_len), u.len);
	assert_non_null(nf_ct_get(skb, &ctinfo));
	assert_int_equal(ctinfo, IP_CT_NEW);
	kfree_skb(skb);

	/* out of order (last, first, middle) */
	{
		struct pkt v = udp4(A, B, 26001, 53, 600);
		struct pkt g0 = fragment(&v, 0, 200, 101), g1 = fragment(&v, 200, 400, 101),
			   g2 = fragment(&v, 400, 608, 101);

		assert_int_equal(pre_routing(net, mkskb(net, &g2)), 0);
		assert_int_equal(pre_routing(net, mkskb(net, &g0)), 0);
		skb = mkskb(net, &g1);
		assert_int_equal(pre_routing(net, skb), 1);
		assert_int_equal(skb->len, v.len);
		assert_memory_equal(skb->data + 20, v.b + 20, v.len - 20);
		assert_non_null(nf_ct_get(skb, &ctinfo));
		consume_skb(skb);
	}
	/* an overlapping fragment kills the queue: nothing comes out, nothing is tracked */
	{
		struct pkt w = udp4(A, B, 26002, 53, 600);
		struct pkt h0 = fragment(&w, 0, 320, 102), h1 = fragment(&w, 312, 608, 102);
		unsigned int before = nf_conntrack_count(net);

		assert_int_equal(pre_routing(net, mkskb(net, &h0)), 0);
		assert_int_equal(pre_routing(net, mkskb(net, &h1)), 0);
		assert_int_equal(nf_conntrack_count(net), before);
		assert_true(list_empty(&net->ipv4.frag_list));
	}
}

/* ------------------------------------------------------------------ timeouts */

static void t_timeouts(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	struct pkt p = udp4(A, B, 27000, 53, 1);
	struct res r;

	/* found expired on lookup: gone, and the packet starts a new entry */
	fwd(net, &p);
	advance(net, 29.9);
	assert_int_equal(fwd(net, &p).ctinfo, IP_CT_NEW);      /* refreshed: still the same */
	advance(net, 30.1);
	assert_non_null(net->ct.hash);
	r = fwd(net, &p);
	assert_int_equal(r.ctinfo, IP_CT_NEW);
	assert_int_equal(nf_conntrack_count(net), 1);

	/* reaped by the gc worker with no packet of its own: a sysctl-short timeout */
	net->ipv4.nf_ct.udp_timeout = 2;
	p = udp4(A, B, 27001, 53, 1);
	fwd(net, &p);
	assert_int_equal(nf_conntrack_count(net), 2);
	advance(net, 3);
	nf_conntrack_gc(net);
	assert_null(find(net, A, B, 17, 27001, 53));
	assert_int_equal(nf_conntrack_count(net), 1);
	/* the worker re-arms itself within [1 s, 60 s] */
	assert_true(net->ct.gc_work.queued);
	assert_true((s32)(net->ct.gc_work.when - nfct_time_stamp(net)) >= 1);
	assert_true((s32)(net->ct.gc_work.when - nfct_time_stamp(net)) <= 60 * HZ);
	/* and runs by itself when its time comes */
	p = udp4(A, B, 27002, 53, 1);
	fwd(net, &p);
	advance(net, 61);
	nf_conntrack_run_timers(net);
	assert_int_equal(nf_conntrack_count(net), 0);
}

/* ------------------------------------------------------------------ listings and state */

static void t_listing(void **state)
{
	struct net *net = ((struct ctx *)*state)->net;
	char buf[512];
	struct pkt p;
	unsigned int n;
	char *all;

	handshake(net, 28000, 100, 200, 64240, 64240, NULL, NULL);
	advance(net, 0.5);
	assert_int_equal(nf_conntrack_print(find(net, A, B, 6, 28000, 80), NF_CT_PRINT_CONNTRACK_TOOL,
					    buf, sizeof(buf)) > 0, 1);
	assert_string_equal(buf, "tcp      6 431999 ESTABLISHED src=192.0.2.10 dst=203.0.113.5 "
				 "sport=28000 dport=80 src=203.0.113.5 dst=192.0.2.10 sport=80 "
				 "dport=28000 [ASSURED] mark=0 use=1");
	nf_conntrack_print(find(net, A, B, 6, 28000, 80), NF_CT_PRINT_PROC, buf, sizeof(buf));
	assert_string_equal(buf, "ipv4     2 tcp      6 431999 ESTABLISHED src=192.0.2.10 "
				 "dst=203.0.113.5 sport=28000 dport=80 src=203.0.113.5 dst=192.0.2.10 "
				 "sport=80 dport=28000 [ASSURED] mark=0 zone=0 use=2");
	net->ipv4.nf_ct.acct = 1;
	p = udp4(A, B, 28001, 53, 1);
	fwd(net, &p);
	advance(net, 0.5);
	nf_conntrack_print(find(net, A, B, 17, 28001, 53), NF_CT_PRINT_CONNTRACK_TOOL, buf, sizeof(buf));
	assert_string_equal(buf, "udp      17 29 src=192.0.2.10 dst=203.0.113.5 sport=28001 dport=53 "
				 "packets=1 bytes=29 [UNREPLIED] src=203.0.113.5 dst=192.0.2.10 "
				 "sport=53 dport=28001 packets=0 bytes=0 mark=0 use=1");
	p = icmp4(A, B, 8, 0, 0x12340001, NULL, 0);
	fwd(net, &p);
	nf_conntrack_print(find(net, A, B, 1, 0x1234, 0x0800), NF_CT_PRINT_CONNTRACK_TOOL, buf,
			   sizeof(buf));
	assert_string_equal(buf, "icmp     1 30 src=192.0.2.10 dst=203.0.113.5 type=8 code=0 "
				 "id=4660 packets=1 bytes=28 [UNREPLIED] src=203.0.113.5 "
				 "dst=192.0.2.10 type=0 code=0 id=4660 packets=0 bytes=0 mark=0 use=1");
	all = nf_conntrack_show(net, NF_CT_PRINT_CONNTRACK_TOOL, &n);
	assert_non_null(all);
	assert_int_equal(n, 3);
	free(all);
	nf_conntrack_flush(net);
	assert_int_equal(nf_conntrack_count(net), 0);
}

static void t_state_roundtrip(void **state)
{
	struct net *net = ((struct ctx *)*state)->net, *net2;
	unsigned char *buf = NULL;
	char *a, *b, err[256] = "";
	size_t len = 0;
	unsigned int na, nb;
	struct pkt p;

	net->ipv4.nf_ct.acct = 1;
	handshake(net, 29000, 100, 200, 64240, 64240, NULL, NULL);
	p = udp4(A, B, 29001, 53, 3);
	fwd(net, &p);
	p = icmp4(A, B, 8, 0, 0x00090001, NULL, 0);
	fwd(net, &p);
	advance(net, 5);
	assert_int_equal(nf_conntrack_state_save(net, &buf, &len), 0);
	assert_non_null(buf);

	net2 = net_alloc();
	assert_int_equal(request_module(net2, "nf_conntrack"), 0);
	assert_int_equal(nf_conntrack_state_load(net2, buf, len, err, sizeof(err)), 0);
	assert_int_equal(nf_conntrack_count(net2), 3);
	assert_true(net2->clock.now_ns == net->clock.now_ns);
	a = nf_conntrack_show(net, NF_CT_PRINT_CONNTRACK_TOOL, &na);
	b = nf_conntrack_show(net2, NF_CT_PRINT_CONNTRACK_TOOL, &nb);
	assert_int_equal(na, nb);
	/* same entries, same timeouts left (hash order is the same too: same tuples, same key) */
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* the TCP state travelled: the next segment is in window */
	{
		struct nf_conn *ct = find(net2, A, B, 6, 29000, 80);

		assert_int_equal(ct->proto.tcp.state, TCP_CONNTRACK_ESTABLISHED);
		assert_memory_equal(&ct->proto.tcp, &find(net, A, B, 6, 29000, 80)->proto.tcp,
				    sizeof(ct->proto.tcp));
	}
	/* loading twice is refused, and corrupt payloads say what is wrong */
	assert_int_equal(nf_conntrack_state_load(net2, buf, len, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "the table is not empty");
	nf_conntrack_flush(net2);
	assert_int_equal(nf_conntrack_state_load(net2, buf, len - 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "truncated"));
	nf_conntrack_flush(net2);
	{
		unsigned char *bad = malloc(len);
		u32 v = 99;

		memcpy(bad, buf, len);
		memcpy(bad, &v, 4);
		assert_int_equal(nf_conntrack_state_load(net2, bad, len, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "format version 99, this nfemu reads versions 1 to 3");
		/* the first record's status (after the header and two 15-byte tuples) */
		memcpy(bad, buf, len);
		v = IPS_DYING | IPS_CONFIRMED;
		memcpy(bad + 24 + 30, &v, 4);
		assert_int_equal(nf_conntrack_state_load(net2, bad, len, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "entry 1"));
		assert_non_null(strstr(err, "bad status"));
		free(bad);
	}
	nf_conntrack_flush(net2);
	free(buf);
	net_free(net2);
}

/* Through emu/state.c: the section rides along with the modules, the clock comes back, and a
 * corrupt section is refused with the byte and the entry named. */
static void t_state_file(void **state)
{
	struct net *net = ((struct ctx *)*state)->net, *net2;
	unsigned char *img = NULL, *img2 = NULL;
	size_t len = 0, len2 = 0;
	char err[512] = "";
	char *a, *b;
	struct pkt p;

	handshake(net, 30000, 100, 200, 64240, 64240, NULL, NULL);
	p = udp4(A, B, 30001, 53, 3);
	fwd(net, &p);
	advance(net, 2);
	assert_int_equal(nfemu_state_serialize(net, &img, &len), 0);
	net2 = net_alloc();
	if (nfemu_state_deserialize(net2, img, len, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(nf_conntrack_count(net2), 2);
	a = nf_conntrack_show(net, NF_CT_PRINT_PROC, NULL);
	b = nf_conntrack_show(net2, NF_CT_PRINT_PROC, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* the same kernel gives the same image: a listing does not rewrite the file */
	assert_int_equal(nfemu_state_serialize(net2, &img2, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(img, img2, len);
	free(img2);
	net_free(net2);
	/* flip the last entry's address family (records are 107 bytes here, l3num at +13, and
	 * the section ends with the u32 count of expectations): the CRC is fixed up, the section
	 * is not */
	{
		u32 crc, c = 0xffffffffu, type, slen;
		size_t off, ct_end = 0;

		/* the end of the conntrack section (the run-time section follows it) */
		for (off = 24; off + 8 <= len; off += 8 + slen) {
			memcpy(&type, img + off, 4);
			memcpy(&slen, img + off + 4, 4);
			if (type == 3)
				ct_end = off + 8 + slen;
		}
		assert_true(ct_end > 0);
		img[ct_end - 4 - 107 + 13] ^= 0x40;
		for (size_t i = 24; i < len; i++) {
			c ^= img[i];
			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		}
		crc = c ^ 0xffffffffu;
		memcpy(img + 12, &crc, 4);
	}
	net2 = net_alloc();
	assert_int_equal(nfemu_state_deserialize(net2, img, len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "conntrack section: entry"));
	net_free(net2);
	free(img);
}

/* The payload streamed a megabyte at a time is the payload; read back in windows just over
 * the loader's record margin, it gives the same table, and an error deep in it names the
 * entry and its offset in the whole payload (emu/state.c's conntrack files). */
struct t_sink {
	unsigned char *buf;
	size_t len;
	unsigned int calls;
};

static int t_sink_flush(void *ctx, const unsigned char *p, size_t n)
{
	struct t_sink *k = ctx;

	k->buf = realloc(k->buf, k->len + n);
	assert_non_null(k->buf);
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->calls++;
	return 0;
}

struct t_win {
	const unsigned char *all;
	size_t next, cap;
	unsigned char *win;
	unsigned int slides;
};

static int t_win_more(struct nf_ct_state_src *src, size_t keep)
{
	struct t_win *w = src->ctx;
	size_t left = src->len - keep, n = w->cap - left;

	memmove(w->win, w->win + keep, left);
	if (n > src->total - w->next)
		n = src->total - w->next;
	memcpy(w->win + left, w->all + w->next, n);
	w->next += n;
	src->base += keep;
	src->buf = w->win;
	src->len = left + n;
	src->eof = w->next == src->total;
	w->slides++;
	return 0;
}

static int t_load_windowed(struct net *net, const unsigned char *buf, size_t len, struct t_win *w,
			   char *err, size_t errlen)
{
	struct nf_ct_state_src src = { .total = len, .more = t_win_more, .ctx = w };

	*w = (struct t_win){ .all = buf, .cap = 70 * 1024 };
	w->win = malloc(w->cap);
	assert_non_null(w->win);
	src.buf = w->win;
	int ret = nf_conntrack_state_load_src(net, &src, err, errlen);

	free(w->win);
	return ret;
}

static int t_cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* text's lines sorted (text is consumed). */
static char *t_sorted_lines(char *text)
{
	size_t n = 0, cap = 1024, len = strlen(text);
	char **lines = malloc(cap * sizeof(*lines)), *out = malloc(len + 1), *p = out;

	assert_non_null(lines);
	assert_non_null(out);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (n == cap)
			lines = realloc(lines, (cap *= 2) * sizeof(*lines));
		lines[n++] = l;
	}
	qsort(lines, n, sizeof(*lines), t_cmp_str);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s\n", lines[i]);
	*p = '\0';
	free(lines);
	free(text);
	return out;
}

static void t_state_windows(void **state)
{
	struct net *net = ((struct ctx *)*state)->net, *net2;
	struct t_sink sink = { 0 };
	unsigned char *buf, *rest;
	size_t len, restlen;
	struct t_win w;
	char err[512] = "";
	char *a, *b;

	for (unsigned int i = 0; i < 12000; i++) {
		struct pkt p = udp4(A, B, (u16)(1024 + i), 53, 3);

		fwd(net, &p);
	}
	assert_int_equal(nf_conntrack_count(net), 12000);
	assert_int_equal(nf_conntrack_state_save(net, &buf, &len), 0);
	assert_true(len > 1100000);
	assert_int_equal(nf_conntrack_state_save_stream(net, t_sink_flush, &sink, &rest, &restlen), 0);
	assert_int_equal(sink.calls, 1);        /* the first megabyte, then the rest */
	t_sink_flush(&sink, rest, restlen);
	free(rest);
	assert_int_equal(sink.len, len);
	assert_memory_equal(sink.buf, buf, len);
	free(sink.buf);

	net2 = net_alloc();
	assert_int_equal(net_boot(net2), 0);
	assert_int_equal(request_module(net2, "nf_conntrack"), 0);
	if (t_load_windowed(net2, buf, len, &w, err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(w.slides > 10);
	/* the same entries (the hash walks them in another order) */
	a = t_sorted_lines(nf_conntrack_show(net, NF_CT_PRINT_PROC, NULL));
	b = t_sorted_lines(nf_conntrack_show(net2, NF_CT_PRINT_PROC, NULL));
	assert_string_equal(a, b);
	free(a);
	free(b);
	nf_conntrack_flush(net2);
	/* entry 10,000's address family (records of 107 bytes after a 24-byte header) */
	buf[24 + 9999 * 107 + 13] ^= 0x40;
	assert_int_equal(t_load_windowed(net2, buf, len, &w, err, sizeof(err)), -EINVAL);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "entry 10000 at +1069917"));
	buf[24 + 9999 * 107 + 13] ^= 0x40;
	nf_conntrack_flush(net2);
	/* a byte too many at the end */
	buf = realloc(buf, len + 1);
	buf[len] = 0;
	assert_int_equal(t_load_windowed(net2, buf, len + 1, &w, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "1 stray bytes after 12000 entries");
	nf_conntrack_flush(net2);
	free(buf);
	net_free(net2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(t_hooks_follow_references),
		T(t_unconfirmed_to_hash),
		T(t_dropped_before_confirm),
		T(t_dying_list),
		T(t_no_listener_no_dying),
		T(t_dying_while_packet_holds_it),
		T(t_early_drop),
		T(t_table_full_of_assured),
		T(t_tcp_table_transcription),
		T(t_tcp_table_cells),
		T(t_tcp_lifecycle),
		T(t_tcp_rst_and_half_open),
		T(t_tcp_rst_out_of_window),
		T(t_tcp_window),
		T(t_tcp_window_scaling_and_sack),
		T(t_tcp_loose),
		T(t_tcp_retrans),
		T(t_udp),
		T(t_icmp),
		T(t_icmp_error_related),
		T(t_defrag),
		T(t_timeouts),
		T(t_listing),
		T(t_state_roundtrip),
		T(t_state_file),
		T(t_state_windows),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
