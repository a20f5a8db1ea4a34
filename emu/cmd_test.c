/* emu/cmd_test.c - EMU: `nfemu test SPEC...`: unit tests for a ruleset.
 * No kernel counterpart.  Each test of a spec (emu/testspec.h) runs in a freshly booted
 * emulated kernel with the spec's ruleset and topology (emu/replay.h: the ruleset is loaded
 * once per spec by the real iptables-legacy-restore into a temporary state, which every test
 * then opens read-only); its packets are one-line packets (emu/pktline.h) fed as capture
 * records by emu/spec_run.c (shared with `nfemu diff --spec`), so conntrack and NAT state
 * carry from one to the next.  What happened to each packet is read in binary there: its fate
 * and the fates of the packets generated in answer (emu/fate.c, through the outputs' fate
 * callback), the kernel log lines, and what its nf_hooks see (the ct state at the filter
 * table's priority, the mark and the headers as the packet leaves).  Where a statistic match
 * decides, every branch is explored (net->emu_stat_force, xtables/ext/xt_statistic.c): each
 * test is run again with the decisions forced, depth first, and a dnat/snat expectation is
 * compared with the set of outcomes.  docs/testing-rules.md.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include "emu/cli.h"
#include "emu/output_int.h"
#include "emu/replay.h"
#include "emu/spec_run.h"
#include "emu/testspec.h"
#include "emu/topology.h"
#include "emu/ingress.h"
#include "conntrack/nf_conntrack.h"
#include "hooks/netfilter.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "netstack/inet.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

#define T_MAX_BRANCHES 256              /* runs of one test while exploring statistic branches */
#define T_MAX_DECISIONS 4096

struct t_opts {
	bool tap, record, record_stdout, verbose;
	const char *junit;
	const char *packet_lines, *topology;    /* --packet-lines CAPTURE [--topology T] */
	const char **specs;
	int nspecs;
};

/* One run of a test: the kernel and its packets (emu/spec_run.h), and the statistic
 * decisions forced and taken. */
struct t_run {
	struct spec_run run;
	const u8 *prefix;                       /* statistic decisions to force first */
	const bool *palt;                       /* which of them are misses still to explore */
	size_t nprefix;
	u8 dec[T_MAX_DECISIONS];                /* the decisions taken */
	bool alt[T_MAX_DECISIONS];              /* a miss that could have fired */
	size_t ndec;
};


/* The result of one expectation over every branch. */
struct t_expres {
	const struct spec_exp *e;
	const struct spec_packet *p;
	size_t pidx;
	bool failed;
	char *why;                              /* what happened instead, and the trace */
	struct spec_nat_to *got;                /* dnat/snat: every outcome seen */
	size_t ngot;
	bool got_none;                          /* some branch did not translate */
};

struct t_result {
	const struct spec_test *test;
	bool failed, error;
	char *details;                          /* the failure text (several lines) */
	size_t branches;
	bool branches_capped;
	double secs;
	char **record;                          /* --record: per packet, the expectations (\n-separated) */
};

/* ---------------------------------------------------------------- options */

static void t_usage(FILE *f)
{
	fprintf(f,
		"usage: nfemu test [--tap] [--junit FILE] [--verbose] SPEC...\n"
		"       nfemu test --record [--stdout] SPEC...\n"
		"  Run the tests of each SPEC (docs/testing-rules.md): every test boots the emulated\n"
		"  kernel with the spec's topology and ruleset, sends its packets in order (conntrack\n"
		"  and NAT state carry from one to the next) and checks what is expected of each.\n"
		"  Where a statistic match decides, every branch is run and dnat/snat expectations\n"
		"  are compared with the set of outcomes.  One line per test: ok or FAIL, and for a\n"
		"  failed expectation what happened instead and the packet's trace.\n"
		"  --tap        TAP version 13 on stdout instead\n"
		"  --junit F    also write JUnit XML to F (Jenkins, GitLab, GitHub test reporters)\n"
		"  --verbose    the trace of every packet, passed or not\n"
		"  --record     replace each spec's expectations with what the emulated kernel does,\n"
		"               writing the spec file back (--stdout: print it instead), for review\n"
		"  --packet-lines CAPTURE [--topology T]  print the capture's packets as packet lines\n"
		"               (\"# skipped #N: why\" for a frame the grammar cannot say); with the\n"
		"               topology, the host's own packets get no `in IFACE`\n"
		"  Exit status: 0 every test passed, 1 a test failed, 2 a spec or setup error.\n");
}

static int t_parse(int argc, char **argv, struct t_opts *o)
{
	int i = 1;

	memset(o, 0, sizeof(*o));
	o->specs = calloc((size_t)argc, sizeof(*o->specs));
	if (!o->specs)
		return -1;
	while (i < argc) {
		const char *a = argv[i];
		const char *v;
		int r;

		if (a[0] != '-' || !a[1]) {
			o->specs[o->nspecs++] = a;
			i++;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			t_usage(stdout);
			return 1;
		}
		if (!strcmp(a, "--tap") || !strcmp(a, "--record") || !strcmp(a, "--stdout") ||
		    !strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			if (!strcmp(a, "--tap"))
				o->tap = true;
			else if (!strcmp(a, "--record"))
				o->record = true;
			else if (!strcmp(a, "--stdout"))
				o->record_stdout = true;
			else
				o->verbose = true;
			i++;
			continue;
		}
		r = cli_value_opt("test", argc, argv, &i, "--junit", &v);
		if (r < 0)
			return -1;
		if (r) {
			o->junit = v;
			continue;
		}
		r = cli_value_opt("test", argc, argv, &i, "--packet-lines", &v);
		if (r < 0)
			return -1;
		if (r) {
			o->packet_lines = v;
			continue;
		}
		r = cli_value_opt("test", argc, argv, &i, "--topology", &v);
		if (r < 0)
			return -1;
		if (r) {
			o->topology = v;
			continue;
		}
		fprintf(stderr, "nfemu: test: unknown option '%s'\n", a);
		return -1;
	}
	if (o->packet_lines)
		return o->nspecs ? (fprintf(stderr, "nfemu: test: --packet-lines takes no spec\n"), -1) : 0;
	if (o->topology) {
		fprintf(stderr, "nfemu: test: --topology goes with --packet-lines (a spec names its topology)\n");
		return -1;
	}
	if (!o->nspecs) {
		fprintf(stderr, "nfemu: test: no spec file given\n");
		return -1;
	}
	if (o->record_stdout && !o->record) {
		fprintf(stderr, "nfemu: test: --stdout goes with --record\n");
		return -1;
	}
	if (o->record && (o->tap || o->junit)) {
		fprintf(stderr, "nfemu: test: --record writes specs; --tap and --junit report a run\n");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the ruleset, once per spec */

/* The spec's `rules` into a temporary state (iptables-legacy-restore).  0 or -1 (said). */
static int t_restore(const struct spec *s, struct nfemu_rules_temp *tmp)
{
	char label[PATH_MAX * 2 + 64];

	snprintf(label, sizeof(label), "%s:%d: rules %s", s->file, s->set_line, s->rules);
	return nfemu_rules_temp_load(tmp, s->rules, "test", label, false);
}

/* ---------------------------------------------------------------- statistic branches */


/* The statistic match asks (net->emu_stat_force): forced while in the prefix, then a miss
 * where the rule allows one, noting that it could have fired. */
static bool t_decide(void *ctx, bool can_fire, bool can_miss)
{
	struct t_run *r = ctx;
	size_t i = r->ndec;
	bool v;

	if (i < r->nprefix)
		v = r->prefix[i];
	else
		v = !can_miss;
	if (v && !can_fire)
		v = false;
	if (i < T_MAX_DECISIONS) {
		r->dec[i] = v;
		r->alt[i] = i < r->nprefix ? r->palt[i] && !v : !v && can_fire;
		r->ndec++;
	}
	return v;
}

/* ---------------------------------------------------------------- judging */

/* A packet line for a packet's headers (pkt_facts), by nfemu_pktline_format. */
static void t_facts_line(const struct pkt_facts *f, char *buf, size_t len)
{
	u8 p[40] = { 0x45 };

	p[9] = f->proto;
	memcpy(p + 12, f->src, 4);
	memcpy(p + 16, f->dst, 4);
	if (f->has_ports) {
		p[20] = (u8)(f->sport >> 8);
		p[21] = (u8)f->sport;
		p[22] = (u8)(f->dport >> 8);
		p[23] = (u8)f->dport;
	}
	if (f->is_tcp)
		p[20 + 13] = f->tcp_flags;
	if (f->has_icmp) {
		p[20] = f->icmp_type;
		p[21] = f->icmp_code;
	}
	if (nfemu_pktline_format(p, f->is_tcp ? 20 + 14 : 28, buf, len) < 0)
		snprintf(buf, len, "?");
}

static void t_addr(u32 a, char *buf)
{
	inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* The headers it left (or was delivered) with, "SRC[:P] > DST[:P]"; false if not seen. */
static bool t_out_hdr(const struct pkt_obs *o, char *buf, size_t len)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

	if (!o->seen)
		return false;
	t_addr(o->saddr, s);
	t_addr(o->daddr, d);
	if (o->proto == IPPROTO_TCP || o->proto == IPPROTO_UDP)
		snprintf(buf, len, "%s:%u > %s:%u", s, o->sport, d, o->dport);
	else
		snprintf(buf, len, "%s > %s", s, d);
	return true;
}

static bool t_hdr_match(const struct nfemu_pktline *h, const struct pkt_obs *o)
{
	if (!o->seen)
		return false;
	if (h->proto && h->proto != o->proto)
		return false;
	if (h->saddr != o->saddr || h->daddr != o->daddr)
		return false;
	if (h->sport && h->sport != o->sport)
		return false;
	if (h->dport && h->dport != o->dport)
		return false;
	return true;
}

static bool t_reply_match(const struct nfemu_pktline *h, const struct pkt_facts *f)
{
	if (h->proto != f->proto || memcmp(&h->saddr, f->src, 4) || memcmp(&h->daddr, f->dst, 4))
		return false;
	if ((h->proto == IPPROTO_TCP || h->proto == IPPROTO_UDP) &&
	    (!f->has_ports || h->sport != f->sport || h->dport != f->dport))
		return false;
	if (h->proto == IPPROTO_TCP && h->has_flags && (!f->is_tcp || h->tcp_flags != f->tcp_flags))
		return false;
	if (h->proto == IPPROTO_ICMP && h->has_icmp_type &&
	    (!f->has_icmp || h->icmp_type != f->icmp_type || h->icmp_code != f->icmp_code))
		return false;
	return true;
}

/* "filter:INPUT:policy" names "filter:INPUT:policy:N" too. */
static bool t_where_match(const char *want, const char *where)
{
	size_t n = strlen(want);

	size_t wl;

	if (!where)
		return false;
	/* the name only: "filter:m:rule:2 (hotdrop)" is "filter:m:rule:2" */
	wl = strcspn(where, " ");
	if (wl == n && !strncmp(want, where, n))
		return true;
	return n > 7 && !strcmp(want + n - 7, ":policy") && wl > n && !strncmp(want, where, n) && where[n] == ':';
}

/* The prefix of a LOG line: what comes before " IN=" (or "IN=" at the start); NULL for a
 * TRACE line or a line that is not LOG's. */
static bool t_log_prefix(const char *line, size_t len, size_t *plen)
{
	const char *in;

	if (len >= 7 && !strncmp(line, "TRACE: ", 7))
		return false;
	for (in = line; (in = memmem(in, len - (size_t)(in - line), "IN=", 3)); in++)
		if (in == line || in[-1] == ' ')
			break;
	if (!in)
		return false;
	*plen = (size_t)(in - line);
	return true;
}

static bool t_log_match(const char *want, const struct pkt_obs *o)
{
	size_t wl = strlen(want);
	const char *p = o->log, *nfl;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), plen;

		if (t_log_prefix(p, len, &plen) && len >= wl && !strncmp(p, want, wl))
			return true;
		p = nl ? nl + 1 : NULL;
	}
	/* NFLOG: nothing listens, the fate's note names it */
	for (unsigned int k = 0; k < o->nfates; k++)
		for (nfl = o->fates[k].notes; (nfl = strstr(nfl, "prefix \"")); nfl++)
			if (!strncmp(nfl + 8, want, wl))
				return true;
	return false;
}

/* The translation of a packet: its destination (dnat) or source (snat) as it left or was
 * delivered, if it differs from what was sent. */
static bool t_nat_outcome(const struct spec_packet *sp, const struct pkt_obs *o, bool dnat, struct spec_nat_to *to)
{
	bool ports = sp->pl.proto == IPPROTO_TCP || sp->pl.proto == IPPROTO_UDP;

	if (!o->seen)
		return false;
	memset(to, 0, sizeof(*to));
	to->addr = dnat ? o->daddr : o->saddr;
	to->port = dnat ? o->dport : o->sport;
	to->has_port = ports && o->proto == sp->pl.proto;
	if (to->addr == (dnat ? sp->pl.daddr : sp->pl.saddr) &&
	    (!to->has_port || to->port == (dnat ? sp->pl.dport : sp->pl.sport)))
		return false;
	return true;
}

static void t_nat_str(const struct spec_nat_to *to, struct spec_buf *b)
{
	char a[INET_ADDRSTRLEN];

	t_addr(to->addr, a);
	if (to->has_port)
		spec_buf_add(b, "%s:%u", a, to->port);
	else
		spec_buf_add(b, "%s", a);
}

static bool t_nat_eq(const struct spec_nat_to *want, const struct spec_nat_to *got)
{
	return want->addr == got->addr && (!want->has_port || (got->has_port && want->port == got->port));
}

/* What happened to the packet, for a failed expectation: "got ..." */
static void t_got(const struct spec_exp *e, const struct spec_packet *sp, const struct pkt_obs *o, struct spec_buf *b)
{
	char buf[1280];
	bool any = false;

	switch (e->kind) {
	case SPEC_EXP_ACCEPT: case SPEC_EXP_DROP: case SPEC_EXP_DELIVER:
	case SPEC_EXP_FORWARD: case SPEC_EXP_OUT:
		if (!o->have) {
			spec_buf_add(b, "it was not processed (no fate)");
			break;
		}
		fate_outcome(&o->fates[0], buf, sizeof(buf), true);
		spec_buf_add(b, "%s", buf);
		if ((e->kind == SPEC_EXP_FORWARD || e->kind == SPEC_EXP_OUT) && e->has_hdr &&
		    t_out_hdr(o, buf, sizeof(buf)))
			spec_buf_add(b, " (left as %s)", buf);
		break;
	case SPEC_EXP_REPLY:
		for (unsigned int k = 1; k < o->nfates; k++) {
			t_facts_line(&o->fates[k].facts, buf, sizeof(buf));
			spec_buf_add(b, "%sreply %s", any ? ", " : "", buf);
			any = true;
		}
		if (!any)
			spec_buf_add(b, "no packet was generated in answer");
		break;
	case SPEC_EXP_CT:
		if (o->filter_seen)
			spec_buf_add(b, "ct %s", spec_ct_names[o->ct]);
		else
			spec_buf_add(b, "it never reached the filter table's hooks");
		break;
	case SPEC_EXP_LOG: {
		const char *p = o->log;

		while (p && *p) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p), plen;

			if (t_log_prefix(p, len, &plen) && plen) {
				spec_buf_add(b, "%slog \"%.*s\"", any ? ", " : "", (int)plen, p);
				any = true;
			}
			p = nl ? nl + 1 : NULL;
		}
		if (!any)
			spec_buf_add(b, "no LOG line with a prefix");
		break;
	}
	case SPEC_EXP_MARK:
		if (o->seen)
			spec_buf_add(b, "mark 0x%x", o->mark);
		else
			spec_buf_add(b, "it never reached a hook");
		break;
	case SPEC_EXP_DNAT: case SPEC_EXP_SNAT:
		break;          /* judged over every branch */
	}
	(void)sp;
}

/* One expectation against one run's packet (not dnat/snat). */
static bool t_check(const struct spec_exp *e, const struct spec_packet *sp, const struct pkt_obs *o)
{
	const struct fate *f = &o->fates[0];
	enum fate_kind v = o->have ? fate_kind(f) : FATE_NONE;

	(void)sp;
	switch (e->kind) {
	case SPEC_EXP_ACCEPT:
		return o->have && v != FATE_DROP;
	case SPEC_EXP_DROP:
		if (!o->have || v != FATE_DROP)
			return false;
		if (!e->arg)
			return true;
		if (fate_netfilter_drop(f))
			return t_where_match(e->arg, f->drop_where);
		return t_where_match(e->arg, f->drop_where) ||
		       !strcmp(e->arg, skb_drop_reason_name(f->reason));
	case SPEC_EXP_DELIVER:
		return o->have && f->ndeliver;
	case SPEC_EXP_FORWARD:
	case SPEC_EXP_OUT: {
		bool found = false;

		if (!o->have || !f->nxmit || (e->kind == SPEC_EXP_FORWARD && v != FATE_FORWARD))
			return false;
		for (unsigned int i = 0; i < f->negress; i++)
			if (f->egress[i] && !strcmp(f->egress[i], e->arg))
				found = true;
		return found && (!e->has_hdr || t_hdr_match(&e->hdr, o));
	}
	case SPEC_EXP_REPLY:
		for (unsigned int k = 1; k < o->nfates; k++)
			if (t_reply_match(&e->hdr, &o->fates[k].facts))
				return true;
		return false;
	case SPEC_EXP_CT:
		return o->filter_seen && o->ct == e->ct;
	case SPEC_EXP_LOG:
		return t_log_match(e->arg, o);
	case SPEC_EXP_MARK:
		return o->seen && o->mark == e->mark;
	case SPEC_EXP_DNAT: case SPEC_EXP_SNAT:
		return true;
	}
	return false;
}

/* The packet's trace, as replay prints it: kernel log lines, then the fate lines. */
static void t_trace(const struct spec_run *r, size_t i, struct spec_buf *b)
{
	const struct pkt_obs *o = &r->obs[i];
	char desc[PKT_DESC_MAX + 1], outcome[1280];
	const char *p = o->log;

	spec_buf_add(b, "    packet %zu (line %d): %s\n", i + 1, r->test->pkts[i].line, r->test->pkts[i].text);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		spec_buf_add(b, "      %.*s\n", (int)len, p);
		p = nl ? nl + 1 : NULL;
	}
	if (!o->have) {
		spec_buf_add(b, "      #%zu: not processed\n", i + 1);
		return;
	}
	for (unsigned int k = 0; k < o->nfates; k++) {
		const struct fate *f = &o->fates[k];

		*pkt_desc(desc, &f->facts) = '\0';
		fate_outcome(f, outcome, sizeof(outcome), true);
		if (!k)
			spec_buf_add(b, "      #%zu %s%s %s: %s\n", i + 1, f->ingress[0] ? "in " : "local",
			       f->ingress, desc, outcome);
		else
			spec_buf_add(b, "      #%zu.%u %s (generated by #%zu%s%s): %s\n", i + 1, f->kid, desc, i + 1,
			       f->by ? ": " : "", f->by ? f->by : "", outcome);
	}
}

/* ---------------------------------------------------------------- recording */

/* The expectations --record writes for one packet in one run, '\n'-separated. */
static void t_candidates(const struct spec_run *r, size_t i, struct spec_buf *b)
{
	const struct pkt_obs *o = &r->obs[i];
	const struct spec_packet *sp = &r->test->pkts[i];
	const struct fate *f = &o->fates[0];
	struct spec_nat_to to;
	char buf[256], hdr[128];
	const char *p = o->log;

	if (o->have) {
		enum fate_kind v = fate_kind(f);
		bool xl = false;

		if (v == FATE_DROP) {
			if (fate_netfilter_drop(f))
				spec_buf_add(b, "drop by %.*s\n", (int)strcspn(f->drop_where, " "), f->drop_where);
			else
				spec_buf_add(b, "drop\n");
		} else {
			spec_buf_add(b, "accept\n");
		}
		if (o->seen && t_out_hdr(o, hdr, sizeof(hdr)))
			xl = o->saddr != sp->pl.saddr || o->daddr != sp->pl.daddr ||
			     ((o->proto == IPPROTO_TCP || o->proto == IPPROTO_UDP) &&
			      (o->sport != sp->pl.sport || o->dport != sp->pl.dport));
		/* the interface alone too: it may hold in every branch where the header does not */
		if (f->nxmit)
			for (unsigned int e = 0; e < f->negress; e++)
				if (f->egress[e]) {
					spec_buf_add(b, "%s %s\n", v == FATE_FORWARD ? "forward out" : "out", f->egress[e]);
					if (xl)
						spec_buf_add(b, "%s %s as %s\n", v == FATE_FORWARD ? "forward out" : "out",
						       f->egress[e], hdr);
				}
		if (f->ndeliver)
			spec_buf_add(b, "deliver\n");
		for (unsigned int k = 1; k < o->nfates; k++) {
			t_facts_line(&o->fates[k].facts, buf, sizeof(buf));
			spec_buf_add(b, "reply %s\n", buf);
		}
	}
	if (o->filter_seen && r->ct_loaded)
		spec_buf_add(b, "ct %s\n", spec_ct_names[o->ct]);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), plen;

		if (t_log_prefix(p, len, &plen) && plen) {
			size_t q;

			/* the prefix as written: quotes and backslashes escaped */
			spec_buf_add(b, "log \"");
			for (q = 0; q < plen; q++)
				spec_buf_add(b, "%s%c", p[q] == '"' || p[q] == '\\' ? "\\" : "", p[q]);
			spec_buf_add(b, "\"\n");
		}
		p = nl ? nl + 1 : NULL;
	}
	/* NFLOG: no listener, the fate's note names its prefix */
	for (unsigned int k = 0; k < o->nfates; k++)
		for (const char *n = o->fates[k].notes; (n = strstr(n, "NFLOG group ")); n++) {
			const char *q = strstr(n, " prefix \""), *end;

			if (!q || !(end = strchr(q + 9, '"')) || end == q + 9 || memchr(q + 9, '\\', (size_t)(end - q - 9)))
				continue;
			spec_buf_add(b, "log \"%.*s\"\n", (int)(end - q - 9), q + 9);
		}
	if (o->seen && o->mark)
		spec_buf_add(b, "mark 0x%x\n", o->mark);
	(void)to;
}

/* Keep the lines of *keep that are also in other (once each, in keep's order). */
static void t_intersect(char **keep, const char *other)
{
	struct spec_buf b = { 0 };
	const char *p = *keep;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *q = other;
		bool found = false, dup = false;

		for (; q && *q; q = strchr(q, '\n') ? strchr(q, '\n') + 1 : NULL)
			if (!strncmp(q, p, len) && (q[len] == '\n' || !q[len]))
				found = true;
		for (q = b.s; q && *q; q = strchr(q, '\n') ? strchr(q, '\n') + 1 : NULL)
			if (!strncmp(q, p, len) && (q[len] == '\n' || !q[len]))
				dup = true;
		if (found && !dup)
			spec_buf_add(&b, "%.*s\n", (int)len, p);
		p = nl ? nl + 1 : NULL;
	}
	free(*keep);
	*keep = spec_buf_take(&b);
}

/* "forward out IF" says less than "forward out IF as HEADER" when both held: keep the latter. */
static void t_drop_plain_egress(char **rec)
{
	struct spec_buf b = { 0 };
	const char *p = *rec;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		bool drop = false;

		if ((!strncmp(p, "forward out ", 12) || !strncmp(p, "out ", 4)) && !memmem(p, len, " as ", 4))
			for (const char *q = *rec; q && *q; q = strchr(q, '\n') ? strchr(q, '\n') + 1 : NULL)
				if (!strncmp(q, p, len) && !strncmp(q + len, " as ", 4))
					drop = true;
		if (!drop)
			spec_buf_add(&b, "%.*s\n", (int)len, p);
		p = nl ? nl + 1 : NULL;
	}
	free(*rec);
	*rec = spec_buf_take(&b);
}

/* ---------------------------------------------------------------- one test, every branch */

static int t_nat_cmp(const void *a, const void *b)
{
	const struct spec_nat_to *x = a, *y = b;

	if (ntohl(x->addr) != ntohl(y->addr))
		return ntohl(x->addr) < ntohl(y->addr) ? -1 : 1;
	return (int)x->port - (int)y->port;
}

static void t_nat_add(struct spec_nat_to **v, size_t *n, const struct spec_nat_to *to)
{
	struct spec_nat_to *nv;

	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].addr == to->addr && (*v)[i].port == to->port && (*v)[i].has_port == to->has_port)
			return;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return;
	*v = nv;
	(*v)[(*n)++] = *to;
}

static void t_decisions(const struct t_run *r, struct spec_buf *b)
{
	if (!r->ndec)
		return;
	spec_buf_add(b, " (statistic decisions:");
	for (size_t i = 0; i < r->ndec && i < 32; i++)
		spec_buf_add(b, " %s", r->dec[i] ? "match" : "miss");
	spec_buf_add(b, "%s)", r->ndec > 32 ? " ..." : "");
}

static void t_run_close(struct t_run *r)
{
	if (r->run.net)
		r->run.net->emu_stat_force.decide = NULL;
	spec_run_close(&r->run);
}

/* Run test t of spec s in every statistic branch.  0, or -1 on a setup error (err). */
static int t_test(const struct spec *s, const char *state, const struct spec_test *t, bool record,
		  bool verbose, struct t_result *res, struct spec_buf *err)
{
	struct t_run *r = calloc(1, sizeof(*r));
	struct t_expres *er = NULL;
	size_t nexp = 0, k;
	u8 *prefix = NULL;
	bool *palt = NULL;
	size_t nprefix = 0;
	struct spec_nat_to **rec_nat[2] = { NULL, NULL };
	size_t *rec_nnat[2] = { NULL, NULL };
	bool *rec_nat_none[2] = { NULL, NULL };
	struct spec_buf vb = { 0 };
	int rc = 0;

	if (!r)
		return -1;
	memset(res, 0, sizeof(*res));
	res->test = t;
	for (size_t i = 0; i < t->npkts; i++)
		nexp += t->pkts[i].nexp;
	er = calloc(nexp + 1, sizeof(*er));
	prefix = malloc(T_MAX_DECISIONS);
	palt = calloc(T_MAX_DECISIONS, sizeof(*palt));
	if (record) {
		res->record = calloc(t->npkts, sizeof(*res->record));
		for (int d = 0; d < 2; d++) {
			rec_nat[d] = calloc(t->npkts, sizeof(*rec_nat[d]));
			rec_nnat[d] = calloc(t->npkts, sizeof(*rec_nnat[d]));
			rec_nat_none[d] = calloc(t->npkts, sizeof(*rec_nat_none[d]));
		}
	}
	if (!er || !prefix || !palt || (record && (!res->record || !rec_nat[0] || !rec_nat[1] || !rec_nnat[0] ||
					  !rec_nnat[1] || !rec_nat_none[0] || !rec_nat_none[1]))) {
		spec_buf_add(err, "nfemu: test: out of memory\n");
		rc = -1;
		goto out;
	}
	k = 0;
	for (size_t i = 0; i < t->npkts; i++)
		for (size_t j = 0; j < t->pkts[i].nexp; j++) {
			er[k].e = &t->pkts[i].exp[j];
			er[k].p = &t->pkts[i];
			er[k++].pidx = i;
		}
	for (;;) {
		size_t last;

		r->prefix = prefix;
		r->palt = palt;
		r->nprefix = nprefix;
		r->ndec = 0;
		if (spec_run_open(&r->run, s, t, NULL, state, err)) {
			t_run_close(r);
			rc = -1;
			goto out;
		}
		/* every statistic decision forced: the branches are explored */
		r->run.net->emu_stat_force.decide = t_decide;
		r->run.net->emu_stat_force.ctx = r;
		for (size_t i = 0; i < t->npkts; i++)
			if (spec_run_send(&r->run, i, err)) {
				t_run_close(r);
				rc = -1;
				goto out;
			}
		/* judge this branch */
		for (k = 0; k < nexp; k++) {
			struct t_expres *x = &er[k];
			const struct pkt_obs *o = &r->run.obs[x->pidx];

			if (x->e->kind == SPEC_EXP_DNAT || x->e->kind == SPEC_EXP_SNAT) {
				struct spec_nat_to to;

				if (t_nat_outcome(x->p, o, x->e->kind == SPEC_EXP_DNAT, &to))
					t_nat_add(&x->got, &x->ngot, &to);
				else
					x->got_none = true;
				if (!x->why) {
					struct spec_buf b = { 0 };

					t_trace(&r->run, x->pidx, &b);
					x->why = spec_buf_take(&b);
				}
				continue;
			}
			if (!x->failed && !t_check(x->e, x->p, o)) {
				struct spec_buf b = { 0 };

				x->failed = true;
				spec_buf_add(&b, "    got: ");
				t_got(x->e, x->p, o, &b);
				if (res->branches || r->ndec)
					t_decisions(r, &b);
				spec_buf_add(&b, "\n");
				t_trace(&r->run, x->pidx, &b);
				x->why = spec_buf_take(&b);
			}
		}
		if (verbose && !res->branches)
			for (size_t i = 0; i < t->npkts; i++)
				t_trace(&r->run, i, &vb);
		if (record)
			for (size_t i = 0; i < t->npkts; i++) {
				struct spec_buf b = { 0 };

				t_candidates(&r->run, i, &b);
				if (!res->branches) {
					res->record[i] = spec_buf_take(&b);
				} else {
					t_intersect(&res->record[i], b.s ? b.s : "");
					free(b.s);
				}
				for (int d = 0; d < 2; d++) {
					struct spec_nat_to to;

					if (t_nat_outcome(&t->pkts[i], &r->run.obs[i], d == 0, &to))
						t_nat_add(&rec_nat[d][i], &rec_nnat[d][i], &to);
					else
						rec_nat_none[d][i] = true;
				}
			}
		res->branches++;
		/* the next branch: the last miss that could have fired, fired */
		last = r->ndec;
		while (last > 0 && !r->alt[last - 1])
			last--;
		if (last > 0) {
			memcpy(prefix, r->dec, last - 1);
			memcpy(palt, r->alt, (last - 1) * sizeof(*palt));
			prefix[last - 1] = 1;
			palt[last - 1] = false;
			nprefix = last;
		}
		t_run_close(r);
		if (!last)
			break;
		if (res->branches >= T_MAX_BRANCHES) {
			res->branches_capped = true;
			break;
		}
	}
	/* the verdicts */
	{
		struct spec_buf b = { 0 };

		for (k = 0; k < nexp; k++) {
			struct t_expres *x = &er[k];

			if (x->e->kind == SPEC_EXP_DNAT || x->e->kind == SPEC_EXP_SNAT) {
				bool ok = !x->got_none;

				for (size_t a = 0; ok && a < x->e->nto; a++) {
					bool f = false;

					for (size_t g = 0; g < x->ngot; g++)
						f = f || t_nat_eq(&x->e->to[a], &x->got[g]);
					ok = f;
				}
				for (size_t g = 0; ok && g < x->ngot; g++) {
					bool f = false;

					for (size_t a = 0; a < x->e->nto; a++)
						f = f || t_nat_eq(&x->e->to[a], &x->got[g]);
					ok = f;
				}
				if (ok)
					continue;
				x->failed = true;
				spec_buf_add(&b, "  %s:%d: expect %s\n    got: ", s->file, x->e->line, x->e->text);
				if (x->ngot)
					qsort(x->got, x->ngot, sizeof(*x->got), t_nat_cmp);
				for (size_t g = 0; g < x->ngot; g++) {
					spec_buf_add(&b, "%s", g ? " | " : (x->e->kind == SPEC_EXP_DNAT ? "dnat to " : "snat to "));
					t_nat_str(&x->got[g], &b);
				}
				if (x->got_none)
					spec_buf_add(&b, "%s", x->ngot ? " and, in some branches, not translated" :
					       x->e->kind == SPEC_EXP_DNAT ? "no DNAT: the destination is unchanged" :
					       "no SNAT: the source is unchanged");
				spec_buf_add(&b, " (%zu branch%s explored)\n%s", res->branches, res->branches == 1 ? "" : "es",
				       x->why ? x->why : "");
				continue;
			}
			if (x->failed)
				spec_buf_add(&b, "  %s:%d: expect %s\n%s", s->file, x->e->line, x->e->text, x->why);
		}
		for (k = 0; k < nexp; k++)
			res->failed = res->failed || er[k].failed;
		if (res->branches_capped)
			spec_buf_add(&b, "  note: stopped exploring statistic branches after %d runs\n", T_MAX_BRANCHES);
		if (verbose && vb.s)
			spec_buf_add(&b, "%s", vb.s);
		res->details = spec_buf_take(&b);
	}
	/* `accept` says less than a forward, out or deliver line that held in every branch */
	if (record)
		for (size_t i = 0; i < t->npkts; i++) {
			const char *rec = res->record[i] ? res->record[i] : "";

			if (!strncmp(rec, "accept\n", 7) &&
			    (strstr(rec, "\nforward out ") || strstr(rec, "\nout ") || strstr(rec, "\ndeliver\n")))
				memmove(res->record[i], rec + 7, strlen(rec + 7) + 1);
			t_drop_plain_egress(&res->record[i]);
		}
	if (record)
		for (size_t i = 0; i < t->npkts; i++)
			for (int d = 0; d < 2; d++) {
				struct spec_buf b = { 0 };

				if (rec_nat_none[d][i] || !rec_nnat[d][i])
					continue;
				qsort(rec_nat[d][i], rec_nnat[d][i], sizeof(**rec_nat), t_nat_cmp);
				spec_buf_add(&b, "%s%s to ", res->record[i] ? res->record[i] : "", d ? "snat" : "dnat");
				for (size_t g = 0; g < rec_nnat[d][i]; g++) {
					spec_buf_add(&b, "%s", g ? " | " : "");
					t_nat_str(&rec_nat[d][i][g], &b);
				}
				spec_buf_add(&b, "\n");
				free(res->record[i]);
				res->record[i] = spec_buf_take(&b);
			}
out:
	for (k = 0; er && k < nexp; k++) {
		free(er[k].why);
		free(er[k].got);
	}
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; rec_nat[d] && i < t->npkts; i++)
			free(rec_nat[d][i]);
		free(rec_nat[d]);
		free(rec_nnat[d]);
		free(rec_nat_none[d]);
	}
	free(vb.s);
	free(er);
	free(prefix);
	free(palt);
	free(r);
	return rc;
}

/* ---------------------------------------------------------------- output */

static void t_xml(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 && c != '\n' && c != '\t')
			fputc('?', f);  /* not allowed in XML 1.0 */
		else
			fputc(c, f);
	}
}

/* The first line of a failure's details, as the JUnit message */
static void t_first_line(const char *d, char *buf, size_t len)
{
	const char *nl;

	while (*d == ' ')
		d++;
	nl = strchr(d, '\n');
	snprintf(buf, len, "%.*s", nl ? (int)(nl - d) : (int)strlen(d), d);
}

struct t_spec_results {
	const struct spec *spec;
	struct t_result *res;
	size_t nres;
	bool error;
	char *error_text;
};

static int t_junit(const char *path, const struct t_spec_results *sr, int nspecs)
{
	size_t tests = 0, failures = 0, errors = 0;
	double total = 0;
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "nfemu: test: --junit %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < nspecs; i++) {
		tests += sr[i].error ? sr[i].spec->ntests : sr[i].nres;
		errors += sr[i].error ? sr[i].spec->ntests : 0;
		for (size_t j = 0; j < sr[i].nres; j++) {
			failures += sr[i].res[j].failed;
			total += sr[i].res[j].secs;
		}
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"nfemu test\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" time=\"%.3f\">\n",
		tests, failures, errors, total);
	for (int i = 0; i < nspecs; i++) {
		const struct spec *s = sr[i].spec;
		size_t sf = 0;
		double st = 0;

		for (size_t j = 0; j < sr[i].nres; j++) {
			sf += sr[i].res[j].failed;
			st += sr[i].res[j].secs;
		}
		fprintf(f, "  <testsuite name=\"");
		t_xml(f, s->file);
		fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%.3f\">\n",
			s->ntests, sf, sr[i].error ? s->ntests : (size_t)0, st);
		for (size_t j = 0; j < s->ntests; j++) {
			const struct t_result *res = j < sr[i].nres ? &sr[i].res[j] : NULL;
			char msg[512];

			fprintf(f, "    <testcase name=\"");
			t_xml(f, s->tests[j].name);
			fprintf(f, "\" classname=\"");
			t_xml(f, s->file);
			fprintf(f, "\" time=\"%.3f\"", res ? res->secs : 0.0);
			if (sr[i].error) {
				fprintf(f, ">\n      <error message=\"setup failed\" type=\"setup\">");
				t_xml(f, sr[i].error_text);
				fprintf(f, "</error>\n    </testcase>\n");
			} else if (res && res->failed) {
				t_first_line(res->details, msg, sizeof(msg));
				fprintf(f, ">\n      <failure message=\"");
				t_xml(f, msg);
				fprintf(f, "\" type=\"expectation\">");
				t_xml(f, res->details);
				fprintf(f, "</failure>\n    </testcase>\n");
			} else {
				fprintf(f, "/>\n");
			}
		}
		fprintf(f, "  </testsuite>\n");
	}
	fprintf(f, "</testsuites>\n");
	if (fclose(f)) {
		fprintf(stderr, "nfemu: test: --junit %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --record: the spec with each packet's expectations replaced.  0 or -1. */
static int t_record_write(const struct spec *s, const struct t_result *res, bool to_stdout)
{
	char tmp[PATH_MAX];
	FILE *f = stdout;
	size_t ti = 0, pi = 0;

	if (!to_stdout) {
		snprintf(tmp, sizeof(tmp), "%s.nfemu-record", s->file);
		f = fopen(tmp, "w");
		if (!f) {
			fprintf(stderr, "nfemu: test: --record %s: %s\n", tmp, strerror(errno));
			return -1;
		}
	}
	for (size_t li = 0; li < s->nlines; li++) {
		if (s->line_kind[li] == SPEC_LINE_EXPECT)
			continue;
		fprintf(f, "%s%s", s->lines[li], li + 1 < s->nlines || s->last_newline ? "\n" : "");
		if (s->line_kind[li] != SPEC_LINE_PACKET)
			continue;
		/* the packet of this line: the next one in order */
		while (ti < s->ntests && pi >= s->tests[ti].npkts) {
			ti++;
			pi = 0;
		}
		if (ti < s->ntests) {
			const struct spec_packet *p = &s->tests[ti].pkts[pi];
			const char *e = res[ti].record ? res[ti].record[pi] : NULL;

			if (li + 1 == s->nlines && !s->last_newline && e && *e)
				fputc('\n', f);
			while (e && *e) {
				const char *nl = strchr(e, '\n');

				fprintf(f, "%sexpect %.*s\n", p->indent, nl ? (int)(nl - e) : (int)strlen(e), e);
				e = nl ? nl + 1 : e + strlen(e);
			}
			pi++;
		}
	}
	if (to_stdout)
		return 0;
	if (fclose(f) || rename(tmp, s->file)) {
		fprintf(stderr, "nfemu: test: --record %s: %s\n", s->file, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static double t_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- --packet-lines */

/* One capture record as a packet line, or why not (in why).  net (the topology) may be NULL. */
static bool t_frame_line(struct net *net, const struct nfemu_capture_pkt *pkt, struct spec_buf *b,
			 char *why, size_t whylen, bool *approx)
{
	struct nfemu_frame fr;
	const u8 *l3, *l4;
	unsigned int len, ihl, tot, hl = 0, plen;
	char base[256];
	u32 saddr;
	bool local = false;
	u8 proto;

	if (nfemu_frame_decode(pkt, &fr, why, whylen))
		return false;
	if (fr.ethertype != ETH_P_IP) {
		snprintf(why, whylen, "not IPv4 (ethertype 0x%04x)", fr.ethertype);
		return false;
	}
	if (pkt->caplen < pkt->origlen) {
		snprintf(why, whylen, "cut by the snap length");
		return false;
	}
	l3 = fr.l3;
	len = fr.l3len;
	if (len < 20 || (l3[0] >> 4) != 4) {
		snprintf(why, whylen, "not a whole IPv4 header");
		return false;
	}
	ihl = (l3[0] & 15) * 4u;
	tot = (unsigned int)(l3[2] << 8 | l3[3]);
	if (ihl != 20) {
		snprintf(why, whylen, "IP options (header of %u bytes)", ihl);
		return false;
	}
	if (tot < 20 || tot > len) {
		snprintf(why, whylen, "IP total length %u and %u bytes captured", tot, len);
		return false;
	}
	len = tot;
	if ((l3[6] & 0x1f) || l3[7]) {
		snprintf(why, whylen, "a later fragment (offset %u)", ((l3[6] & 0x1f) << 8 | l3[7]) * 8);
		return false;
	}
	if ((l3[6] & 0x80)) {
		snprintf(why, whylen, "the reserved IP flag set");
		return false;
	}
	proto = l3[9];
	l4 = l3 + 20;
	memcpy(&saddr, l3 + 12, 4);
	if (pkt->direction == 2 || (fr.pkt_type == 4 /* PACKET_OUTGOING */)) {
		snprintf(why, whylen, "an outgoing copy");
		return false;
	}
	if (net)
		/* as replay decides: the host's address, and the frame did not come in (pcapng
		 * direction, else an Ethernet source MAC of the host's, else unknown) */
		local = nfemu_addr_is_local(net, saddr) && pkt->direction != 1 &&
			(!fr.has_eth || !fr.eth_dst_known || pkt->direction == 2 ||
			 nfemu_dev_by_mac(net, fr.eth + ETH_ALEN));
	if (proto == IPPROTO_TCP) {
		if (len < 40 || (hl = (l4[12] >> 4) * 4u) < 20 || 20 + hl > len) {
			snprintf(why, whylen, "a TCP header that does not fit");
			return false;
		}
		if (hl > 20)
			*approx = true;         /* its options are left out */
	} else if (proto == IPPROTO_UDP || proto == IPPROTO_ICMP) {
		hl = 8;
		if (len < 28) {
			snprintf(why, whylen, "%s header that does not fit", proto == IPPROTO_UDP ? "a UDP" : "an ICMP");
			return false;
		}
	}
	plen = len - 20 - hl;
	if (plen > NFEMU_PKTLINE_PAYLOAD_MAX) {
		snprintf(why, whylen, "a payload of %u bytes (at most %d)", plen, NFEMU_PKTLINE_PAYLOAD_MAX);
		return false;
	}
	if (nfemu_pktline_format(l3, len, base, sizeof(base)) < 0) {
		snprintf(why, whylen, "not formattable");
		return false;
	}
	spec_buf_add(b, "%s", base);
	if (proto == IPPROTO_ICMP && (l4[0] == 0 || l4[0] == 8) &&
	    ((l4[4] << 8 | l4[5]) != 1 || (l4[6] << 8 | l4[7]) != 1))
		*approx = true;                 /* echo id and sequence are always 1 */
	if (!local) {
		const char *in = pkt->ifname;
		struct net_device *dev = NULL;

		if (!in && net && fr.has_eth && fr.eth_dst_known && (dev = nfemu_dev_by_mac(net, fr.eth)))
			in = dev->name;
		if (in)
			spec_buf_add(b, " in %s", in);
	}
	if (l3[8] != 64)
		spec_buf_add(b, " ttl %u", l3[8]);
	if (l3[1])
		spec_buf_add(b, " tos 0x%02x", l3[1]);
	if (l3[4] || l3[5])
		spec_buf_add(b, " id %u", l3[4] << 8 | l3[5]);
	if (l3[6] & 0x20)
		spec_buf_add(b, " frag");
	if (proto == IPPROTO_TCP) {
		spec_buf_add(b, " seq %u", (u32)l4[4] << 24 | (u32)l4[5] << 16 | (u32)l4[6] << 8 | l4[7]);
		spec_buf_add(b, " ack %u", (u32)l4[8] << 24 | (u32)l4[9] << 16 | (u32)l4[10] << 8 | l4[11]);
	}
	if (proto == IPPROTO_ICMP && (l4[0] == 3 || l4[0] == 4 || l4[0] == 5 || l4[0] == 11 || l4[0] == 12)) {
		const u8 *in = l4 + 8;
		unsigned int ilen = len - 28;
		char a[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];

		if (ilen < 28 || (in[0] >> 4) != 4 || (in[0] & 15) != 5) {
			snprintf(why, whylen, "an ICMP error quoting less than an IPv4 header and 8 bytes");
			b->len = 0;
			return false;
		}
		inet_ntop(AF_INET, in + 12, a, sizeof(a));
		inet_ntop(AF_INET, in + 16, d, sizeof(d));
		if (in[9] == IPPROTO_TCP || in[9] == IPPROTO_UDP)
			spec_buf_add(b, " inner %s %s:%u > %s:%u", in[9] == 6 ? "tcp" : "udp", a, in[20] << 8 | in[21], d,
			       in[22] << 8 | in[23]);
		else if (in[9] == IPPROTO_ICMP)
			spec_buf_add(b, " inner icmp %s > %s type %u/%u", a, d, in[20], in[21]);
		else
			spec_buf_add(b, " inner %u %s > %s", in[9], a, d);
		if (in[9] == IPPROTO_TCP)
			spec_buf_add(b, " seq %u", (u32)in[24] << 24 | (u32)in[25] << 16 | (u32)in[26] << 8 | in[27]);
		if (ilen > 28)
			*approx = true;         /* only the header and 8 bytes are quoted */
		return true;
	}
	if (plen) {
		const u8 *pl = l3 + 20 + hl;

		spec_buf_add(b, " payload \"");
		for (unsigned int i = 0; i < plen; i++) {
			u8 c = pl[i];

			if (c == '"' || c == '\\')
				spec_buf_add(b, "\\%c", c);
			else if (c >= 0x20 && c < 0x7f && c != '#')
				spec_buf_add(b, "%c", c);
			else
				spec_buf_add(b, "\\x%02x", c);
		}
		spec_buf_add(b, "\"");
	}
	return true;
}

static int t_packet_lines(const struct t_opts *o)
{
	struct nfemu_capture *cap = NULL;
	struct nfemu_capture_pkt pkt;
	struct net *net = NULL;
	char err[1024];
	u64 n = 0;
	int ret, status = 0;

	if (o->topology) {
		net = net_alloc();
		if (!net || net_boot(net) || inet_net_init(net)) {
			fprintf(stderr, "nfemu: test: cannot boot a kernel\n");
			if (net)
				net_free(net);
			return 2;
		}
		if (nfemu_topology_load(net, o->topology, err, sizeof(err))) {
			fprintf(stderr, "nfemu: test: %s\n", err);
			net_free(net);
			return 2;
		}
	}
	if (nfemu_capture_open(&cap, o->packet_lines, err, sizeof(err))) {
		fprintf(stderr, "nfemu: test: %s\n", err);
		if (net)
			net_free(net);
		return 2;
	}
	while ((ret = nfemu_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		struct spec_buf b = { 0 };
		char why[200];
		bool approx = false;

		n++;
		if (t_frame_line(net, &pkt, &b, why, sizeof(why), &approx))
			printf("%s%s\n", b.s, approx ? "   # approximated" : "");
		else
			printf("# skipped #%llu: %s\n", (unsigned long long)n, why);
		free(b.s);
	}
	if (ret < 0) {
		fprintf(stderr, "nfemu: test: %s\n", err);
		status = 2;
	}
	nfemu_capture_close(cap);
	if (net)
		net_free(net);
	return status;
}

int cmd_test(int argc, char **argv)
{
	struct t_spec_results *sr = NULL;
	struct spec **specs = NULL;
	size_t total = 0, failed = 0, passed = 0, errored = 0, tapno = 0;
	struct t_opts o;
	char err[2048];
	int status = 2, ret;

	ret = t_parse(argc, argv, &o);
	if (ret) {
		free(o.specs);
		return ret > 0 ? 0 : 2;
	}
	if (o.packet_lines) {
		free(o.specs);
		return t_packet_lines(&o);
	}
	specs = calloc((size_t)o.nspecs, sizeof(*specs));
	sr = calloc((size_t)o.nspecs, sizeof(*sr));
	if (!specs || !sr) {
		fprintf(stderr, "nfemu: test: out of memory\n");
		goto out;
	}
	/* every spec first: a spec error stops everything before any test runs */
	for (int i = 0; i < o.nspecs; i++) {
		if (spec_load(o.specs[i], &specs[i], err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			goto out;
		}
		total += specs[i]->ntests;
	}
	if (o.tap)
		printf("TAP version 13\n1..%zu\n", total);
	for (int i = 0; i < o.nspecs; i++) {
		const struct spec *s = specs[i];
		struct nfemu_rules_temp tmp = { .dir = "" };
		const char *state = s->state;
		struct spec_buf eb = { 0 };

		sr[i].spec = s;
		sr[i].res = calloc(s->ntests, sizeof(*sr[i].res));
		if (!sr[i].res) {
			fprintf(stderr, "nfemu: test: out of memory\n");
			goto out;
		}
		if (s->rules) {
			if (t_restore(s, &tmp)) {
				sr[i].error = true;
				sr[i].error_text = strdup("the ruleset could not be loaded");
				errored += s->ntests;
				continue;
			}
			state = tmp.state;
		}
		for (size_t t = 0; t < s->ntests; t++) {
			struct t_result *res = &sr[i].res[t];
			double t0 = t_now();

			if (t_test(s, state, &s->tests[t], o.record, o.verbose, res, &eb)) {
				fputs(eb.s ? eb.s : "", stderr);
				sr[i].error = true;
				sr[i].error_text = spec_buf_take(&eb);
				errored += s->ntests - t;
				break;
			}
			res->secs = t_now() - t0;
			sr[i].nres = t + 1;
			tapno++;
			if (o.record)
				continue;
			if (res->failed)
				failed++;
			else
				passed++;
			if (o.tap) {
				printf("%s %zu - %s: %s\n", res->failed ? "not ok" : "ok", tapno, s->file, s->tests[t].name);
				if (res->failed || (o.verbose && res->details[0])) {
					const char *p = res->details;

					printf("  ---\n  message: |\n");
					while (p && *p) {
						const char *nl = strchr(p, '\n');

						printf("    %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
						p = nl ? nl + 1 : p + strlen(p);
					}
					printf("  ...\n");
				}
			} else {
				printf("%-4s %s: %s", res->failed ? "FAIL" : "ok", s->file, s->tests[t].name);
				if (res->branches > 1)
					printf(" (%zu statistic branches)", res->branches);
				printf("\n%s", res->details);
			}
			fflush(stdout);
		}
		nfemu_rules_temp_remove(&tmp);
		if (o.record && !sr[i].error && t_record_write(s, sr[i].res, o.record_stdout))
			goto out;
	}
	if (o.junit && t_junit(o.junit, sr, o.nspecs))
		goto out;
	if (o.record) {
		if (!o.record_stdout)
			fprintf(stderr, "nfemu test --record: %zu tests recorded in %d spec%s\n", tapno,
				o.nspecs, o.nspecs == 1 ? "" : "s");
		status = errored ? 2 : 0;
		goto out;
	}
	if (o.tap) {
		if (errored)
			printf("Bail out! %zu test%s could not run (setup error)\n", errored, errored == 1 ? "" : "s");
	} else {
		printf("nfemu test: %zu passed, %zu failed%s", passed, failed, errored ? "" : "\n");
		if (errored)
			printf(", %zu not run (setup error)\n", errored);
	}
	status = errored ? 2 : failed ? 1 : 0;
out:
	for (int i = 0; sr && i < o.nspecs; i++) {
		for (size_t t = 0; t < sr[i].nres || (sr[i].res && t < (specs[i] ? specs[i]->ntests : 0)); t++) {
			struct t_result *res = &sr[i].res[t];

			free(res->details);
			for (size_t p = 0; res->record && p < specs[i]->tests[t].npkts; p++)
				free(res->record[p]);
			free(res->record);
		}
		free(sr[i].res);
		free(sr[i].error_text);
	}
	for (int i = 0; specs && i < o.nspecs; i++)
		spec_free(specs[i]);
	free(specs);
	free(sr);
	free(o.specs);
	return status;
}
