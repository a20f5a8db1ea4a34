/* tests/unit/test-conntrack-helper.c - helpers and expectations (the FTP helper), and the
 * conntrack-based extensions at run time: CT (notrack, helper, zone), NOTRACK, connmark and
 * CONNMARK, helper, connlimit (nf_conncount), connbytes (with accounting).
 *
 * Each test loads nf_conntrack, nf_conntrack_ftp and the extension modules into a fresh
 * emulated kernel and drives hand-built packets through the hook functions as nf_hook_slow
 * would: the raw table's CT rule (a CT --helper ftp template for packets to port 21),
 * nf_conntrack_in at PRE_ROUTING, optionally a match or target "in FORWARD", nf_confirm at
 * POST_ROUTING (where helpers run).  FTP parsing follows net/netfilter/nf_conntrack_ftp.c;
 * the listings were checked against Linux 6.18 (tests/kernel/packet cases 42 and 43).
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

#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter/xt_connbytes.h>
#include <linux/netfilter/xt_connlimit.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_helper.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_count.h"
#include "conntrack/nf_conntrack_state.h"
#include "netstack/inet.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"
#include "pktutil.h"

#define IP(a, b, c, d) __cpu_to_be32(((u32)(a) << 24) | ((u32)(b) << 16) | ((u32)(c) << 8) | (u32)(d))
#define A IP(192, 0, 2, 10)             /* the client */
#define A2 IP(192, 0, 2, 11)
#define B IP(203, 0, 113, 5)            /* the server */
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

static void ip_fill(struct pkt *p, __be32 s, __be32 d, u8 proto, unsigned int l4len)
{
	u8 *h = p->b;

	h[0] = 0x45;
	put16(h + 2, (u16)(20 + l4len));
	put16(h + 4, 1);
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, &s, 4);
	memcpy(h + 16, &d, 4);
	put16(h + 10, fold(sum16(h, 20, 0)));
	p->len = 20 + l4len;
}

static u32 pseudo(__be32 s, __be32 d, u8 proto, unsigned int len)
{
	u8 ph[12] = { 0 };

	memcpy(ph, &s, 4);
	memcpy(ph + 4, &d, 4);
	ph[9] = proto;
	put16(ph + 10, (u16)len);
	return sum16(ph, 12, 0);
}

static struct pkt tcp4(__be32 s, __be32 d, u16 sp, u16 dp, u8 flags, u32 seq, u32 ack,
		       const void *data, unsigned int datalen)
{
	struct pkt p = { 0 };
	u8 *th = p.b + 20;

	put16(th, sp);
	put16(th + 2, dp);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, 64240);
	if (datalen)
		memcpy(th + 20, data, datalen);
	put16(th + 16, fold(sum16(th, 20 + datalen, pseudo(s, d, 6, 20 + datalen))));
	ip_fill(&p, s, d, 6, 20 + datalen);
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
	ip_fill(&p, s, d, 17, 8 + datalen);
	return p;
}

/* ------------------------------------------------------------------ the kernel */

/* A rule's match or target: found, checked, destroyed at the end as iptables would. */
struct ext {
	struct net *net;
	struct xt_match *m;
	struct xt_target *t;
	unsigned char data[512] __attribute__((aligned(8)));
	/* the rule's struct ipt_entry (whose flexible elems[] may not sit inside a struct) */
	_Alignas(struct ipt_entry) unsigned char ent[sizeof(struct ipt_entry)];
	bool checked;
};

#define ext_entry(e) ((struct ipt_entry *)(e)->ent)

struct ctx {
	struct net *net;
	struct ext ct_helper;           /* raw PREROUTING -p tcp --dport 21 -j CT --helper ftp */
	/* "FORWARD": a match or target run on every packet between conntrack and confirm */
	struct ext *fwd_ext;
	bool fwd_verdict;               /* what the match said on the last packet */
	bool fwd_hotdrop;
};

/* The rule's info as the kernel keeps it (with the kernel-only tail filled in). */
static void *ext_info(struct ext *e)
{
	return e->data;
}

static int ext_check(struct ext *e, struct net *net, bool match, const char *name, u8 rev,
		     const void *info, size_t size, u8 proto)
{
	memset(e, 0, sizeof(*e));
	e->net = net;
	ext_entry(e)->ip.proto = proto;
	if (size)
		memcpy(e->data, info, size);
	if (match) {
		struct xt_mtchk_param par = {
			.net = net, .table = "filter", .entryinfo = ext_entry(e),
			.hook_mask = 1u << NF_INET_FORWARD, .family = NFPROTO_IPV4,
		};

		e->m = xt_find_match(net, NFPROTO_IPV4, name, rev);
		assert_false(IS_ERR(e->m));
		assert_non_null(e->m->match);
		par.match = e->m;
		par.matchinfo = e->data;
		if (e->m->checkentry) {
			int ret = e->m->checkentry(&par);

			if (ret) {
				module_put(e->m->me);
				return ret;
			}
		}
	} else {
		struct xt_tgchk_param par = {
			.net = net, .table = "raw", .entryinfo = ext_entry(e), .targinfo = e->data,
			.hook_mask = 1u << NF_INET_PRE_ROUTING, .family = NFPROTO_IPV4,
		};

		e->t = xt_find_target(net, NFPROTO_IPV4, name, rev);
		assert_false(IS_ERR(e->t));
		assert_non_null(e->t->target);
		par.target = e->t;
		if (e->t->checkentry) {
			int ret = e->t->checkentry(&par);

			if (ret) {
				module_put(e->t->me);
				return ret;
			}
		}
	}
	e->checked = true;
	return 0;
}

static void ext_destroy(struct ext *e)
{
	if (!e->checked)
		return;
	if (e->m) {
		struct xt_mtdtor_param par = { .net = e->net, .match = e->m, .matchinfo = e->data,
					       .family = NFPROTO_IPV4 };

		if (e->m->destroy)
			e->m->destroy(&par);
		module_put(e->m->me);
	} else {
		struct xt_tgdtor_param par = { .net = e->net, .target = e->t, .targinfo = e->data,
					       .family = NFPROTO_IPV4 };

		if (e->t->destroy)
			e->t->destroy(&par);
		module_put(e->t->me);
	}
	e->checked = false;
}

/* Run the extension on skb at hook; a match's result, or for a target whether it said
 * XT_CONTINUE. */
static bool ext_run(struct ext *e, struct sk_buff *skb, unsigned int hook, bool *hotdrop)
{
	struct nf_hook_state st;
	struct xt_action_param par = { 0 };
	bool ret;

	nf_hook_state_init(&st, hook, NFPROTO_IPV4, NULL, NULL, NULL, e->net, NULL);
	par.state = &st;
	par.thoff = ip_hdrlen(skb);
	if (e->m) {
		par.match = e->m;
		par.matchinfo = e->data;
		ret = e->m->match(skb, &par);
	} else {
		par.target = e->t;
		par.targinfo = e->data;
		ret = e->t->target(skb, &par) == XT_CONTINUE;
	}
	if (hotdrop)
		*hotdrop = par.hotdrop;
	return ret;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct xt_ct_target_info_v1 ct = { .helper = "ftp" };
	static const char *const mods[] = {
		"nf_conntrack", "nf_conntrack_ftp", "xt_CT", "xt_connmark", "xt_helper",
		"xt_connlimit", "xt_connbytes", "xt_conntrack",
	};

	assert_non_null(c);
	c->net = net_alloc();
	assert_non_null(c->net);
	assert_int_equal(inet_net_init(c->net), 0);
	nfemu_clock_set(c->net, T0);
	for (size_t i = 0; i < ARRAY_SIZE(mods); i++)
		assert_int_equal(request_module(c->net, "%s", mods[i]), 0);
	assert_int_equal(ext_check(&c->ct_helper, c->net, false, "CT", 2, &ct, sizeof(ct),
				   IPPROTO_TCP), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	ext_destroy(&c->ct_helper);
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

/* What a packet got. */
struct res {
	unsigned int verdict;           /* NF_ACCEPT, or NF_DROP (by conntrack or the helper) */
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;             /* its entry (still valid while in the hash) */
	unsigned long status;
};

static void advance(struct net *net, double secs)
{
	nfemu_clock_set(net, net->clock.now_ns + (u64)(secs * NSEC_PER_SEC));
}

/* Forward one packet, 0.1 s after the last one: raw (CT --helper ftp for TCP to port 21),
 * conntrack, "FORWARD" (ctx->fwd_ext), confirm (helpers), free. */
static struct res fwd(struct ctx *c, const struct pkt *p)
{
	struct net *net = c->net;
	struct sk_buff *skb = mkskb(net, p);
	struct nf_hook_state st;
	struct res r = { 0 };

	advance(net, 0.1);
	if (c->ct_helper.checked && p->b[9] == IPPROTO_TCP && p->b[22] == 0 && p->b[23] == 21)
		ext_run(&c->ct_helper, skb, NF_INET_PRE_ROUTING, NULL);
	nf_hook_state_init(&st, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NULL, NULL, NULL, net, NULL);
	r.verdict = nf_conntrack_in(skb, &st);
	if (r.verdict == NF_ACCEPT && c->fwd_ext)
		c->fwd_verdict = ext_run(c->fwd_ext, skb, NF_INET_FORWARD, &c->fwd_hotdrop);
	if (r.verdict == NF_ACCEPT) {
		nf_hook_state_init(&st, NF_INET_POST_ROUTING, NFPROTO_IPV4, NULL, NULL, NULL, net, NULL);
		r.verdict = nf_confirm(NULL, skb, &st);
	}
	r.ct = nf_ct_get(skb, &r.ctinfo);
	if (r.ct)
		r.status = r.ct->status;
	if (r.verdict == NF_ACCEPT)
		consume_skb(skb);
	else
		kfree_skb(skb);
	return r;
}

/* A TCP connection with its sequence numbers. */
struct flow {
	struct ctx *c;
	__be32 caddr, saddr;
	u16 cport, sport;
	u32 cseq, sseq;
};

static struct res flow_c(struct flow *f, u8 flags, const char *data)
{
	unsigned int len = data ? (unsigned int)strlen(data) : 0;
	struct pkt p = tcp4(f->caddr, f->saddr, f->cport, f->sport, flags, f->cseq, f->sseq, data, len);
	struct res r = fwd(f->c, &p);

	if (r.verdict == NF_ACCEPT)
		f->cseq += len + ((flags & (SYN | FIN)) ? 1 : 0);
	return r;
}

static struct res flow_s(struct flow *f, u8 flags, const char *data)
{
	unsigned int len = data ? (unsigned int)strlen(data) : 0;
	struct pkt p = tcp4(f->saddr, f->caddr, f->sport, f->cport, flags, f->sseq, f->cseq, data, len);
	struct res r = fwd(f->c, &p);

	if (r.verdict == NF_ACCEPT)
		f->sseq += len + ((flags & (SYN | FIN)) ? 1 : 0);
	return r;
}

/* Open a connection and exchange one line each way (the lines the helper cannot read: it
 * learns where lines start from them).  Returns the entry. */
static struct nf_conn *flow_open(struct flow *f, struct ctx *c, __be32 caddr, u16 cport,
				 __be32 saddr, u16 sport)
{
	struct res r;

	*f = (struct flow){ .c = c, .caddr = caddr, .saddr = saddr, .cport = cport, .sport = sport,
			    .cseq = 1000u + cport, .sseq = 500000u + cport };
	r = flow_c(f, SYN, NULL);
	assert_int_equal(r.ctinfo, IP_CT_NEW);
	assert_int_equal(flow_s(f, SYN | ACK, NULL).ctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_int_equal(flow_c(f, ACK, NULL).ctinfo, IP_CT_ESTABLISHED);
	if (sport == 21) {
		assert_int_equal(flow_s(f, PSH | ACK, "220 nfemu FTP\r\n").verdict, NF_ACCEPT);
		assert_int_equal(flow_c(f, PSH | ACK, "USER anonymous\r\n").verdict, NF_ACCEPT);
	}
	return r.ct;
}

static struct nf_conntrack_tuple tuple(__be32 s, __be32 d, u8 proto, u16 sp, u16 dp)
{
	struct nf_conntrack_tuple t = { 0 };

	t.src.l3num = NFPROTO_IPV4;
	t.src.u3.ip = s;
	t.dst.u3.ip = d;
	t.dst.protonum = proto;
	t.src.u.all = htons(sp);
	t.dst.u.all = htons(dp);
	return t;
}

/* The expectation a connection from s:sp to d:dp would fulfil, or NULL. */
static struct nf_conntrack_expect *exp_for(struct net *net, __be32 s, u16 sp, __be32 d, u16 dp)
{
	struct nf_conntrack_tuple t = tuple(s, d, IPPROTO_TCP, sp, dp);

	return __nf_ct_expect_find(net, &nf_ct_zone_dflt, &t);
}

/* The entry whose original tuple is s:sp -> d:dp (TCP), not held. */
static struct nf_conn *find_ct(struct net *net, __be32 s, u16 sp, __be32 d, u16 dp)
{
	struct nf_conntrack_tuple t = tuple(s, d, IPPROTO_TCP, sp, dp);
	struct nf_conntrack_tuple_hash *h = nf_conntrack_find_get(net, &nf_ct_zone_dflt, &t);

	assert_non_null(h);
	nf_ct_put(nf_ct_tuplehash_to_ctrack(h));        /* the hash still holds it */
	return nf_ct_tuplehash_to_ctrack(h);
}

static unsigned int nexp(struct net *net)
{
	return net->ct.expect_count;
}

/* ------------------------------------------------------------------ FTP: the commands */

static void t_ftp_port(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct nf_conntrack_expect *exp;
	struct nf_conn *master;
	struct flow f;

	master = flow_open(&f, c, A, 40000, B, 21);
	assert_non_null(nfct_help(master));
	assert_string_equal(nfct_help(master)->helper->name, "ftp");
	assert_true(master->status & IPS_HELPER);
	/* PORT 192,0,2,10,156,65: the server may connect from any port to A:40001 */
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,65\r\n").verdict, NF_ACCEPT);
	assert_int_equal(nexp(net), 1);
	exp = exp_for(net, B, 20, A, 40001);
	assert_non_null(exp);
	assert_ptr_equal(exp->master, master);
	assert_ptr_equal(exp_for(net, B, 12345, A, 40001), exp);       /* source port masked */
	assert_null(exp_for(net, A2, 20, A, 40001));                    /* source address not */
	assert_int_equal(exp->mask.src.u.all, 0);
	assert_int_equal(exp->mask.src.u3.ip, 0xffffffff);
	assert_int_equal((exp->timeout - nfct_time_stamp(net)) / HZ, 300);
	assert_int_equal(nfct_help(master)->expecting[0], 1);
	/* lower case is a command too */
	assert_int_equal(flow_c(&f, PSH | ACK, "port 192,0,2,10,156,66\r\n").verdict, NF_ACCEPT);
	assert_non_null(exp_for(net, B, 20, A, 40002));
}

static void t_ftp_pasv_eprt_epsv(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct flow f;

	flow_open(&f, c, A, 40010, B, 21);
	/* 227 reply: the client may connect to B:50001 (the first digit is found anywhere) */
	assert_int_equal(flow_c(&f, PSH | ACK, "PASV\r\n").verdict, NF_ACCEPT);
	assert_int_equal(flow_s(&f, PSH | ACK, "227 Entering Passive Mode (203,0,113,5,195,81).\r\n").verdict,
			 NF_ACCEPT);
	assert_non_null(exp_for(net, A, 40011, B, 50001));
	assert_null(exp_for(net, A2, 40011, B, 50001));
	/* EPSV reply: |||port| with the address of the control connection */
	assert_int_equal(flow_s(&f, PSH | ACK, "229 Entering Extended Passive Mode (|||50002|)\r\n").verdict,
			 NF_ACCEPT);
	assert_non_null(exp_for(net, A, 1, B, 50002));
	/* max_expected is 1: the newest replaced the 227 one */
	assert_null(exp_for(net, A, 40011, B, 50001));
	assert_int_equal(nexp(net), 1);
	/* EPRT |1|addr|port| from the client */
	assert_int_equal(flow_c(&f, PSH | ACK, "EPRT |1|192.0.2.10|40012|\r\n").verdict, NF_ACCEPT);
	assert_non_null(exp_for(net, B, 20, A, 40012));
	/* any printable delimiter */
	assert_int_equal(flow_c(&f, PSH | ACK, "EPRT !1!192.0.2.10!40013!\r\n").verdict, NF_ACCEPT);
	assert_non_null(exp_for(net, B, 20, A, 40013));
	assert_int_equal(nexp(net), 1);
}

/* The helper reads a command only at the start of a segment that starts a line, as Linux. */
static void t_ftp_stream(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct flow f;

	flow_open(&f, c, A, 40020, B, 21);
	/* a segment not ending in a newline: the next one does not start a line */
	assert_int_equal(flow_c(&f, PSH | ACK, "NOOP").verdict, NF_ACCEPT);
	assert_int_equal(flow_c(&f, PSH | ACK, "\r\n").verdict, NF_ACCEPT);
	/* ...but the end of "\r\n" does */
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,85\r\n").verdict, NF_ACCEPT);
	assert_non_null(exp_for(net, B, 20, A, 40021));
	/* a second line in the same segment is not looked at */
	assert_int_equal(flow_c(&f, PSH | ACK, "NOOP\r\nPORT 192,0,2,10,156,86\r\n").verdict, NF_ACCEPT);
	assert_null(exp_for(net, B, 20, A, 40022));
	/* a retransmission of an old segment (not after a remembered newline) is ignored */
	{
		struct pkt p = tcp4(A, B, 40020, 21, PSH | ACK, f.cseq - 8, f.sseq, "PORT 1\r\n", 8);

		assert_int_equal(fwd(c, &p).verdict, NF_ACCEPT);
	}
	/* the server's lines are tracked separately */
	assert_int_equal(flow_s(&f, PSH | ACK, "200 ok\r\n").verdict, NF_ACCEPT);
	assert_int_equal(flow_s(&f, PSH | ACK, "227 (203,0,113,5,195,90)\r\n").verdict, NF_ACCEPT);
	assert_non_null(exp_for(net, A, 1, B, 50010));
}

/* A command cut in the middle, or with numbers that do not parse, drops the packet
 * ("partial matching"); its sequence space is not learnt, so the whole retransmitted line
 * then works. */
static void t_ftp_split_and_bad(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct flow f;
	struct res r;

	flow_open(&f, c, A, 40030, B, 21);
	/* "PO" + "RT ...": the first part is a partial match */
	r = flow_c(&f, PSH | ACK, "PO");
	assert_int_equal(r.verdict, NF_DROP);
	/* "PORT 192,0,2,10," + "156,95\r\n": numbers missing */
	r = flow_c(&f, PSH | ACK, "PORT 192,0,2,10,");
	assert_int_equal(r.verdict, NF_DROP);
	assert_int_equal(nexp(net), 0);
	/* the client sends the whole line again: fine */
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,95\r\n").verdict, NF_ACCEPT);
	assert_non_null(exp_for(net, B, 20, A, 40031));
	/* too few numbers, a bad EPRT protocol, a digit as delimiter, EPSV without port */
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 1,2,3\r\n").verdict, NF_DROP);
	assert_int_equal(flow_c(&f, PSH | ACK, "EPRT |2|::1|5282|\r\n").verdict, NF_DROP);
	assert_int_equal(flow_c(&f, PSH | ACK, "EPRT 1|1|192.0.2.10|5282|\r\n").verdict, NF_DROP);
	assert_int_equal(flow_s(&f, PSH | ACK, "200 ok\r\n").verdict, NF_ACCEPT);
	assert_int_equal(flow_s(&f, PSH | ACK, "229 (|||0|)\r\n").verdict, NF_DROP);
	assert_int_equal(flow_s(&f, PSH | ACK, "229 no parenthesis\r\n").verdict, NF_DROP);
	/* another address than the sender's: accepted, nothing expected (loose=0) */
	assert_int_equal(nexp(net), 1);
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 10,0,0,1,156,96\r\n").verdict, NF_ACCEPT);
	assert_null(exp_for(net, B, 20, IP(10, 0, 0, 1), 40032));
	/* the existing expectation was left alone */
	assert_non_null(exp_for(net, B, 20, A, 40031));
	/* not a command at all, or only its first letters in a longer word */
	assert_int_equal(flow_c(&f, PSH | ACK, "LIST\r\n").verdict, NF_ACCEPT);
	assert_int_equal(flow_c(&f, PSH | ACK, "PORTABLE\r\n").verdict, NF_DROP);
}

/* ------------------------------------------------------------------ the expected connection */

static void t_related_child(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct xt_helper_info ftp = { .name = "ftp" }, irc = { .name = "irc" }, any = { .name = "" };
	struct ext m_ftp, m_irc, m_any;
	struct nf_conn *master, *child;
	struct flow f, d;
	struct res r;

	master = flow_open(&f, c, A, 40040, B, 21);
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,105\r\n").verdict, NF_ACCEPT);
	assert_int_equal(master->ct_general.use, 1);    /* the hash's */
	/* the server connects back from port 20: RELATED, then ESTABLISHED once answered */
	d = (struct flow){ .c = c, .caddr = B, .saddr = A, .cport = 20, .sport = 40041,
			   .cseq = 7000, .sseq = 9000 };
	r = flow_c(&d, SYN, NULL);
	assert_int_equal(r.verdict, NF_ACCEPT);
	assert_int_equal(r.ctinfo, IP_CT_RELATED);
	child = r.ct;
	assert_true(child->status & IPS_EXPECTED);
	assert_ptr_equal(child->master, master);
	assert_int_equal(master->ct_general.use, 2);    /* the child holds its master */
	assert_int_equal(nexp(net), 0);                  /* fulfilled: out of the table */
	assert_null(nfct_help(child));                   /* the helper is not inherited */
	/* the answer makes it ESTABLISHED */
	assert_int_equal(flow_s(&d, SYN | ACK, NULL).ctinfo, IP_CT_ESTABLISHED_REPLY);
	assert_int_equal(flow_c(&d, ACK, NULL).ctinfo, IP_CT_ESTABLISHED);

	/* the helper match: the master's helper, by name prefix; not the master itself */
	assert_int_equal(ext_check(&m_ftp, net, true, "helper", 0, &ftp, sizeof(ftp), 0), 0);
	assert_int_equal(ext_check(&m_irc, net, true, "helper", 0, &irc, sizeof(irc), 0), 0);
	assert_int_equal(ext_check(&m_any, net, true, "helper", 0, &any, sizeof(any), 0), 0);
	{
		struct pkt p = tcp4(B, A, 20, 40041, ACK, d.cseq, d.sseq, NULL, 0);
		struct pkt q = tcp4(A, B, 40040, 21, ACK, f.cseq, f.sseq, NULL, 0);
		struct nf_hook_state st;
		struct sk_buff *skb = mkskb(net, &p), *skb2 = mkskb(net, &q);

		nf_hook_state_init(&st, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NULL, NULL, NULL, net, NULL);
		assert_int_equal(nf_conntrack_in(skb, &st), NF_ACCEPT);
		assert_int_equal(nf_conntrack_in(skb2, &st), NF_ACCEPT);
		assert_true(ext_run(&m_ftp, skb, NF_INET_FORWARD, NULL));
		assert_false(ext_run(&m_irc, skb, NF_INET_FORWARD, NULL));
		assert_true(ext_run(&m_any, skb, NF_INET_FORWARD, NULL));
		assert_false(ext_run(&m_ftp, skb2, NF_INET_FORWARD, NULL));
		consume_skb(skb);
		consume_skb(skb2);
	}
	ext_destroy(&m_ftp);
	ext_destroy(&m_irc);
	ext_destroy(&m_any);

	/* conntrack -L: helper=ftp on the master only; use counts the child */
	{
		char line[512];

		nf_conntrack_print(master, NF_CT_PRINT_CONNTRACK_TOOL, line, sizeof(line));
		assert_non_null(strstr(line, " [ASSURED] mark=0 helper=ftp use=2"));
		nf_conntrack_print(child, NF_CT_PRINT_CONNTRACK_TOOL, line, sizeof(line));
		assert_null(strstr(line, "helper="));
		nf_conntrack_print(master, NF_CT_PRINT_PROC, line, sizeof(line));
		assert_null(strstr(line, "helper="));
	}
	/* the master goes first (flush order is the hash's); the child keeps it until it goes */
	nf_conntrack_flush(net);
	assert_int_equal(nf_conntrack_count(net), 0);
}

static void t_expect_limits_and_timeout(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct flow f, g, d;
	struct res r;

	/* nf_conntrack_expect_max: a second expectation does not fit, the packet is dropped */
	net->ipv4.nf_ct.expect_max = 1;
	flow_open(&f, c, A, 40050, B, 21);
	flow_open(&g, c, A2, 40060, B, 21);
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,115\r\n").verdict, NF_ACCEPT);
	r = flow_c(&g, PSH | ACK, "PORT 192,0,2,11,156,125\r\n");
	assert_int_equal(r.verdict, NF_DROP);
	assert_int_equal(nexp(net), 1);
	assert_non_null(nfemu_printk_since(net, 0));
	assert_non_null(strstr(nfemu_printk_since(net, 0), "expectation table full"));
	/* the same client replacing its own (max_expected 1) is fine at the limit */
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,116\r\n").verdict, NF_ACCEPT);
	assert_null(exp_for(net, B, 20, A, 40051));
	assert_non_null(exp_for(net, B, 20, A, 40052));
	net->ipv4.nf_ct.expect_max = 4096;
	/* (acknowledged, or the entry itself would time out with its data unacked, 300 s) */
	assert_int_equal(flow_s(&f, ACK, NULL).verdict, NF_ACCEPT);

	/* expectations time out after 300 s, seen when looked at and reaped by the gc */
	advance(net, 299);
	assert_non_null(exp_for(net, B, 20, A, 40052));
	advance(net, 1.5);
	assert_null(exp_for(net, B, 20, A, 40052));
	assert_int_equal(nexp(net), 1);                  /* still in the table... */
	nf_conntrack_gc(net);
	assert_int_equal(nexp(net), 0);                  /* ...until the gc's nf_ct_help_gc */
	/* the server connecting now is a new connection */
	d = (struct flow){ .c = c, .caddr = B, .saddr = A, .cport = 20, .sport = 40052,
			   .cseq = 7000, .sseq = 9000 };
	r = flow_c(&d, SYN, NULL);
	assert_int_equal(r.ctinfo, IP_CT_NEW);
	assert_null(r.ct->master);

	/* deleting the master deletes its expectations */
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,117\r\n").verdict, NF_ACCEPT);
	assert_int_equal(nexp(net), 1);
	{
		struct nf_conntrack_tuple t = tuple(A, B, IPPROTO_TCP, 40050, 21);
		struct nf_conntrack_tuple_hash *h = nf_conntrack_find_get(net, &nf_ct_zone_dflt, &t);

		assert_non_null(h);
		nf_ct_delete(nf_ct_tuplehash_to_ctrack(h), 0, 0);
		nf_ct_put(nf_ct_tuplehash_to_ctrack(h));
	}
	assert_int_equal(nexp(net), 0);
}

/* Expectation events reach a listener whose template asked for them; the listings. */
static int ev_ct(unsigned int events, const struct nf_ct_event *item)
{
	(void)events;
	(void)item;
	return 0;
}

static unsigned int exp_events_seen;
static void ev_exp(unsigned int events, const struct nf_exp_event *item)
{
	(void)item;
	exp_events_seen |= events;
}

static const struct nf_ct_event_notifier listener = { .ct_event = ev_ct, .exp_event = ev_exp };

static void t_expect_events_and_listing(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	unsigned int n = 0;
	struct flow f;
	char *text;

	nf_conntrack_register_notifier(net, &listener);
	exp_events_seen = 0;
	flow_open(&f, c, A, 40070, B, 21);
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,135\r\n").verdict, NF_ACCEPT);
	assert_int_equal(exp_events_seen, 1u << IPEXP_NEW);
	text = nf_ct_expect_show(net, false, &n);
	assert_int_equal(n, 1);
	assert_string_equal(text, "300 proto=6 src=203.0.113.5 dst=192.0.2.10 sport=0 dport=40071 "
			    "mask-src=255.255.255.255 mask-dst=255.255.255.255 sport=0 dport=65535 "
			    "master-src=192.0.2.10 master-dst=203.0.113.5 sport=40070 dport=21 "
			    "class=0 helper=ftp\n");
	free(text);
	text = nf_ct_expect_show(net, true, NULL);
	assert_string_equal(text, "300 l3proto = 2 proto=6 src=203.0.113.5 dst=192.0.2.10 "
			    "sport=0 dport=40071 ftp\n");
	free(text);
	nf_conntrack_flush(net);
	assert_int_equal(exp_events_seen, (1u << IPEXP_NEW) | (1u << IPEXP_DESTROY));
	nf_conntrack_unregister_notifier(net);
}

/* The state file keeps helpers, expectations and masters across replays. */
static void t_state_keeps_helpers(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net, *net2;
	unsigned char *buf = NULL;
	char err[256] = "", *a, *b;
	size_t len = 0;
	struct nf_conn *master, *child;
	struct flow f, d, f2, d2;

	master = flow_open(&f, c, A, 40080, B, 21);
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,145\r\n").verdict, NF_ACCEPT);
	d = (struct flow){ .c = c, .caddr = B, .saddr = A, .cport = 20, .sport = 40081,
			   .cseq = 7000, .sseq = 9000 };
	child = flow_c(&d, SYN, NULL).ct;
	assert_ptr_equal(child->master, master);
	assert_int_equal(flow_c(&f, PSH | ACK, "PORT 192,0,2,10,156,146\r\n").verdict, NF_ACCEPT);
	assert_int_equal(nf_conntrack_state_save(net, &buf, &len), 0);

	net2 = net_alloc();
	assert_int_equal(inet_net_init(net2), 0);
	assert_int_equal(request_module(net2, "nf_conntrack_ftp"), 0);
	if (nf_conntrack_state_load(net2, buf, len, err, sizeof(err)))
		fail_msg("%s", err);
	a = nf_conntrack_show(net, NF_CT_PRINT_CONNTRACK_TOOL, NULL);
	b = nf_conntrack_show(net2, NF_CT_PRINT_CONNTRACK_TOOL, NULL);
	assert_string_equal(a, b);                       /* helper=ftp, use=2 included */
	free(a);
	free(b);
	a = nf_ct_expect_show(net, false, NULL);
	b = nf_ct_expect_show(net2, false, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* and they work: the helper's stream position, the expectation, the master */
	{
		struct ctx c2 = *c;

		c2.net = net2;
		c2.ct_helper.checked = false;           /* net's template stays in net */
		f2 = f;
		f2.c = &c2;
		assert_int_equal(flow_c(&f2, PSH | ACK, "PORT 192,0,2,10,156,147\r\n").verdict, NF_ACCEPT);
		d2 = (struct flow){ .c = &c2, .caddr = B, .saddr = A, .cport = 20, .sport = 40083,
				    .cseq = 7000, .sseq = 9000 };
		assert_int_equal(flow_c(&d2, SYN, NULL).ctinfo, IP_CT_RELATED);
		assert_ptr_equal(find_ct(net2, B, 20, A, 40081)->master, find_ct(net2, A, 40080, B, 21));
		assert_ptr_equal(find_ct(net2, B, 20, A, 40083)->master, find_ct(net2, A, 40080, B, 21));
	}
	/* a state saved with a helper cannot be loaded without its module */
	nf_conntrack_flush(net2);
	net_free(net2);
	net2 = net_alloc();
	assert_int_equal(request_module(net2, "nf_conntrack"), 0);
	assert_int_equal(nf_conntrack_state_load(net2, buf, len, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "helper not registered"));
	nf_conntrack_flush(net2);
	net_free(net2);
	free(buf);
}

/* ------------------------------------------------------------------ CT and NOTRACK */

static void t_ct_notrack(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct xt_ct_target_info_v1 nt = { .flags = XT_CT_NOTRACK };
	struct xt_ct_target_info nt0 = { .flags = XT_CT_NOTRACK };
	struct ext ct1, ct0, notrack;
	struct pkt p = udp4(A, B, 5353, 5353, 4);
	struct nf_hook_state st;
	enum ip_conntrack_info ctinfo;
	struct ext *rules[] = { &ct1, &ct0, &notrack };
	unsigned int users = net->ct.users4;

	assert_int_equal(ext_check(&ct1, net, false, "CT", 1, &nt, sizeof(nt), IPPROTO_UDP), 0);
	assert_int_equal(ext_check(&ct0, net, false, "CT", 0, &nt0, sizeof(nt0), 0), 0);
	assert_int_equal(ext_check(&notrack, net, false, "NOTRACK", 0, NULL, 0, 0), 0);
	/* --notrack takes no conntrack reference and no template */
	assert_int_equal(net->ct.users4, users);
	assert_null(((struct xt_ct_target_info_v1 *)ext_info(&ct1))->ct);
	nf_hook_state_init(&st, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NULL, NULL, NULL, net, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++) {
		struct sk_buff *skb = mkskb(net, &p);
		unsigned int count = nf_conntrack_count(net);

		assert_true(ext_run(rules[i], skb, NF_INET_PRE_ROUTING, NULL));
		assert_int_equal(skb->_nfct, IP_CT_UNTRACKED);
		assert_null(nf_ct_get(skb, &ctinfo));
		assert_int_equal(ctinfo, IP_CT_UNTRACKED);
		/* conntrack leaves it alone: no entry */
		assert_int_equal(nf_conntrack_in(skb, &st), NF_ACCEPT);
		assert_int_equal(skb->_nfct, IP_CT_UNTRACKED);
		assert_int_equal(nf_conntrack_count(net), count);
		/* a second CT rule does not override it ("previously seen") */
		assert_true(ext_run(&c->ct_helper, skb, NF_INET_PRE_ROUTING, NULL));
		assert_int_equal(skb->_nfct, IP_CT_UNTRACKED);
		consume_skb(skb);
	}
	ext_destroy(&ct1);
	ext_destroy(&ct0);
	ext_destroy(&notrack);
}

static void t_ct_zone_and_refusals(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct xt_ct_target_info_v1 zone = { .zone = 7 }, bad = { .helper = "nosuch" },
				    tmo = { .timeout = "pol" }, noproto = { .helper = "ftp" };
	struct ext z, e;
	struct pkt p = udp4(A, B, 1234, 53, 4);
	struct sk_buff *skb = mkskb(net, &p);
	struct nf_hook_state st;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct, *tmpl;

	assert_int_equal(ext_check(&z, net, false, "CT", 2, &zone, sizeof(zone), IPPROTO_UDP), 0);
	tmpl = ((struct xt_ct_target_info_v1 *)ext_info(&z))->ct;
	assert_non_null(tmpl);
	assert_true(nf_ct_is_template(tmpl));
	assert_true(nf_ct_is_confirmed(tmpl));
	assert_true(ext_run(&z, skb, NF_INET_PRE_ROUTING, NULL));
	assert_ptr_equal(nf_ct_get(skb, &ctinfo), tmpl);
	assert_int_equal(ctinfo, IP_CT_NEW);
	assert_int_equal(tmpl->ct_general.use, 2);       /* the rule's and the packet's */
	nf_hook_state_init(&st, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NULL, NULL, NULL, net, NULL);
	assert_int_equal(nf_conntrack_in(skb, &st), NF_ACCEPT);
	ct = nf_ct_get(skb, &ctinfo);
	assert_false(nf_ct_is_template(ct));
	assert_int_equal(nf_ct_zone(ct)->id, 7);
	assert_int_equal(tmpl->ct_general.use, 1);       /* conntrack dropped the packet's */
	consume_skb(skb);
	ext_destroy(&z);

	/* no such helper; a timeout policy (none exist); a helper without -p */
	assert_int_equal(ext_check(&e, net, false, "CT", 2, &bad, sizeof(bad), IPPROTO_TCP), -ENOENT);
	assert_int_equal(ext_check(&e, net, false, "CT", 2, &tmo, sizeof(tmo), IPPROTO_TCP), -ENOENT);
	assert_int_equal(ext_check(&e, net, false, "CT", 2, &noproto, sizeof(noproto), 0), -ENOENT);
	/* a helper nfemu only stands in for is accepted and attached, and does nothing */
	{
		struct xt_ct_target_info_v1 irc = { .helper = "irc" };

		assert_int_equal(ext_check(&e, net, false, "CT", 2, &irc, sizeof(irc), IPPROTO_TCP), 0);
		assert_string_equal(nfct_help(((struct xt_ct_target_info_v1 *)ext_info(&e))->ct)->helper->name,
				    "irc");
		ext_destroy(&e);
	}
	/* the ftp rule holds nf_conntrack_ftp */
	assert_int_equal(delete_module(net, "nf_conntrack_ftp"), -EBUSY);
}

/* ------------------------------------------------------------------ connmark */

static void t_connmark(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct pkt p = udp4(A, B, 2000, 53, 4);
	struct sk_buff *skb = mkskb(net, &p);
	struct nf_hook_state st;
	enum ip_conntrack_info ctinfo;
	struct nf_conn *ct;
	struct ext t, m;
	struct xt_connmark_tginfo2 tg;
	struct xt_connmark_tginfo1 tg1;
	struct xt_connmark_mtinfo1 mt;

	nf_hook_state_init(&st, NF_INET_PRE_ROUTING, NFPROTO_IPV4, NULL, NULL, NULL, net, NULL);
	assert_int_equal(nf_conntrack_in(skb, &st), NF_ACCEPT);
	ct = nf_ct_get(skb, &ctinfo);
	ct->mark = 0x1234;

#define TG2(...) do {                                                                        \
		tg = (struct xt_connmark_tginfo2){ __VA_ARGS__ };                             \
		assert_int_equal(ext_check(&t, net, false, "CONNMARK", 2, &tg, sizeof(tg), 0), 0); \
		assert_true(ext_run(&t, skb, NF_INET_PRE_ROUTING, NULL));                    \
		ext_destroy(&t);                                                              \
	} while (0)
	/* --set-xmark 0x5/0xf, shifted left by 4 */
	ct->emu_events = 0;
	TG2(.ctmark = 0x5, .ctmask = 0xf, .mode = XT_CONNMARK_SET, .shift_dir = D_SHIFT_LEFT,
	    .shift_bits = 4);
	assert_int_equal(ct->mark, 0x12350);
	assert_true(ct->emu_events & (1u << IPCT_MARK));
	/* --save-mark --nfmask 0xf0 --ctmask 0xf, the packet's 0xa0 shifted right by 4 */
	skb->mark = 0xab;
	TG2(.ctmask = 0xf, .nfmask = 0xf0, .mode = XT_CONNMARK_SAVE, .shift_dir = D_SHIFT_RIGHT,
	    .shift_bits = 4);
	assert_int_equal(ct->mark, 0x1235a);
	/* --restore-mark --ctmask 0xff00 --nfmask 0xff, shifted right by 8 */
	skb->mark = 0xabcdef01;
	TG2(.ctmask = 0xff00, .nfmask = 0xff, .mode = XT_CONNMARK_RESTORE, .shift_dir = D_SHIFT_RIGHT,
	    .shift_bits = 8);
	assert_int_equal(skb->mark, 0xabcdef23);
	/* no change, no event */
	ct->emu_events = 0;
	TG2(.ctmark = 0, .ctmask = 0, .mode = XT_CONNMARK_SET);
	assert_int_equal(ct->mark, 0x1235a);
	assert_false(ct->emu_events & (1u << IPCT_MARK));
	/* revision 1 (no shift): --save-mark with the default masks */
	skb->mark = 0x77;
	tg1 = (struct xt_connmark_tginfo1){ .ctmask = 0xffffffff, .nfmask = 0xffffffff,
					    .mode = XT_CONNMARK_SAVE };
	assert_int_equal(ext_check(&t, net, false, "CONNMARK", 1, &tg1, sizeof(tg1), 0), 0);
	assert_true(ext_run(&t, skb, NF_INET_PRE_ROUTING, NULL));
	ext_destroy(&t);
	assert_int_equal(ct->mark, 0x77);
#undef TG2
	/* the match: (mark & mask) == value, inverted */
	mt = (struct xt_connmark_mtinfo1){ .mark = 0x7, .mask = 0xf };
	assert_int_equal(ext_check(&m, net, true, "connmark", 1, &mt, sizeof(mt), 0), 0);
	assert_true(ext_run(&m, skb, NF_INET_FORWARD, NULL));
	ext_destroy(&m);
	mt.invert = 1;
	assert_int_equal(ext_check(&m, net, true, "connmark", 1, &mt, sizeof(mt), 0), 0);
	assert_false(ext_run(&m, skb, NF_INET_FORWARD, NULL));
	ext_destroy(&m);
	/* revision 2 refuses shifts of 32 bits and unknown directions */
	tg = (struct xt_connmark_tginfo2){ .mode = XT_CONNMARK_SAVE, .shift_bits = 32 };
	assert_int_equal(ext_check(&t, net, false, "CONNMARK", 2, &tg, sizeof(tg), 0), -EINVAL);
	tg = (struct xt_connmark_tginfo2){ .mode = XT_CONNMARK_SAVE, .shift_dir = 2 };
	assert_int_equal(ext_check(&t, net, false, "CONNMARK", 2, &tg, sizeof(tg), 0), -EINVAL);
	/* without an entry (NOTRACK): nothing happens, the match is false */
	skb->_nfct = IP_CT_UNTRACKED;
	nf_ct_put(ct);
	tg = (struct xt_connmark_tginfo2){ .mode = XT_CONNMARK_RESTORE, .ctmask = ~0u, .nfmask = ~0u };
	assert_int_equal(ext_check(&t, net, false, "CONNMARK", 2, &tg, sizeof(tg), 0), 0);
	assert_true(ext_run(&t, skb, NF_INET_PRE_ROUTING, NULL));
	assert_int_equal(skb->mark, 0x77);
	ext_destroy(&t);
	consume_skb(skb);
}

/* ------------------------------------------------------------------ connlimit */

static void t_connlimit(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct xt_connlimit_info info = { .limit = 2, .flags = 0 };
	struct ext m;
	struct flow f[4], g;

	memset(&info.mask, 0xff, sizeof(info.mask));
	assert_int_equal(ext_check(&m, net, true, "connlimit", 1, &info, sizeof(info), IPPROTO_TCP), 0);
	c->fwd_ext = &m;
	/* three connections from A: the third is above 2 */
	for (int i = 0; i < 3; i++) {
		f[i] = (struct flow){ .c = c, .caddr = A, .saddr = B, .cport = (u16)(41000 + i),
				      .sport = 80, .cseq = 100, .sseq = 200 };
		flow_c(&f[i], SYN, NULL);
		assert_false(c->fwd_hotdrop);
		assert_int_equal(c->fwd_verdict, i == 2);
		flow_s(&f[i], SYN | ACK, NULL);
		flow_c(&f[i], ACK, NULL);
	}
	/* another source has its own count */
	g = (struct flow){ .c = c, .caddr = A2, .saddr = B, .cport = 41100, .sport = 80,
			   .cseq = 100, .sseq = 200 };
	flow_c(&g, SYN, NULL);
	assert_false(c->fwd_verdict);
	/* the assured connections are not counted again, but their count is */
	flow_c(&f[0], PSH | ACK, "x");
	assert_true(c->fwd_verdict);
	/* one connection reset (CLOSE): no longer counted */
	flow_c(&f[1], RST | ACK, NULL);
	f[3] = (struct flow){ .c = c, .caddr = A, .saddr = B, .cport = 41003, .sport = 80,
			      .cseq = 100, .sseq = 200 };
	flow_c(&f[3], SYN, NULL);
	assert_true(c->fwd_verdict);                     /* 0, 2, 3: still above 2 */
	flow_c(&f[2], RST | ACK, NULL);
	advance(net, 1);
	f[3].cseq = 100;
	flow_c(&f[3], SYN, NULL);                        /* retransmission: 0 and 3 */
	assert_false(c->fwd_verdict);
	/* a mask counts the network: A and A2 together (a new rule knows only new ones) */
	c->fwd_ext = NULL;
	ext_destroy(&m);
	info.mask.ip = htonl(0xffffff00);
	assert_int_equal(ext_check(&m, net, true, "connlimit", 1, &info, sizeof(info), IPPROTO_TCP), 0);
	c->fwd_ext = &m;
	for (int i = 0; i < 3; i++) {
		g = (struct flow){ .c = c, .caddr = i == 1 ? A2 : A, .saddr = B,
				   .cport = (u16)(42000 + i), .sport = 80, .cseq = 100, .sseq = 200 };
		flow_c(&g, SYN, NULL);
		assert_int_equal(c->fwd_verdict, i == 2);
	}
	{
		u32 key[2] = { A & htonl(0xffffff00), 0 };

		assert_int_equal(nf_conncount_count_skb(net, NULL, NFPROTO_IPV4,
							((struct xt_connlimit_info *)ext_info(&m))->data,
							key), 3);
	}
	c->fwd_ext = NULL;
	ext_destroy(&m);
}

/* ------------------------------------------------------------------ connbytes */

static void t_connbytes(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct xt_connbytes_info pk = { .count = { 2, ~0ULL }, .what = XT_CONNBYTES_PKTS,
					.direction = XT_CONNBYTES_DIR_BOTH };
	struct xt_connbytes_info by = { .count = { 0, 60 }, .what = XT_CONNBYTES_BYTES,
					.direction = XT_CONNBYTES_DIR_ORIGINAL };
	struct xt_connbytes_info avg = { .count = { 40, 1000 }, .what = XT_CONNBYTES_AVGPKT,
					 .direction = XT_CONNBYTES_DIR_REPLY };
	struct ext m, m2, m3;
	struct pkt q = udp4(A, B, 3000, 53, 4), a = udp4(B, A, 53, 3000, 100);
	struct pkt old = udp4(A, B, 2999, 53, 4);
	unsigned long seq;
	char line[512];
	struct res r;

	/* a flow made before accounting was on has no counters: never matches */
	assert_false(nf_ct_acct_enabled(net));
	fwd(c, &old);
	seq = net->printk.seq;
	assert_int_equal(ext_check(&m, net, true, "connbytes", 0, &pk, sizeof(pk), 0), 0);
	assert_true(nf_ct_acct_enabled(net));
	assert_int_equal(net->printk.seq, seq + 1);      /* "Forcing CT accounting" once... */
	assert_int_equal(ext_check(&m2, net, true, "connbytes", 0, &by, sizeof(by), 0), 0);
	assert_int_equal(ext_check(&m3, net, true, "connbytes", 0, &avg, sizeof(avg), 0), 0);
	assert_int_equal(net->printk.seq, seq + 1);      /* ...not for the next rules */
	c->fwd_ext = &m;
	fwd(c, &old);
	assert_false(c->fwd_verdict);
	/* packets in both directions: the second one is the 2nd packet */
	r = fwd(c, &q);
	assert_false(c->fwd_verdict);
	assert_non_null(nf_conn_acct_find(r.ct));
	fwd(c, &a);
	assert_true(c->fwd_verdict);
	/* bytes of the original direction: 32 so far, then 64 */
	c->fwd_ext = &m2;
	fwd(c, &q);
	assert_false(c->fwd_verdict);
	c->fwd_ext = &m3;                                /* reply average: 128 */
	fwd(c, &q);
	assert_true(c->fwd_verdict);
	c->fwd_ext = NULL;
	/* conntrack -L shows the counters */
	nf_conntrack_print(r.ct, NF_CT_PRINT_CONNTRACK_TOOL, line, sizeof(line));
	assert_non_null(strstr(line, "sport=3000 dport=53 packets=3 bytes=96 src=203.0.113.5 "
				     "dst=192.0.2.10 sport=53 dport=3000 packets=1 bytes=128 "));
	/* from > to: the inverted range */
	ext_destroy(&m);
	pk = (struct xt_connbytes_info){ .count = { 10, 2 }, .what = XT_CONNBYTES_PKTS,
					 .direction = XT_CONNBYTES_DIR_BOTH };
	assert_int_equal(ext_check(&m, net, true, "connbytes", 0, &pk, sizeof(pk), 0), 0);
	c->fwd_ext = &m;
	fwd(c, &q);                                      /* 5 packets: between 2 and 10 */
	assert_false(c->fwd_verdict);
	c->fwd_ext = NULL;
	ext_destroy(&m);
	ext_destroy(&m2);
	ext_destroy(&m3);
	/* unknown mode or direction */
	pk.what = 9;
	assert_int_equal(ext_check(&m, net, true, "connbytes", 0, &pk, sizeof(pk), 0), -EINVAL);
}

/* ------------------------------------------------------------------ helpers: registry */

static void t_helper_registry(void **state)
{
	struct ctx *c = *state;
	struct net *net = c->net;
	struct nf_conntrack_helper *h;

	/* ftp is the module's, for TCP only; the stand-ins are there from nf_conntrack on */
	assert_non_null(__nf_conntrack_helper_find(net, "ftp", NFPROTO_IPV4, IPPROTO_TCP));
	assert_null(__nf_conntrack_helper_find(net, "ftp", NFPROTO_IPV4, IPPROTO_UDP));
	assert_non_null(__nf_conntrack_helper_find(net, "sip", NFPROTO_IPV4, IPPROTO_UDP));
	assert_non_null(__nf_conntrack_helper_find(net, "H.245", NFPROTO_IPV4, IPPROTO_UDP));
	/* a second registration of a name is refused */
	h = calloc(1, sizeof(*h));
	nf_ct_helper_init(h, NFPROTO_IPV4, IPPROTO_TCP, "ftp", 21, 2121, 0,
			  __nf_conntrack_helper_find(net, "ftp", NFPROTO_IPV4, IPPROTO_TCP)->expect_policy,
			  0, NULL, NULL);
	assert_string_equal(h->name, "ftp-0");          /* another port: name-id */
	assert_int_equal(nf_conntrack_helper_register(net, h), 0);
	nf_conntrack_helper_unregister(net, h);
	nf_ct_helper_init(h, NFPROTO_IPV4, IPPROTO_TCP, "ftp", 21, 21, 0,
			  __nf_conntrack_helper_find(net, "ftp", NFPROTO_IPV4, IPPROTO_TCP)->expect_policy,
			  0, NULL, NULL);
	assert_int_equal(nf_conntrack_helper_register(net, h), -EBUSY);
	free(h);
	/* unloading nf_conntrack_ftp (no rule holds it) takes the helper and its expectations */
	ext_destroy(&c->ct_helper);
	assert_int_equal(delete_module(net, "nf_conntrack_ftp"), 0);
	assert_null(__nf_conntrack_helper_find(net, "ftp", NFPROTO_IPV4, IPPROTO_TCP));
	/* and a CT --helper ftp rule loads it again (nfct-helper-ftp) */
	{
		struct xt_ct_target_info_v1 ct = { .helper = "ftp" };

		assert_int_equal(ext_check(&c->ct_helper, net, false, "CT", 2, &ct, sizeof(ct),
					   IPPROTO_TCP), 0);
		assert_non_null(find_module(net, "nf_conntrack_ftp"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(t_ftp_port),
		T(t_ftp_pasv_eprt_epsv),
		T(t_ftp_stream),
		T(t_ftp_split_and_bad),
		T(t_related_child),
		T(t_expect_limits_and_timeout),
		T(t_expect_events_and_listing),
		T(t_state_keeps_helpers),
		T(t_ct_notrack),
		T(t_ct_zone_and_refusals),
		T(t_connmark),
		T(t_connlimit),
		T(t_connbytes),
		T(t_helper_registry),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
