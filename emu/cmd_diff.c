/* emu/cmd_diff.c - EMU: `nfemu diff`: the packets whose fate two rulesets decide differently.
 * No kernel counterpart.  Boots two emulated kernels (two struct net, independent) as replay
 * does (emu/replay.h) and feeds them the same capture in lockstep, one record to each; the
 * fates of each packet and of the packets generated in answer (emu/fate.c, binary) are
 * compared field by field, never their text.  docs/diff.md.
 * --spec: the packets of an `nfemu test` spec instead, each test in two fresh kernels booted
 * and fed as `nfemu test` boots and feeds one (emu/spec_run.h: the same frames, each kernel
 * following its TCP flows through its own NAT); the same comparison and report, the packet
 * named by its test and line.
 * Conntrack too: each run's observer is wrapped to see, for the captured packet, the ctinfo its
 * conntrack hook function left (binary, from the skb), whether its entry was confirmed during
 * the packet, and after the packet the entry as the table holds it (status bits, the reply
 * tuple NAT chose, the TCP state, the mark).
 * Left out: a fate finished late (a neighbour being resolved during a later packet) is
 * compared as it stood at its packet's end.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/cli.h"
#include "emu/output_int.h"
#include "emu/replay.h"
#include "emu/spec_run.h"
#include "emu/testspec.h"
#include "conntrack/nf_conntrack.h"
#include "hooks/netfilter.h"
#include "kernel/net.h"
#include "netstack/skbuff.h"

enum diff_kind {
	DIFF_VERDICT,
	DIFF_EGRESS,
	DIFF_NAT,
	DIFF_GENERATED,
	DIFF_CT,
	DIFF_RULE,
	DIFF_NKINDS,
};

static const char *const diff_kind_name[DIFF_NKINDS] = {
	"verdict", "egress", "nat", "generated", "conntrack", "rule",
};

/* The status bits compared: how the entry came to be and where its connection stands. */
#define DIFF_CT_STATUS (IPS_EXPECTED | IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | \
			IPS_SRC_NAT | IPS_DST_NAT)

/* What conntrack made of the captured packet, in binary. */
struct diff_ct {
	bool seen;                      /* a conntrack hook function ran for it */
	bool has_ct;                    /* it had an entry (else: INVALID) */
	int ctinfo;                     /* enum ip_conntrack_info */
	bool found;                     /* its entry was in the table already (confirmed) */
	bool created;                   /* its entry was confirmed ([NEW]) during the packet */
	struct nf_conntrack_tuple tuple;        /* the entry's original tuple */
	const struct nf_conn *ct;       /* while the packet is processed */
	/* after the packet */
	bool in_table;
	unsigned long status;           /* & DIFF_CT_STATUS */
	struct nf_conntrack_tuple reply;
	u8 tcp_state;
	u32 mark;
	char line[512];                 /* as conntrack -L prints it (for the report) */
};

/* One kernel's run: what it did with the packet being compared. */
struct diff_run {
	const char *name;               /* the ruleset or state file */
	struct replay *r;               /* a capture's run */
	struct pkt_obs own;             /* a capture's run: the packet's fates and log lines */
	struct spec_run sr;             /* a spec test's run (emu/spec_run.h) */
	const struct pkt_obs *obs;      /* the packet's: &own, or one of sr.obs */
	u64 n;                          /* the packet being processed */
	struct diff_ct ct;
	struct net *net;
	void (*inner_event)(void *ctx, const struct nfemu_event *ev);   /* the outputs' */
	void *inner_ctx;
};

/* Where the compared packet comes from, as the report names it. */
struct diff_where {
	u64 n;                          /* the capture record, or the packet of the test (1-based) */
	const struct spec *spec;        /* NULL: a capture */
	const struct spec_test *test;
	int line;                       /* the packet's line in the spec */
};

struct diff_opts {
	const char *topology, *capture, *jsonl, *spec;
	const char *set[2], *setopt[2];         /* the file and "--rules" or "--state" */
	unsigned int nset;
	bool by_rule, open_ports;
	u64 seed;
};

static void diff_usage(FILE *f)
{
	fprintf(f,
		"usage: nfemu diff --topology FILE (--rules A.v4 | --state A) (--rules B.v4 | --state B)\n"
		"                  [--by-rule] [--jsonl FILE|-] [--open-ports] [--seed N] CAPTURE\n"
		"       nfemu diff --spec SPEC [--rules A.v4 | --state A] (--rules B.v4 | --state B)\n"
		"                  [--topology FILE] [--by-rule] [--jsonl FILE|-]\n"
		"  Replay CAPTURE through both rulesets (two emulated kernels) and list each packet\n"
		"  whose fate differs: verdict, egress interface, NAT translation, packets generated\n"
		"  in answer, conntrack (the ctinfo, the entry created or not, its status, NAT\n"
		"  binding and state); with both fates, both deciding rules and both kernel traces.\n"
		"  --spec      the packets of each test of SPEC (an `nfemu test` spec) instead of a\n"
		"              capture, sent as `nfemu test` sends them, each test in two fresh\n"
		"              kernels; its expectations are ignored.  With one ruleset, A is the\n"
		"              spec's own; the spec gives the topology (unless --topology), the seed\n"
		"              and open-ports\n"
		"  --by-rule   a different deciding rule is a difference too (not by default: a\n"
		"              reordered ruleset renumbers its rules)\n"
		"  --jsonl     one JSON object per differing packet\n"
		"  Exit status: 0 no packet differs, 1 some differ, 2 an error.\n");
}

static int diff_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	return cli_value_opt("diff", argc, argv, i, name, val);
}

static int diff_parse(int argc, char **argv, struct diff_opts *o)
{
	const char *seed = NULL, *v;
	int i = 1, r;

	memset(o, 0, sizeof(*o));
	while (i < argc) {
		const char *arg = argv[i];

		if (arg[0] != '-' || !arg[1]) {
			if (o->capture) {
				fprintf(stderr, "nfemu: diff: one capture at a time ('%s' and '%s')\n",
					o->capture, arg);
				return -1;
			}
			o->capture = arg;
			i++;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			diff_usage(stdout);
			return 1;
		}
		if (!strcmp(arg, "--by-rule") || !strcmp(arg, "--open-ports")) {
			*(arg[2] == 'b' ? &o->by_rule : &o->open_ports) = true;
			i++;
			continue;
		}
		if ((r = diff_value(argc, argv, &i, "--topology", &o->topology)) ||
		    (r = diff_value(argc, argv, &i, "--spec", &o->spec)) ||
		    (r = diff_value(argc, argv, &i, "--jsonl", &o->jsonl)) ||
		    (r = diff_value(argc, argv, &i, "--seed", &seed))) {
			if (r < 0)
				return -1;
			continue;
		}
		for (int k = 0; k < 2; k++) {
			const char *opt = k ? "--state" : "--rules";

			r = diff_value(argc, argv, &i, opt, &v);
			if (r < 0)
				return -1;
			if (!r)
				continue;
			if (o->nset == 2) {
				fprintf(stderr, "nfemu: diff: give two rulesets, not more ('%s')\n", v);
				return -1;
			}
			o->set[o->nset] = v;
			o->setopt[o->nset++] = opt;
			break;
		}
		if (r)
			continue;
		fprintf(stderr, "nfemu: diff: unknown option '%s'\n", arg);
		return -1;
	}
	if (seed) {
		char *end;

		errno = 0;
		o->seed = strtoull(seed, &end, 0);
		if (errno || !*seed || *end || seed[0] == '-') {
			fprintf(stderr, "nfemu: diff: --seed %s: not a number\n", seed);
			return -1;
		}
	}
	if (o->spec) {
		if (o->capture) {
			fprintf(stderr, "nfemu: diff: --spec or a capture, not both ('%s')\n", o->capture);
			return -1;
		}
		if (seed || o->open_ports) {
			fprintf(stderr, "nfemu: diff: --seed and --open-ports go with a capture (a spec names its own)\n");
			return -1;
		}
		if (!o->nset) {
			fprintf(stderr, "nfemu: diff: give a ruleset to compare the spec's with: --rules B.v4 (or --state B)\n");
			return -1;
		}
		return 0;
	}
	if (!o->topology) {
		fprintf(stderr, "nfemu: diff: --topology FILE is required\n");
		return -1;
	}
	if (o->nset != 2) {
		fprintf(stderr, "nfemu: diff: give two rulesets: --rules A.v4 (or --state A) and --rules B.v4 (or --state B)\n");
		return -1;
	}
	if (!o->capture) {
		fprintf(stderr, "nfemu: diff: no capture file given (or --spec SPEC)\n");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- what each run reports */

static void diff_fate(void *ctx, const struct fate *f)
{
	struct diff_run *d = ctx;

	if (f->n == d->n)
		pkt_obs_fate(&d->own, f);
	/* else a late fate of an earlier packet: compared as it stood */
}

static void diff_log(void *ctx, int level, const char *line, size_t len)
{
	struct diff_run *d = ctx;

	(void)level;
	pkt_obs_log(&d->own, line, len);
}

/* The outputs' observer, wrapped: the conntrack outcome of the captured packet. */
static void diff_event(void *ctx, const struct nfemu_event *ev)
{
	struct diff_run *d = ctx;
	struct diff_ct *c = &d->ct;

	if (ev->type == NFEMU_EV_HOOK && !c->seen && ev->skb && ev->skb->emu_id == d->n &&
	    (ev->hook->verdict & NF_VERDICT_MASK) == NF_ACCEPT && ev->hook->ops->name &&
	    (!strcmp(ev->hook->ops->name, "ipv4_conntrack_in") ||
	     !strcmp(ev->hook->ops->name, "ipv4_conntrack_local"))) {
		enum ip_conntrack_info ci;
		const struct nf_conn *ct = nf_ct_get(ev->skb, &ci);

		c->seen = true;
		c->ctinfo = (int)ci;
		c->has_ct = ct && (int)ci != IP_CT_UNTRACKED;
		if (c->has_ct) {
			c->ct = ct;
			c->found = nf_ct_is_confirmed(ct);
			c->tuple = ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
		}
	} else if (ev->type == NFEMU_EV_CT && ev->ct->what == NFEMU_CT_CONFIRMED && c->ct &&
		   ev->ct->ct == c->ct) {
		c->created = true;
	}
	d->inner_event(d->inner_ctx, ev);
}

/* After the packet: its entry as the table holds it. */
static void diff_ct_after(struct diff_run *d)
{
	struct diff_ct *c = &d->ct;
	struct nf_conntrack_tuple_hash *h;
	const struct nf_conn *ct;

	c->ct = NULL;
	if (!c->has_ct || !d->net->ct.ready)
		return;
	h = nf_conntrack_find_get(d->net, &nf_ct_zone_dflt, &c->tuple);
	if (!h)
		return;
	ct = nf_ct_tuplehash_to_ctrack(h);
	nf_ct_put((struct nf_conn *)ct);        /* the table's reference holds it */
	c->in_table = true;
	c->status = ct->status & DIFF_CT_STATUS;
	c->reply = ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	c->tcp_state = nf_ct_protonum(ct) == IPPROTO_TCP ? ct->proto.tcp.state : 0;
	c->mark = ct->mark;
	nf_conntrack_print(ct, NF_CT_PRINT_CONNTRACK_TOOL, c->line, sizeof(c->line));
}

/* ---------------------------------------------------------------- comparing */

static bool diff_same_tuple(const struct nf_conntrack_tuple *a, const struct nf_conntrack_tuple *b)
{
	return a->src.u3.ip == b->src.u3.ip && a->src.u.all == b->src.u.all &&
	       a->dst.u3.ip == b->dst.u3.ip && a->dst.u.all == b->dst.u.all &&
	       a->dst.protonum == b->dst.protonum;
}

static bool diff_same_ct(const struct diff_ct *a, const struct diff_ct *b)
{
	if (a->seen != b->seen)
		return false;
	if (!a->seen)
		return true;
	if (a->has_ct != b->has_ct || a->ctinfo != b->ctinfo)
		return false;
	if (!a->has_ct)
		return true;
	if (a->found != b->found || a->created != b->created || a->in_table != b->in_table)
		return false;
	return !a->in_table ||
	       (a->status == b->status && diff_same_tuple(&a->reply, &b->reply) &&
		a->tcp_state == b->tcp_state && a->mark == b->mark);
}

/* The rule that decided: the one that dropped it, else the one that accepted it. */
static const char *diff_decider(const struct fate *f)
{
	return f->drop_where ? f->drop_where : f->accept_where;
}

static bool diff_same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* What differs between two fates of the same packet: a mask of 1 << enum diff_kind. */
static unsigned int diff_fates(const struct fate *a, const struct fate *b)
{
	unsigned int m = 0;

	if (fate_kind(a) != fate_kind(b) ||
	    (fate_kind(a) == FATE_DROP && !fate_netfilter_drop(a) && a->reason != b->reason))
		m |= 1u << DIFF_VERDICT;
	if (a->negress != b->negress)
		m |= 1u << DIFF_EGRESS;
	else
		for (unsigned int i = 0; i < a->negress; i++)
			if (!diff_same_name(a->egress[i], b->egress[i]))
				m |= 1u << DIFF_EGRESS;
	if (a->xlat != b->xlat ||
	    (a->xlat && (memcmp(a->out.src, b->out.src, 4) || memcmp(a->out.dst, b->out.dst, 4) ||
			 a->out.sport != b->out.sport || a->out.dport != b->out.dport ||
			 a->out.icmp_id != b->out.icmp_id)))
		m |= 1u << DIFF_NAT;
	if (!diff_same_name(diff_decider(a), diff_decider(b)))
		m |= 1u << DIFF_RULE;
	return m;
}

/* A generated packet's headers as built (the answer itself). */
static bool diff_same_packet(const struct pkt_facts *a, const struct pkt_facts *b)
{
	return a->proto == b->proto && !memcmp(a->src, b->src, 4) && !memcmp(a->dst, b->dst, 4) &&
	       a->sport == b->sport && a->dport == b->dport && a->tcp_flags == b->tcp_flags &&
	       a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code;
}

static unsigned int diff_packet(const struct diff_run *a, const struct diff_run *b)
{
	const struct pkt_obs *oa = a->obs, *ob = b->obs;
	unsigned int m = diff_fates(&oa->fates[0], &ob->fates[0]);

	if (!diff_same_ct(&a->ct, &b->ct))
		m |= 1u << DIFF_CT;

	if (oa->nfates != ob->nfates) {
		m |= 1u << DIFF_GENERATED;
		return m;
	}
	for (unsigned int k = 1; k < oa->nfates; k++) {
		unsigned int c = diff_fates(&oa->fates[k], &ob->fates[k]);

		if (!diff_same_packet(&oa->fates[k].facts, &ob->fates[k].facts) ||
		    (c & ~(1u << DIFF_RULE)))
			m |= 1u << DIFF_GENERATED;
		m |= c & (1u << DIFF_RULE);
	}
	return m;
}

/* ---------------------------------------------------------------- printing */

static void diff_print_fates(FILE *out, const char *tag, const struct diff_run *d)
{
	const struct pkt_obs *o = d->obs;
	char outcome[1280], desc[PKT_DESC_MAX + 1];

	fate_outcome(&o->fates[0], outcome, sizeof(outcome), true);
	fprintf(out, "  %s %s: %s\n", tag, d->name, outcome);
	for (unsigned int k = 1; k < o->nfates; k++) {
		const struct fate *f = &o->fates[k];

		*pkt_desc(desc, &f->facts) = '\0';
		fate_outcome(f, outcome, sizeof(outcome), true);
		fprintf(out, "    #%llu.%u %s (generated by #%llu%s%s): %s\n", (unsigned long long)f->n,
			f->kid, desc, (unsigned long long)f->n, f->by ? ": " : "", f->by ? f->by : "",
			outcome);
	}
}

static const char *diff_ctinfo_name(int ci)
{
	switch (ci) {
	case IP_CT_ESTABLISHED: return "ESTABLISHED";
	case IP_CT_RELATED: return "RELATED";
	case IP_CT_NEW: return "NEW";
	case IP_CT_ESTABLISHED_REPLY: return "ESTABLISHED (reply)";
	case IP_CT_RELATED_REPLY: return "RELATED (reply)";
	case IP_CT_UNTRACKED: return "UNTRACKED";
	default: return "?";
	}
}

/* "NEW, entry created: tcp      6 120 SYN_SENT src=..." */
static void diff_ct_str(const struct diff_ct *c, char *buf, size_t len)
{
	const char *how = c->found ? "entry found" : c->created ? "entry created" :
			  "a new entry, never confirmed";

	if (!c->seen)
		snprintf(buf, len, "not tracked (no conntrack hook ran)");
	else if (!c->has_ct && c->ctinfo == IP_CT_UNTRACKED)
		snprintf(buf, len, "UNTRACKED");
	else if (!c->has_ct)
		snprintf(buf, len, "INVALID (no entry)");
	else if (!c->in_table)
		snprintf(buf, len, "%s, %s, not in the table after the packet", diff_ctinfo_name(c->ctinfo),
			 how);
	else
		snprintf(buf, len, "%s, %s: %s", diff_ctinfo_name(c->ctinfo), how, c->line);
}

static const char *diff_rule(const struct fate *f)
{
	return diff_decider(f) ? diff_decider(f) : "-";
}

/* The kernel's log lines for the packet, indented under "  A trace:". */
static void diff_print_trace(FILE *out, const char *tag, const struct diff_run *d)
{
	const char *p = d->obs->log;

	fprintf(out, "  %s trace:\n", tag);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(out, "    %.*s\n", len, p);
		p = nl ? nl + 1 : p + len;
	}
}

/* "#7" (a capture's record), or "\"NAME\" packet 2 (SPEC:LINE)" (a spec test's packet). */
static void diff_print_where(FILE *out, const struct diff_where *w)
{
	if (!w->spec) {
		fprintf(out, "#%llu", (unsigned long long)w->n);
		return;
	}
	fprintf(out, "\"%s\" packet %llu (%s:%d)", w->test->name, (unsigned long long)w->n,
		w->spec->file, w->line);
}

static void diff_print(FILE *out, const struct diff_where *w, const struct diff_run *a,
		       const struct diff_run *b, unsigned int m)
{
	const struct fate *f = &a->obs->fates[0];
	char desc[PKT_DESC_MAX + 1];
	const char *sep = "";

	*pkt_desc(desc, &f->facts) = '\0';
	diff_print_where(out, w);
	fprintf(out, " %s%s %s: differs in ", f->ingress[0] ? "in " : "local", f->ingress, desc);
	for (int k = 0; k < DIFF_NKINDS; k++)
		if (m & (1u << k)) {
			fprintf(out, "%s%s", sep, diff_kind_name[k]);
			sep = ", ";
		}
	fputc('\n', out);
	diff_print_fates(out, "A", a);
	diff_print_fates(out, "B", b);
	if (m & (1u << DIFF_CT)) {
		char ca[640], cb[640];

		diff_ct_str(&a->ct, ca, sizeof(ca));
		diff_ct_str(&b->ct, cb, sizeof(cb));
		fprintf(out, "  A conntrack: %s\n  B conntrack: %s\n", ca, cb);
	}
	fprintf(out, "  deciding rule: A %s, B %s\n", diff_rule(&a->obs->fates[0]),
		diff_rule(&b->obs->fates[0]));
	diff_print_trace(out, "A", a);
	diff_print_trace(out, "B", b);
}

static void diff_jsonl(FILE *out, const struct diff_where *w, const struct diff_run *a,
		       const struct diff_run *b, unsigned int m)
{
	const struct diff_run *runs[2] = { a, b };
	char buf[1280];
	const char *sep = "";

	fputc('{', out);
	if (w->spec) {
		fputs("\"test\":", out);
		cli_json_str(out, w->test->name);
		fputc(',', out);
	}
	fprintf(out, "\"packet\":%llu", (unsigned long long)w->n);
	if (w->spec)
		fprintf(out, ",\"line\":%d", w->line);
	fputs(",\"differs\":[", out);
	for (int k = 0; k < DIFF_NKINDS; k++)
		if (m & (1u << k)) {
			fprintf(out, "%s\"%s\"", sep, diff_kind_name[k]);
			sep = ",";
		}
	fputc(']', out);
	for (int i = 0; i < 2; i++) {
		const struct pkt_obs *o = runs[i]->obs;
		const struct fate *f = &o->fates[0];

		fprintf(out, ",\"%c\":{\"rules\":", 'a' + i);
		cli_json_str(out, runs[i]->name);
		fprintf(out, ",\"verdict\":\"%s\",\"fate\":", fate_verdict(f));
		fate_outcome(f, buf, sizeof(buf), true);
		cli_json_str(out, buf);
		fprintf(out, ",\"rule\":");
		if (diff_decider(f))
			cli_json_str(out, diff_decider(f));
		else
			fputs("null", out);
		fprintf(out, ",\"generated\":%u", o->nfates ? o->nfates - 1 : 0);
		if (m & (1u << DIFF_CT)) {
			diff_ct_str(&runs[i]->ct, buf, sizeof(buf));
			fputs(",\"conntrack\":", out);
			cli_json_str(out, buf);
		}
		fputc('}', out);
	}
	fputs("}\n", out);
}

/* ---------------------------------------------------------------- one packet, both kernels */

/* What the runs report of every packet: the counts, and where the differences go. */
struct diff_report {
	bool by_rule;
	FILE *jsonl;                    /* NULL, stdout or a file */
	u64 counts[DIFF_NKINDS], compared, differing;
};

/* Compare the packet both runs just processed and report it if it differs.  True if it
 * does. */
static bool diff_compare(struct diff_report *rep, const struct diff_where *w,
			 const struct diff_run *a, const struct diff_run *b)
{
	unsigned int m;

	if (!a->obs->have || !b->obs->have)
		return false;   /* not replayed (not IPv4, ...): the same in both */
	rep->compared++;
	m = diff_packet(a, b);
	if (!rep->by_rule && !(m & ~(1u << DIFF_RULE)))
		m = 0;
	if (!m)
		return false;
	rep->differing++;
	for (int k = 0; k < DIFF_NKINDS; k++)
		if (m & (1u << k))
			rep->counts[k]++;
	if (rep->jsonl != stdout)
		diff_print(stdout, w, a, b, m);
	if (rep->jsonl)
		diff_jsonl(rep->jsonl, w, a, b, m);
	return true;
}

/* The counts by kind, closing the summary line. */
static void diff_summary_kinds(FILE *f, const struct diff_report *rep)
{
	fprintf(f, "(verdict %llu, egress %llu, nat %llu, generated %llu, conntrack %llu, rule %llu)\n",
		(unsigned long long)rep->counts[DIFF_VERDICT], (unsigned long long)rep->counts[DIFF_EGRESS],
		(unsigned long long)rep->counts[DIFF_NAT], (unsigned long long)rep->counts[DIFF_GENERATED],
		(unsigned long long)rep->counts[DIFF_CT], (unsigned long long)rep->counts[DIFF_RULE]);
}

/* Wrap the outputs' observer (the conntrack outcome) and take the kernel log lines. */
static void diff_watch(struct diff_run *d, struct net *net)
{
	d->net = net;
	d->inner_event = net->observer.event;
	d->inner_ctx = net->observer.ctx;
	net->observer.event = diff_event;
	net->observer.ctx = d;
	net->observer.walk = true;
	net->observer.ct_events = true;
}

/* The outputs' observer back, so that closing them unhooks it. */
static void diff_unwatch(struct diff_run *d)
{
	if (d->net && d->net->observer.ctx == d) {
		d->net->observer.event = d->inner_event;
		d->net->observer.ctx = d->inner_ctx;
	}
	d->net = NULL;
}

/* ---------------------------------------------------------------- a capture */

static int diff_run_open(struct diff_run *d, const struct diff_opts *o, int i)
{
	struct replay_run_args ra = { .topology = o->topology, .seed = o->seed,
				      .open_ports = o->open_ports };
	struct nfemu_output_opts oo = { 0 };
	struct net *net;

	d->name = o->set[i];
	d->obs = &d->own;
	if (!strcmp(o->setopt[i], "--rules"))
		ra.rules = o->set[i];
	else
		ra.state = o->set[i];
	oo.fate_cb = diff_fate;
	oo.fate_ctx = d;
	oo.capture_name = o->capture;
	d->r = replay_run_open(&ra, &oo);
	if (!d->r)
		return -1;
	net = replay_run_net(d->r);
	net->nf.log.sink = diff_log;
	net->nf.log.sink_ctx = d;
	diff_watch(d, net);
	return 0;
}

static void diff_step(struct diff_run *d, u64 n, const struct nfemu_capture_pkt *pkt)
{
	d->n = n;
	d->own.nfates = 0;
	d->own.have = false;
	d->own.loglen = 0;
	memset(&d->ct, 0, sizeof(d->ct));
	replay_run_packet(d->r, n, pkt);
	diff_ct_after(d);
}

static int diff_capture(const struct diff_opts *o, struct diff_report *rep)
{
	struct diff_run *runs = calloc(2, sizeof(*runs));
	struct nfemu_capture *cap = NULL;
	struct nfemu_capture_pkt pkt;
	struct diff_where w = { 0 };
	char err[1024];
	int ret, status = 2;

	if (!runs) {
		fprintf(stderr, "nfemu: diff: out of memory\n");
		return 2;
	}
	if (nfemu_capture_open(&cap, o->capture, err, sizeof(err))) {
		fprintf(stderr, "nfemu: diff: %s\n", err);
		goto out;
	}
	if (diff_run_open(&runs[0], o, 0) || diff_run_open(&runs[1], o, 1))
		goto out;
	while ((ret = nfemu_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		w.n++;
		diff_step(&runs[0], w.n, &pkt);
		diff_step(&runs[1], w.n, &pkt);
		diff_compare(rep, &w, &runs[0], &runs[1]);
	}
	if (ret < 0) {
		fprintf(stderr, "nfemu: diff: %s\n", err);
		goto out;
	}
	fprintf(rep->jsonl == stdout ? stderr : stdout, "nfemu diff: %llu packets compared, %llu differ ",
		(unsigned long long)rep->compared, (unsigned long long)rep->differing);
	diff_summary_kinds(rep->jsonl == stdout ? stderr : stdout, rep);
	status = rep->differing ? 1 : 0;
out:
	for (int i = 0; i < 2; i++) {
		diff_unwatch(&runs[i]);
		replay_run_close(runs[i].r);
		free(runs[i].own.log);
	}
	if (cap)
		nfemu_capture_close(cap);
	free(runs);
	return status;
}

/* ---------------------------------------------------------------- a spec's tests */

/* The two sides of a spec diff: A the spec's ruleset or state (one ruleset given) or the first
 * given, B the (second) given.  A --rules is loaded once, into a temporary state each test
 * opens read-only, as `nfemu test` loads the spec's.  0 or -1 (said). */
static int diff_spec_sets(const struct diff_opts *o, const struct spec *s, const char *name[2],
			  const char *state[2], struct nfemu_rules_temp tmp[2])
{
	char label[PATH_MAX * 2 + 64];

	for (int i = 0; i < 2; i++) {
		int g = o->nset == 2 ? i : i - 1;       /* the given set, -1 the spec's */

		if (g < 0 && !s->rules) {
			name[i] = state[i] = s->state;
			continue;
		}
		if (g >= 0 && strcmp(o->setopt[g], "--rules")) {
			name[i] = state[i] = o->set[g];
			continue;
		}
		name[i] = g < 0 ? s->rules : o->set[g];
		if (g < 0)
			snprintf(label, sizeof(label), "%s:%d: rules %s", s->file, s->set_line, s->rules);
		else
			snprintf(label, sizeof(label), "nfemu: diff: --rules %s", o->set[g]);
		if (nfemu_rules_temp_load(&tmp[i], name[i], "diff", label, true))
			return -1;
		state[i] = tmp[i].state;
	}
	return 0;
}

/* Test t in both kernels, packet by packet.  1 if a packet differs, 0 if none, -1 on a
 * setup error (said). */
static int diff_spec_test(const struct diff_opts *o, const struct spec *s, const struct spec_test *t,
			  const char *name[2], const char *state[2], struct diff_report *rep)
{
	struct diff_run *runs = calloc(2, sizeof(*runs));
	struct diff_where w = { .spec = s, .test = t };
	struct spec_buf err = { 0 };
	int ret = -1;
	bool differs = false;

	if (!runs) {
		fprintf(stderr, "nfemu: diff: out of memory\n");
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		runs[i].name = name[i];
		if (spec_run_open(&runs[i].sr, s, t, o->topology, state[i], &err))
			goto out;
		diff_watch(&runs[i], runs[i].sr.net);
	}
	for (size_t p = 0; p < t->npkts; p++) {
		for (int i = 0; i < 2; i++) {
			runs[i].n = p + 1;
			memset(&runs[i].ct, 0, sizeof(runs[i].ct));
			if (spec_run_send(&runs[i].sr, p, &err))
				goto out;
			diff_ct_after(&runs[i]);
			runs[i].obs = &runs[i].sr.obs[p];
		}
		w.n = p + 1;
		w.line = t->pkts[p].line;
		differs |= diff_compare(rep, &w, &runs[0], &runs[1]);
	}
	ret = differs;
out:
	if (err.s) {
		fflush(stdout);
		fputs(err.s, stderr);
		free(err.s);
	}
	for (int i = 0; i < 2; i++) {
		diff_unwatch(&runs[i]);
		spec_run_close(&runs[i].sr);
	}
	free(runs);
	return ret;
}

static int diff_spec(const struct diff_opts *o, struct diff_report *rep)
{
	struct nfemu_rules_temp tmp[2] = { { .dir = "" }, { .dir = "" } };
	const char *name[2], *state[2];
	struct spec *s = NULL;
	char err[2048];
	size_t tests_differing = 0;
	int status = 2;

	if (spec_load(o->spec, &s, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (diff_spec_sets(o, s, name, state, tmp))
		goto out;
	for (size_t t = 0; t < s->ntests; t++) {
		int r = diff_spec_test(o, s, &s->tests[t], name, state, rep);

		if (r < 0)
			goto out;
		tests_differing += (size_t)r;
	}
	fprintf(rep->jsonl == stdout ? stderr : stdout,
		"nfemu diff: %llu packets compared in %zu test%s, %llu differ in %zu test%s ",
		(unsigned long long)rep->compared, s->ntests, s->ntests == 1 ? "" : "s",
		(unsigned long long)rep->differing, tests_differing, tests_differing == 1 ? "" : "s");
	diff_summary_kinds(rep->jsonl == stdout ? stderr : stdout, rep);
	status = rep->differing ? 1 : 0;
out:
	for (int i = 0; i < 2; i++)
		nfemu_rules_temp_remove(&tmp[i]);
	spec_free(s);
	return status;
}

/* ---------------------------------------------------------------- the command */

int cmd_diff(int argc, char **argv)
{
	struct diff_report rep = { 0 };
	struct diff_opts o;
	int ret, status;

	ret = diff_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : 2;
	rep.by_rule = o.by_rule;
	if (o.jsonl && !(rep.jsonl = strcmp(o.jsonl, "-") ? fopen(o.jsonl, "w") : stdout)) {
		fprintf(stderr, "nfemu: diff: --jsonl %s: %s\n", o.jsonl, strerror(errno));
		return 2;
	}
	status = o.spec ? diff_spec(&o, &rep) : diff_capture(&o, &rep);
	if (rep.jsonl && rep.jsonl != stdout && fclose(rep.jsonl)) {
		fprintf(stderr, "nfemu: diff: --jsonl %s: %s\n", o.jsonl, strerror(errno));
		status = 2;
	}
	return status;
}
