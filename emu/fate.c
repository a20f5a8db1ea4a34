/* emu/fate.c - EMU: the fate model of `nfemu replay`: what happened to each packet.
 * No kernel counterpart.  The kernel's binary events (kernel/observe.h) are folded into one
 * fate per packet: the captured packet (the group's parent) and each packet the host built
 * because of it ("N.k").  When the packet has been processed, the group's fates go to the
 * writers and the counts.  A fate whose skb is still held by the stack (a neighbour being
 * resolved) is left pending and finished by a later timer, during another packet: its outcome
 * is then reported as a late group under its own packet number.
 * Per packet, in the common case: no allocation and no text (facts are binary; names are
 * interned the first time they appear).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/output_int.h"
#include "emu/write_report.h"
#include "hooks/netfilter.h"
#include "kernel/net.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

/* ---------------------------------------------------------------- a fate */

void fate_init(struct fate *f)
{
	memset(f, 0, offsetof(struct fate, ingress));
	f->ingress[0] = '\0';
	f->notes[0] = '\0';
	f->pending_for[0] = '\0';
}

char *fate_id(char *p, const struct fate *f)
{
	p = fmt_u64(p, f->n);
	if (f->kid) {
		*p++ = '.';
		p = fmt_u32(p, f->kid);
	}
	return p;
}

enum fate_kind fate_kind(const struct fate *f)
{
	if (f->ndrop && !f->nxmit && !f->ndeliver)
		return FATE_DROP;
	if (f->nxmit)
		return f->ingress[0] && !f->generated ? FATE_FORWARD : FATE_OUT;
	if (f->ndeliver)
		return FATE_DELIVER;
	if (f->nstolen)
		return FATE_STOLEN;
	if (f->nqueued)
		return FATE_QUEUED;
	return f->pending ? FATE_PENDING : FATE_NONE;
}

const char *fate_verdict(const struct fate *f)
{
	static const char *const words[] = {
		[FATE_NONE] = "none", [FATE_DROP] = "drop", [FATE_FORWARD] = "forward",
		[FATE_OUT] = "out", [FATE_DELIVER] = "deliver", [FATE_STOLEN] = "stolen",
		[FATE_QUEUED] = "queued", [FATE_PENDING] = "pending",
	};
	enum fate_kind k = fate_kind(f);

	if (k == FATE_DROP && f->reject_with && fate_netfilter_drop(f))
		return "reject";
	return words[k];
}

bool fate_netfilter_drop(const struct fate *f)
{
	return f->reason == SKB_DROP_REASON_NETFILTER_DROP && f->drop_where;
}

/* "QUEUE by filter:INPUT:rule:2 (queue 5, bypass)" */
static char *fate_queue_str(char *p, const struct fate *f)
{
	p = fmt_lit(p, "QUEUE by ");
	p = fmt_str(p, f->queue_where);
	p = fmt_lit(p, " (queue ");
	p = fmt_u32(p, f->queue_num);
	if (f->queue_bypass)
		p = fmt_lit(p, ", bypass");
	*p++ = ')';
	return p;
}

unsigned int fate_rules(const struct fate *f, const char **names, const char **texts)
{
	unsigned int n = 0;
	bool accept = f->accept_where && !fate_netfilter_drop(f);

	if (f->queue_where && (f->queue_first || !accept)) {
		names[n] = f->queue_where;
		texts[n++] = f->queue_text;
	}
	if (accept) {
		names[n] = f->accept_where;
		texts[n++] = f->accept_text;
		if (f->queue_where && !f->queue_first) {
			names[n] = f->queue_where;
			texts[n++] = f->queue_text;
		}
	}
	if (f->ndrop && fate_netfilter_drop(f)) {
		names[n] = f->drop_where;
		texts[n++] = f->drop_text;
	}
	return n;
}

const char *fate_decider(const struct fate *f, const char **text)
{
	const char *name = NULL, *t = NULL;

	if (f->ndrop && fate_netfilter_drop(f)) {
		name = f->drop_where;
		t = f->drop_text;
	} else if (f->queue_where && (f->queue_dropped || !f->accept_where)) {
		name = f->queue_where;
		t = f->queue_text;
	} else if (f->accept_where) {
		name = f->accept_where;
		t = f->accept_text;
	}
	if (text)
		*text = t;
	return name;
}

#define OUTCOME_MAX 1280        /* every part at its longest (notes 255, pending 95, ...) */

size_t fate_outcome(const struct fate *f, char *buf, size_t len, bool notes)
{
	char tmp[OUTCOME_MAX], *p = tmp;
	size_t n;

	/* the rule that queued it, and the rule that accepted it, in the order they came,
	 * unless a rule dropped it after all (the accept is not in the summary's keys, which
	 * are asked for without notes) */
	if (f->queue_where && (f->queue_first || !notes || !f->accept_where ||
			       fate_netfilter_drop(f)))
		p = fate_queue_str(p, f);
	if (notes && f->accept_where && !fate_netfilter_drop(f)) {
		if (p != tmp)
			p = fmt_lit(p, ", ");
		p = fmt_lit(p, "ACCEPT by ");
		p = fmt_str(p, f->accept_where);
		if (f->queue_where && !f->queue_first)
			p = fate_queue_str(fmt_lit(p, ", "), f);
	}
	if (p != tmp && (f->nxmit || f->ndeliver || f->ndrop || f->nstolen || f->nqueued || f->pending))
		p = fmt_lit(p, ", ");
	if (f->nxmit) {
		p = f->ingress[0] && !f->generated ? fmt_lit(p, "FORWARD out") : fmt_lit(p, "OUT");
		for (unsigned int i = 0; i < f->negress; i++) {
			if (i)
				*p++ = ',';
			*p++ = ' ';
			p = fmt_str(p, f->egress[i]);
			if (f->egress_n[i] > 1) {
				p = fmt_lit(p, " (");
				p = fmt_u32(p, f->egress_n[i]);
				p = fmt_lit(p, " frames)");
			}
		}
		if (f->xlat) {
			p = fmt_lit(p, " as ");
			p = pkt_endpoints(p, &f->out);
		}
	}
	if (f->ndeliver) {
		if (p != tmp && p[-1] != ' ')
			p = fmt_lit(p, ", ");
		p = fmt_lit(p, "DELIVER local");
		if (f->deliver_where && !strncmp(f->deliver_where, "to ", 3)) {  /* a socket */
			*p++ = ' ';
			p = fmt_str(p, f->deliver_where);
		} else if (f->deliver_where && f->deliver_where[0]) {
			p = fmt_lit(p, " (");
			p = fmt_str(p, f->deliver_where);
			*p++ = ')';
		}
		if (f->xlat && !f->nxmit) {
			p = fmt_lit(p, " as ");
			p = pkt_endpoints(p, &f->out);
		}
	}
	if (f->ndrop) {
		if (p != tmp && p[-1] != ' ')
			p = fmt_lit(p, ", ");
		if (fate_netfilter_drop(f)) {
			p = fmt_str(p, f->reject_with ? "REJECT by " : "DROP by ");
			p = fmt_str(p, f->drop_where);
			if (f->reject_with) {
				p = fmt_lit(p, " (");
				p = fmt_str(p, f->reject_with);
				*p++ = ')';
			}
		} else {
			p = fmt_lit(p, "DROP ");
			p = fmt_str(p, skb_drop_reason_name(f->reason));
			if (f->drop_where) {
				p = fmt_lit(p, " (");
				p = fmt_str(p, f->drop_where);
				*p++ = ')';
			}
		}
		if (f->ndrop > 1) {
			p = fmt_lit(p, " (");
			p = fmt_u32(p, f->ndrop);
			p = fmt_lit(p, " frames)");
		}
	}
	if (f->nstolen) {
		if (p != tmp && p[-1] != ' ')
			p = fmt_lit(p, ", ");
		p = fmt_lit(p, "STOLEN");
		if (f->stolen_where && f->stolen_where[0]) {
			p = fmt_lit(p, " by ");
			p = fmt_str(p, f->stolen_where);
		}
	}
	if (f->nqueued) {
		if (p != tmp && p[-1] != ' ')
			p = fmt_lit(p, ", ");
		p = fmt_lit(p, "QUEUED");
	}
	if (f->pending) {
		if (p != tmp && p[-1] != ' ')
			p = fmt_lit(p, ", ");
		p = fmt_lit(p, "PENDING (");
		p = fmt_str(p, f->pending_for);
		*p++ = ')';
	}
	if (p == tmp)
		p = fmt_lit(p, "no fate reported");
	if (notes && f->notes[0]) {
		p = fmt_lit(p, "; ");
		p = fmt_str(p, f->notes);
	}
	/* as a snprintf into len bytes would leave it */
	n = (size_t)(p - tmp);
	if (len) {
		if (n >= len)
			n = len - 1;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
	return n;
}

static void fate_note(struct fate *f, const char *text)
{
	size_t n = strlen(f->notes);

	if (!text || n + 3 >= sizeof(f->notes))
		return;
	snprintf(f->notes + n, sizeof(f->notes) - n, "%s%s", n ? "; " : "", text);
}

static void fate_add_egress(struct nfemu_output *o, struct fate *f, const struct net_device *dev)
{
	const char *name;
	unsigned int i;

	f->nxmit++;
	name = dev ? out_dev_name(o->names, dev, dev->name) : "?";
	if (!name)
		name = "?";
	for (i = 0; i < f->negress; i++)
		if (f->egress[i] == name) {
			f->egress_n[i]++;
			return;
		}
	if (f->negress == OUT_MAX_EGRESS)
		return;
	f->egress[i] = name;
	f->egress_n[i] = 1;
	f->negress++;
}

void out_skb_l3(const struct sk_buff *skb, const unsigned char **p, unsigned int *len)
{
	const unsigned char *start = skb->data, *tail = skb_tail_pointer(skb);

	if (skb->network_header != SKB_HDR_UNSET && skb->head + skb->network_header <= tail)
		start = skb->head + skb->network_header;
	*p = start;
	*len = (unsigned int)(tail - start);
}

/* The first time a packet leaves or is delivered, note whether NAT rewrote its addresses,
 * ports or ICMP id (the fate line then says "as ..."). */
static void fate_xlat(struct fate *f, const struct sk_buff *skb)
{
	const unsigned char *l3;
	unsigned int l3len;

	if (f->xlat_seen || !skb)
		return;
	f->xlat_seen = true;
	out_skb_l3(skb, &l3, &l3len);
	pkt_facts_parse(l3, l3len, &f->out);
	f->xlat = pkt_facts_translated(&f->facts, &f->out);
}

/* ---------------------------------------------------------------- groups and late fates */

static struct pending_fate *pending_find(struct nfemu_output *o, const struct sk_buff *skb)
{
	/* cost: linear in the fates waiting (bounded by the neighbours' queue limits) */
	for (size_t i = 0; i < o->npend; i++)
		if (o->pend[i].skb == skb)
			return &o->pend[i];
	return NULL;
}

static void pending_add(struct nfemu_output *o, const struct fate *f, const struct sk_buff *skb)
{
	struct pending_fate *p;

	if (!skb)
		return;
	if (o->npend == o->pend_cap) {
		size_t cap = o->pend_cap ? o->pend_cap * 2 : 16;
		struct pending_fate *v = realloc(o->pend, cap * sizeof(*v));

		if (!v)
			return;         /* its late fate will be reported under the packet then */
		o->pend = v;
		o->pend_cap = cap;
	}
	p = &o->pend[o->npend++];
	p->skb = skb;
	p->n = o->n;
	p->nkids = o->next_kid;
	p->f = *f;
}

/* The late group ends: print it as a packet's end prints its fates, and go back to the
 * packet being processed. */
void out_late_end(struct nfemu_output *o)
{
	if (!o->late)
		return;
	out_group_end(o);
	o->late = false;
	free(o->wait);
	o->n = o->saved_n;
	o->parent = o->saved_parent;
	o->children = o->saved_children;
	o->nchildren = o->saved_nchildren;
	o->next_kid = o->saved_next_kid;
	o->wait = o->saved_wait;
	o->nwait = o->saved_nwait;
	o->wait_cap = o->saved_wait_cap;
}

/* A timer finishes the fate p left open: report it under its own packet. */
static struct fate *late_resume(struct nfemu_output *o, struct pending_fate *p)
{
	struct pending_fate pf = *p;
	struct fate *f;

	*p = o->pend[--o->npend];
	if (o->late && o->n != pf.n)
		out_late_end(o);
	if (!o->late) {
		o->late = true;
		o->saved_n = o->n;
		o->saved_parent = o->parent;
		o->saved_children = o->children;
		o->saved_nchildren = o->nchildren;
		o->saved_next_kid = o->next_kid;
		o->saved_wait = o->wait;
		o->saved_nwait = o->nwait;
		o->saved_wait_cap = o->wait_cap;
		o->wait = NULL;
		o->nwait = o->wait_cap = 0;
		o->n = pf.n;
		o->children = o->late_children;
		o->nchildren = 0;
		o->next_kid = pf.nkids;
		o->late_parent = false;
		fate_init(&o->parent);
	}
	if (pf.nkids > o->next_kid)
		o->next_kid = pf.nkids;
	if (!pf.f.generated) {
		f = &o->parent;
		if (o->late_parent)
			return f;       /* another piece of it (a fragment) */
		o->late_parent = true;
	} else {
		for (unsigned int i = 0; i < o->nchildren; i++)
			if (o->children[i].n == pf.f.n && o->children[i].kid == pf.f.kid) {
				o->children[i].skb = pf.skb;
				return &o->children[i];
			}
		if (o->nchildren < OUT_MAX_CHILDREN)
			f = &o->children[o->nchildren++];
		else
			f = &o->children[o->nchildren - 1];
	}
	*f = pf.f;
	f->skb = pf.f.generated ? pf.skb : NULL;
	f->pending = false;
	f->pending_for[0] = '\0';
	f->late = true;
	f->ts_ns = o->net->clock.now_ns;
	return f;
}

/* The skbs of this group's fates that wait in the stack. */
static void waiting_add(struct nfemu_output *o, const struct fate *f, const struct sk_buff *skb)
{
	if (!skb)
		return;
	if (o->nwait == o->wait_cap) {
		size_t cap = o->wait_cap ? o->wait_cap * 2 : 16;
		struct out_waiting *v = realloc(o->wait, cap * sizeof(*v));

		if (!v)
			return;
		o->wait = v;
		o->wait_cap = cap;
	}
	o->wait[o->nwait].skb = skb;
	o->wait[o->nwait++].idx = f == &o->parent ? -1 : (int)(f - o->children);
}

static void waiting_del(struct nfemu_output *o, struct fate *f, const struct sk_buff *skb)
{
	bool more = false;

	for (size_t i = 0; i < o->nwait; i++) {
		if (o->wait[i].skb == skb && skb) {
			o->wait[i--] = o->wait[--o->nwait];
			continue;
		}
		if (o->wait[i].idx == (f == &o->parent ? -1 : (int)(f - o->children)))
			more = true;
	}
	f->pending = more;      /* other pieces of it (fragments) may still wait */
}

struct fate *out_fate_of(struct nfemu_output *o, const struct sk_buff *skb)
{
	struct pending_fate *p;

	if (skb && o->npend && (p = pending_find(o, skb)))
		return late_resume(o, p);
	if (o->late) {
		for (unsigned int i = 0; i < o->nchildren; i++)
			if (o->children[i].skb == skb)
				return &o->children[i];
		if (skb && skb->emu_id == o->n && o->late_parent)
			return &o->parent;
		/* a generated packet of the group coming back in (looped through lo) */
		if (o->nchildren && skb && !skb->emu_id && skb->emu_parent == o->n)
			return &o->children[o->nchildren - 1];
		out_late_end(o);        /* an event of the packet being processed */
	}
	for (unsigned int i = 0; i < o->nchildren; i++)
		if (o->children[i].skb == skb)
			return &o->children[i];
	if (skb && skb->emu_id == o->n)
		return &o->parent;
	/* a copy of a generated packet (a fragment): its most recent sibling */
	if (o->nchildren && skb && !skb->emu_id)
		return &o->children[o->nchildren - 1];
	return &o->parent;
}

static void fate_generated(struct nfemu_output *o, const struct nfemu_event *ev)
{
	struct fate *c;
	const unsigned char *l3;
	unsigned int l3len;

	if (o->nchildren == OUT_MAX_CHILDREN) {
		c = &o->children[o->nchildren - 1];
		c->skb = ev->skb;
		fate_note(c, "more generated packets folded into this one");
		return;
	}
	/* built for a packet that waits (a neighbour's failure reports each queued packet: its
	 * ICMP error comes before its drop): report it under that packet */
	for (size_t i = 0; i < o->npend; i++)
		if (o->pend[i].n == ev->skb->emu_parent && !o->pend[i].f.generated &&
		    !(o->late && o->n == ev->skb->emu_parent)) {
			late_resume(o, &o->pend[i]);
			break;
		}
	if (o->late && ev->skb->emu_parent != o->n)
		out_late_end(o);
	c = &o->children[o->nchildren++];
	fate_init(c);
	c->n = o->n;
	c->kid = ++o->next_kid;
	c->skb = ev->skb;
	c->generated = true;
	c->ts_ns = o->net->clock.now_ns;
	c->by = ev->text ? ev->text : ev->where;
	out_skb_l3(ev->skb, &l3, &l3len);
	pkt_facts_parse(l3, l3len, &c->facts);
	c->wire_len = l3len;
	o->generated++;
}

/* A table's walk accepted the packet (NFEMU_EV_ACCEPT): the fate names the filter table's
 * last accept, else the last of any table (nat, mangle, raw on their own). */
static void fate_accept(struct nfemu_output *o, const struct nfemu_event *ev)
{
	struct fate *f = out_fate_of(o, ev->skb);
	bool filter = ev->verdict && ev->verdict->table && !strcmp(ev->verdict->table, "filter");

	f->queue_open = false;
	/* after a filter rule's bypassed queue, only filter accepts are worth naming */
	if ((f->accept_filter || (f->queue_where && !strncmp(f->queue_where, "filter:", 7))) &&
	    !filter)
		return;
	f->accept_where = out_verdict_name(o->names, ev->verdict);
	f->accept_filter = filter;
	f->accept_text = o->opts.rules_text ? rules_text_of(o, ev->verdict) : NULL;
}

/* A table's walk ended in NF_QUEUE (NFEMU_EV_QUEUE_VERDICT): nf_queue takes the packet next.
 * An accept by another table before it is forgotten (the queue decided), a filter accept
 * is kept. */
static void fate_queue(struct nfemu_output *o, const struct nfemu_event *ev)
{
	struct fate *f = out_fate_of(o, ev->skb);

	f->queue_where = out_verdict_name(o->names, ev->verdict);
	f->queue_num = ev->nf_verdict >> NF_VERDICT_QBITS;
	f->queue_bypass = ev->nf_verdict & NF_VERDICT_FLAG_QUEUE_BYPASS;
	f->queue_text = o->opts.rules_text ? rules_text_of(o, ev->verdict) : NULL;
	f->queue_open = true;
	f->queue_dropped = false;
	if (!f->accept_filter) {
		f->accept_where = NULL;
		f->accept_text = NULL;
	}
	f->queue_first = !f->accept_where;
}

/* Print and count a group's fates (a packet and its children, or a late group); the ones
 * still waiting in the stack are counted when their fate comes. */
static void group_fate_end(struct nfemu_output *o, struct fate *f, int idx)
{
	bool counted = false;

	if (o->trace.f)
		trace_fate(o, f);
	if (o->jsonl.f)
		jsonl_fate(o, f);
	if (o->opts.fate_cb)
		o->opts.fate_cb(o->opts.fate_ctx, f);
	if (o->report)
		report_fate(o, f);
	for (size_t i = 0; i < o->nwait; i++)
		if (o->wait[i].idx == idx) {
			pending_add(o, f, o->wait[i].skb);
			counted = true;
		}
	if (!counted)
		summary_count(o, f);
}

void out_group_end(struct nfemu_output *o)
{
	out_printk_lines(o);
	if (!o->late || o->late_parent)
		group_fate_end(o, &o->parent, -1);
	for (unsigned int i = 0; i < o->nchildren; i++)
		group_fate_end(o, &o->children[i], (int)i);
	o->nwait = 0;
}

/* ---------------------------------------------------------------- the kernel's events */

static void log_line(struct nfemu_output *o, int level, const char *line, size_t len)
{
	if (o->trace.f)
		trace_log_line(o, level, line, len);
	if (o->jsonl.f)
		jsonl_log_line(o, level, line, len);
	if (o->report)
		report_log_line(o, line, len);
}

/* Lines the emulated kernel printk()ed (not through nf_log) since the last look. */
void out_printk_lines(struct nfemu_output *o)
{
	const struct net *net = o->net;
	unsigned long fresh = net->printk.seq - o->printk_seq;

	if (fresh > net->printk.count)
		fresh = net->printk.count;
	for (unsigned long i = fresh; i > 0; i--) {
		const char *line = net->printk.line[(net->printk.head + NFEMU_PRINTK_LINES - i) %
						    NFEMU_PRINTK_LINES];

		log_line(o, -1, line, strlen(line));
	}
	o->printk_seq = net->printk.seq;
}

/* A conntrack event (NFEMU_EV_CT): written when it happens, as kernel log lines are, so the
 * trace shows it between the TRACE lines of the hooks around it; in the trace only with
 * --explain.  Outside a packet (a state loaded, a gc at the end) it has no packet number. */
static void out_ct_event(struct nfemu_output *o, const struct nfemu_event *ev)
{
	const struct fate *f = NULL;

	if (o->in_packet)
		f = out_fate_of(o, ev->skb);
	if (o->trace.f && o->opts.explain)
		trace_ct(o, ev);
	if (o->jsonl.f)
		jsonl_ct(o, ev, f);
	if (o->report)
		report_ct(o, ev, f);
}

/* A NAT binding (NFEMU_EV_NAT): with --explain, "#   nat: ..."; in JSON Lines, an object. */
static void out_nat_event(struct nfemu_output *o, const struct nfemu_event *ev)
{
	const struct fate *f = NULL;

	if (!o->jsonl.f && !(o->trace.f && o->opts.explain) && !o->report)
		return;
	if (o->in_packet)
		f = out_fate_of(o, ev->skb);
	if (o->trace.f && o->opts.explain)
		trace_nat(o, ev);
	if (o->jsonl.f)
		jsonl_nat(o, ev, f);
	if (o->report)
		report_nat(o, ev, f);
}

void out_event(void *ctx, const struct nfemu_event *ev)
{
	struct nfemu_output *o = ctx;
	struct fate *f;

	if (ev->type == NFEMU_EV_CT) {
		out_ct_event(o, ev);
		return;
	}
	if (ev->type == NFEMU_EV_NAT) {
		out_nat_event(o, ev);
		return;
	}
	if (ev->type == NFEMU_EV_MODULE || ev->type == NFEMU_EV_NF_QUEUE || ev->type == NFEMU_EV_NF_LOG) {
		/* --explain only (explain_text.c); outside a packet too: a rule load's modules */
		if (o->trace.f && o->opts.explain_walk)
			trace_explain(o, ev);
		return;
	}
	if (ev->type == NFEMU_EV_HOOK || ev->type == NFEMU_EV_WALK || ev->type == NFEMU_EV_HOOK_CALL) {
		/* asked for by --report and by --explain (observer.walk) */
		if (o->trace.f && o->opts.explain_walk)
			trace_explain(o, ev);   /* explain_text.c */
		if (o->report && o->in_packet && ev->type != NFEMU_EV_HOOK_CALL)
			report_walk(o, ev, out_fate_of(o, ev->skb));
		return;
	}
	if (!o->in_packet)
		return;         /* nothing runs outside a packet; ignore stray reports */
	if (ev->type == NFEMU_EV_ACCEPT) {
		fate_accept(o, ev);
		return;
	}
	if (ev->type == NFEMU_EV_QUEUE_VERDICT) {
		fate_queue(o, ev);
		return;
	}
	if (ev->type == NFEMU_EV_TIMERS_DONE) {
		out_late_end(o);
		return;
	}
	if (ev->type == NFEMU_EV_GENERATED) {
		fate_generated(o, ev);
		return;
	}
	f = out_fate_of(o, ev->skb);
	/* A generated packet is described as it finally was: when the host reports building it,
	 * its headers may not be filled in yet (nf_send_reset fills them after). */
	if (f->generated && ev->skb && f->skb == ev->skb) {
		const unsigned char *l3;
		unsigned int l3len;

		out_skb_l3(ev->skb, &l3, &l3len);
		pkt_facts_parse(l3, l3len, &f->facts);
	}
	switch (ev->type) {
	case NFEMU_EV_DROP:
		f->ndrop++;
		f->reason = ev->reason;
		f->drop_where = out_verdict_name(o->names, ev->verdict);
		f->reject_with = out_verdict_reject(ev->verdict);
		f->drop_text = o->opts.rules_text && f->drop_where ? rules_text_of(o, ev->verdict) : NULL;
		/* nf_queue found no listener and no bypass: it freed the packet (kfree_skb) */
		if (f->queue_open && !f->queue_bypass && !f->drop_where &&
		    ev->reason == SKB_DROP_REASON_NOT_SPECIFIED) {
			f->queue_dropped = true;
			f->drop_where = "nf_queue";
		}
		if (ev->skb && o->dropped)
			pcap_out_dropped(o, ev->skb);
		break;
	case NFEMU_EV_STOLEN:
		f->nstolen++;
		f->stolen_where = ev->where;
		break;
	case NFEMU_EV_QUEUED:
		f->nqueued++;
		fate_note(f, ev->text);
		break;
	case NFEMU_EV_XMIT:
		fate_xlat(f, ev->skb);
		fate_add_egress(o, f, ev->dev);
		if (o->egress_dir)
			pcap_out_egress(o, (struct net_device *)ev->dev, ev->frame, ev->frame_len);
		if (f->generated)
			out_sent_remember(o, f, ev->frame, ev->frame_len);
		break;
	case NFEMU_EV_DELIVER:
		fate_xlat(f, ev->skb);
		f->ndeliver++;
		f->deliver_where = ev->sk ? out_sock_name(o->names, ev->sk) :
				   ev->where ? ev->where : ev->text;
		break;
	case NFEMU_EV_NOTE:
		fate_note(f, ev->text);
		return;
	case NFEMU_EV_PENDING:
		f->pending = true;
		snprintf(f->pending_for, sizeof(f->pending_for), "%s", ev->text ? ev->text : "");
		waiting_add(o, f, ev->skb);
		return;
	case NFEMU_EV_CT:               /* out_ct_event() */
	case NFEMU_EV_NAT:              /* out_nat_event() */
	case NFEMU_EV_GENERATED:
	case NFEMU_EV_TIMERS_DONE:
	case NFEMU_EV_HOOK:
	case NFEMU_EV_WALK:
	case NFEMU_EV_ACCEPT:           /* fate_accept() */
	case NFEMU_EV_HOOK_CALL:
	case NFEMU_EV_MODULE:           /* trace_explain() */
	case NFEMU_EV_NF_QUEUE:
	case NFEMU_EV_NF_LOG:
	case NFEMU_EV_QUEUE_VERDICT:    /* fate_queue() */
		break;
	}
	f->queue_open = false;
	waiting_del(o, f, ev->skb);     /* whatever it waited for, this is its fate */
	/* The skb is gone after a final event: its address may come back for another packet. */
	if (f->generated && f->skb == ev->skb)
		f->skb = NULL;
}
