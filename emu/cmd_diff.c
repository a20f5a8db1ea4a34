/* emu/cmd_diff.c - EMU: `nfemu diff`: the packets whose fate two rulesets decide differently.
 * No kernel counterpart.  Boots two emulated kernels (two struct net, independent) as replay
 * does (emu/replay.h) and feeds them the same capture in lockstep, one record to each; the
 * fates of each packet and of the packets generated in answer (emu/fate.c, binary) are
 * compared field by field, never their text.  docs/diff.md.
 * Conntrack too: each run's observer is wrapped to see, for the captured packet, the ctinfo its
 * conntrack hook function left (binary, from the skb), whether its entry was confirmed during
 * the packet, and after the packet the entry as the table holds it (status bits, the reply
 * tuple NAT chose, the TCP state, the mark).
 * Left out: a fate finished late (a neighbour being resolved during a later packet) is
 * compared as it stood at its packet's end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/cli.h"
#include "emu/output_int.h"
#include "emu/replay.h"
#include "conntrack/nf_conntrack.h"
#include "hooks/netfilter.h"
#include "kernel/net.h"
#include "netstack/skbuff.h"

#define DIFF_MAX_FATES (OUT_MAX_CHILDREN + 1)

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

/* One kernel's run: its fates and kernel log lines for the packet being compared. */
struct diff_run {
	const char *name;               /* the ruleset or state file */
	struct replay *r;
	u64 n;                          /* the capture packet being processed */
	struct fate fates[DIFF_MAX_FATES];      /* [0] the packet, then its children by kid */
	unsigned int nfates;
	bool have_parent;
	char *log;                      /* its kernel log lines (TRACE, LOG) */
	size_t loglen, logcap;
	struct diff_ct ct;
	struct net *net;
	void (*inner_event)(void *ctx, const struct nfemu_event *ev);   /* the outputs' */
	void *inner_ctx;
};

struct diff_opts {
	const char *topology, *capture, *jsonl;
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
		"  Replay CAPTURE through both rulesets (two emulated kernels) and list each packet\n"
		"  whose fate differs: verdict, egress interface, NAT translation, packets generated\n"
		"  in answer, conntrack (the ctinfo, the entry created or not, its status, NAT\n"
		"  binding and state); with both fates, both deciding rules and both kernel traces.\n"
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
	if (!o->topology) {
		fprintf(stderr, "nfemu: diff: --topology FILE is required\n");
		return -1;
	}
	if (o->nset != 2) {
		fprintf(stderr, "nfemu: diff: give two rulesets: --rules A.v4 (or --state A) and --rules B.v4 (or --state B)\n");
		return -1;
	}
	if (!o->capture) {
		fprintf(stderr, "nfemu: diff: no capture file given\n");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- what each run reports */

static void diff_fate(void *ctx, const struct fate *f)
{
	struct diff_run *d = ctx;

	if (f->n != d->n)
		return;         /* a late fate of an earlier packet: compared as it stood */
	if (!f->generated) {
		d->fates[0] = *f;
		d->have_parent = true;
		if (!d->nfates)
			d->nfates = 1;
		return;
	}
	if (f->kid < DIFF_MAX_FATES) {
		d->fates[f->kid] = *f;
		if (f->kid + 1 > d->nfates)
			d->nfates = f->kid + 1;
	}
}

static void diff_log(void *ctx, int level, const char *line, size_t len)
{
	struct diff_run *d = ctx;

	(void)level;
	while (len && line[len - 1] == '\n')
		len--;
	if (d->loglen + len + 6 > d->logcap) {
		size_t cap = (d->logcap + len + 6) * 2;
		char *p = realloc(d->log, cap);

		if (!p)
			return;
		d->log = p;
		d->logcap = cap;
	}
	memcpy(d->log + d->loglen, "    ", 4);
	memcpy(d->log + d->loglen + 4, line, len);
	d->loglen += len + 4;
	d->log[d->loglen++] = '\n';
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

enum diff_verdict { DV_NONE, DV_DROP, DV_FORWARD, DV_OUT, DV_DELIVER, DV_STOLEN, DV_QUEUED, DV_PENDING };

static enum diff_verdict diff_verdict_of(const struct fate *f)
{
	if (f->ndrop && !f->nxmit && !f->ndeliver)
		return DV_DROP;
	if (f->nxmit)
		return f->ingress[0] && !f->generated ? DV_FORWARD : DV_OUT;
	if (f->ndeliver)
		return DV_DELIVER;
	if (f->nstolen)
		return DV_STOLEN;
	if (f->nqueued)
		return DV_QUEUED;
	return f->pending ? DV_PENDING : DV_NONE;
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

	if (diff_verdict_of(a) != diff_verdict_of(b) ||
	    (diff_verdict_of(a) == DV_DROP && !fate_netfilter_drop(a) && a->reason != b->reason))
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
	unsigned int m = diff_fates(&a->fates[0], &b->fates[0]);

	if (!diff_same_ct(&a->ct, &b->ct))
		m |= 1u << DIFF_CT;

	if (a->nfates != b->nfates) {
		m |= 1u << DIFF_GENERATED;
		return m;
	}
	for (unsigned int k = 1; k < a->nfates; k++) {
		unsigned int c = diff_fates(&a->fates[k], &b->fates[k]);

		if (!diff_same_packet(&a->fates[k].facts, &b->fates[k].facts) ||
		    (c & ~(1u << DIFF_RULE)))
			m |= 1u << DIFF_GENERATED;
		m |= c & (1u << DIFF_RULE);
	}
	return m;
}

/* ---------------------------------------------------------------- printing */

static void diff_print_fates(FILE *out, const char *tag, const struct diff_run *d)
{
	char outcome[1280], desc[PKT_DESC_MAX + 1];

	fate_outcome(&d->fates[0], outcome, sizeof(outcome), true);
	fprintf(out, "  %s %s: %s\n", tag, d->name, outcome);
	for (unsigned int k = 1; k < d->nfates; k++) {
		const struct fate *f = &d->fates[k];

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

static void diff_print(FILE *out, const struct diff_run *a, const struct diff_run *b, unsigned int m)
{
	const struct fate *f = &a->fates[0];
	char desc[PKT_DESC_MAX + 1];
	const char *sep = "";

	*pkt_desc(desc, &f->facts) = '\0';
	fprintf(out, "#%llu %s%s %s: differs in ", (unsigned long long)f->n,
		f->ingress[0] ? "in " : "local", f->ingress, desc);
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
	fprintf(out, "  deciding rule: A %s, B %s\n", diff_rule(&a->fates[0]), diff_rule(&b->fates[0]));
	fprintf(out, "  A trace:\n%.*s", (int)a->loglen, a->log ? a->log : "");
	fprintf(out, "  B trace:\n%.*s", (int)b->loglen, b->log ? b->log : "");
}

static void diff_jsonl(FILE *out, const struct diff_run *a, const struct diff_run *b, unsigned int m)
{
	const struct diff_run *runs[2] = { a, b };
	char buf[1280];
	const char *sep = "";

	fprintf(out, "{\"packet\":%llu,\"differs\":[", (unsigned long long)a->fates[0].n);
	for (int k = 0; k < DIFF_NKINDS; k++)
		if (m & (1u << k)) {
			fprintf(out, "%s\"%s\"", sep, diff_kind_name[k]);
			sep = ",";
		}
	fputc(']', out);
	for (int i = 0; i < 2; i++) {
		const struct fate *f = &runs[i]->fates[0];

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
		fprintf(out, ",\"generated\":%u", runs[i]->nfates ? runs[i]->nfates - 1 : 0);
		if (m & (1u << DIFF_CT)) {
			diff_ct_str(&runs[i]->ct, buf, sizeof(buf));
			fputs(",\"conntrack\":", out);
			cli_json_str(out, buf);
		}
		fputc('}', out);
	}
	fputs("}\n", out);
}

/* ---------------------------------------------------------------- the command */

static int diff_run_open(struct diff_run *d, const struct diff_opts *o, int i)
{
	struct replay_run_args ra = { .topology = o->topology, .seed = o->seed,
				      .open_ports = o->open_ports };
	struct nfemu_output_opts oo = { 0 };
	struct net *net;

	d->name = o->set[i];
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
	/* the conntrack outcome: the hook functions' verdicts and conntrack's events */
	d->net = net;
	d->inner_event = net->observer.event;
	d->inner_ctx = net->observer.ctx;
	net->observer.event = diff_event;
	net->observer.ctx = d;
	net->observer.walk = true;
	net->observer.ct_events = true;
	return 0;
}

static void diff_step(struct diff_run *d, u64 n, const struct nfemu_capture_pkt *pkt)
{
	d->n = n;
	d->nfates = 0;
	d->have_parent = false;
	d->loglen = 0;
	memset(&d->ct, 0, sizeof(d->ct));
	replay_run_packet(d->r, n, pkt);
	diff_ct_after(d);
}

int cmd_diff(int argc, char **argv)
{
	struct diff_run *runs = calloc(2, sizeof(*runs));
	u64 counts[DIFF_NKINDS] = { 0 }, n = 0, compared = 0, differing = 0;
	struct nfemu_capture *cap = NULL;
	struct nfemu_capture_pkt pkt;
	FILE *jsonl = NULL;
	struct diff_opts o;
	char err[1024];
	int ret, status = 2;

	if (!runs) {
		fprintf(stderr, "nfemu: diff: out of memory\n");
		return 2;
	}
	ret = diff_parse(argc, argv, &o);
	if (ret) {
		free(runs);
		return ret > 0 ? 0 : 2;
	}
	if (nfemu_capture_open(&cap, o.capture, err, sizeof(err))) {
		fprintf(stderr, "nfemu: diff: %s\n", err);
		goto out;
	}
	if (diff_run_open(&runs[0], &o, 0) || diff_run_open(&runs[1], &o, 1))
		goto out;
	if (o.jsonl && !(jsonl = strcmp(o.jsonl, "-") ? fopen(o.jsonl, "w") : stdout)) {
		fprintf(stderr, "nfemu: diff: --jsonl %s: %s\n", o.jsonl, strerror(errno));
		goto out;
	}
	while ((ret = nfemu_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		unsigned int m;

		n++;
		diff_step(&runs[0], n, &pkt);
		diff_step(&runs[1], n, &pkt);
		if (!runs[0].have_parent || !runs[1].have_parent)
			continue;       /* not replayed (not IPv4, ...): the same in both */
		compared++;
		m = diff_packet(&runs[0], &runs[1]);
		if (!o.by_rule && !(m & ~(1u << DIFF_RULE)))
			m = 0;
		if (!m)
			continue;
		differing++;
		for (int k = 0; k < DIFF_NKINDS; k++)
			if (m & (1u << k))
				counts[k]++;
		if (jsonl != stdout)
			diff_print(stdout, &runs[0], &runs[1], m);
		if (jsonl)
			diff_jsonl(jsonl, &runs[0], &runs[1], m);
	}
	if (ret < 0) {
		fprintf(stderr, "nfemu: diff: %s\n", err);
		goto out;
	}
	fprintf(jsonl == stdout ? stderr : stdout,
		"nfemu diff: %llu packets compared, %llu differ (verdict %llu, egress %llu, nat %llu, "
		"generated %llu, conntrack %llu, rule %llu)\n", (unsigned long long)compared,
		(unsigned long long)differing, (unsigned long long)counts[DIFF_VERDICT],
		(unsigned long long)counts[DIFF_EGRESS], (unsigned long long)counts[DIFF_NAT],
		(unsigned long long)counts[DIFF_GENERATED], (unsigned long long)counts[DIFF_CT],
		(unsigned long long)counts[DIFF_RULE]);
	status = differing ? 1 : 0;
out:
	if (jsonl && jsonl != stdout && fclose(jsonl)) {
		fprintf(stderr, "nfemu: diff: --jsonl %s: %s\n", o.jsonl, strerror(errno));
		status = 2;
	}
	for (int i = 0; i < 2; i++) {
		/* the outputs' observer back, so that closing them unhooks it */
		if (runs[i].net && runs[i].net->observer.ctx == &runs[i]) {
			runs[i].net->observer.event = runs[i].inner_event;
			runs[i].net->observer.ctx = runs[i].inner_ctx;
		}
		replay_run_close(runs[i].r);
		free(runs[i].log);
	}
	if (cap)
		nfemu_capture_close(cap);
	free(runs);
	return status;
}
