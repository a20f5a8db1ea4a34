/* emu/spec_run.c - EMU: a spec test's packets sent through an emulated kernel (emu/spec_run.h),
 * for `nfemu test` and `nfemu diff --spec`.  No kernel counterpart: the NIC and the sender
 * of a test exchange.  Frames are built from one-line packets (emu/pktline.h) and fed to
 * replay's per-record path (emu/replay.h); three nf_hooks of this file set the packet's mark
 * before the first hook and see its ct state at the filter table's priority and its headers
 * as it leaves.  docs/testing-rules.md ("How a test runs").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include "emu/ingress.h"
#include "emu/replay.h"
#include "emu/spec_run.h"
#include "conntrack/nf_conntrack.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "netstack/inet.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

#define SPEC_BASE_NS 1700000000000000000ULL     /* the test capture's clock starts here */
#define SPEC_STEP_NS 1000000ULL                 /* 1 ms between packets */

/* ---------------------------------------------------------------- strings */

static void spec_buf_vadd(struct spec_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (!p)
			return;
		b->s = p;
		b->cap = cap;
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	b->len += (size_t)n;
}

void spec_buf_add(struct spec_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spec_buf_vadd(b, fmt, ap);
	va_end(ap);
}

char *spec_buf_take(struct spec_buf *b)
{
	char *s = b->s ? b->s : strdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

/* ---------------------------------------------------------------- what a packet did */

void pkt_obs_fate(struct pkt_obs *o, const struct fate *f)
{
	if (!f->generated) {
		o->fates[0] = *f;
		o->have = true;
		if (!o->nfates)
			o->nfates = 1;
		return;
	}
	if (f->kid < PKT_OBS_MAX_FATES) {
		o->fates[f->kid] = *f;
		if (f->kid + 1 > o->nfates)
			o->nfates = f->kid + 1;
	}
}

void pkt_obs_log(struct pkt_obs *o, const char *line, size_t len)
{
	while (len && line[len - 1] == '\n')
		len--;
	if (o->loglen + len + 2 > o->logcap) {
		size_t cap = (o->logcap + len + 2) * 2;
		char *p = realloc(o->log, cap);

		if (!p)
			return;
		o->log = p;
		o->logcap = cap;
	}
	memcpy(o->log + o->loglen, line, len);
	o->loglen += len;
	o->log[o->loglen++] = '\n';
	o->log[o->loglen] = '\0';
}

/* ---------------------------------------------------------------- what a run observes */

static void spec_run_fate(void *ctx, const struct fate *f)
{
	struct spec_run *r = ctx;

	if (f->n != r->n || !r->obs)
		return;         /* a late fate of an earlier packet: judged as it stood */
	pkt_obs_fate(&r->obs[r->cur], f);
}

static void spec_run_log(void *ctx, int level, const char *line, size_t len)
{
	struct spec_run *r = ctx;

	(void)level;
	if (r->obs)
		pkt_obs_log(&r->obs[r->cur], line, len);
}

static bool spec_run_ours(const struct spec_run *r, const struct sk_buff *skb)
{
	return r->obs && skb->emu_id == r->n && !skb->emu_parent;
}

static void spec_run_see(struct pkt_obs *o, const struct sk_buff *skb)
{
	const unsigned char *l3;
	unsigned int len;
	struct pkt_facts f;

	o->seen = true;
	o->mark = skb->mark;
	out_skb_l3(skb, &l3, &len);
	pkt_facts_parse(l3, len, &f);
	if (!f.ipv4)
		return;
	o->proto = f.proto;
	memcpy(&o->saddr, f.src, 4);
	memcpy(&o->daddr, f.dst, 4);
	o->sport = f.has_ports ? f.sport : 0;
	o->dport = f.has_ports ? f.dport : 0;
}

/* First in PREROUTING and OUTPUT: the packet's `mark` option (skb->mark at ingress). */
static unsigned int spec_run_hook_first(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct spec_run *r = priv;

	(void)state;
	if (spec_run_ours(r, skb) && r->test->pkts[r->cur].pl.has_mark)
		skb->mark = r->test->pkts[r->cur].pl.mark;
	return NF_ACCEPT;
}

/* Just before the filter table: the ct state it sees (as xt_conntrack's --ctstate names it). */
static unsigned int spec_run_hook_filter(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct spec_run *r = priv;
	enum ip_conntrack_info ctinfo;
	struct pkt_obs *o;

	(void)state;
	if (!spec_run_ours(r, skb))
		return NF_ACCEPT;
	o = &r->obs[r->cur];
	spec_run_see(o, skb);
	o->filter_seen = true;
	if (nf_ct_get(skb, &ctinfo))
		o->ct = ctinfo % IP_CT_IS_REPLY == IP_CT_NEW ? SPEC_CT_NEW :
			ctinfo % IP_CT_IS_REPLY == IP_CT_RELATED ? SPEC_CT_RELATED : SPEC_CT_ESTABLISHED;
	else
		o->ct = ctinfo == IP_CT_UNTRACKED ? SPEC_CT_UNTRACKED : SPEC_CT_INVALID;
	return NF_ACCEPT;
}

/* Last in POSTROUTING and INPUT: the headers and mark as it leaves or is delivered. */
static unsigned int spec_run_hook_last(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct spec_run *r = priv;

	(void)state;
	if (spec_run_ours(r, skb))
		spec_run_see(&r->obs[r->cur], skb);
	return NF_ACCEPT;
}

static int spec_run_hooks_register(struct spec_run *r)
{
	static const struct { nf_hookfn *fn; u8 hook; int prio; } h[] = {
		{ spec_run_hook_first, NF_INET_PRE_ROUTING, NF_IP_PRI_FIRST },
		{ spec_run_hook_first, NF_INET_LOCAL_OUT, NF_IP_PRI_FIRST },
		{ spec_run_hook_filter, NF_INET_LOCAL_IN, NF_IP_PRI_FILTER - 1 },
		{ spec_run_hook_filter, NF_INET_FORWARD, NF_IP_PRI_FILTER - 1 },
		{ spec_run_hook_filter, NF_INET_LOCAL_OUT, NF_IP_PRI_FILTER - 1 },
		{ spec_run_hook_last, NF_INET_POST_ROUTING, NF_IP_PRI_LAST - 1 },
		{ spec_run_hook_last, NF_INET_LOCAL_IN, NF_IP_PRI_LAST - 1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(h); i++)
		r->ops[i] = (struct nf_hook_ops){ .hook = h[i].fn, .priv = r, .pf = NFPROTO_IPV4,
						  .hooknum = h[i].hook, .priority = h[i].prio,
						  .name = "nfemu-test" };
	r->nops = ARRAY_SIZE(h);
	if (nf_register_net_hooks(r->net, r->ops, r->nops)) {
		r->nops = 0;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- feeding packets */

static int spec_tcp_lookup(struct spec_run *r, u32 s, u16 sp, u32 d, u16 dp, int *side)
{
	for (size_t i = 0; i < r->nalias; i++) {
		const struct spec_alias *a = &r->alias[i];

		if (a->a == s && a->ap == sp && a->b == d && a->bp == dp) {
			*side = a->side_of_a;
			return a->flow;
		}
		if (a->a == d && a->ap == dp && a->b == s && a->bp == sp) {
			*side = 1 - a->side_of_a;
			return a->flow;
		}
	}
	return -1;
}

static void spec_tcp_alias(struct spec_run *r, u32 s, u16 sp, u32 d, u16 dp, int flow, int side)
{
	struct spec_alias *na;
	int dummy;

	if (spec_tcp_lookup(r, s, sp, d, dp, &dummy) >= 0)
		return;
	na = realloc(r->alias, (r->nalias + 1) * sizeof(*na));
	if (!na)
		return;
	r->alias = na;
	r->alias[r->nalias++] = (struct spec_alias){ .a = s, .ap = sp, .b = d, .bp = dp, .flow = flow,
						  .side_of_a = side };
}

/* Sequence and acknowledgement numbers an exchange would have, unless the line gives them. */
static void spec_tcp_fill(struct spec_run *r, struct nfemu_pktline *pl, int *flowp, int *sidep)
{
	int side = 0, flow = spec_tcp_lookup(r, pl->saddr, pl->sport, pl->daddr, pl->dport, &side);
	struct spec_tcp *t;
	size_t plen = pl->len > 40 ? pl->len - 40 : pl->payload_len;

	if (flow < 0) {
		struct spec_tcp *nt = realloc(r->tcp, (r->ntcp + 1) * sizeof(*nt));

		if (!nt)
			return;
		r->tcp = nt;
		flow = (int)r->ntcp++;
		memset(&r->tcp[flow], 0, sizeof(r->tcp[flow]));
		side = 0;
		spec_tcp_alias(r, pl->saddr, pl->sport, pl->daddr, pl->dport, flow, 0);
	}
	t = &r->tcp[flow];
	if (!t->started[side]) {
		t->nxt[side] = side ? 5000 : 1000;
		t->started[side] = true;
	}
	if (!pl->has_seq)
		pl->seq = t->nxt[side];
	if (!pl->has_ack && (pl->tcp_flags & NFEMU_PKTLINE_ACK))
		pl->ack = t->started[1 - side] ? t->nxt[1 - side] : 0;
	t->nxt[side] = pl->seq + (u32)plen + !!(pl->tcp_flags & NFEMU_PKTLINE_SYN) +
		       !!(pl->tcp_flags & NFEMU_PKTLINE_FIN);
	*flowp = flow;
	*sidep = side;
}

/* Send packet i of the test: an Ethernet frame received on `in IFACE`, else the bare
 * datagram for replay to place (from the host if its source is the host's, else on the
 * interface routing back to it).  0, or -1 with the setup error in err. */
int spec_run_send(struct spec_run *r, size_t i, struct spec_buf *err)
{
	const struct spec_packet *sp = &r->test->pkts[i];
	struct nfemu_pktline pl = sp->pl;
	static unsigned char frame[ETH_HLEN + NFEMU_PKTLINE_MAX];
	struct nfemu_capture_pkt pkt = { 0 };
	unsigned int hlen = 0;
	int flow = -1, side = 0, len;

	pl.inner = sp->pl.inner;
	if (pl.proto == IPPROTO_TCP)
		spec_tcp_fill(r, &pl, &flow, &side);
	if (pl.ingress == NFEMU_PKTLINE_IN_IFACE) {
		struct net_device *dev = dev_get_by_name(r->net, pl.iface);

		if (!dev) {
			spec_buf_add(err, "%s:%d: packet: no interface '%s' in the topology %s\n", r->spec->file,
			       sp->line, pl.iface, r->topology);
			return -1;
		}
		if (pl.daddr == htonl(0xffffffff))
			memset(frame, 0xff, ETH_ALEN);
		else if ((ntohl(pl.daddr) >> 28) == 14) {
			static const unsigned char mc[3] = { 0x01, 0x00, 0x5e };
			u32 d = ntohl(pl.daddr);

			memcpy(frame, mc, 3);
			frame[3] = (d >> 16) & 0x7f;
			frame[4] = (d >> 8) & 0xff;
			frame[5] = d & 0xff;
		} else {
			memcpy(frame, dev->dev_addr, ETH_ALEN);
		}
		/* a locally administered sender: 02:00:00:00:00:01 */
		memset(frame + ETH_ALEN, 0, ETH_ALEN);
		frame[ETH_ALEN] = 0x02;
		frame[2 * ETH_ALEN - 1] = 0x01;
		frame[12] = 0x08;
		frame[13] = 0x00;
		hlen = ETH_HLEN;
		pkt.linktype = NFEMU_LINKTYPE_ETHERNET;
		pkt.ifname = dev->name;
		pkt.direction = 1;
	} else {
		pkt.linktype = NFEMU_LINKTYPE_RAW;
		if (pl.ingress == NFEMU_PKTLINE_FROM_HOST) {
			if (!nfemu_addr_is_local(r->net, pl.saddr)) {
				char a[INET_ADDRSTRLEN];

				inet_ntop(AF_INET, &pl.saddr, a, sizeof(a));
				spec_buf_add(err, "%s:%d: packet: from-host, but %s is not an address of the host's in %s\n",
				       r->spec->file, sp->line, a, r->topology);
				return -1;
			}
			pkt.direction = 2;
		}
	}
	len = nfemu_pktline_build(&pl, frame + hlen, sizeof(frame) - hlen);
	if (len < 0) {
		spec_buf_add(err, "%s:%d: packet: cannot build it (%s)\n", r->spec->file, sp->line, strerror(-len));
		return -1;
	}
	pkt.ts_ns = SPEC_BASE_NS + (u64)i * SPEC_STEP_NS;
	pkt.data = frame;
	pkt.caplen = pkt.origlen = hlen + (unsigned int)len;
	r->cur = i;
	r->n = i + 1;
	replay_run_packet(r->r, r->n, &pkt);
	/* the connection as NAT rewrote it goes on with the same numbers */
	if (flow >= 0 && r->obs[i].seen && r->obs[i].proto == IPPROTO_TCP)
		spec_tcp_alias(r, r->obs[i].saddr, r->obs[i].sport, r->obs[i].daddr, r->obs[i].dport, flow, side);
	return 0;
}

int spec_run_open(struct spec_run *r, const struct spec *s, const struct spec_test *t,
		  const char *topology, const char *state, struct spec_buf *err)
{
	struct replay_run_args ra = { .state = state, .seed = s->seed, .open_ports = s->open_ports };
	struct nfemu_output_opts oo = { 0 };

	memset(r, 0, sizeof(*r));
	r->spec = s;
	r->test = t;
	r->topology = topology ? topology : s->topology;
	ra.topology = r->topology;
	r->obs = calloc(t->npkts ? t->npkts : 1, sizeof(*r->obs));
	if (!r->obs) {
		spec_buf_add(err, "nfemu: out of memory\n");
		return -1;
	}
	oo.fate_cb = spec_run_fate;
	oo.fate_ctx = r;
	oo.capture_name = s->file;
	fflush(stdout);
	r->r = replay_run_open(&ra, &oo);
	if (!r->r) {
		spec_buf_add(err, "%s:%d: the spec's kernel could not be set up (above)\n", s->file, s->topology_line);
		return -1;
	}
	r->net = replay_run_net(r->r);
	r->net->nf.log.sink = spec_run_log;
	r->net->nf.log.sink_ctx = r;
	r->ct_loaded = find_module(r->net, "nf_conntrack") != NULL;
	if (spec_run_hooks_register(r)) {
		spec_buf_add(err, "%s: cannot register the test's hooks\n", s->file);
		return -1;
	}
	return 0;
}

void spec_run_close(struct spec_run *r)
{
	if (r->nops)
		nf_unregister_net_hooks(r->net, r->ops, r->nops);
	r->nops = 0;
	replay_run_close(r->r);
	r->r = NULL;
	r->net = NULL;
	if (r->obs)
		for (size_t i = 0; i < r->test->npkts; i++)
			free(r->obs[i].log);
	free(r->obs);
	r->obs = NULL;
	free(r->alias);
	r->alias = NULL;
	r->nalias = 0;
	free(r->tcp);
	r->tcp = NULL;
	r->ntcp = 0;
}
