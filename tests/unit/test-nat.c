/* tests/unit/test-nat.c - the NAT core (nat/): how nf_nat_setup_info chooses a binding.
 *
 * get_unique_tuple under each of its branches: the packet's own tuple kept, the address a range
 * hashes a connection to (jhash2 of the addresses: computed here independently of the choice and
 * compared), --persistent, a source-port clash searched from a random offset (seeded, so the
 * same seed gives the same port), a port range exhausted (the clashing tuple is kept and confirm
 * will refuse it), --random; the bysource hash reusing a source's mapping for its next
 * connection; the null binding of a connection no rule translated; and, with packets, the
 * rewrite of an ICMP error about a masqueraded flow (inner and outer headers, checksums checked
 * with tests/unit/pktutil.h, not the kernel's own code).
 * Connections are built by hand (nf_conntrack_alloc), bound while unconfirmed and then put in
 * the hash as confirm would, so that later ones clash with them.
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
#include "kernel/random.h"
#include "lib/jhash.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat.h"
#include "netstack/inet.h"
#include "netstack/skbuff.h"
#include "pktutil.h"

#define IP(a, b, c, d) htonl(((u32)(a) << 24) | ((u32)(b) << 16) | ((u32)(c) << 8) | (u32)(d))
#define LAN1 IP(192, 0, 2, 10)
#define LAN2 IP(192, 0, 2, 11)
#define PUB IP(198, 51, 100, 1)
#define SRV IP(203, 0, 113, 5)
#define T0 (1741003200ULL * NSEC_PER_SEC)

struct ctx {
	struct net *net;
	/* the last NAT decision the observer saw */
	bool seen;
	struct nfemu_nat_event last;
};

static void observe(void *p, const struct nfemu_event *ev)
{
	struct ctx *c = p;

	if (ev->type != NFEMU_EV_NAT)
		return;
	c->seen = true;
	c->last = *ev->nat;
	c->last.from = c->last.to = NULL;       /* they point into the caller's frame */
	c->last.range = NULL;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	c->net = net_alloc();
	assert_non_null(c->net);
	assert_int_equal(inet_net_init(c->net), 0);
	nfemu_clock_set(c->net, T0);
	nfemu_random_seed(c->net, 1);
	assert_int_equal(request_module(c->net, "nf_nat"), 0);
	assert_true(c->net->ct.ready);
	assert_non_null(c->net->nf.nat_hook);
	c->net->observer.event = observe;
	c->net->observer.ctx = c;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	inet_net_exit(c->net);
	net_free(c->net);
	free(c);
	return 0;
}

static struct nf_conntrack_tuple tuple(u8 proto, __be32 s, u16 sp, __be32 d, u16 dp)
{
	struct nf_conntrack_tuple t;

	memset(&t, 0, sizeof(t));
	t.src.l3num = NFPROTO_IPV4;
	t.src.u3.ip = s;
	t.dst.u3.ip = d;
	t.dst.protonum = proto;
	if (proto == IPPROTO_ICMP) {
		t.src.u.icmp.id = htons(sp);
		t.dst.u.icmp.type = 8;
	} else {
		t.src.u.all = htons(sp);
		t.dst.u.all = htons(dp);
	}
	return t;
}

/* A new, unconfirmed connection for the original tuple. */
static struct nf_conn *conn(struct ctx *c, const struct nf_conntrack_tuple *orig)
{
	struct nf_conntrack_tuple repl;
	struct nf_conn *ct;

	assert_true(nf_ct_invert_tuple(&repl, orig));
	ct = nf_conntrack_alloc(c->net, &nf_ct_zone_dflt, orig, &repl);
	assert_false(IS_ERR(ct));
	ct->ct_general.use = 1;
	ct->timeout = 120 * HZ;
	if (orig->dst.protonum == IPPROTO_TCP)
		ct->proto.tcp.state = TCP_CONNTRACK_SYN_SENT;
	return ct;
}

/* Into the hash, as nf_confirm puts it (the table holds it; the caller's reference goes). */
static void confirm(struct nf_conn *ct)
{
	ct->timeout += nfct_time_stamp(nf_ct_net(ct));
	ct->status |= IPS_CONFIRMED;
	assert_int_equal(nf_conntrack_hash_check_insert(ct), 0);
	nf_ct_put(ct);
}

static struct nf_nat_range2 range(__be32 lo, __be32 hi, u16 plo, u16 phi, unsigned int flags)
{
	struct nf_nat_range2 r;

	memset(&r, 0, sizeof(r));
	r.flags = flags | NF_NAT_RANGE_MAP_IPS;
	r.min_addr.ip = lo;
	r.max_addr.ip = hi;
	if (plo) {
		r.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
		r.min_proto.all = htons(plo);
		r.max_proto.all = htons(phi);
	}
	return r;
}

static const struct nf_conntrack_tuple *reply(const struct nf_conn *ct)
{
	return &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
}

/* SNAT: the reply goes to the mapped source (address, port). */
static void assert_mapped(const struct nf_conn *ct, __be32 addr, u16 port)
{
	assert_int_equal(reply(ct)->dst.u3.ip, addr);
	assert_int_equal(ntohs(reply(ct)->dst.u.all), port);
}

/* ------------------------------------------------------------------ the branches */

/* MASQUERADE-like: one address, ports unspecified, nothing in use: the source port is kept. */
static void t_port_kept(void **state)
{
	struct ctx *c = *state;
	struct nf_conntrack_tuple o = tuple(IPPROTO_TCP, LAN1, 40000, SRV, 80);
	struct nf_nat_range2 r = range(PUB, PUB, 0, 0, 0);
	struct nf_conn *ct = conn(c, &o);

	assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	assert_mapped(ct, PUB, 40000);
	assert_true(ct->status & IPS_SRC_NAT);
	assert_true(ct->status & IPS_SRC_NAT_DONE);
	assert_false(ct->status & (IPS_DST_NAT | IPS_DST_NAT_DONE));
	assert_true(c->seen);
	assert_int_equal(c->last.how, NFEMU_NAT_RANGE);
	assert_false(c->last.clash);
	/* the original direction is not touched */
	assert_int_equal(ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u3.ip, LAN1);
	/* a second binding of the same kind is refused (WARN_ON in Linux) */
	assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_SRC), NF_DROP);
	confirm(ct);
}

/* The packet's own tuple, in the range and unused, is kept as it is (no IPS_SRC_NAT). */
static void t_original_kept(void **state)
{
	struct ctx *c = *state;
	struct nf_conntrack_tuple o = tuple(IPPROTO_UDP, LAN1, 5353, SRV, 53);
	struct nf_nat_range2 r = range(IP(192, 0, 2, 0), IP(192, 0, 2, 255), 0, 0, 0);
	struct nf_conn *ct = conn(c, &o);

	assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	assert_mapped(ct, LAN1, 5353);
	assert_int_equal(c->last.how, NFEMU_NAT_KEPT);
	assert_false(ct->status & IPS_SRC_NAT);
	assert_true(ct->status & IPS_SRC_NAT_DONE);
	confirm(ct);
}

/* Two inside hosts, one source port, one public address: the first keeps its port, the second
 * is searched in 1024-65535 from a random offset: in range, unique, and the same for a seed. */
static u16 clash_port(u64 seed)
{
	struct ctx c0 = { 0 };
	struct ctx *c = &c0;
	void *st = NULL;
	struct nf_conntrack_tuple o1 = tuple(IPPROTO_TCP, LAN1, 40000, SRV, 80);
	struct nf_conntrack_tuple o2 = tuple(IPPROTO_TCP, LAN2, 40000, SRV, 80);
	struct nf_nat_range2 r = range(PUB, PUB, 0, 0, 0);
	struct nf_conn *ct1, *ct2;
	u16 port;

	setup(&st);
	c = st;
	nfemu_random_seed(c->net, seed);
	ct1 = conn(c, &o1);
	assert_int_equal(nf_nat_setup_info(ct1, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	assert_mapped(ct1, PUB, 40000);
	confirm(ct1);
	ct2 = conn(c, &o2);
	assert_int_equal(nf_nat_setup_info(ct2, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	assert_int_equal(c->last.how, NFEMU_NAT_SEARCH);
	assert_true(c->last.clash);
	assert_true(c->last.tried >= 1);
	assert_int_equal(reply(ct2)->dst.u3.ip, PUB);
	port = ntohs(reply(ct2)->dst.u.all);
	assert_true(port >= 1024);
	assert_int_not_equal(port, 40000);
	assert_int_equal(nf_conntrack_tuple_taken(reply(ct2), ct2), 0);
	confirm(ct2);
	teardown(&st);
	return port;
}

static void t_clash_seeded(void **state)
{
	u16 a = clash_port(7), b = clash_port(7), d = clash_port(8);

	(void)state;
	assert_int_equal(a, b);
	assert_int_not_equal(a, d);
}

/* Ports below 1024 stay in their class: <512 in 1-511, 512-1023 in 600-1023. */
static void t_port_classes(void **state)
{
	struct ctx *c = *state;
	static const u16 sport[] = { 123, 700 };

	for (size_t i = 0; i < ARRAY_SIZE(sport); i++) {
		struct nf_conntrack_tuple o1 = tuple(IPPROTO_UDP, LAN1, sport[i], SRV, 123);
		struct nf_conntrack_tuple o2 = tuple(IPPROTO_UDP, LAN2, sport[i], SRV, 123);
		struct nf_nat_range2 r = range(PUB, PUB, 0, 0, 0);
		struct nf_conn *ct1 = conn(c, &o1), *ct2;
		u16 p;

		assert_int_equal(nf_nat_setup_info(ct1, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
		confirm(ct1);
		ct2 = conn(c, &o2);
		assert_int_equal(nf_nat_setup_info(ct2, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
		p = ntohs(reply(ct2)->dst.u.all);
		if (sport[i] < 512)
			assert_true(p >= 1 && p <= 511);
		else
			assert_true(p >= 600 && p <= 1023);
		assert_int_not_equal(p, sport[i]);
		confirm(ct2);
	}
}

/* --to-source A:10000-10001: two connections take the two ports; the third finds none, keeps
 * a taken tuple and would be refused at confirm (the packet is dropped). */
static void t_range_exhausted(void **state)
{
	struct ctx *c = *state;
	struct nf_nat_range2 r = range(PUB, PUB, 10000, 10001, 0);
	u16 used[2];

	for (int i = 0; i < 3; i++) {
		struct nf_conntrack_tuple o = tuple(IPPROTO_TCP, LAN1, (u16)(40000 + i), SRV, 80);
		struct nf_conn *ct = conn(c, &o);
		u16 p;

		assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
		p = ntohs(reply(ct)->dst.u.all);
		assert_true(p == 10000 || p == 10001);
		if (i < 2) {
			assert_int_equal(c->last.how, NFEMU_NAT_SEARCH);
			used[i] = p;
			confirm(ct);
			continue;
		}
		assert_int_not_equal(used[0], used[1]);
		assert_int_equal(c->last.how, NFEMU_NAT_EXHAUSTED);
		assert_int_equal(c->last.tried, 2);
		assert_int_equal(nf_conntrack_tuple_taken(reply(ct), ct), 1);
		nf_ct_put(ct);
	}
}

/* The address from a range: jhash2 of the source address words, seeded with the destination
 * (0 with --persistent), scaled onto the range. */
static __be32 expected_addr(__be32 src, __be32 dst, __be32 lo, __be32 hi, bool persistent)
{
	u32 words[4] = { (u32)src, 0, 0, 0 };
	u32 j = jhash2(words, 4, persistent ? 0 : (u32)dst);

	return htonl(ntohl(lo) + reciprocal_scale(j, ntohl(hi) - ntohl(lo) + 1));
}

static void t_address_range(void **state)
{
	struct ctx *c = *state;
	__be32 lo = IP(198, 51, 100, 1), hi = IP(198, 51, 100, 4);
	bool seen[4] = { false };
	unsigned int distinct = 0;

	for (u8 k = 1; k <= 16; k++) {
		__be32 dst = IP(203, 0, 113, k);
		struct nf_conntrack_tuple o = tuple(IPPROTO_TCP, LAN1, 40000, dst, 443);
		struct nf_nat_range2 r = range(lo, hi, 0, 0, 0);
		struct nf_nat_range2 rp = range(lo, hi, 0, 0, NF_NAT_RANGE_PERSISTENT);
		struct nf_conn *ct = conn(c, &o);
		struct nf_conntrack_tuple o2 = tuple(IPPROTO_TCP, LAN2, 40000, dst, 443);
		struct nf_conn *ct2 = conn(c, &o2);
		__be32 got;

		assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
		got = reply(ct)->dst.u3.ip;
		assert_int_equal(got, expected_addr(LAN1, dst, lo, hi, false));
		if (!seen[ntohl(got) - ntohl(lo)])
			distinct++;
		seen[ntohl(got) - ntohl(lo)] = true;
		/* the port stays: nothing else has this address and port towards dst */
		assert_int_equal(ntohs(reply(ct)->dst.u.all), 40000);
		nf_ct_put(ct);
		/* --persistent: the destination does not count */
		assert_int_equal(nf_nat_setup_info(ct2, &rp, NF_NAT_MANIP_SRC), NF_ACCEPT);
		assert_int_equal(reply(ct2)->dst.u3.ip, expected_addr(LAN2, 0, lo, hi, true));
		nf_ct_put(ct2);
	}
	assert_true(distinct > 1);
}

/* --random: the port is drawn even when the packet's own would do. */
static void t_random(void **state)
{
	struct ctx *c = *state;
	struct nf_conntrack_tuple o = tuple(IPPROTO_UDP, LAN1, 40000, SRV, 53);
	struct nf_nat_range2 r = range(PUB, PUB, 0, 0, NF_NAT_RANGE_PROTO_RANDOM);
	struct nf_conn *ct = conn(c, &o);
	u16 p;

	assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	p = ntohs(reply(ct)->dst.u.all);
	assert_true(p >= 1024);
	assert_int_not_equal(p, 40000);
	assert_int_equal(c->last.how, NFEMU_NAT_SEARCH);
	nf_ct_put(ct);
}

/* bysource: a source mapped to a port outside its own keeps that mapping for its next
 * connection, to another destination. */
static void t_bysource(void **state)
{
	struct ctx *c = *state;
	struct nf_nat_range2 r = range(PUB, PUB, 20000, 20099, 0);
	struct nf_conntrack_tuple o1 = tuple(IPPROTO_UDP, LAN1, 5000, SRV, 53);
	struct nf_conntrack_tuple o2 = tuple(IPPROTO_UDP, LAN1, 5000, IP(203, 0, 113, 6), 53);
	struct nf_conntrack_tuple o3 = tuple(IPPROTO_UDP, LAN2, 5000, IP(203, 0, 113, 6), 53);
	struct nf_conn *ct1 = conn(c, &o1), *ct2, *ct3;
	u16 p1;

	assert_int_equal(nf_nat_setup_info(ct1, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	p1 = ntohs(reply(ct1)->dst.u.all);
	assert_true(p1 >= 20000 && p1 <= 20099);
	assert_false(c->last.bysource_hit);
	confirm(ct1);

	ct2 = conn(c, &o2);
	assert_int_equal(nf_nat_setup_info(ct2, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	assert_int_equal(c->last.how, NFEMU_NAT_BYSOURCE);
	assert_true(c->last.bysource_hit);
	assert_mapped(ct2, PUB, p1);
	confirm(ct2);

	/* another source is not found there */
	ct3 = conn(c, &o3);
	assert_int_equal(nf_nat_setup_info(ct3, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	assert_false(c->last.bysource_hit);
	nf_ct_put(ct3);
}

/* No rule chose: the null binding keeps the tuple when it is free; DNAT never changes a port
 * on its own. */
static void t_null_binding(void **state)
{
	struct ctx *c = *state;
	struct nf_conntrack_tuple o = tuple(IPPROTO_ICMP, LAN1, 0x4e46, SRV, 0);
	struct nf_conn *ct = conn(c, &o);

	assert_int_equal(nf_nat_alloc_null_binding(ct, NF_INET_PRE_ROUTING), NF_ACCEPT);
	assert_true(c->last.null_binding);
	assert_int_equal(c->last.manip, NF_NAT_MANIP_DST);
	assert_int_equal(nf_nat_alloc_null_binding(ct, NF_INET_POST_ROUTING), NF_ACCEPT);
	assert_int_equal(c->last.manip, NF_NAT_MANIP_SRC);
	assert_int_equal(ct->status & (IPS_NAT_MASK | IPS_NAT_DONE_MASK), IPS_NAT_DONE_MASK);
	assert_int_equal(reply(ct)->dst.u3.ip, LAN1);
	assert_int_equal(reply(ct)->src.u3.ip, SRV);
	assert_int_equal(ntohs(reply(ct)->src.u.icmp.id), 0x4e46);
	assert_false(hlist_unhashed(&ct->nat_bysource));
	confirm(ct);
}

/* Destination NAT to a port range: searched from the range's start, not at random. */
static void t_dnat_port(void **state)
{
	struct ctx *c = *state;
	struct nf_nat_range2 r = range(LAN1, LAN1, 8080, 8089, 0);

	for (int i = 0; i < 2; i++) {
		struct nf_conntrack_tuple o = tuple(IPPROTO_TCP, SRV, 50000, PUB, 80);
		struct nf_conn *ct = conn(c, &o);

		assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_DST), NF_ACCEPT);
		assert_true(ct->status & IPS_DST_NAT);
		assert_int_equal(reply(ct)->src.u3.ip, LAN1);
		/* the first free port from the start of the range */
		assert_int_equal(ntohs(reply(ct)->src.u.all), 8080 + i);
		if (i == 0) {
			assert_int_equal(c->last.tried, 1);
			/* the next one of the same source port clashes on 8080 */
			ct->status |= IPS_CONFIRMED;
			ct->timeout += nfct_time_stamp(c->net);
			assert_int_equal(nf_conntrack_hash_check_insert(ct), 0);
			nf_ct_put(ct);
		} else {
			nf_ct_put(ct);
		}
	}
}

/* ------------------------------------------------------------------ ICMP errors */

/* A port-unreachable from upstream about a masqueraded UDP flow is rewritten back: outer
 * destination and inner source become the inside host's; every checksum stays valid. */
static void t_icmp_error_translation(void **state)
{
	struct ctx *c = *state;
	struct nf_conntrack_tuple o = tuple(IPPROTO_UDP, LAN1, 5000, SRV, 53);
	struct nf_nat_range2 r = range(PUB, PUB, 0, 0, 0);
	struct nf_conn *ct = conn(c, &o);
	u8 pkt[20 + 8 + 20 + 8 + 4];
	u8 *ih = pkt + 20, *in = ih + 8, *iu = in + 20;
	struct sk_buff *skb;
	const u8 *p;

	assert_int_equal(nf_nat_setup_info(ct, &r, NF_NAT_MANIP_SRC), NF_ACCEPT);
	assert_int_equal(nf_nat_alloc_null_binding(ct, NF_INET_PRE_ROUTING), NF_ACCEPT);
	/* the quoted packet as it left: PUB:5000 > SRV:53 */
	memset(pkt, 0, sizeof(pkt));
	in[0] = 0x45;
	put16(in + 2, 32);
	in[8] = 63;
	in[9] = IPPROTO_UDP;
	memcpy(in + 12, &(__be32){ PUB }, 4);
	memcpy(in + 16, &(__be32){ SRV }, 4);
	put16(in + 10, fold(sum16(in, 20, 0)));
	put16(iu, 5000);
	put16(iu + 2, 53);
	put16(iu + 4, 12);
	memcpy(iu + 8, "abcd", 4);
	{
		u8 ph[12];

		memcpy(ph, &(__be32){ PUB }, 4);
		memcpy(ph + 4, &(__be32){ SRV }, 4);
		ph[8] = 0;
		ph[9] = IPPROTO_UDP;
		put16(ph + 10, 12);
		put16(iu + 6, fold(sum16(iu, 12, sum16(ph, 12, 0))));
	}
	ih[0] = 3;
	ih[1] = 3;
	put16(ih + 2, fold(sum16(ih, 8 + 20 + 12, 0)));
	pkt[0] = 0x45;
	put16(pkt + 2, sizeof(pkt));
	pkt[8] = 64;
	pkt[9] = IPPROTO_ICMP;
	memcpy(pkt + 12, &(__be32){ SRV }, 4);
	memcpy(pkt + 16, &(__be32){ PUB }, 4);
	put16(pkt + 10, fold(sum16(pkt, 20, 0)));

	skb = alloc_skb(sizeof(pkt));
	memcpy(skb_put(skb, sizeof(pkt)), pkt, sizeof(pkt));
	skb_reset_network_header(skb);
	skb->transport_header = skb->network_header + 20;
	skb->emu_net = c->net;
	nf_ct_set(skb, ct, IP_CT_RELATED_REPLY);
	ct->ct_general.use++;
	/* at PREROUTING: the destination manipulation of the reply direction */
	assert_int_equal(nf_nat_icmp_reply_translation(skb, ct, IP_CT_RELATED_REPLY,
						       NF_INET_PRE_ROUTING), 1);
	p = skb->data;
	assert_memory_equal(p + 16, &(__be32){ LAN1 }, 4);              /* outer dst */
	assert_memory_equal(p + 12, &(__be32){ SRV }, 4);
	assert_int_equal(fold(sum16(p, 20, 0)), 0);
	assert_int_equal(fold(sum16(p + 20, sizeof(pkt) - 20, 0)), 0); /* ICMP */
	assert_memory_equal(p + 28 + 12, &(__be32){ LAN1 }, 4);         /* inner src */
	assert_int_equal(fold(sum16(p + 28, 20, 0)), 0);                /* inner IP */
	assert_int_equal((p + 48)[0] << 8 | (p + 48)[1], 5000);
	{
		u8 ph[12];

		memcpy(ph, p + 28 + 12, 8);
		ph[8] = 0;
		ph[9] = IPPROTO_UDP;
		put16(ph + 10, 12);
		assert_int_equal(fold(sum16(p + 48, 12, sum16(ph, 12, 0))), 0);  /* inner UDP */
	}
	kfree_skb(skb);
	nf_ct_put(ct);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_port_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(t_original_kept, setup, teardown),
		cmocka_unit_test(t_clash_seeded),
		cmocka_unit_test_setup_teardown(t_port_classes, setup, teardown),
		cmocka_unit_test_setup_teardown(t_range_exhausted, setup, teardown),
		cmocka_unit_test_setup_teardown(t_address_range, setup, teardown),
		cmocka_unit_test_setup_teardown(t_random, setup, teardown),
		cmocka_unit_test_setup_teardown(t_bysource, setup, teardown),
		cmocka_unit_test_setup_teardown(t_null_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(t_dnat_port, setup, teardown),
		cmocka_unit_test_setup_teardown(t_icmp_error_translation, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
