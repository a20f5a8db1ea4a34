/* tests/unit/test-netstack.c - the emulated IPv4 stack: topology, routing, receive, forward,
 * the host's answers, rate limits and reassembly.
 *
 * Each test builds a router from a topology string, feeds it frames and looks at what the
 * observer saw: frames that left (byte for byte), drops with their reasons, generated packets.
 * Expected frames marked "real kernel" were captured from Linux 6.18 in a netns built from the
 * same topology (veth peers, AF_PACKET injection and capture); IP IDs of host-generated ICMP
 * are masked, since Linux draws them from a keyed hash that changes every boot.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/topology.h"
#include "netstack/checksum.h"
#include "netstack/icmp.h"
#include "netstack/inet.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"
#include "netstack/sock.h"

/* ------------------------------------------------------------------------ fixture */

#define MAX_EVENTS 64

struct seen {
	enum nfemu_event_type type;
	enum skb_drop_reason reason;
	char dev[IFNAMSIZ];
	char where[64];
	char text[256];
	unsigned char frame[2048];
	unsigned int frame_len;
	u64 emu_id, emu_parent;
};

struct fx {
	struct net *net;
	struct seen ev[MAX_EVENTS];
	int n;
};

static void observe(void *ctx, const struct nfemu_event *e)
{
	struct fx *fx = ctx;
	struct seen *s;

	if (fx->n == MAX_EVENTS)
		return;
	s = &fx->ev[fx->n++];
	memset(s, 0, sizeof(*s));
	s->type = e->type;
	s->reason = e->reason;
	if (e->dev)
		snprintf(s->dev, sizeof(s->dev), "%s", e->dev->name);
	if (e->where)
		snprintf(s->where, sizeof(s->where), "%s", e->where);
	if (e->sk) {    /* delivered to a socket: named as the fate line names it */
		const struct sock *l = e->sk->rsk_listener ? e->sk->rsk_listener : e->sk;
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &l->sk_rcv_saddr, a, sizeof(a));
		snprintf(s->where, sizeof(s->where), "to %s %s:%u",
			 l->sk_protocol == IPPROTO_TCP ? "tcp" : "udp", a, l->sk_num);
	}
	if (e->text)
		snprintf(s->text, sizeof(s->text), "%s", e->text);
	if (e->frame && e->frame_len <= sizeof(s->frame)) {
		memcpy(s->frame, e->frame, e->frame_len);
		s->frame_len = e->frame_len;
	}
	if (e->skb) {
		s->emu_id = e->skb->emu_id;
		s->emu_parent = e->skb->emu_parent;
	}
}

/* The router of the examples: a LAN (192.168.1.0/24 on lan0) and a WAN (203.0.113.0/24 on
 * wan0, MTU 1400) with a default route; static neighbours. */
static const char *const router_topology =
	"# test router\n"
	"ip link add lan0 address 02:00:00:00:01:01 type veth peer name hlan\n"
	"ip link add wan0 address 02:00:00:00:02:01 mtu 1400 type veth peer name hwan\n"
	"ip link set lan0 up\n"
	"ip link set dev wan0 up\n"
	"ip addr add 192.168.1.1/24 dev lan0\n"
	"ip addr add 203.0.113.2/24 dev wan0\n"
	"ip route add default via 203.0.113.1\n"
	"ip route add unreachable 10.1.0.0/16\n"
	"ip route add blackhole 10.2.0.0/16\n"
	"ip route add prohibit 10.3.0.0/16\n"
	"ip neigh add 192.168.1.10 lladdr 02:00:00:00:01:0a dev lan0\n"
	"ip neigh add 192.168.1.11 lladdr 02:00:00:00:01:0b dev lan0\n"
	"ip neigh add 203.0.113.1 lladdr 02:00:00:00:02:fe dev wan0 nud permanent\n"
	"sysctl -w net.ipv4.ip_forward=1\n";

static int fx_setup_with(void **state, const char *topology)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	char err[512];

	if (!fx)
		return -1;
	fx->net = net_alloc();
	if (!fx->net)
		return -1;
	fx->net->observer.event = observe;
	fx->net->observer.ctx = fx;
	if (nfemu_topology_load_string(fx->net, "test", topology, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	nfemu_clock_set(fx->net, 1700000000ULL * NSEC_PER_SEC);
	*state = fx;
	return 0;
}

static int fx_setup(void **state)
{
	return fx_setup_with(state, router_topology);
}

static int fx_teardown(void **state)
{
	struct fx *fx = *state;

	inet_net_exit(fx->net);
	net_free(fx->net);
	free(fx);
	return 0;
}

/* ------------------------------------------------------------------------ packets */

static size_t unhex(const char *h, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (h[0] && h[1] && n < max) {
		unsigned int v;

		sscanf(h, "%2x", &v);
		out[n++] = (unsigned char)v;
		h += 2;
	}
	return n;
}

static u16 csum16(const void *p, size_t len, u32 sum)
{
	const unsigned char *b = p;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (u32)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (u32)(b[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

struct pkt {
	unsigned char b[2048];
	size_t len;
};

/* Ethernet from H (02:..:01:0a) to the router's lan0, then an IPv4 header. */
static void pkt_ip(struct pkt *p, const char *src, const char *dst, u8 proto, u8 ttl, u16 frag_off,
		   const void *l4, size_t l4len)
{
	static const unsigned char eth[14] = { 2, 0, 0, 0, 1, 1, 2, 0, 0, 0, 1, 0x0a, 0x08, 0x00 };
	unsigned char *ip = p->b + 14;
	struct in_addr a;
	u16 c;

	memcpy(p->b, eth, 14);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (u8)((20 + l4len) >> 8);
	ip[3] = (u8)(20 + l4len);
	ip[5] = 1;      /* id 1 */
	ip[6] = (u8)(frag_off >> 8);
	ip[7] = (u8)frag_off;
	ip[8] = ttl;
	ip[9] = proto;
	inet_pton(AF_INET, src, &a);
	memcpy(ip + 12, &a, 4);
	inet_pton(AF_INET, dst, &a);
	memcpy(ip + 16, &a, 4);
	c = csum16(ip, 20, 0);
	ip[10] = (u8)(c >> 8);
	ip[11] = (u8)c;
	memcpy(ip + 20, l4, l4len);
	p->len = 14 + 20 + l4len;
}

/* Recompute the IPv4 header checksum after editing the header. */
static void pkt_fix_csum(struct pkt *p)
{
	u16 c;

	p->b[24] = p->b[25] = 0;
	c = csum16(p->b + 14, (size_t)(p->b[14] & 0xf) * 4, 0);
	p->b[24] = (u8)(c >> 8);
	p->b[25] = (u8)c;
}

/* A TCP segment with a correct checksum. */
static size_t tcp_seg(unsigned char *t, const char *src, const char *dst, u16 sport, u16 dport,
		      u32 seq, u32 ack, u8 flags, size_t datalen)
{
	unsigned char ph[12];
	struct in_addr a;
	u32 sum = 0;
	u16 c;
	size_t len = 20 + datalen;

	memset(t, 0, len);
	t[0] = (u8)(sport >> 8); t[1] = (u8)sport;
	t[2] = (u8)(dport >> 8); t[3] = (u8)dport;
	t[4] = (u8)(seq >> 24); t[5] = (u8)(seq >> 16); t[6] = (u8)(seq >> 8); t[7] = (u8)seq;
	t[8] = (u8)(ack >> 24); t[9] = (u8)(ack >> 16); t[10] = (u8)(ack >> 8); t[11] = (u8)ack;
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xfa; t[15] = 0xf0;     /* window 64240 */
	for (size_t i = 0; i < datalen; i++)
		t[20 + i] = (u8)('a' + i % 26);
	inet_pton(AF_INET, src, &a);
	memcpy(ph, &a, 4);
	inet_pton(AF_INET, dst, &a);
	memcpy(ph + 4, &a, 4);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = (u8)(len >> 8);
	ph[11] = (u8)len;
	for (int i = 0; i < 12; i += 2)
		sum += (u32)(ph[i] << 8 | ph[i + 1]);
	c = csum16(t, len, sum);
	t[16] = (u8)(c >> 8);
	t[17] = (u8)c;
	return len;
}

/* Feed a frame to dev (as a driver would: NET_IP_ALIGN reserved). */
static void rx(struct fx *fx, const char *dev, const void *frame, size_t len, u64 id)
{
	struct sk_buff *skb = alloc_skb((unsigned int)len + 2);

	assert_non_null(skb);
	skb->data += 2;
	memcpy(skb_put(skb, (unsigned int)len), frame, len);
	skb->dev = dev_get_by_name(fx->net, dev);
	assert_non_null(skb->dev);
	skb->emu_id = id;
	netif_receive_skb(skb);
}

static const struct seen *find_event(const struct fx *fx, enum nfemu_event_type type, int nth)
{
	for (int i = 0; i < fx->n; i++)
		if (fx->ev[i].type == type && nth-- == 0)
			return &fx->ev[i];
	return NULL;
}

static int count_events(const struct fx *fx, enum nfemu_event_type type)
{
	int n = 0;

	for (int i = 0; i < fx->n; i++)
		n += fx->ev[i].type == type;
	return n;
}

static void assert_dropped(const struct fx *fx, enum skb_drop_reason reason)
{
	const struct seen *d = find_event(fx, NFEMU_EV_DROP, 0);

	assert_non_null(d);
	if (d->reason != reason)
		fail_msg("dropped as %s, expected %s", skb_drop_reason_name(d->reason),
			 skb_drop_reason_name(reason));
}

/* Compare a transmitted frame with the expected hex, the IP ID and header checksum masked
 * when mask_id (Linux chooses host-generated ICMP IDs from a keyed hash). */
static void assert_frame(const struct seen *x, const char *dev, const char *hex, bool mask_id)
{
	unsigned char want[2048], got[2048];
	size_t n = unhex(hex, want, sizeof(want));

	assert_non_null(x);
	assert_string_equal(x->dev, dev);
	assert_int_equal(x->frame_len, n);
	memcpy(got, x->frame, n);
	if (mask_id) {
		memset(got + 18, 0, 2);
		memset(want + 18, 0, 2);
		memset(got + 24, 0, 2);
		memset(want + 24, 0, 2);
	}
	assert_memory_equal(got, want, n);
}

/* ------------------------------------------------------------------------ routing */

static void test_route_lookup(void **state)
{
	struct fx *fx = *state;
	struct net *net = fx->net;
	struct fib_result res;
	struct flowi4 fl4;

	memset(&fl4, 0, sizeof(fl4));
	inet_pton(AF_INET, "192.168.1.77", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_int_equal(res.type, RTN_UNICAST);
	assert_int_equal(res.prefixlen, 24);
	assert_string_equal(res.nhc->fib_nh_dev->name, "lan0");
	assert_int_equal(res.table, RT_TABLE_MAIN);

	/* the local table's entries win at equal prefix, and /32 beats /24 */
	inet_pton(AF_INET, "192.168.1.1", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_int_equal(res.type, RTN_LOCAL);
	assert_int_equal(res.table, RT_TABLE_LOCAL);
	inet_pton(AF_INET, "192.168.1.255", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_int_equal(res.type, RTN_BROADCAST);

	/* default route via the gateway */
	inet_pton(AF_INET, "8.8.8.8", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_int_equal(res.prefixlen, 0);
	assert_string_equal(res.nhc->fib_nh_dev->name, "wan0");
	assert_int_equal(ntohl(res.nhc->fib_nh_gw4), 0xcb007101);
	assert_int_equal(ntohl(fib_result_prefsrc(net, &res)), 0xcb007102);

	/* error types answer with their errno */
	inet_pton(AF_INET, "10.1.2.3", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), -EHOSTUNREACH);
	inet_pton(AF_INET, "10.2.2.3", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), -EINVAL);
	inet_pton(AF_INET, "10.3.2.3", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), -EACCES);

	/* loopback */
	inet_pton(AF_INET, "127.1.2.3", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_int_equal(res.type, RTN_LOCAL);

	assert_int_equal(inet_addr_type(net, htonl(0xc0a80101)), RTN_LOCAL);
	assert_int_equal(inet_addr_type(net, htonl(0xc0a801ff)), RTN_BROADCAST);
	assert_int_equal(inet_addr_type(net, htonl(0x08080808)), RTN_UNICAST);
	assert_int_equal(inet_addr_type(net, htonl(0xe0000001)), RTN_MULTICAST);
	assert_int_equal(inet_addr_type(net, htonl(0xffffffff)), RTN_BROADCAST);
}

static void test_route_metric_and_remove(void **state)
{
	struct fx *fx = *state;
	struct net *net = fx->net;
	struct fib_result res;
	struct flowi4 fl4 = { 0 };
	char err[512];

	assert_int_equal(nfemu_topology_load_string(net, "t",
		"ip route add 10.9.0.0/16 via 192.168.1.10 metric 20\n"
		"ip route add 10.9.0.0/16 via 192.168.1.11 metric 10\n", err, sizeof(err)), 0);
	inet_pton(AF_INET, "10.9.1.1", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_int_equal(ntohl(res.nhc->fib_nh_gw4), 0xc0a8010b);       /* the lower metric */

	/* device down: its routes go, the local route of its address stays */
	assert_int_equal(dev_change_flags(dev_get_by_name(net, "lan0"), 0), 0);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_string_equal(res.nhc->fib_nh_dev->name, "wan0");         /* the default now */
	inet_pton(AF_INET, "192.168.1.1", &fl4.daddr);
	assert_int_equal(fib_lookup(net, &fl4, &res, 0), 0);
	assert_int_equal(res.type, RTN_LOCAL);
}

/* The index fib_table_lookup probes (one hash probe per prefix length in use) against the
 * rule it stands for, applied by a scan of every route: the qualifying alias of the longest
 * prefix, of the higher table id (local's 255 beats main's 254), the earliest in the list; an alias qualifies when it is an
 * error type or its nexthop leaves through the flow's oif (if set).  Routes are added between
 * lookups, so the index is rebuilt many times; lookups that need backtracking (the longest
 * prefix's nexthops on the other device) are frequent. */
static int fib_scan_error(const struct fib_info *fi)
{
	return fi->fa_type == RTN_UNREACHABLE ? -EHOSTUNREACH :
	       fi->fa_type == RTN_BLACKHOLE ? -EINVAL : fi->fa_type == RTN_PROHIBIT ? -EACCES : 0;
}

static const struct fib_info *fib_scan(struct net *net, const struct flowi4 *fl4)
{
	const struct fib_info *fi, *best = NULL;

	list_for_each_entry(fi, &net->ipv4.fib_list, fib_list) {
		if ((fl4->daddr ^ fi->fib_dst) & inet_make_mask(fi->fib_dst_len))
			continue;
		if (!fib_scan_error(fi) && fl4->flowi4_oif && fl4->flowi4_oif != fi->fib_nh.fib_nh_oif)
			continue;
		if (best && (fi->fib_dst_len < best->fib_dst_len ||
			     (fi->fib_dst_len == best->fib_dst_len && fi->tb_id <= best->tb_id)))
			continue;
		best = fi;
	}
	return best;
}

static void test_fib_index_vs_scan(void **state)
{
	struct fx *fx = *state;
	struct net *net = fx->net;
	int lan = dev_get_by_name(net, "lan0")->ifindex, wan = dev_get_by_name(net, "wan0")->ifindex;
	u32 rnd = 12345;
	unsigned int compared = 0, backtracked = 0;

	for (int round = 0; round < 60; round++) {
		char line[160], err[512];
		u32 dst, len;

		rnd = rnd * 1103515245u + 12345u;
		len = (rnd >> 8) % 33;
		rnd = rnd * 1103515245u + 12345u;
		/* prefixes under 10.0.0.0/8 so they nest often */
		dst = (0x0a000000u | ((rnd >> 4) & 0x00ffffffu)) & ntohl(inet_make_mask((int)len));
		if (len < 8)
			len = 8, dst &= 0xff000000u;
		snprintf(line, sizeof(line), "ip route add %s%u.%u.%u.%u/%u %s metric %u%s\n",
			 (rnd & 7) == 0 ? "unreachable " : "",
			 dst >> 24, (dst >> 16) & 255, (dst >> 8) & 255, dst & 255, len,
			 (rnd & 7) == 0 ? "" : (rnd & 16) ? "via 192.168.1.10" : "via 203.0.113.1",
			 (rnd >> 20) & 3, (rnd & 0x300) == 0x300 ? " table local" : "");
		/* duplicates are refused (-EEXIST), as `ip route add` refuses them */
		(void)nfemu_topology_load_string(net, "t", line, err, sizeof(err));
		for (int q = 0; q < 200; q++) {
			struct flowi4 fl4 = { 0 };
			struct fib_result res;
			const struct fib_info *want;
			int got;

			rnd = rnd * 1103515245u + 12345u;
			fl4.daddr = htonl(0x0a000000u | (rnd & 0x00ffffffu) >> (q & 7));
			fl4.flowi4_oif = (q & 3) == 1 ? lan : (q & 3) == 2 ? wan : 0;
			want = fib_scan(net, &fl4);
			got = fib_table_lookup(net, RT_TABLE_MAIN, &fl4, &res, 0);
			if (!want) {
				assert_int_equal(got, -EAGAIN);
				continue;
			}
			if (fib_scan_error(want)) {
				assert_int_equal(got, fib_scan_error(want));
			} else {
				assert_int_equal(got, 0);
				assert_ptr_equal(res.fi, want);
			}
			compared++;
			if (fl4.flowi4_oif && want->fib_dst_len < 32) {
				struct flowi4 any = fl4;

				any.flowi4_oif = 0;
				backtracked += fib_scan(net, &any) != want;
			}
		}
	}
	assert_true(compared > 5000);
	assert_true(backtracked > 100);
}

/* ------------------------------------------------------------------------ receive */

static void test_rst_bytes(void **state)
{
	struct fx *fx = *state;
	unsigned char seg[64];
	struct pkt p;
	size_t n;

	/* SYN to a closed port: RST|ACK, ack = seq + 1 (real kernel) */
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40000, 22, 1000, 0, 0x02, 0);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 1);
	assert_frame(find_event(fx, NFEMU_EV_XMIT, 0), "lan0",
		     "02000000010a020000000101080045000028000040004006b774c0a80101c0a8010a"
		     "00169c4000000000000003e9501400008c350000", false);
	assert_dropped(fx, SKB_DROP_REASON_NO_SOCKET);
	assert_int_equal(find_event(fx, NFEMU_EV_GENERATED, 0)->emu_parent, 1);

	/* ACK with 5 bytes of data: RST with seq = the segment's ack, no ACK (real kernel) */
	fx->n = 0;
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40000, 23, 7, 99, 0x10, 5);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 2);
	assert_frame(find_event(fx, NFEMU_EV_XMIT, 0), "lan0",
		     "02000000010a020000000101080045000028000040004006b774c0a80101c0a8010a"
		     "00179c400000006300000000500400008fca0000", false);

	/* no reset for a reset */
	fx->n = 0;
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40000, 22, 1000, 5555, 0x14, 0);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 3);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);
	assert_dropped(fx, SKB_DROP_REASON_NO_SOCKET);

	/* a bad checksum: dropped, no answer */
	fx->n = 0;
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40000, 22, 1000, 0, 0x02, 0);
	seg[17] ^= 0x55;
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 4);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);
	assert_dropped(fx, SKB_DROP_REASON_TCP_CSUM);
}

static void test_bad_headers(void **state)
{
	struct fx *fx = *state;
	unsigned char seg[64];
	struct pkt p;
	size_t n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 1, 2, 3, 0, 0x02, 0);

	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	p.b[24] ^= 0x12;        /* header checksum */
	rx(fx, "lan0", p.b, p.len, 1);
	assert_dropped(fx, SKB_DROP_REASON_IP_CSUM);

	fx->n = 0;
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	p.b[14] = 0x65;         /* version 6 */
	pkt_fix_csum(&p);
	rx(fx, "lan0", p.b, p.len, 2);
	assert_dropped(fx, SKB_DROP_REASON_IP_INHDR);

	fx->n = 0;
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	p.b[16] = 0;
	p.b[17] = 200;          /* total length beyond the frame */
	pkt_fix_csum(&p);
	rx(fx, "lan0", p.b, p.len, 3);
	assert_dropped(fx, SKB_DROP_REASON_PKT_TOO_SMALL);

	/* another host's MAC: never reaches IP processing */
	fx->n = 0;
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	p.b[5] = 0x99;
	rx(fx, "lan0", p.b, p.len, 4);
	assert_dropped(fx, SKB_DROP_REASON_OTHERHOST);
}

static void test_martians(void **state)
{
	static const struct {
		const char *src, *dst;
		enum skb_drop_reason reason;
	} cases[] = {
		{ "127.0.0.1", "192.168.1.1", SKB_DROP_REASON_IP_LOCALNET },
		{ "192.168.1.10", "127.0.0.1", SKB_DROP_REASON_IP_LOCALNET },
		{ "0.0.0.0", "192.168.1.1", SKB_DROP_REASON_IP_INVALID_SOURCE },
		{ "192.168.1.10", "0.0.0.0", SKB_DROP_REASON_IP_INVALID_DEST },
		{ "224.0.0.5", "192.168.1.1", SKB_DROP_REASON_IP_INVALID_SOURCE },
		{ "203.0.113.2", "192.168.1.1", SKB_DROP_REASON_IP_LOCAL_SOURCE },
		{ "192.168.1.1", "8.8.8.8", SKB_DROP_REASON_IP_LOCAL_SOURCE },
	};
	struct fx *fx = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned char seg[64];
		struct pkt p;
		size_t n = tcp_seg(seg, cases[i].src, cases[i].dst, 1, 80, 3, 0, 0x02, 0);

		fx->n = 0;
		pkt_ip(&p, cases[i].src, cases[i].dst, 6, 64, 0, seg, n);
		rx(fx, "lan0", p.b, p.len, i + 1);
		assert_dropped(fx, cases[i].reason);
		assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);
	}
}

static void test_rp_filter(void **state)
{
	struct fx *fx = *state;
	unsigned char seg[64];
	struct pkt p;
	size_t n;
	char err[256];

	/* rp_filter 0: a source routed out wan0 is accepted on lan0 (RST back) */
	n = tcp_seg(seg, "8.8.4.4", "192.168.1.1", 1, 80, 3, 0, 0x02, 0);
	pkt_ip(&p, "8.8.4.4", "192.168.1.1", 6, 64, 0, seg, n);
	rx(fx, "lan0", p.b, p.len, 1);
	assert_dropped(fx, SKB_DROP_REASON_NO_SOCKET);

	/* strict: the route back must leave by lan0 */
	assert_int_equal(sysctl_set(fx->net, "net.ipv4.conf.all.rp_filter", "1", err, sizeof(err)), 0);
	fx->n = 0;
	rx(fx, "lan0", p.b, p.len, 2);
	assert_dropped(fx, SKB_DROP_REASON_IP_RPFILTER);

	/* loose: any route back will do (the default route); max(all, dev) decides */
	assert_int_equal(sysctl_set(fx->net, "net.ipv4.conf.all.rp_filter", "0", err, sizeof(err)), 0);
	assert_int_equal(sysctl_set(fx->net, "net.ipv4.conf.lan0.rp_filter", "2", err, sizeof(err)), 0);
	fx->n = 0;
	rx(fx, "lan0", p.b, p.len, 3);
	assert_dropped(fx, SKB_DROP_REASON_NO_SOCKET);
}

/* ------------------------------------------------------------------------ forward */

static void test_forward_and_ttl(void **state)
{
	struct fx *fx = *state;
	unsigned char seg[64];
	struct pkt p;
	size_t n = tcp_seg(seg, "192.168.1.10", "8.8.8.8", 40000, 443, 1000, 0, 0x02, 0);

	/* forwarded: TTL 63 with the kernel's incremental checksum (real kernel) */
	pkt_ip(&p, "192.168.1.10", "8.8.8.8", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 1);
	assert_frame(find_event(fx, NFEMU_EV_XMIT, 0), "wan0",
		     "0200000002fe020000000201080045000028000140003f066a0dc0a8010a08080808"
		     "9c4001bb000003e8000000005002faf0414c0000", false);

	/* TTL 1: time exceeded from the host, quoting the packet (real kernel, ID masked) */
	fx->n = 0;
	pkt_ip(&p, "192.168.1.10", "8.8.8.8", 6, 1, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 2);
	assert_frame(find_event(fx, NFEMU_EV_XMIT, 0), "lan0",
		     "02000000010a020000000101080045c00044900f00004001668ec0a80101c0a8010a"
		     "0b00c6dc0000000045000028000140000106a80dc0a8010a080808089c4001bb0000"
		     "03e8000000005002faf0414c0000", true);
	assert_dropped(fx, SKB_DROP_REASON_IP_INHDR);

	/* ip_forward off: dropped as IP_INADDRERRORS, nothing sent */
	fx->n = 0;
	assert_int_equal(sysctl_set(fx->net, "net.ipv4.ip_forward", "0", NULL, 0), 0);
	pkt_ip(&p, "192.168.1.10", "8.8.8.8", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 3);
	assert_dropped(fx, SKB_DROP_REASON_IP_INADDRERRORS);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);
}

static void test_unreachable_routes(void **state)
{
	struct fx *fx = *state;
	unsigned char seg[64];
	struct pkt p;
	size_t n = tcp_seg(seg, "192.168.1.10", "10.1.2.3", 40000, 80, 1000, 0, 0x02, 0);

	pkt_ip(&p, "192.168.1.10", "10.1.2.3", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 1);
	/* host unreachable (type 3 code 1) */
	assert_int_equal(find_event(fx, NFEMU_EV_XMIT, 0)->frame[34], 3);
	assert_int_equal(find_event(fx, NFEMU_EV_XMIT, 0)->frame[35], 1);

	fx->n = 0;
	n = tcp_seg(seg, "192.168.1.10", "10.2.2.3", 40000, 80, 1000, 0, 0x02, 0);
	pkt_ip(&p, "192.168.1.10", "10.2.2.3", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 2);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);  /* blackhole: silent */
	assert_dropped(fx, SKB_DROP_REASON_NOT_SPECIFIED);
}

static void test_fragmentation(void **state)
{
	struct fx *fx = *state;
	unsigned char udp[1468];
	struct pkt p;
	const struct seen *f1, *f2;

	/* 1488-byte datagram without DF out of wan0 (MTU 1400): two fragments (real kernel) */
	memset(udp, 0, sizeof(udp));
	udp[0] = 0x04; udp[1] = 0xd2; udp[2] = 0x16; udp[3] = 0x2e;
	udp[4] = 0x05; udp[5] = 0xbc;
	for (int i = 0; i < 1460; i++)
		udp[8 + i] = i < 1280 ? (u8)(i % 256) : 0;
	pkt_ip(&p, "192.168.1.10", "198.51.100.7", 17, 64, 0, udp, sizeof(udp));
	rx(fx, "lan0", p.b, p.len, 1);
	f1 = find_event(fx, NFEMU_EV_XMIT, 0);
	f2 = find_event(fx, NFEMU_EV_XMIT, 1);
	assert_non_null(f1);
	assert_non_null(f2);
	assert_int_equal(f1->frame_len, 1410);
	assert_int_equal(f2->frame_len, 126);
	{
		unsigned char h1[20], h2[20];

		unhex("45000574000120003f116a8bc0a8010ac6336407", h1, sizeof(h1));
		unhex("45000070000100ac3f118ee3c0a8010ac6336407", h2, sizeof(h2));
		assert_memory_equal(f1->frame + 14, h1, 20);
		assert_memory_equal(f2->frame + 14, h2, 20);
	}
	assert_memory_equal(f1->frame + 34, p.b + 34, 1376);
	assert_memory_equal(f2->frame + 34, p.b + 34 + 1376, 92);

	/* with DF: fragmentation needed, MTU 1400 in the error */
	fx->n = 0;
	pkt_ip(&p, "192.168.1.10", "198.51.100.7", 17, 64, 0x4000, udp, sizeof(udp));
	rx(fx, "lan0", p.b, p.len, 2);
	f1 = find_event(fx, NFEMU_EV_XMIT, 0);
	assert_non_null(f1);
	assert_int_equal(f1->frame[34], 3);
	assert_int_equal(f1->frame[35], 4);
	assert_int_equal(f1->frame[40] << 8 | f1->frame[41], 1400);
	assert_dropped(fx, SKB_DROP_REASON_PKT_TOO_BIG);
}

static void test_redirect(void **state)
{
	struct fx *fx = *state;
	unsigned char seg[64];
	struct pkt p;
	size_t n = tcp_seg(seg, "192.168.1.10", "192.168.1.11", 1, 80, 3, 0, 0x02, 0);

	/* in and out by lan0, source on link: ICMP redirect (type 5 code 1, gw .11) + forward */
	pkt_ip(&p, "192.168.1.10", "192.168.1.11", 6, 64, 0x4000, seg, n);
	rx(fx, "lan0", p.b, p.len, 1);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 2);
	assert_int_equal(find_event(fx, NFEMU_EV_XMIT, 0)->frame[34], 5);
	assert_int_equal(find_event(fx, NFEMU_EV_XMIT, 0)->frame[35], 1);
	assert_memory_equal(find_event(fx, NFEMU_EV_XMIT, 0)->frame + 38, "\xc0\xa8\x01\x0b", 4);
	assert_memory_equal(find_event(fx, NFEMU_EV_XMIT, 1)->frame, "\x02\x00\x00\x00\x01\x0b", 6);
}

/* ------------------------------------------------------------------------ the host's answers */

static void test_udp_and_echo(void **state)
{
	struct fx *fx = *state;
	unsigned char buf[64];
	struct pkt p;
	const struct seen *x;

	/* UDP to a closed port: port unreachable quoting the datagram (real kernel, ID masked) */
	memcpy(buf, "\x14\xe9\x27\x0f\x00\x0d\xfc\xad" "hello", 13);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 17, 64, 0x4000, buf, 13);
	rx(fx, "lan0", p.b, p.len, 1);
	assert_frame(find_event(fx, NFEMU_EV_XMIT, 0), "lan0",
		     "02000000010a020000000101080045c0003d9010000040016694c0a80101c0a8010a"
		     "030380770000000045000021000140004011b76fc0a8010ac0a8010114e9270f000d"
		     "fcad68656c6c6f", true);
	assert_dropped(fx, SKB_DROP_REASON_NO_SOCKET);

	/* echo request: an echo reply with the same id, sequence and data, TOS kept */
	fx->n = 0;
	memcpy(buf, "\x08\x00\x00\x00\x12\x34\x00\x01" "abcdefgh", 16);
	{
		u16 c = csum16(buf, 16, 0);

		buf[2] = (u8)(c >> 8);
		buf[3] = (u8)c;
	}
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 1, 64, 0, buf, 16);
	p.b[15] = 0x10;
	pkt_fix_csum(&p);
	rx(fx, "lan0", p.b, p.len, 2);
	x = find_event(fx, NFEMU_EV_XMIT, 0);
	assert_non_null(x);
	assert_int_equal(x->frame[15], 0x10);
	assert_int_equal(x->frame[34], 0);      /* echo reply */
	assert_memory_equal(x->frame + 38, "\x12\x34\x00\x01" "abcdefgh", 12);
	assert_non_null(find_event(fx, NFEMU_EV_DELIVER, 0));

	/* icmp_echo_ignore_all */
	fx->n = 0;
	assert_int_equal(sysctl_set(fx->net, "net.ipv4.icmp_echo_ignore_all", "1", NULL, 0), 0);
	rx(fx, "lan0", p.b, p.len, 3);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);
}

static void test_unresolved_neighbour(void **state)
{
	struct fx *fx = *state;
	unsigned char seg[64];
	struct pkt p;
	size_t n = tcp_seg(seg, "8.8.4.4", "192.168.1.99", 1, 80, 3, 0, 0x02, 0);
	static const unsigned char wan_eth[14] = { 2, 0, 0, 0, 2, 1, 2, 0, 0, 0, 2, 0xfe, 8, 0 };

	pkt_ip(&p, "8.8.4.4", "192.168.1.99", 6, 64, 0x4000, seg, n);
	memcpy(p.b, wan_eth, 14);
	rx(fx, "wan0", p.b, p.len, 1);
	/* queued while ARP would be asking: nothing yet */
	assert_int_equal(count_events(fx, NFEMU_EV_DROP), 0);
	/* 3 s later the probes are over: host unreachable back, NEIGH_FAILED */
	nfemu_clock_set(fx->net, fx->net->clock.now_ns + 3 * NSEC_PER_SEC);
	nfemu_netstack_run_timers(fx->net);
	assert_dropped(fx, SKB_DROP_REASON_NEIGH_FAILED);
	assert_non_null(find_event(fx, NFEMU_EV_NOTE, 0));
	assert_string_equal(find_event(fx, NFEMU_EV_NOTE, 0)->text, "ARP for 192.168.1.99 on lan0 unanswered");
	assert_int_equal(find_event(fx, NFEMU_EV_XMIT, 0)->frame[34], 3);
	assert_int_equal(find_event(fx, NFEMU_EV_XMIT, 0)->frame[35], 1);
}

static void test_reassembly(void **state)
{
	struct fx *fx = *state;
	unsigned char udp[1032], seg[600];
	struct pkt p;
	const struct seen *x;

	memset(udp, 0x5a, sizeof(udp));
	udp[0] = 0x04; udp[1] = 0x57; udp[2] = 0x08; udp[3] = 0xae;
	udp[4] = 0x04; udp[5] = 0x08; udp[6] = 0; udp[7] = 0;     /* no checksum */
	/* the second half first */
	memcpy(seg, udp + 504, 528);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 17, 64, 504 >> 3, seg, 528);
	rx(fx, "lan0", p.b, p.len, 1);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);
	memcpy(seg, udp, 504);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 17, 64, 0x2000, seg, 504);
	rx(fx, "lan0", p.b, p.len, 2);
	/* the whole datagram reached UDP: port unreachable quoting its header (total 1052) */
	x = find_event(fx, NFEMU_EV_XMIT, 0);
	assert_non_null(x);
	assert_int_equal(x->frame[34], 3);
	assert_int_equal(x->frame[35], 3);
	assert_int_equal(x->frame[44] << 8 | x->frame[45], 1052);
	assert_int_equal(x->frame_len, 14 + 576);
}

/* ------------------------------------------------------------------------ rate limits */

static void test_icmp_ratelimit(void **state)
{
	struct fx *fx = *state;
	struct net *net = fx->net;
	struct inet_peer *peer = inet_getpeer_v4(net, htonl(0x0a000001), 0);
	int timeout = net->ipv4.sysctl_icmp_ratelimit;      /* 1000 ms = 250 jiffies */
	int sent = 0;

	assert_int_equal(timeout, 250);
	/* a new peer starts with a full bucket: 6 messages at once, then one per second */
	for (int i = 0; i < 10; i++)
		sent += inet_peer_xrlim_allow(net, peer, timeout);
	assert_int_equal(sent, 6);
	nfemu_clock_set(net, net->clock.now_ns + 999 * NSEC_PER_MSEC);
	assert_false(inet_peer_xrlim_allow(net, peer, timeout));
	nfemu_clock_set(net, net->clock.now_ns + 4 * NSEC_PER_MSEC);
	assert_true(inet_peer_xrlim_allow(net, peer, timeout));
	assert_false(inet_peer_xrlim_allow(net, peer, timeout));

	/* the global bucket: refilled at icmp_msgs_per_sec, no more often than HZ/50 */
	net->ipv4.icmp_global_credit = 0;
	net->ipv4.icmp_global_stamp = (u32)nfemu_jiffies(net);
	assert_false(icmp_global_allow(net));
	nfemu_clock_set(net, net->clock.now_ns + 20 * NSEC_PER_MSEC);   /* 5 jiffies = HZ/50 */
	assert_true(icmp_global_allow(net));
	assert_int_equal(net->ipv4.icmp_global_credit, 20);   /* 1000/s * 5/250 */
}

static void test_port_unreach_burst(void **state)
{
	struct fx *fx = *state;
	unsigned char buf[16];
	struct pkt p;

	/* 20 datagrams to a closed port within 200 ms: the peer bucket lets 6 answers through */
	memcpy(buf, "\x04\x00\x00\x07\x00\x09\x00\x00" "x", 9);
	for (int i = 0; i < 20; i++) {
		nfemu_clock_set(fx->net, fx->net->clock.now_ns + 10 * NSEC_PER_MSEC);
		pkt_ip(&p, "192.168.1.10", "192.168.1.1", 17, 64, 0x4000, buf, 9);
		rx(fx, "lan0", p.b, p.len, (u64)i + 1);
	}
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 6);
}

/* ------------------------------------------------------------------------ topology & sysctl */

static void test_topology_errors(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "ip link add eth0 type veth\nip addr add 10.0.0.1/24 dev eth9\n",
		  "t:2:29: Cannot find device \"eth9\"\n  ip addr add 10.0.0.1/24 dev eth9\n                              ^~~~" },
		{ "ip route add 10.0.0.1/24 dev lo\n",
		  "t:1:14: Error: Invalid prefix for given prefix length.\n  ip route add 10.0.0.1/24 dev lo\n               ^~~~~~~~~~~" },
		{ "  iptables -A INPUT\n",
		  "t:1:3: unknown command \"iptables\" (expected ip, sysctl, ethtool, modprobe or listen)\n    iptables -A INPUT\n    ^~~~~~~~" },
		{ "sysctl -w net.ipv4.nope=1\n",
		  "t:1:11: sysctl: cannot stat /proc/sys/net/ipv4/nope: No such file or directory\n  sysctl -w net.ipv4.nope=1\n            ^~~~~~~~~~~~~" },
		{ "ip link add a type veth\nip link add a type veth\n",
		  "t:2:13: RTNETLINK answers: File exists\n  ip link add a type veth\n              ^" },
		{ "ip link add a type veth\nip link set a up\nip addr add 10.0.0.1/24 dev a\n"
		  "ip route add 10.5.0.0/16 via 10.9.9.9\n",
		  "t:4:14: Error: Nexthop has invalid gateway.\n  ip route add 10.5.0.0/16 via 10.9.9.9\n               ^~~~~~~~~~~" },
		{ "ip route add 10.0.0.0/8 via 1.2.3\n",
		  "t:1:29: \"1.2.3\" is not an IPv4 address\n  ip route add 10.0.0.0/8 via 1.2.3\n                              ^~~~~" },
		{ "ip link add a type veth\nethtool -K a rxvlan off\n",
		  "t:2:14: unsupported feature \"rxvlan\" (tx, rx, sg, tso, gso, gro, lro)\n  ethtool -K a rxvlan off\n               ^~~~~~" },
		{ "ip link add a type veth\nethtool -K a tx maybe\n",
		  "t:2:17: expected on or off, not \"maybe\"\n  ethtool -K a tx maybe\n                  ^~~~~" },
		{ "ethtool -K eth7 tx off\n",
		  "t:1:12: Cannot find device \"eth7\"\n  ethtool -K eth7 tx off\n             ^~~~" },
		{ "modprobe -q nf_nat_nope\n",
		  "t:1:13: modprobe: FATAL: Module nf_nat_nope not found (nfemu emulates the netfilter modules `nfemu lsmod` can list)\n  modprobe -q nf_nat_nope\n              ^~~~~~~~~~~" },
		{ "ip route add 10.0.0.0/8 dev lo \"unterminated\n",
		  "t:1:32: unterminated quote\n  ip route add 10.0.0.0/8 dev lo \"unterminated\n                                 ^" },
		/* ip rule */
		{ "ip rule add fwmark 0x1/zz table 100\n",
		  "t:1:20: Error: argument \"0x1/zz\" is wrong: fwmark value is invalid\n  ip rule add fwmark 0x1/zz table 100\n                     ^~~~~~" },
		{ "ip rule add uidrange 1000-2000 lookup 5\n",
		  "t:1:13: \"uidrange\" in ip rule is not emulated (from, to, tos, fwmark, iif, oif, pref, table, suppress_*, actions)\n  ip rule add uidrange 1000-2000 lookup 5\n              ^~~~~~~~" },
		{ "ip rule add from 10.0.0.0/33 lookup 5\n",
		  "t:1:18: \"10.0.0.0/33\" is not an IPv4 prefix (A.B.C.D/N or all)\n  ip rule add from 10.0.0.0/33 lookup 5\n                   ^~~~~~~~~~~" },
		{ "ip rule add lookup wan\n",
		  "t:1:20: Error: argument \"wan\" is wrong: invalid table ID\n  ip rule add lookup wan\n                     ^~~" },
		{ "ip rule add pref 100 goto 50\n",
		  "t:1:9: Error: Backward goto not supported.\n  ip rule add pref 100 goto 50\n          ^~~" },
		{ "ip rule add tos 0x11 lookup 8\n",
		  "t:1:9: Error: Invalid dsfield (tos): ECN bits must be 0.\n  ip rule add tos 0x11 lookup 8\n          ^~~" },
		{ "ip rule del fwmark 1\n",
		  "t:1:9: unsupported \"ip rule del\" (add)\n  ip rule del fwmark 1\n          ^~~" },
		/* ip route ... table */
		{ "ip route add blackhole 10.0.0.0/8 table main2\n",
		  "t:1:41: Error: argument \"main2\" is wrong: \"table\" value is invalid\n  ip route add blackhole 10.0.0.0/8 table main2\n                                          ^~~~~" },
		{ "ip link add a type veth\nip link set a up\nip addr add 10.0.0.1/24 dev a\n"
		  "ip route add blackhole 10.9.0.0/16 via 10.0.0.2 table 7\n",
		  "t:4:24: Error: Gateway, device and multipath can not be specified for this route type.\n  ip route add blackhole 10.9.0.0/16 via 10.0.0.2 table 7\n                         ^~~~~~~~~~~" },
		/* devices */
		{ "ip link add x type macvlan\n",
		  "t:1:20: unsupported device type \"macvlan\" (veth, dummy, bridge, vlan)\n  ip link add x type macvlan\n                     ^~~~~~~" },
		{ "ip link add a type veth\nip link add link a name a.5 type vlan\n",
		  "t:2:38: Error: 8021q: VLAN id not specified.\n  ip link add link a name a.5 type vlan\n                                       ^" },
		{ "ip link add a type veth\nip link add link a name a.5 type dummy\n",
		  "t:2:34: \"link DEV\" is only emulated for type vlan\n  ip link add link a name a.5 type dummy\n                                   ^~~~~" },
		{ "ip link add d type dummy\nip link set d master d\n",
		  "t:2:22: RTNETLINK answers: Operation not supported\n  ip link set d master d\n                       ^" },
		{ "ip link add d type dummy numtxqueues 2\n",
		  "t:1:26: unsupported dummy option \"numtxqueues\"\n  ip link add d type dummy numtxqueues 2\n                           ^~~~~~~~~~~" },
		/* listen */
		{ "listen tcp 10.0.0.1:22\n",
		  "t:1:12: bind: Cannot assign requested address (10.0.0.1 is not an address of the host: add it before this line)\n  listen tcp 10.0.0.1:22\n             ^~~~~~~~~~~" },
		{ "listen raw 0.0.0.0:1\n",
		  "t:1:8: expected tcp or udp, not \"raw\"\n  listen raw 0.0.0.0:1\n         ^~~" },
		/* IPv6 is skipped, not an error: the line after it is */
		{ "ip -6 route add default via fe80::1\nip addr add fe80::1/64 dev eth0\nip bogus\n",
		  "t:3:4: unsupported \"ip bogus\" (link, address, route, neigh)\n  ip bogus\n     ^~~~~" },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct net *net = net_alloc();
		char err[1024];

		assert_non_null(net);
		assert_int_not_equal(nfemu_topology_load_string(net, "t", cases[i].text, err, sizeof(err)), 0);
		assert_string_equal(err, cases[i].want);
		inet_net_exit(net);
		net_free(net);
	}
}

/* ethtool -K DEV tx off clears the checksum offload; modprobe loads a module and what it
 * depends on. */
static void test_topology_ethtool_modprobe(void **state)
{
	struct net *net = net_alloc();
	struct net_device *a, *b;
	char err[1024];

	(void)state;
	assert_int_equal(net_boot(net), 0);
	assert_int_equal(nfemu_topology_load_string(net, "t",
		"ip link add a type veth\nip link add b type dummy\n"
		"ethtool -K a tx off gro on\n"
		"ethtool --offload b tx-checksumming off\nethtool -K b tx on\n"
		"modprobe nf_nat_ftp\n", err, sizeof(err)), 0);
	a = dev_get_by_name(net, "a");
	b = dev_get_by_name(net, "b");
	assert_non_null(a);
	assert_non_null(b);
	assert_false(a->features & NETIF_F_HW_CSUM);
	assert_true(b->features & NETIF_F_HW_CSUM);
	assert_true(dev_get_by_name(net, "lo")->features & NETIF_F_HW_CSUM);
	assert_non_null(find_module(net, "nf_nat_ftp"));
	assert_non_null(find_module(net, "nf_nat"));
	assert_non_null(find_module(net, "nf_conntrack_ftp"));
	inet_net_exit(net);
	net_free(net);
}

static void test_topology_forms(void **state)
{
	struct net *net = net_alloc();
	struct net_device *dev;
	char err[1024], v[64];

	(void)state;
	assert_int_equal(nfemu_topology_load_string(net, "t",
		"ip netns add R   # the namespace itself: nothing to do\n"
		"ip netns exec R ip link add eth0 address 02:aa:bb:cc:dd:ee type veth peer name p0 netns H\n"
		"ip -n R l set eth0 mtu 9000 up\n"
		"ip -n R a add 10.0.0.1/24 brd + dev eth0\n"
		"ip -n R r add 10.1.0.0/16 via 10.0.0.254 metric 5\n"
		"ip -n R n add 10.0.0.254 lladdr 02:00:00:00:00:fe dev eth0 nud reachable\n"
		"ip netns exec R sysctl -w net.ipv4.conf.all.forwarding=1 'net.ipv4.ip_local_port_range=2000 3000'\n"
		"sysctl net.ipv4.icmp_ratelimit=1001\n", err, sizeof(err)), 0);
	dev = dev_get_by_name(net, "eth0");
	assert_non_null(dev);
	assert_int_equal(dev->mtu, 9000);
	assert_string_equal(dev->emu_peer, "p0");
	assert_memory_equal(dev->dev_addr, "\x02\xaa\xbb\xcc\xdd\xee", 6);
	/* forwarding on all: every device and conf/default follow */
	assert_int_equal(IN_DEV_FORWARD(dev->ip_ptr), 1);
	assert_int_equal(IN_DEV_FORWARD(net->ipv4.loopback_dev->ip_ptr), 1);
	assert_int_equal(sysctl_get(net, "net.ipv4.conf.default.forwarding", v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	assert_int_equal(sysctl_get(net, "net.ipv4.conf.all.accept_redirects", v, sizeof(v)), 0);
	assert_string_equal(v, "0");
	/* ms are kept as jiffies: 1001 ms reads back as 1004 (HZ 250), as on Linux */
	assert_int_equal(sysctl_get(net, "net/ipv4/icmp_ratelimit", v, sizeof(v)), 0);
	assert_string_equal(v, "1004");
	assert_int_equal(sysctl_get(net, "net.ipv4.ip_local_port_range", v, sizeof(v)), 0);
	assert_string_equal(v, "2000\t3000");
	/* conf/default reaches devices that never set the value themselves */
	assert_int_equal(sysctl_set(net, "net.ipv4.conf.eth0.log_martians", "0", NULL, 0), 0);
	assert_int_equal(sysctl_set(net, "net.ipv4.conf.default.log_martians", "1", NULL, 0), 0);
	assert_int_equal(sysctl_set(net, "net.ipv4.conf.default.send_redirects", "0", NULL, 0), 0);
	assert_int_equal(IN_DEV_CONF_GET(dev->ip_ptr, LOG_MARTIANS), 0);
	assert_int_equal(IN_DEV_CONF_GET(dev->ip_ptr, SEND_REDIRECTS), 0);
	assert_int_equal(sysctl_set(net, "net.ipv4.ip_default_ttl", "0", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "sysctl: setting key \"net.ipv4.ip_default_ttl\": Invalid argument");
	assert_int_equal(sysctl_set(net, "net.ipv4.no_such_key", "1", err, sizeof(err)), -ENOENT);
	inet_net_exit(net);
	net_free(net);
}

/* csum_partial sums 8 bytes at a time: the folded sum must be the 16-bit words' sum for
 * every length and start (odd ones included) and every initial sum. */
static void test_csum_partial_words(void **state)
{
	unsigned char buf[300];
	u32 seed = 12345;

	(void)state;
	for (unsigned int i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (unsigned char)(seed >> 16);
	}
	memset(buf + 100, 0xff, 40);    /* runs that carry */
	memset(buf + 200, 0xff, 100);   /* past 2^64 in the wide accumulator */
	for (int start = 0; start < 9; start++)
		for (int len = 0; len + start <= (int)sizeof(buf); len++) {
			u64 ref = 0x1234;
			u32 r;

			for (int i = 0; i + 1 < len; i += 2)
				ref += (u32)buf[start + i] | ((u32)buf[start + i + 1] << 8);
			if (len & 1)
				ref += buf[start + len - 1];
			while (ref >> 16)
				ref = (ref & 0xffff) + (ref >> 16);
			r = (u32)csum_partial(buf + start, len, (__wsum)0x1234);
			while (r >> 16)
				r = (r & 0xffff) + (r >> 16);
			assert_int_equal(r, (u32)ref);
		}
}

/* IPv6 lines are skipped with one warning naming the first and counting them all. */
static void test_topology_ipv6_skipped(void **state)
{
	struct net *net = net_alloc();
	char err[1024], warn[1024];

	(void)state;
	assert_int_equal(nfemu_topology_load_string_warn(net, "t",
		"ip link add a type veth\n"
		"ip -6 addr add 2001:db8::1/64 dev a\n"
		"ip addr add 2001:db8::2/64 dev a\n"
		"ip -f inet6 route add default via 2001:db8::fe\n"
		"ip route add 2001:db8:5::/48 via 2001:db8::fe\n"
		"ip neigh add fe80::1 lladdr 02:00:00:00:00:01 dev a\n"
		"sysctl -w net.ipv6.conf.all.forwarding=1 net.ipv4.ip_forward=1\n"
		"ip addr add 10.0.0.1/24 dev a\n", err, sizeof(err), warn, sizeof(warn)), 0);
	assert_string_equal(warn, "t:2:4: warning: IPv6 is not emulated yet: IPv6 lines are skipped\n"
			    "  ip -6 addr add 2001:db8::1/64 dev a\n     ^~\n"
			    "  (6 IPv6 lines skipped in all)");
	/* the IPv4 key of the mixed sysctl line was applied, the IPv4 address added */
	assert_int_equal(IN_DEV_FORWARD(dev_get_by_name(net, "a")->ip_ptr), 1);
	assert_true(nfemu_addr_is_local(net, htonl(0x0a000001)));
	/* nothing to say: an empty warning */
	inet_net_exit(net);
	net_free(net);
	net = net_alloc();
	assert_int_equal(nfemu_topology_load_string_warn(net, "t", "ip link add a type veth\n", err,
							 sizeof(err), warn, sizeof(warn)), 0);
	assert_string_equal(warn, "");
	inet_net_exit(net);
	net_free(net);
}

static int lookup(struct net *net, const char *dst, const char *src, int iif, u32 mark,
		  struct fib_result *res)
{
	struct flowi4 fl4;

	memset(&fl4, 0, sizeof(fl4));
	inet_pton(AF_INET, dst, &fl4.daddr);
	if (src)
		inet_pton(AF_INET, src, &fl4.saddr);
	fl4.flowi4_iif = iif;
	fl4.flowi4_mark = mark;
	return fib_lookup(net, &fl4, res, 0);
}

/* ip rule: the walk of fib_rules_lookup over tables, actions, selectors and preferences. */
static void test_fib_rules(void **state)
{
	struct net *net = net_alloc();
	struct fib_result res;
	struct fib_rule *r;
	char err[1024];
	u32 prefs[16];
	int n = 0, lan;

	(void)state;
	assert_int_equal(nfemu_topology_load_string(net, "t",
		"ip link add lan0 type veth\nip link add wan0 type veth\nip link add wan1 type veth\n"
		"ip addr add 192.168.1.1/24 dev lan0\nip addr add 203.0.113.2/24 dev wan0\n"
		"ip addr add 100.64.1.1/24 dev wan1\n"
		"ip link set lan0 up\nip link set wan0 up\nip link set wan1 up\n"
		"ip route add default via 203.0.113.1\n"
		"ip route add default via 100.64.1.254 table 100\n"
		"ip route add throw 10.94.0.0/16 table 100\n"
		"ip route add 10.95.0.0/16 via 100.64.1.254 table 200\n"
		"ip route add 10.96.0.0/16 via 100.64.1.254 table default\n", err, sizeof(err)), 0);
	lan = dev_get_by_name(net, "lan0")->ifindex;
	/* no rule yet: the fast path, main then default */
	assert_false(net->ipv4.fib_has_custom_rules);
	assert_int_equal(lookup(net, "10.96.1.1", NULL, lan, 0, &res), 0);
	assert_int_equal(res.table, RT_TABLE_MAIN);     /* main's default route answers first */
	assert_int_equal(lookup(net, "10.95.1.1", NULL, lan, 0, &res), 0);
	assert_string_equal(res.nhc->fib_nh_dev->name, "wan0");
	assert_int_equal(nfemu_topology_load_string(net, "t",
		"ip rule add fwmark 0x1 table 100\n"
		"ip rule add from 192.168.1.11 lookup 100 pref 1000\n"
		"ip rule add iif lan0 to 10.95.0.0/16 lookup 200\n"
		"ip rule add to 10.99.0.0/16 prohibit\n"
		"ip rule add to 10.98.0.0/16 unreachable\n"
		"ip rule add to 10.97.0.0/16 blackhole\n"
		"ip rule add fwmark 0x4/0x4 lookup 300\n"
		"ip rule add not from 192.168.1.0/24 iif lan0 prohibit\n"
		"ip rule add iif wan9 table 100\n"
		"ip rule add lookup main suppress_prefixlength 0 pref 100\n", err, sizeof(err)), 0);
	assert_true(net->ipv4.fib_has_custom_rules);
	/* the preferences fib_default_rule_pref gave: one below the second rule's */
	list_for_each_entry(r, &net->ipv4.fib_rules, list)
		prefs[n++] = r->pref;
	assert_int_equal(n, 13);
	assert_int_equal(prefs[0], 0);
	assert_int_equal(prefs[1], 100);
	assert_int_equal(prefs[2], 993);        /* iif wan9 */
	assert_int_equal(prefs[8], 999);        /* iif lan0 to 10.95/16 */
	assert_int_equal(prefs[9], 1000);
	assert_int_equal(prefs[10], 32765);
	assert_int_equal(prefs[11], 32766);
	assert_int_equal(prefs[12], 32767);
	/* main answers all but its default route */
	assert_int_equal(lookup(net, "192.168.1.20", "203.0.113.9", lan, 1, &res), 0);
	assert_string_equal(res.nhc->fib_nh_dev->name, "lan0");
	/* the mark: table 100 */
	assert_int_equal(lookup(net, "8.8.8.8", "192.168.1.10", lan, 1, &res), 0);
	assert_int_equal(res.table, 100);
	assert_int_equal(lookup(net, "8.8.8.8", "192.168.1.10", lan, 0, &res), 0);
	assert_int_equal(res.table, RT_TABLE_MAIN);
	assert_int_equal(lookup(net, "8.8.8.8", "192.168.1.10", lan, 3, &res), 0);      /* mark != 1 */
	assert_int_equal(res.table, RT_TABLE_MAIN);
	/* the source */
	assert_int_equal(lookup(net, "8.8.8.8", "192.168.1.11", lan, 0, &res), 0);
	assert_int_equal(res.table, 100);
	/* iif + to: table 200; from another device: main */
	assert_int_equal(lookup(net, "10.95.1.1", "192.168.1.10", lan, 0, &res), 0);
	assert_int_equal(res.table, 200);
	/* `not` inverts the whole selector: not (from 192.168.1.0/24 and iif lan0) matches any
	 * packet from another device, whatever its source: prohibit */
	assert_int_equal(lookup(net, "10.95.1.1", "192.168.1.10", LOOPBACK_IFINDEX, 0, &res), -EACCES);
	/* actions */
	assert_int_equal(lookup(net, "10.99.1.1", "192.168.1.10", lan, 0, &res), -EACCES);
	assert_int_equal(lookup(net, "10.98.1.1", "192.168.1.10", lan, 0, &res), -ENETUNREACH);
	assert_int_equal(lookup(net, "10.97.1.1", "192.168.1.10", lan, 0, &res), -EINVAL);
	/* not from the LAN but arriving on lan0: prohibit */
	assert_int_equal(lookup(net, "8.8.8.8", "10.1.1.1", lan, 0, &res), -EACCES);
	/* a throw route in table 100 and a missing table 300: on to main */
	assert_int_equal(lookup(net, "10.94.1.1", "192.168.1.10", lan, 1, &res), 0);
	assert_int_equal(res.table, RT_TABLE_MAIN);
	assert_int_equal(lookup(net, "8.8.4.4", "192.168.1.10", lan, 4, &res), 0);
	assert_int_equal(res.table, RT_TABLE_MAIN);
	/* the local table comes first, unmerged now */
	assert_int_equal(lookup(net, "192.168.1.1", NULL, lan, 1, &res), 0);
	assert_int_equal(res.type, RTN_LOCAL);
	assert_int_equal(res.table, RT_TABLE_LOCAL);
	/* a rule naming a device that does not exist is detached until it does */
	list_for_each_entry(r, &net->ipv4.fib_rules, list)
		if (r->pref == 993)
			assert_int_equal(r->iifindex, -1);
	assert_int_equal(nfemu_topology_load_string(net, "t", "ip link add wan9 type veth\n", err,
						    sizeof(err)), 0);
	list_for_each_entry(r, &net->ipv4.fib_rules, list)
		if (r->pref == 993)
			assert_int_equal(r->iifindex, dev_get_by_name(net, "wan9")->ifindex);
	/* `ip rule add` twice is two rules (no NLM_F_EXCL); table 0 gets a new empty table */
	assert_int_equal(nfemu_topology_load_string(net, "t", "ip rule add fwmark 7 table 0\n"
						    "ip rule add fwmark 7 table 0\n", err, sizeof(err)), 0);
	list_for_each_entry(r, &net->ipv4.fib_rules, list)
		if (r->mark == 7)
			assert_true(r->table == 1 || r->table == 2);
	inet_net_exit(net);
	net_free(net);
}

/* VLAN devices: a tagged frame is received by its VLAN device, the answer leaves tagged;
 * the real device going down and up takes its VLAN devices with it. */
static void test_vlan(void **state)
{
	struct fx *fx;
	struct net_device *v10;
	struct pkt p;
	unsigned char buf[16], frame[2048];
	const struct seen *x;

	assert_int_equal(fx_setup_with(state,
		"ip link add eth0 address 02:00:00:00:01:01 type veth\n"
		"ip link add link eth0 name eth0.10 type vlan id 10\n"
		"ip addr add 192.168.1.1/24 dev eth0.10\n"
		"ip link set eth0 up\n"
		"ip neigh add 192.168.1.10 lladdr 02:00:00:00:01:0a dev eth0.10\n"), 0);
	fx = *state;
	v10 = dev_get_by_name(fx->net, "eth0.10");
	assert_true(v10->flags & IFF_UP);               /* came up with eth0 */
	assert_memory_equal(v10->dev_addr, "\x02\x00\x00\x00\x01\x01", 6);
	assert_int_equal(v10->mtu, 1500);
	/* ping 192.168.1.1 tagged 10 */
	memcpy(buf, "\x08\x00\x00\x00\x12\x34\x00\x01" "x", 9);
	buf[2] = buf[3] = 0;
	{
		u16 c = csum16(buf, 9, 0);

		buf[2] = (u8)(c >> 8);
		buf[3] = (u8)c;
	}
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 1, 64, 0, buf, 9);
	memcpy(frame, p.b, 12);
	memcpy(frame + 12, "\x81\x00\x00\x0a", 4);
	memcpy(frame + 16, p.b + 12, p.len - 12);
	rx(fx, "eth0", frame, p.len + 4, 1);
	x = find_event(fx, NFEMU_EV_XMIT, 0);
	assert_non_null(x);
	assert_string_equal(x->dev, "eth0");            /* the frame leaves by the real device */
	assert_memory_equal(x->frame, "\x02\x00\x00\x00\x01\x0a\x02\x00\x00\x00\x01\x01"
			    "\x81\x00\x00\x0a\x08\x00", 18);
	/* tagged 11: nobody's (OTHERHOST) */
	fx->n = 0;
	frame[15] = 11;
	rx(fx, "eth0", frame, p.len + 4, 2);
	assert_dropped(fx, SKB_DROP_REASON_OTHERHOST);
	/* eth0 down: eth0.10 down too; up again: both up */
	assert_int_equal(dev_change_flags(dev_get_by_name(fx->net, "eth0"), 0), 0);
	assert_false(v10->flags & IFF_UP);
	assert_int_equal(dev_change_flags(v10, v10->flags | IFF_UP), -ENETDOWN);
	assert_int_equal(dev_change_flags(dev_get_by_name(fx->net, "eth0"), IFF_UP), 0);
	assert_true(v10->flags & IFF_UP);
	/* eth0's MTU caps eth0.10's */
	assert_int_equal(dev_set_mtu(dev_get_by_name(fx->net, "eth0"), 1400), 0);
	assert_int_equal(v10->mtu, 1400);
	assert_int_equal(dev_set_mtu(v10, 1401), -ERANGE);
	fx_teardown(state);
}

/* A bridge: its MAC is the lowest port's unless set; frames for it are received by br0,
 * broadcasts also flooded; what br0 sends goes where the destination was learnt. */
static void test_bridge(void **state)
{
	struct fx *fx;
	struct net_device *br;
	struct pkt p;
	unsigned char buf[16];

	assert_int_equal(fx_setup_with(state,
		"ip link add lan0 address 02:00:00:00:01:09 type veth\n"
		"ip link add lan1 address 02:00:00:00:01:05 type veth\n"
		"ip link add br0 type bridge\n"
		"ip link set lan0 master br0\nip link set lan1 master br0\n"
		"ip addr add 192.168.1.1/24 dev br0\n"
		"ip link set lan0 up\nip link set lan1 up\nip link set br0 up\n"
		"ip neigh add 192.168.1.10 lladdr 02:00:00:00:01:0a dev br0\n"), 0);
	fx = *state;
	br = dev_get_by_name(fx->net, "br0");
	assert_memory_equal(br->dev_addr, "\x02\x00\x00\x00\x01\x05", 6);     /* lowest port */
	memcpy(buf, "\x08\x00\xf7\xfe\x00\x00\x00\x01", 8);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 1, 64, 0, buf, 8);
	memcpy(p.b, br->dev_addr, 6);
	rx(fx, "lan0", p.b, p.len, 1);
	/* received by br0, answered out of lan0 only (H learnt there) */
	assert_int_equal(count_events(fx, NFEMU_EV_DELIVER), 1);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 1);
	assert_string_equal(find_event(fx, NFEMU_EV_XMIT, 0)->dev, "lan0");
	/* a broadcast: received and flooded to lan1 */
	fx->n = 0;
	memset(p.b, 0xff, 6);
	rx(fx, "lan0", p.b, p.len, 2);
	assert_string_equal(find_event(fx, NFEMU_EV_XMIT, 0)->dev, "lan1");
	/* for another host: the bridge would forward it, nfemu says so */
	fx->n = 0;
	memcpy(p.b, "\x02\x00\x00\x00\x07\x07", 6);
	rx(fx, "lan1", p.b, p.len, 3);
	assert_non_null(strstr(find_event(fx, NFEMU_EV_NOTE, 0)->text, "nfemu does not forward frames"));
	/* an explicit address stays */
	assert_int_equal(dev_set_mac_address(br, (const u8 *)"\x02\x00\x00\x00\x0b\x01"), 0);
	assert_int_equal(br_del_if(dev_get_by_name(fx->net, "lan1")), 0);
	assert_memory_equal(br->dev_addr, "\x02\x00\x00\x00\x0b\x01", 6);
	fx_teardown(state);
}

/* Listening sockets: the exact address before 0.0.0.0; a SYN to one is delivered, not reset. */
static void test_sockets(void **state)
{
	struct fx *fx;
	struct net *net;
	struct sock *sk;
	unsigned char seg[64];
	struct pkt p;
	size_t n;

	assert_int_equal(fx_setup_with(state, router_topology), 0);
	fx = *state;
	net = fx->net;
	assert_int_equal(nfemu_topology_load_string(net, "t",
		"listen tcp 0.0.0.0:80\nlisten tcp 192.168.1.1:80 uid 33 gid 34\nlisten udp 0.0.0.0:53\n",
		NULL, 0), 0);
	sk = __inet_lookup_listener(net, htonl(0xc0a80101), 80);
	assert_non_null(sk);
	assert_int_equal(sk->sk_uid, 33);
	sk = __inet_lookup_listener(net, htonl(0xcb007102), 80);
	assert_non_null(sk);
	assert_int_equal(sk->sk_uid, 0);
	assert_null(__inet_lookup_listener(net, htonl(0xcb007102), 81));
	assert_non_null(__udp4_lib_lookup(net, htonl(0xcb007102), htons(53)));
	/* a SYN: delivered to the listener, a request sock made, no RST */
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40000, 80, 1000, 0, 0x02, 0);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	rx(fx, "lan0", p.b, p.len, 1);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 0);
	assert_string_equal(find_event(fx, NFEMU_EV_DELIVER, 0)->where, "to tcp 192.168.1.1:80");
	sk = __inet_lookup_established(net, htonl(0xc0a8010a), htons(40000), htonl(0xc0a80101), 80);
	assert_non_null(sk);
	assert_int_equal(sk->sk_state, TCP_NEW_SYN_RECV);
	assert_false(sk_fullsock(sk));
	assert_ptr_equal(sk_to_full_sk(sk), sk->rsk_listener);
	/* the handshake's ACK: a connection, accepted at once */
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40000, 80, 1001, 1, 0x10, 0);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	rx(fx, "lan0", p.b, p.len, 2);
	assert_int_equal(sk->sk_state, TCP_ESTABLISHED);
	assert_true(sk_fullsock(sk) && sk_has_file(sk));
	/* a RST ends it: the next segment finds the listener only (and is delivered again) */
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40000, 80, 1001, 0, 0x04, 0);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	rx(fx, "lan0", p.b, p.len, 3);
	assert_null(__inet_lookup_established(net, htonl(0xc0a8010a), htons(40000), htonl(0xc0a80101), 80));
	/* a closed port still gets the stack's RST */
	fx->n = 0;
	n = tcp_seg(seg, "192.168.1.10", "192.168.1.1", 40001, 81, 1000, 0, 0x02, 0);
	pkt_ip(&p, "192.168.1.10", "192.168.1.1", 6, 64, 0, seg, n);
	rx(fx, "lan0", p.b, p.len, 4);
	assert_int_equal(count_events(fx, NFEMU_EV_XMIT), 1);
	/* --open-ports: every port */
	inet_open_ports(net, true);
	assert_non_null(__inet_lookup_listener(net, htonl(0xc0a80101), 81));
	fx_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum_partial_words),
		cmocka_unit_test_setup_teardown(test_route_lookup, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_route_metric_and_remove, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rst_bytes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_headers, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_martians, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_rp_filter, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_forward_and_ttl, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unreachable_routes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fragmentation, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_redirect, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_udp_and_echo, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unresolved_neighbour, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reassembly, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_icmp_ratelimit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_port_unreach_burst, fx_setup, fx_teardown),
		cmocka_unit_test(test_topology_errors),
		cmocka_unit_test(test_topology_ethtool_modprobe),
		cmocka_unit_test(test_topology_forms),
		cmocka_unit_test(test_topology_ipv6_skipped),
		cmocka_unit_test(test_fib_rules),
		cmocka_unit_test_setup_teardown(test_fib_index_vs_scan, fx_setup, fx_teardown),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_sockets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
