/* emu/cmd_trace.c - EMU: `nfemu trace`: one packet, phase by phase, as packet-tracer shows it.
 * No kernel counterpart.  The packet is a packet line (emu/pktline.c, docs/packets.md), built
 * into the frame the wire would carry (an Ethernet frame from the neighbour the topology names,
 * to the receiving interface's MAC; the host's own packets as bare IP) and fed to one kernel
 * booted as replay boots it (emu/replay.h), as a one-packet capture is.  The kernel's binary
 * events (kernel/observe.h) are recorded as they come -- each hook function called with its
 * priority and verdict, ipt_do_table's table, conntrack and NAT, the routing decision read
 * from the skb's dst, transmissions and drops -- with the kernel log lines (TRACE, LOG) in
 * between, exactly as replay prints them; then said as text or as one JSON document
 * (docs/trace.md).  The replay's fate model (emu/fate.c) gives each packet's verdict.
 * A --state is only read unless --commit writes the kernel back (its conntrack table too).
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_arp.h>
#include "emu/cli.h"
#include "emu/output_int.h"
#include "emu/pktline.h"
#include "emu/replay.h"
#include "conntrack/nf_conntrack.h"
#include "nat/nf_nat.h"
#include "hooks/netfilter.h"
#include "kernel/clock.h"
#include "kernel/net.h"
#include "netstack/inet.h"
#include "netstack/neighbour.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/skbuff.h"

#define TRACE_PACKET_N 1                        /* the packet's number, as in a one-packet capture */
#define TRACE_DEFAULT_TS (1700000000ULL * NSEC_PER_SEC)   /* a fresh kernel's clock */
#define TRACE_MAX_PKTS (OUT_MAX_CHILDREN + 1)
#define TRACE_MAX_CT 8
#define TRACE_NFTRACE_HOOK "nfemu-replay-nftrace"  /* replay's own hook: not the kernel's */
#define TRACE_MARK_HOOK "nfemu-trace-mark"

struct trace_opts {
	const char *topology, *rules, *state, *pcap;
	char *line;                     /* the packet line (the arguments joined) */
	bool json, explain, commit, open_ports;
	u64 seed;
};

enum titem_kind {
	TI_IPRCV,       /* the packet is received: text = the device and frame */
	TI_LOCAL,       /* the host sends it: from a raw socket */
	TI_HOOK,        /* a hook function: hooknum, prio, func, module, table, verdict */
	TI_LOG,         /* a kernel log line (TRACE, LOG), as printed */
	TI_CT,          /* conntrack: text */
	TI_NAT,         /* a NAT binding: text */
	TI_ROUTE,       /* the routing decision: text */
	TI_XMIT,        /* a frame left: dev, text = the packet as it left */
	TI_DELIVER,     /* delivered locally: text */
	TI_DROP,        /* dropped: text = by what, why */
	TI_OTHER,       /* stolen, queued, pending, a note: text */
	TI_GEN,         /* a packet generated in answer: pkt is its kid */
};

struct titem {
	u8 kind;
	unsigned int pkt;               /* 0: the packet, k: its k-th generated packet */
	unsigned int depth;             /* hook functions it is nested in (for the text) */
	int hook;                       /* TI_LOG/CT/NAT: the enclosing hook item of the same
					 * packet, -1 none */
	/* TI_HOOK */
	u8 hooknum;
	bool done;
	int prio;
	unsigned int verdict;
	const char *func, *module;
	char table[32];
	char *text;
	char dev[IFNAMSIZ];
};

struct trace_pkt {
	const struct sk_buff *skb;      /* a generated packet's skb while it is known */
	struct fate fate;               /* its names are the outputs': said at once, below */
	bool have_fate;
	char outcome[1280];             /* fate_outcome() */
	const char *verdict;            /* fate_verdict(): a constant */
	char rule[160];                 /* the deciding rule, "" none */
	char egress[OUT_MAX_EGRESS][IFNAMSIZ];
	int last_hook;                  /* the hook the text's last section header named */
	const void *route_dev;          /* the last routing decision said */
	__be32 route_gw;
	u8 route_type;
	bool route_said;
};

struct trace_run {
	struct replay *r;
	struct net *net;
	void (*inner_event)(void *ctx, const struct nfemu_event *ev);
	void *inner_ctx;
	void (*inner_sink)(void *ctx, int level, const char *line, size_t len);
	void *inner_sink_ctx;
	struct titem *items;
	size_t nitems, cap;
	int stack[64];                  /* open hook items */
	unsigned int depth;
	unsigned int cur;               /* the packet the last event was about */
	struct trace_pkt pkts[TRACE_MAX_PKTS];
	unsigned int npkts;
	struct nf_conntrack_tuple ct[TRACE_MAX_CT];     /* entries the packets had, original dir */
	unsigned int nct;
	char ct_tuple[TRACE_MAX_CT][128];       /* said before the kernel goes */
	char ct_entry[TRACE_MAX_CT][512];       /* as conntrack -L prints it, "" = gone */
	struct out_names *names;        /* rules and functions named as the fate names them */
	struct nf_hook_ops mark_ops[2];
	bool mark_registered;
	u32 mark;
	bool marked;
	bool oom;
};

static void trace_usage(FILE *f)
{
	fprintf(f,
		"usage: nfemu trace --topology FILE (--rules RULES.v4 | --state FILE) [--json] [--explain]\n"
		"                   [--commit] [--pcap FILE] [--open-ports] [--seed N] 'PACKET'\n"
		"  Run one packet (a packet line: docs/packets.md, e.g. 'tcp 192.0.2.10:40000 >\n"
		"  203.0.113.5:80 S in lan0') through the emulated kernel and print it phase by phase:\n"
		"  ip_rcv, each hook function in priority order with its verdict, conntrack, NAT, the\n"
		"  routing decision, the TRACE lines each table walked, what left which interface, the\n"
		"  verdict, and the packets generated in answer.  docs/trace.md.\n"
		"  --json      one JSON document instead of the text (docs/trace.md: the schema)\n"
		"  --explain   also the replay's --explain lines of the packet (ipt_do_table's jumps,\n"
		"              RETURNs and gotos, how NAT chose its binding)\n"
		"  --state     conntrack entries in the state are seen; the state is not changed ...\n"
		"  --commit    ... unless --commit writes the kernel back (new conntrack entries,\n"
		"              counters)\n"
		"  --pcap FILE the frame as a one-packet pcapng (nfemu replay replays it the same way)\n"
		"  Exit status: 0 traced, 2 a bad packet line or option, 1 another error.\n");
}

/* ---------------------------------------------------------------- options */

static int trace_parse(int argc, char **argv, struct trace_opts *o)
{
	const char *seed = NULL;
	size_t len = 0;
	bool dashdash = false;
	int i = 1, r;

	memset(o, 0, sizeof(*o));
	o->line = calloc(1, 1);
	if (!o->line)
		return -1;
	while (i < argc) {
		const char *arg = argv[i];

		if (!dashdash && arg[0] == '-' && arg[1] && !(arg[1] >= '0' && arg[1] <= '9')) {
			if (!strcmp(arg, "--")) {
				dashdash = true;
				i++;
				continue;
			}
			if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
				trace_usage(stdout);
				return 1;
			}
			if (!strcmp(arg, "--json") || !strcmp(arg, "--explain") ||
			    !strcmp(arg, "--commit") || !strcmp(arg, "--open-ports")) {
				*(arg[2] == 'j' ? &o->json : arg[2] == 'e' ? &o->explain :
				  arg[2] == 'c' ? &o->commit : &o->open_ports) = true;
				i++;
				continue;
			}
			if ((r = cli_value_opt("trace", argc, argv, &i, "--topology", &o->topology)) ||
			    (r = cli_value_opt("trace", argc, argv, &i, "--rules", &o->rules)) ||
			    (r = cli_value_opt("trace", argc, argv, &i, "--state", &o->state)) ||
			    (r = cli_value_opt("trace", argc, argv, &i, "--pcap", &o->pcap)) ||
			    (r = cli_value_opt("trace", argc, argv, &i, "--seed", &seed))) {
				if (r < 0)
					return -1;
				continue;
			}
			fprintf(stderr, "nfemu: trace: unknown option '%s'\n", arg);
			return -1;
		}
		/* the packet line: one argument, or its words as several */
		{
			size_t n = strlen(arg);
			char *p = realloc(o->line, len + n + 2);

			if (!p)
				return -1;
			o->line = p;
			if (len)
				o->line[len++] = ' ';
			memcpy(o->line + len, arg, n + 1);
			len += n;
		}
		i++;
	}
	if (seed) {
		char *end;

		errno = 0;
		o->seed = strtoull(seed, &end, 0);
		if (errno || !*seed || *end || seed[0] == '-') {
			fprintf(stderr, "nfemu: trace: --seed %s: not a number\n", seed);
			return -1;
		}
	}
	if (!o->topology) {
		fprintf(stderr, "nfemu: trace: --topology FILE is required\n");
		return -1;
	}
	if (o->rules && o->state) {
		fprintf(stderr, "nfemu: trace: --rules and --state: give one of them\n");
		return -1;
	}
	if (!o->rules && !o->state) {
		const char *env = getenv("NFEMU_STATE");

		if (!env || !env[0]) {
			fprintf(stderr, "nfemu: trace: give the ruleset: --rules RULES.v4 or --state FILE\n");
			return -1;
		}
		o->state = env;
	}
	if (o->commit && !o->state) {
		fprintf(stderr, "nfemu: trace: --commit writes a --state back: there is none with --rules\n");
		return -1;
	}
	if (!len) {
		fprintf(stderr, "nfemu: trace: no packet given (e.g. 'tcp 192.0.2.10:40000 > 203.0.113.5:80 S')\n");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- recording */

static struct titem *item_add(struct trace_run *t, u8 kind, unsigned int pkt)
{
	struct titem *it;

	if (t->nitems == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		struct titem *n = realloc(t->items, cap * sizeof(*n));

		if (!n) {
			t->oom = true;
			return NULL;
		}
		t->items = n;
		t->cap = cap;
	}
	it = &t->items[t->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->pkt = pkt;
	it->hook = -1;
	/* nested in the hook functions of its own packet (a generated packet's run inside its
	 * parent's hook function starts at depth 0) */
	for (unsigned int d = 0; d < t->depth; d++)
		if (t->items[t->stack[d]].pkt == pkt)
			it->depth++;
	/* the innermost open hook function of the same packet */
	for (unsigned int d = t->depth; d > 0; d--)
		if (t->items[t->stack[d - 1]].pkt == pkt) {
			it->hook = t->stack[d - 1];
			break;
		}
	return it;
}

static void item_text(struct trace_run *t, u8 kind, unsigned int pkt, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void item_text(struct trace_run *t, u8 kind, unsigned int pkt, const char *fmt, ...)
{
	struct titem *it = item_add(t, kind, pkt);
	va_list ap;

	if (!it)
		return;
	va_start(ap, fmt);
	if (vasprintf(&it->text, fmt, ap) < 0) {
		it->text = NULL;
		t->oom = true;
	}
	va_end(ap);
}

/* Which packet an skb is: the traced one (its number), a generated one (by its skb), else
 * the one the last event was about. */
static unsigned int trace_pkt_of(struct trace_run *t, const struct sk_buff *skb)
{
	if (!skb)
		return t->cur;
	if (skb->emu_id == TRACE_PACKET_N)
		return t->cur = 0;
	for (unsigned int k = t->npkts; k-- > 1;)
		if (t->pkts[k].skb == skb)
			return t->cur = k;
	return t->cur;
}

static const char *ctinfo_name(enum ip_conntrack_info ci)
{
	switch ((int)ci) {
	case IP_CT_ESTABLISHED: return "ESTABLISHED (IP_CT_ESTABLISHED)";
	case IP_CT_RELATED: return "RELATED (IP_CT_RELATED)";
	case IP_CT_NEW: return "NEW (IP_CT_NEW)";
	case IP_CT_ESTABLISHED_REPLY: return "ESTABLISHED (IP_CT_ESTABLISHED_REPLY)";
	case IP_CT_RELATED_REPLY: return "RELATED (IP_CT_RELATED_REPLY)";
	case IP_CT_UNTRACKED: return "UNTRACKED (IP_CT_UNTRACKED)";
	default: return "?";
	}
}

static void trace_remember_ct(struct trace_run *t, const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *tu = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	for (unsigned int i = 0; i < t->nct; i++)
		if (!memcmp(&t->ct[i], tu, sizeof(*tu)))
			return;
	if (t->nct < TRACE_MAX_CT)
		t->ct[t->nct++] = *tu;
}

/* After a conntrack hook function accepted the packet: what it found or made. */
static void trace_ct_lookup(struct trace_run *t, int hook, const struct sk_buff *skb)
{
	unsigned int pkt = t->items[hook].pkt, depth = t->items[hook].depth + 1;
	size_t first = t->nitems;
	enum ip_conntrack_info ci;
	const struct nf_conn *ct = nf_ct_get(skb, &ci);
	char tu[128];

	if (!ct)
		item_text(t, TI_CT, pkt, "no entry: the packet is INVALID to conntrack");
	else if ((int)ci == IP_CT_UNTRACKED)
		item_text(t, TI_CT, pkt, "UNTRACKED (NOTRACK in raw)");
	if (!ct || (int)ci == IP_CT_UNTRACKED) {
		for (size_t i = first; i < t->nitems; i++) {
			t->items[i].hook = hook;
			t->items[i].depth = depth;
		}
		return;
	}
	out_tuple_str(&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple, tu, sizeof(tu));
	item_text(t, TI_CT, pkt, "%s: %s entry %s", ctinfo_name(ci),
		  nf_ct_is_confirmed(ct) ? "found the" : "a new, unconfirmed", tu);
	trace_remember_ct(t, ct);
	/* said inside the hook function that decided it */
	for (size_t i = first; i < t->nitems; i++) {
		t->items[i].hook = hook;
		t->items[i].depth = depth;
	}
}

static const char *route_type_name(unsigned int type)
{
	switch (type) {
	case RTN_UNICAST: return "unicast";
	case RTN_LOCAL: return "local";
	case RTN_BROADCAST: return "broadcast";
	case RTN_MULTICAST: return "multicast";
	case RTN_BLACKHOLE: return "blackhole";
	case RTN_UNREACHABLE: return "unreachable";
	case RTN_PROHIBIT: return "prohibit";
	default: return "other";
	}
}

/* The routing decision the skb carries, said once per change. */
static void trace_route(struct trace_run *t, unsigned int pkt, const struct sk_buff *skb, unsigned int hook)
{
	const struct rtable *rt = skb->rt;
	struct trace_pkt *p = &t->pkts[pkt];
	char daddr[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	const struct iphdr *iph = (const void *)skb_network_header(skb);
	const char *fn;

	if (!rt || hook == NF_INET_PRE_ROUTING)
		return;
	if (p->route_said && p->route_dev == rt->dev && p->route_gw == rt->rt_gw4 &&
	    p->route_type == rt->rt_type)
		return;
	fn = rt_is_input_route(rt) ? "ip_route_input_noref" :
	     p->route_said ? "ip_route_me_harder" : "ip_route_output_key";
	p->route_said = true;
	p->route_dev = rt->dev;
	p->route_gw = rt->rt_gw4;
	p->route_type = rt->rt_type;
	inet_ntop(AF_INET, &iph->daddr, daddr, sizeof(daddr));
	if (rt->rt_type == RTN_LOCAL) {
		item_text(t, TI_ROUTE, pkt, "%s: %s is local: delivered to the host (INPUT)", fn, daddr);
		return;
	}
	if (rt->rt_gw4) {
		inet_ntop(AF_INET, &rt->rt_gw4, gw, sizeof(gw));
		item_text(t, TI_ROUTE, pkt, "%s: %s %s via %s dev %s%s", fn, route_type_name(rt->rt_type),
			  daddr, gw, rt->dev ? rt->dev->name : "?",
			  rt_is_input_route(rt) ? " (FORWARD)" : "");
	} else {
		item_text(t, TI_ROUTE, pkt, "%s: %s %s dev %s%s", fn, route_type_name(rt->rt_type), daddr,
			  rt->dev ? rt->dev->name : "?", rt_is_input_route(rt) ? " (FORWARD)" : "");
	}
}

/* How get_unique_tuple found the tuple (the replay's --explain=ct says why in more words). */
static const char *nat_how_words(u8 how)
{
	switch (how) {
	case NFEMU_NAT_KEPT: return "the packet's own tuple was free";
	case NFEMU_NAT_BYSOURCE: return "the mapping this source already has";
	case NFEMU_NAT_RANGE: return "the address from the range, ports kept";
	case NFEMU_NAT_SEARCH: return "a free port searched in the range";
	case NFEMU_NAT_EXHAUSTED: return "no free tuple in the range: confirm drops the packet";
	default: return "?";
	}
}

static void trace_nat_item(struct trace_run *t, unsigned int pkt, const struct nfemu_nat_event *ne)
{
	bool src = ne->manip == NF_NAT_MANIP_SRC;
	char from[128], to[128], range[128];

	out_tuple_str(ne->from, from, sizeof(from));
	out_tuple_str(ne->to, to, sizeof(to));
	out_range_str(ne->range, range, sizeof(range));
	if (ne->null_binding)
		item_text(t, TI_NAT, pkt, "%s null %s binding: %s unchanged", out_hook_name(ne->hook),
			  src ? "SNAT" : "DNAT", from);
	else
		item_text(t, TI_NAT, pkt, "%s %s %s -> %s%s%s%s (%s)", out_hook_name(ne->hook),
			  src ? "SNAT" : "DNAT", from, to, range[0] ? " (to " : "", range,
			  range[0] ? ")" : "", nat_how_words(ne->how));
}

static void trace_frame_text(struct trace_run *t, u8 kind, unsigned int pkt, const struct nfemu_event *ev)
{
	char desc[PKT_DESC_MAX + 1];
	struct pkt_facts f;
	const unsigned char *l3;
	unsigned int l3len;

	out_skb_l3(ev->skb, &l3, &l3len);
	pkt_facts_parse(l3, l3len, &f);
	*pkt_desc(desc, &f) = '\0';
	if (kind == TI_XMIT) {
		struct titem *it;

		item_text(t, kind, pkt, "%s", desc);
		it = &t->items[t->nitems - 1];
		if (!t->oom && ev->dev)
			snprintf(it->dev, sizeof(it->dev), "%s", ev->dev->name);
	} else if (ev->sk && t->names && out_sock_name(t->names, ev->sk)) {
		item_text(t, kind, pkt, "%s %s", desc, out_sock_name(t->names, ev->sk));
	} else {
		item_text(t, kind, pkt, "%s%s%s", desc, ev->where ? " by " : "", ev->where ? ev->where : "");
	}
}

static void trace_event(void *ctx, const struct nfemu_event *ev)
{
	struct trace_run *t = ctx;
	const struct nf_hook_ops *ops;
	unsigned int pkt;
	struct titem *it;

	switch (ev->type) {
	case NFEMU_EV_HOOK_CALL:
		ops = ev->hook->ops;
		if (ops->name && (!strcmp(ops->name, TRACE_NFTRACE_HOOK) ||
				  !strcmp(ops->name, TRACE_MARK_HOOK)))
			break;
		pkt = trace_pkt_of(t, ev->skb);
		trace_route(t, pkt, ev->skb, ops->hooknum);
		it = item_add(t, TI_HOOK, pkt);
		if (!it)
			break;
		it->hooknum = (u8)ops->hooknum;
		it->prio = ops->priority;
		it->func = ops->name;
		it->module = ops->module;
		if (t->depth < sizeof(t->stack) / sizeof(t->stack[0]))
			t->stack[t->depth++] = (int)(t->nitems - 1);
		break;
	case NFEMU_EV_HOOK:
		ops = ev->hook->ops;
		if (ops->name && (!strcmp(ops->name, TRACE_NFTRACE_HOOK) ||
				  !strcmp(ops->name, TRACE_MARK_HOOK)))
			break;
		if (t->depth) {
			int hi = t->stack[--t->depth];

			it = &t->items[hi];
			it->verdict = ev->hook->verdict;
			it->done = true;
			if ((ev->hook->verdict & NF_VERDICT_MASK) == NF_ACCEPT && ev->skb && ops->name &&
			    (!strcmp(ops->name, "ipv4_conntrack_in") ||
			     !strcmp(ops->name, "ipv4_conntrack_local")))
				trace_ct_lookup(t, hi, ev->skb);
		}
		break;
	case NFEMU_EV_WALK:
		if (ev->walk->what == NFEMU_WALK_ENTER && t->depth) {
			it = &t->items[t->stack[t->depth - 1]];
			if (!it->table[0])
				snprintf(it->table, sizeof(it->table), "%s", ev->walk->table);
		}
		break;
	case NFEMU_EV_CT: {
		char where[CT_WHERE_MAX + 1], text[CT_TEXT_MAX + 1];

		pkt = trace_pkt_of(t, ev->skb);
		where[ct_event_where(ev->ct, where)] = '\0';
		text[ct_event_text(ev->ct, text)] = '\0';
		item_text(t, TI_CT, pkt, "%s: %s", where, text);
		if (ev->ct->ct && (ev->ct->what == NFEMU_CT_CONFIRMED ||
				   ev->ct->what == NFEMU_CT_UNCONFIRMED))
			trace_remember_ct(t, ev->ct->ct);
		break;
	}
	case NFEMU_EV_NAT:
		trace_nat_item(t, trace_pkt_of(t, ev->skb), ev->nat);
		break;
	case NFEMU_EV_GENERATED:
		if (t->npkts < TRACE_MAX_PKTS && ev->skb && ev->skb->emu_parent == TRACE_PACKET_N) {
			unsigned int k = t->npkts++;

			memset(&t->pkts[k], 0, sizeof(t->pkts[k]));
			t->pkts[k].skb = ev->skb;
			t->pkts[k].last_hook = -1;
			it = item_add(t, TI_GEN, k);
			if (it)
				it->func = ev->text ? ev->text : ev->where;
			t->cur = k;
		}
		break;
	case NFEMU_EV_XMIT:
		trace_frame_text(t, TI_XMIT, trace_pkt_of(t, ev->skb), ev);
		break;
	case NFEMU_EV_DELIVER:
		trace_frame_text(t, TI_DELIVER, trace_pkt_of(t, ev->skb), ev);
		break;
	case NFEMU_EV_DROP:
		pkt = trace_pkt_of(t, ev->skb);
	{
		const char *by = ev->verdict && t->names ? out_verdict_name(t->names, ev->verdict) : NULL;

		if (!by)
			by = ev->where;
		item_text(t, TI_DROP, pkt, "dropped (%s)%s%s", skb_drop_reason_name(ev->reason),
			  by ? " by " : "", by ? by : "");
	}
		break;
	case NFEMU_EV_STOLEN:
		item_text(t, TI_OTHER, trace_pkt_of(t, ev->skb), "stolen by %s", ev->where ? ev->where : "?");
		break;
	case NFEMU_EV_QUEUED:
		item_text(t, TI_OTHER, trace_pkt_of(t, ev->skb), "queued: %s", ev->text ? ev->text : "");
		break;
	case NFEMU_EV_PENDING:
		item_text(t, TI_OTHER, trace_pkt_of(t, ev->skb), "held: %s", ev->text ? ev->text : "");
		break;
	case NFEMU_EV_NOTE:
		item_text(t, TI_OTHER, trace_pkt_of(t, ev->skb), "%s", ev->text ? ev->text : "");
		break;
	case NFEMU_EV_ACCEPT:
	case NFEMU_EV_TIMERS_DONE:
	case NFEMU_EV_MODULE:           /* --explain's lines (replay's explain writer) */
	case NFEMU_EV_NF_QUEUE:
	case NFEMU_EV_NF_LOG:
	case NFEMU_EV_QUEUE_VERDICT:    /* the fate names the queueing rule */
		break;
	}
	if (t->inner_event)
		t->inner_event(t->inner_ctx, ev);
}

static void trace_sink(void *ctx, int level, const char *line, size_t len)
{
	struct trace_run *t = ctx;
	size_t n = len;

	while (n && line[n - 1] == '\n')
		n--;
	item_text(t, TI_LOG, t->cur, "%.*s", (int)n, line);
	if (t->inner_sink)
		t->inner_sink(t->inner_sink_ctx, level, line, len);
}

static void trace_fate_cb(void *ctx, const struct fate *f)
{
	struct trace_run *t = ctx;
	struct trace_pkt *p;

	if (f->n != TRACE_PACKET_N)
		return;
	if (!f->generated)
		p = &t->pkts[0];
	else if (f->kid < t->npkts)
		p = &t->pkts[f->kid];
	else
		return;
	p->fate = *f;
	p->have_fate = true;
	/* the interned names live as long as the outputs: copied now */
	fate_outcome(f, p->outcome, sizeof(p->outcome), true);
	p->verdict = fate_verdict(f);
	snprintf(p->rule, sizeof(p->rule), "%s", f->drop_where ? f->drop_where :
		 f->accept_where ? f->accept_where : "");
	for (unsigned int e = 0; e < f->negress && e < OUT_MAX_EGRESS; e++)
		snprintf(p->egress[e], sizeof(p->egress[e]), "%s", f->egress[e] ? f->egress[e] : "?");
	p->fate.drop_where = p->fate.accept_where = p->fate.deliver_where = NULL;
	p->fate.stolen_where = p->fate.reject_with = NULL;
	memset(p->fate.egress, 0, sizeof(p->fate.egress));
}

/* `mark 0xN`: the skb mark the packet has when it enters, set before any hook sees it. */
static unsigned int trace_mark_hook(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct trace_run *t = priv;

	(void)state;
	if (!t->marked && skb->emu_id == TRACE_PACKET_N) {
		skb->mark = t->mark;
		t->marked = true;
	}
	return NF_ACCEPT;
}

/* ---------------------------------------------------------------- the frame */

/* The MAC a received frame comes from: the neighbour entry of the source on that device,
 * else of the gateway the route back to the source goes through, else a made-up one. */
static void trace_src_mac(struct net *net, struct net_device *dev, __be32 saddr, u8 *mac)
{
	static const u8 made_up[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xee };
	struct flowi4 fl4 = { .daddr = saddr, .flowi4_iif = LOOPBACK_IFINDEX };
	struct fib_result res;
	struct neighbour *n = __ipv4_neigh_lookup_noref(dev, saddr);

	if (!n && !fib_lookup(net, &fl4, &res, 0) && res.nhc && res.nhc->fib_nh_dev == dev &&
	    res.nhc->fib_nh_gw4)
		n = __ipv4_neigh_lookup_noref(dev, res.nhc->fib_nh_gw4);
	if (n && (n->nud_state & NUD_VALID))
		memcpy(mac, n->ha, ETH_ALEN);
	else
		memcpy(mac, made_up, ETH_ALEN);
}

/* The frame and the capture record that carry the packet. */
struct trace_frame {
	unsigned char buf[14 + NFEMU_PKTLINE_MAX];
	unsigned int len;
	int linktype;
	char ifname[IFNAMSIZ];          /* "" for the host's own */
	int direction;
};

/* 0, or -1 with the message printed (exit 2). */
static int trace_build(struct net *net, const struct nfemu_pktline *pl, struct trace_frame *fr,
		       const char *topology)
{
	struct net_device *dev = NULL;
	bool local;
	int n;

	local = pl->ingress == NFEMU_PKTLINE_FROM_HOST ||
		(pl->ingress == NFEMU_PKTLINE_IN_DEFAULT && nfemu_addr_is_local(net, pl->saddr));
	if (pl->ingress == NFEMU_PKTLINE_FROM_HOST && !nfemu_addr_is_local(net, pl->saddr)) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &pl->saddr, a, sizeof(a));
		fprintf(stderr, "nfemu: trace: from-host: %s is not one of the host's addresses in %s "
			"(the host sends from its own)\n", a, topology);
		return -1;
	}
	if (!local) {
		if (pl->ingress == NFEMU_PKTLINE_IN_IFACE) {
			dev = dev_get_by_name(net, pl->iface);
			if (!dev) {
				fprintf(stderr, "nfemu: trace: in %s: no such interface in %s\n", pl->iface,
					topology);
				return -1;
			}
		} else {
			dev = pl->saddr ? nfemu_dev_route_back(net, pl->saddr) : NULL;
			if (!dev) {
				fprintf(stderr, "nfemu: trace: no interface of %s routes back to the source: "
					"say where it arrives with 'in IFACE'\n", topology);
				return -1;
			}
		}
	}
	memset(fr, 0, offsetof(struct trace_frame, len));
	if (local || dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		n = nfemu_pktline_build(pl, fr->buf, sizeof(fr->buf));
		fr->linktype = NFEMU_LINKTYPE_RAW;
	} else {
		memcpy(fr->buf, dev->dev_addr, ETH_ALEN);
		trace_src_mac(net, dev, pl->saddr, fr->buf + ETH_ALEN);
		fr->buf[12] = 0x08;
		fr->buf[13] = 0x00;
		n = nfemu_pktline_build(pl, fr->buf + ETH_HLEN, sizeof(fr->buf) - ETH_HLEN);
		if (n >= 0)
			n += ETH_HLEN;
		fr->linktype = NFEMU_LINKTYPE_ETHERNET;
	}
	if (n < 0) {
		fprintf(stderr, "nfemu: trace: the packet cannot be built: %s\n",
			n == -EINVAL ? "'len' is shorter than its headers and payload" : strerror(-n));
		return -1;
	}
	fr->len = (unsigned int)n;
	fr->ifname[0] = '\0';
	if (dev)
		snprintf(fr->ifname, sizeof(fr->ifname), "%s", dev->name);
	fr->direction = dev ? 1 : 0;    /* received (even from a host address: a spoof) */
	return 0;
}

static void put32(FILE *f, u32 v)
{
	fwrite(&v, 4, 1, f);
}

static void put16(FILE *f, u16 v)
{
	fwrite(&v, 2, 1, f);
}

/* The frame as a one-packet pcapng: the interface's name and tsresol 9, the direction. */
static int trace_write_pcap(const char *path, const struct trace_frame *fr, u64 ts_ns)
{
	size_t namelen = strlen(fr->ifname), namepad = (namelen + 3) & ~(size_t)3;
	size_t datapad = ((size_t)fr->len + 3) & ~(size_t)3;
	u32 idb_len = (u32)(16 + (namelen ? 4 + namepad : 0) + 8 + 4 + 4);
	u32 epb_len = (u32)(28 + datapad + (fr->direction ? 12 : 0) + 4);
	FILE *f = fopen(path, "wb");
	static const u8 zero[4];

	if (!f) {
		fprintf(stderr, "nfemu: trace: --pcap %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* section header block */
	put32(f, 0x0A0D0D0A); put32(f, 28); put32(f, 0x1A2B3C4D); put16(f, 1); put16(f, 0);
	put32(f, 0xFFFFFFFF); put32(f, 0xFFFFFFFF); put32(f, 28);
	/* interface description block */
	put32(f, 1); put32(f, idb_len); put16(f, (u16)fr->linktype); put16(f, 0); put32(f, 0);
	if (namelen) {
		put16(f, 2); put16(f, (u16)namelen);
		fwrite(fr->ifname, 1, namelen, f);
		fwrite(zero, 1, namepad - namelen, f);
	}
	put16(f, 9); put16(f, 1); fputc(9, f); fwrite(zero, 1, 3, f);      /* if_tsresol: ns */
	put16(f, 0); put16(f, 0);
	put32(f, idb_len);
	/* enhanced packet block */
	put32(f, 6); put32(f, epb_len); put32(f, 0);
	put32(f, (u32)(ts_ns >> 32)); put32(f, (u32)ts_ns);
	put32(f, fr->len); put32(f, fr->len);
	fwrite(fr->buf, 1, fr->len, f);
	fwrite(zero, 1, datapad - fr->len, f);
	if (fr->direction) {
		put16(f, 2); put16(f, 4); put32(f, (u32)fr->direction);    /* epb_flags */
		put16(f, 0); put16(f, 0);
	}
	put32(f, epb_len);
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "nfemu: trace: --pcap %s: write failed\n", path);
		return -1;
	}
	return 0;
}

/* The entries the packets had, as the table holds them after the packet (before the kernel
 * is freed). */
static void trace_ct_snapshot(struct trace_run *t)
{
	for (unsigned int i = 0; i < t->nct; i++) {
		struct nf_conntrack_tuple_hash *h = t->net->ct.ready ?
			nf_conntrack_find_get(t->net, &nf_ct_zone_dflt, &t->ct[i]) : NULL;

		out_tuple_str(&t->ct[i], t->ct_tuple[i], sizeof(t->ct_tuple[i]));
		t->ct_entry[i][0] = '\0';
		if (!h)
			continue;
		/* the table's own reference holds it: use= as conntrack -L shows it */
		nf_ct_put(nf_ct_tuplehash_to_ctrack(h));
		nf_conntrack_print(nf_ct_tuplehash_to_ctrack(h), NF_CT_PRINT_CONNTRACK_TOOL,
				   t->ct_entry[i], sizeof(t->ct_entry[i]));
	}
}

/* ---------------------------------------------------------------- saying it */

/* The packet got past ip_rcv: it reached PREROUTING's hook functions (defrag, at -400, may
 * take a fragment before the replay's own hook at -350 notes it). */
static bool trace_passed_ip_rcv(const struct trace_run *t)
{
	if (t->pkts[0].fate.reached_prerouting)
		return true;
	for (size_t i = 0; i < t->nitems; i++)
		if (t->items[i].kind == TI_HOOK && !t->items[i].pkt &&
		    t->items[i].hooknum == NF_INET_PRE_ROUTING)
			return true;
	return false;
}

static void fate_head(const struct trace_run *t, unsigned int k, char *buf, size_t len)
{
	const struct fate *f = &t->pkts[k].fate;
	char desc[PKT_DESC_MAX + 1];

	*pkt_desc(desc, &f->facts) = '\0';
	if (!k)
		snprintf(buf, len, "#1 %s%s %s", f->ingress[0] ? "in " : "local", f->ingress, desc);
	else
		snprintf(buf, len, "#1.%u %s (generated by #1%s%s)", k, desc,
			 f->by ? ": " : "", f->by ? f->by : "");
}

static void indent(FILE *out, unsigned int n)
{
	for (unsigned int i = 0; i < n && i < 24; i++)
		fputs("  ", out);
}

static void text_verdict(FILE *out, const struct trace_run *t, unsigned int k)
{
	const struct trace_pkt *p = &t->pkts[k];

	if (!p->have_fate)
		fputs("  verdict: (none reported)\n", out);
	else
		fprintf(out, "  verdict: %s\n", p->outcome[0] ? p->outcome : "(nothing happened to it)");
}

static void trace_print_text(FILE *out, struct trace_run *t, const struct trace_opts *o,
			     const char *canon, const char *explain, size_t explain_len)
{
	unsigned int cur = 0;
	char head[PKT_DESC_MAX + 200];

	fprintf(out, "packet: %s\n", canon);
	fate_head(t, 0, head, sizeof(head));
	fprintf(out, "%s\n", head);
	for (unsigned int k = 0; k < t->npkts; k++)
		t->pkts[k].last_hook = -1;
	for (size_t i = 0; i < t->nitems; i++) {
		struct titem *it = &t->items[i];
		struct trace_pkt *p = &t->pkts[it->pkt];
		unsigned int d = it->depth;

		if (it->kind == TI_GEN) {
			fate_head(t, it->pkt, head, sizeof(head));
			fprintf(out, "%s\n", head);
			cur = it->pkt;
			continue;
		}
		if (it->pkt != cur && it->kind != TI_LOG) {
			if (it->pkt)
				fprintf(out, "#1.%u (continued)\n", it->pkt);
			else
				fputs("#1 (continued)\n", out);
			cur = it->pkt;
		}
		switch (it->kind) {
		case TI_IPRCV:
			fprintf(out, "  %s\n", it->text ? it->text : "");
			if (trace_passed_ip_rcv(t))
				fputs("  ip_rcv_core: the IPv4 header passed its checks (version, length, "
				      "checksum)\n", out);
			break;
		case TI_LOCAL:
			fprintf(out, "  %s\n", it->text ? it->text : "");
			break;
		case TI_HOOK:
			if (p->last_hook != it->hooknum) {
				p->last_hook = it->hooknum;
				fprintf(out, "  %s\n", out_hook_name(it->hooknum));
			}
			indent(out, d + 2);
			fprintf(out, "%d %s", it->prio, it->func ? it->func : "?");
			if (it->module)
				fprintf(out, " [%s]", it->module);
			if (it->table[0])
				fprintf(out, " table %s", it->table);
			fprintf(out, ": %s\n", it->done ? out_verdict_word(it->verdict) : "(did not return)");
			break;
		case TI_LOG:
			fprintf(out, "%s\n", it->text ? it->text : "");
			break;
		case TI_CT:
		case TI_NAT:
			indent(out, d + 2);
			fputs("   ", out);
			fprintf(out, "%s: %s\n", it->kind == TI_CT ? "ct" : "nat", it->text ? it->text : "");
			break;
		case TI_ROUTE:
			fprintf(out, "  routing: %s\n", it->text ? it->text : "");
			break;
		case TI_XMIT:
			fprintf(out, "  out %s: %s\n", it->dev, it->text ? it->text : "");
			break;
		case TI_DELIVER:
			fprintf(out, "  delivered: %s\n", it->text ? it->text : "");
			break;
		default:        /* a drop, a note: under the hook function it came from */
			if (d) {
				indent(out, d + 2);
				fputs("   ", out);
			} else {
				indent(out, 1);
			}
			fprintf(out, "%s\n", it->text ? it->text : "");
			break;
		}
	}
	fputs("result:\n", out);
	for (unsigned int k = 0; k < t->npkts; k++) {
		fate_head(t, k, head, sizeof(head));
		fprintf(out, "%s\n", head);
		text_verdict(out, t, k);
	}
	for (unsigned int i = 0; i < t->nct; i++) {
		if (!t->ct_entry[i][0])
			fprintf(out, "conntrack: %s: no entry in the table\n", t->ct_tuple[i]);
		else
			fprintf(out, "conntrack: %s\n", t->ct_entry[i]);
	}
	if (o->state)
		fprintf(out, "state: %s\n", o->commit ? "written back (--commit)" : "unchanged (no --commit)");
	if (explain) {
		fputs("explain (as nfemu replay --explain prints it):\n", out);
		for (size_t i = 0; i < explain_len;) {
			const char *nl = memchr(explain + i, '\n', explain_len - i);
			size_t n = nl ? (size_t)(nl - explain - i) : explain_len - i;

			fprintf(out, "    %.*s\n", (int)n, explain + i);
			i += n + 1;
		}
	}
}

static const char *item_type(u8 kind)
{
	static const char *const n[] = {
		[TI_IPRCV] = "ip_rcv", [TI_LOCAL] = "local_out", [TI_HOOK] = "hook", [TI_LOG] = "log",
		[TI_CT] = "ct", [TI_NAT] = "nat", [TI_ROUTE] = "route", [TI_XMIT] = "xmit",
		[TI_DELIVER] = "deliver", [TI_DROP] = "drop", [TI_OTHER] = "note", [TI_GEN] = "generated",
	};

	return kind < sizeof(n) / sizeof(n[0]) && n[kind] ? n[kind] : "?";
}

static void trace_print_json(FILE *out, struct trace_run *t, const struct trace_opts *o,
			     const char *canon, const char *explain, size_t explain_len)
{
	char buf[1280];

	fputs("{\"nfemu_trace\":1,\"packet\":", out);
	cli_json_str(out, o->line);
	fputs(",\"canonical\":", out);
	cli_json_str(out, canon);
	fputs(",\"packets\":[", out);
	for (unsigned int k = 0; k < t->npkts; k++) {
		const struct fate *f = &t->pkts[k].fate;
		int *index = calloc(t->nitems ? t->nitems : 1, sizeof(*index));
		unsigned int nsteps = 0;
		const char *sep = "";

		if (!index) {
			t->oom = true;
			break;
		}
		fprintf(out, "%s{\"id\":\"1%s", k ? "," : "", k ? "." : "");
		if (k)
			fprintf(out, "%u", k);
		fputs("\",\"generated_by\":", out);
		if (k && f->by)
			cli_json_str(out, f->by);
		else
			fputs("null", out);
		*pkt_desc(buf, &f->facts) = '\0';
		fputs(",\"desc\":", out);
		cli_json_str(out, buf);
		fputs(",\"ingress\":", out);
		if (f->ingress[0])
			cli_json_str(out, f->ingress);
		else
			fputs("null", out);
		fputs(",\"steps\":[", out);
		for (size_t i = 0; i < t->nitems; i++) {
			const struct titem *it = &t->items[i];

			index[i] = -1;
			if (it->pkt != k)
				continue;
			index[i] = (int)nsteps++;
			fprintf(out, "%s{\"type\":\"%s\"", sep, item_type(it->kind));
			sep = ",";
			if (it->kind == TI_HOOK) {
				fprintf(out, ",\"hook\":\"%s\",\"priority\":%d,\"function\":",
					out_hook_name(it->hooknum), it->prio);
				cli_json_str(out, it->func);
				fputs(",\"module\":", out);
				if (it->module)
					cli_json_str(out, it->module);
				else
					fputs("null", out);
				fputs(",\"table\":", out);
				if (it->table[0])
					cli_json_str(out, it->table);
				else
					fputs("null", out);
				fprintf(out, ",\"verdict\":\"%s\"",
					it->done ? out_verdict_word(it->verdict) : "none");
			} else if (it->kind == TI_IPRCV) {
				fputs(",\"text\":", out);
				cli_json_str(out, it->text);
				fprintf(out, ",\"checks_passed\":%s",
					trace_passed_ip_rcv(t) ? "true" : "false");
			} else if (it->kind == TI_GEN) {
				fputs(",\"by\":", out);
				cli_json_str(out, it->func);
			} else {
				if (it->kind == TI_XMIT) {
					fputs(",\"dev\":", out);
					cli_json_str(out, it->dev);
				}
				fputs(",\"text\":", out);
				cli_json_str(out, it->text);
				if (it->hook >= 0 && index[it->hook] >= 0)
					fprintf(out, ",\"in_step\":%d", index[it->hook]);
			}
			fputc('}', out);
		}
		free(index);
		fprintf(out, "],\"verdict\":\"%s\",\"fate\":",
			t->pkts[k].have_fate ? t->pkts[k].verdict : "none");
		cli_json_str(out, t->pkts[k].outcome);
		fputs(",\"rule\":", out);
		if (t->pkts[k].rule[0])
			cli_json_str(out, t->pkts[k].rule);
		else
			fputs("null", out);
		fputs(",\"egress\":[", out);
		for (unsigned int e = 0; e < f->negress && e < OUT_MAX_EGRESS; e++) {
			fputs(e ? "," : "", out);
			cli_json_str(out, t->pkts[k].egress[e]);
		}
		fputs("]}", out);
	}
	fputs("],\"conntrack\":[", out);
	for (unsigned int i = 0; i < t->nct; i++) {
		fprintf(out, "%s{\"tuple\":", i ? "," : "");
		cli_json_str(out, t->ct_tuple[i]);
		fputs(",\"entry\":", out);
		if (t->ct_entry[i][0])
			cli_json_str(out, t->ct_entry[i]);
		else
			fputs("null", out);
		fputc('}', out);
	}
	fprintf(out, "],\"state\":%s", !o->state ? "null" : o->commit ? "\"committed\"" : "\"unchanged\"");
	if (explain) {
		fputs(",\"explain\":[", out);
		for (size_t i = 0, first = 1; i < explain_len; first = 0) {
			const char *nl = memchr(explain + i, '\n', explain_len - i);
			size_t n = nl ? (size_t)(nl - explain - i) : explain_len - i;
			char *l = strndup(explain + i, n);

			fputs(first ? "" : ",", out);
			cli_json_str(out, l);
			free(l);
			i += n + 1;
		}
		fputc(']', out);
	}
	fputs("}\n", out);
}

/* ---------------------------------------------------------------- the command */

int cmd_trace(int argc, char **argv)
{
	struct replay_run_args ra = { 0 };
	struct nfemu_output_opts oo = { 0 };
	struct trace_run *t = calloc(1, sizeof(*t));
	struct trace_frame *fr = calloc(1, sizeof(*fr));
	struct nfemu_pktline pl;
	struct nfemu_pktline_err perr;
	struct nfemu_capture_pkt pkt = { 0 };
	struct trace_opts o;
	char canon[512];
	char *explain = NULL;
	size_t explain_len = 0;
	FILE *explain_f = NULL;
	bool parsed = false;
	int status = 2, ret;
	u64 ts;

	if (!t || !fr) {
		fprintf(stderr, "nfemu: trace: out of memory\n");
		free(t);
		free(fr);
		return 1;
	}
	ret = trace_parse(argc, argv, &o);
	if (ret) {
		status = ret > 0 ? 0 : 2;
		goto out;
	}
	/* the packet line first: the cheapest mistake to report */
	if (nfemu_pktline_parse(o.line, &pl, &perr)) {
		nfemu_pktline_print_error(stderr, "nfemu: trace: packet", 1, o.line, 0, &perr);
		goto out;
	}
	parsed = true;
	nfemu_pktline_format_line(&pl, canon, sizeof(canon));
	if (o.explain && !(explain_f = open_memstream(&explain, &explain_len))) {
		fprintf(stderr, "nfemu: trace: out of memory\n");
		status = 1;
		goto out;
	}
	ra.topology = o.topology;
	ra.rules = o.rules;
	ra.state = o.state;
	ra.seed = o.seed;
	ra.open_ports = o.open_ports;
	ra.commit = o.commit;
	oo.trace = explain_f;
	oo.explain = o.explain;
	oo.explain_walk = o.explain;
	oo.explain_no_load = true;      /* the rules' load is not the packet's doing */
	oo.fate_cb = trace_fate_cb;
	oo.fate_ctx = t;
	oo.capture_name = "packet";
	oo.summary = NULL;
	t->r = replay_run_open(&ra, &oo);
	if (!t->r) {
		status = 1;
		goto out;
	}
	t->net = replay_run_net(t->r);
	if (trace_build(t->net, &pl, fr, o.topology)) {
		status = 2;
		goto close;
	}
	t->npkts = 1;
	t->pkts[0].last_hook = -1;
	if (out_names_new(&t->names)) {
		fprintf(stderr, "nfemu: trace: out of memory\n");
		status = 1;
		goto close;
	}
	/* wrap the outputs' observer and log sink: every event is recorded, then passed on */
	t->inner_event = t->net->observer.event;
	t->inner_ctx = t->net->observer.ctx;
	t->net->observer.event = trace_event;
	t->net->observer.ctx = t;
	t->net->observer.walk = true;
	t->net->observer.ct_events = true;
	t->inner_sink = t->net->nf.log.sink;
	t->inner_sink_ctx = t->net->nf.log.sink_ctx;
	t->net->nf.log.sink = trace_sink;
	t->net->nf.log.sink_ctx = t;
	if (pl.has_mark) {
		static const unsigned int hooks[2] = { NF_INET_PRE_ROUTING, NF_INET_LOCAL_OUT };

		t->mark = pl.mark;
		for (int i = 0; i < 2; i++)
			t->mark_ops[i] = (struct nf_hook_ops){
				.hook = trace_mark_hook, .priv = t, .pf = NFPROTO_IPV4,
				.hooknum = hooks[i], .priority = INT_MIN, .name = TRACE_MARK_HOOK,
			};
		if (nf_register_net_hooks(t->net, t->mark_ops, 2)) {
			fprintf(stderr, "nfemu: trace: cannot register the mark hook\n");
			status = 1;
			goto close;
		}
		t->mark_registered = true;
	}
	ts = t->net->clock.now_ns ? t->net->clock.now_ns : TRACE_DEFAULT_TS;
	if (o.pcap && trace_write_pcap(o.pcap, fr, ts)) {
		status = 1;
		goto close;
	}
	if (fr->ifname[0] && fr->linktype == NFEMU_LINKTYPE_ETHERNET)
		item_text(t, TI_IPRCV, 0, "received on %s from %02x:%02x:%02x:%02x:%02x:%02x to "
			  "%02x:%02x:%02x:%02x:%02x:%02x", fr->ifname, fr->buf[6], fr->buf[7], fr->buf[8],
			  fr->buf[9], fr->buf[10], fr->buf[11], fr->buf[0], fr->buf[1], fr->buf[2],
			  fr->buf[3], fr->buf[4], fr->buf[5]);
	else if (fr->ifname[0])
		item_text(t, TI_IPRCV, 0, "received on %s (no link-layer header)", fr->ifname);
	else
		item_text(t, TI_LOCAL, 0, "sent by the host from a raw socket (uid 0): routed, then LOCAL_OUT");
	pkt.ts_ns = ts;
	pkt.linktype = fr->linktype;
	pkt.data = fr->buf;
	pkt.caplen = pkt.origlen = fr->len;
	pkt.ifname = fr->ifname[0] ? fr->ifname : NULL;
	pkt.direction = fr->direction;
	replay_run_packet(t->r, TRACE_PACKET_N, &pkt);
	if (t->mark_registered) {
		nf_unregister_net_hooks(t->net, t->mark_ops, 2);
		t->mark_registered = false;
	}
	/* the observer back as it was, so the outputs close as they opened */
	t->net->observer.event = t->inner_event;
	t->net->observer.ctx = t->inner_ctx;
	t->net->nf.log.sink = t->inner_sink;
	t->net->nf.log.sink_ctx = t->inner_sink_ctx;
	trace_ct_snapshot(t);
	status = t->oom ? 1 : 0;
	if (t->oom)
		fprintf(stderr, "nfemu: trace: out of memory\n");
close:
	if (t->mark_registered)
		nf_unregister_net_hooks(t->net, t->mark_ops, 2);
	if (t->net && t->net->observer.ctx == t) {      /* an error after the wrapping */
		t->net->observer.event = t->inner_event;
		t->net->observer.ctx = t->inner_ctx;
		t->net->nf.log.sink = t->inner_sink;
		t->net->nf.log.sink_ctx = t->inner_sink_ctx;
	}
	if (status)
		replay_run_no_commit(t->r);     /* --commit writes back only a packet that ran */
	/* closing the outputs flushes the replay's --explain lines into explain_f */
	if (replay_run_close(t->r) && status == 0)
		status = 1;
	t->r = NULL;
	if (explain_f) {
		fclose(explain_f);
		explain_f = NULL;
	}
	if (status == 0 && o.json)
		trace_print_json(stdout, t, &o, canon, explain, explain_len);
	else if (status == 0)
		trace_print_text(stdout, t, &o, canon, explain, explain_len);
	if (fflush(stdout) && status == 0)
		status = 1;
out:
	if (explain_f)
		fclose(explain_f);
	free(explain);
	if (parsed)
		nfemu_pktline_free(&pl);
	if (t) {
		for (size_t i = 0; i < t->nitems; i++)
			free(t->items[i].text);
		free(t->items);
		if (t->names)
			out_names_free(t->names);
	}
	free(t);
	free(fr);
	free(o.line);
	return status;
}
