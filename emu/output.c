/* emu/output.c - EMU: what `nfemu replay` prints (emu/output.h): the API the replay calls
 * around each capture packet, and the kernel's two seams into it.
 * No kernel counterpart.  Installs the observer (kernel/observe.h: binary events, folded into
 * fates by fate.c) and the kernel log's sink (net->nf.log.sink: log lines, written when
 * printed).  The writers (write_trace.c, write_jsonl.c, write_pcap.c, summary.c) run only
 * when asked for; with none, a packet costs its binary facts and its counts.  Memory is
 * bounded by one packet's children and the distinct rules, interfaces and reasons of the
 * summary, not by the capture's size.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "emu/output_int.h"
#include "emu/write_report.h"
#include "kernel/net.h"

static void out_sink(void *ctx, int level, const char *line, size_t len)
{
	struct nfemu_output *o = ctx;

	if (o->trace.f)
		trace_log_line(o, level, line, len);
	if (o->jsonl.f)
		jsonl_log_line(o, level, line, len);
	if (o->report)
		report_log_line(o, line, len);
}

static void out_free(struct nfemu_output *o)
{
	obuf_fini(&o->trace);
	obuf_fini(&o->jsonl);
	out_names_free(o->names);
	rules_text_free(o->rtext);
	summary_free(o);
	free(o->egress_dir);
	free(o->children);
	free(o->late_children);
	free(o->pend);
	free(o->wait);
	out_sent_free(o);
	free(o);
}

/* --explain: the module loads and references the kernel's rule load made before there was an
 * observer (the state file replayed into a fresh kernel: emu/state.c), before packet #1. */
static void out_modlog(struct nfemu_output *o)
{
	struct nfemu_modlog *log = &o->net->modlog;

	if (o->trace.f && o->opts.explain_walk && !o->opts.explain_no_load && (log->n || log->lost)) {
		obuf_lit(&o->trace, "#   the rules' load: request_module for each saved module, then "
			 "IPT_SO_SET_REPLACE for each table\n");
		for (unsigned int i = 0; i < log->n; i++) {
			struct nfemu_event ev = { .type = NFEMU_EV_MODULE, .module = &log->ev[i] };

			trace_explain(o, &ev);
		}
		if (log->lost) {
			obuf_lit(&o->trace, "#   ... and ");
			obuf_u64(&o->trace, log->lost);
			obuf_lit(&o->trace, " more module events, not kept\n");
		}
	}
	log->n = 0;
	log->lost = 0;
}

int nfemu_output_open(struct nfemu_output **op, struct net *net, const struct nfemu_output_opts *opts,
		      char *err, size_t errlen)
{
	struct nfemu_output *o = calloc(1, sizeof(*o));

	*op = NULL;
	if (!o || !(o->children = calloc(OUT_MAX_CHILDREN, sizeof(*o->children))) ||
	    !(o->late_children = calloc(OUT_MAX_CHILDREN, sizeof(*o->late_children))) ||
	    out_names_new(&o->names) || obuf_init(&o->trace, opts->trace) ||
	    obuf_init(&o->jsonl, opts->jsonl)) {
		if (o)
			out_free(o);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	o->net = net;
	o->opts = *opts;
	if (opts->egress_dir && pcap_out_open(o, err, errlen)) {
		out_free(o);
		return -EIO;
	}
	if (opts->report && report_open(o, opts->report)) {
		out_free(o);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	o->printk_seq = net->printk.seq;
	net->observer.event = out_event;
	net->observer.ctx = o;
	net->observer.ct_events = (opts->trace && opts->explain) || opts->jsonl || opts->report;
	if (opts->report || (opts->trace && opts->explain_walk))
		net->observer.walk = true;      /* the report draws each packet's hooks and walk */
	out_modlog(o);
	if (opts->trace || opts->jsonl || opts->report) {       /* else the kernel log is not formatted at all */
		net->nf.log.sink = out_sink;
		net->nf.log.sink_ctx = o;
	}
	clock_gettime(CLOCK_MONOTONIC, &o->start);
	o->last_draw = o->start;
	*op = o;
	return 0;
}

void nfemu_output_egress_touch(struct nfemu_output *o, struct net_device *dev)
{
	if (o->egress_dir && dev)
		pcap_out_egress_file(o, dev);
}

void nfemu_output_packet_begin(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress,
			       enum nfemu_ingress_by by, const unsigned char *l3, unsigned int l3len,
			       unsigned int wire_len)
{
	struct fate *f = &o->parent;

	o->records = n > o->records ? n : o->records;
	o->replayed++;
	if (!ingress)
		o->local_in++;
	if (!o->have_first_ts) {
		o->first_ts = ts_ns;
		o->have_first_ts = true;
	}
	o->last_ts = ts_ns;
	out_late_end(o);
	o->in_packet = true;
	o->n = n;
	o->nchildren = 0;
	o->next_kid = 0;
	o->nwait = 0;
	fate_init(f);
	f->n = n;
	if (ingress) {
		size_t len = strnlen(ingress, IFNAMSIZ - 1);

		memcpy(f->ingress, ingress, len);
		f->ingress[len] = '\0';
	}
	f->ingress_by = (u8)by;
	f->ts_ns = ts_ns;
	f->wire_len = wire_len;
	pkt_facts_parse(l3, l3len, &f->facts);
}

void nfemu_output_saw_prerouting(struct nfemu_output *o, const struct sk_buff *skb)
{
	if (o->in_packet && skb->emu_id == o->n)
		o->parent.reached_prerouting = true;
}

void nfemu_output_packet_end(struct nfemu_output *o)
{
	out_late_end(o);
	out_group_end(o);
	o->in_packet = false;
	o->nchildren = 0;
}

void nfemu_output_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress,
		       const unsigned char *l3, unsigned int l3len, const char *what,
		       const char *kind, const char *detail)
{
	char desc[PKT_DESC_MAX];
	const char *d = what;
	size_t dlen;

	o->records = n > o->records ? n : o->records;
	if (!o->have_first_ts) {
		o->first_ts = ts_ns;
		o->have_first_ts = true;
	}
	if (ts_ns > o->last_ts)
		o->last_ts = ts_ns;
	tally_add(&o->skipped, kind, 1);
	if (!o->trace.f && !o->jsonl.f && !o->report)
		return;
	if (l3) {
		struct pkt_facts facts;

		pkt_facts_parse(l3, l3len, &facts);
		d = desc;
		dlen = (size_t)(pkt_desc(desc, &facts) - desc);
	} else {
		dlen = strlen(what);
	}
	if (o->trace.f)
		trace_skip(o, n, ts_ns, ingress, d, dlen, detail);
	if (o->jsonl.f)
		jsonl_skip(o, n, ts_ns, ingress, d, dlen, kind, detail);
	if (o->report)
		report_skip(o, n, ts_ns, ingress, d, dlen, detail);
}

void nfemu_output_note(struct nfemu_output *o, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (o->trace.f)
		trace_note(o, text);
	if (o->jsonl.f)
		jsonl_note(o, text);
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) + (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

void nfemu_output_progress(struct nfemu_output *o, u64 done, u64 total)
{
	struct timespec now;
	double elapsed, pct;
	int width = 30, fill;

	if (!o->opts.progress || (o->records & 255))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (o->drawn && ts_diff(&now, &o->last_draw) < 0.2)
		return;
	o->last_draw = now;
	o->drawn = true;
	elapsed = ts_diff(&now, &o->start);
	pct = total ? 100.0 * (double)done / (double)total : 0;
	if (pct > 100)
		pct = 100;
	fill = (int)(pct * width / 100);
	fprintf(stderr, "\r[%.*s%*s] %5.1f%% %llu packets, %.0f packets/s ", fill,
		"##############################", width - fill, "", pct,
		(unsigned long long)o->records, elapsed > 0 ? (double)o->records / elapsed : 0.0);
	fflush(stderr);
}

int nfemu_output_close(struct nfemu_output *o, char *err, size_t errlen)
{
	int ret, werr;

	if (!o)
		return 0;
	if (o->drawn)
		fprintf(stderr, "\r%*s\r", 79, "");
	out_printk_lines(o);
	/* the trace and JSON Lines before the summary, which may go to the same stream */
	obuf_flush(&o->trace);
	obuf_flush(&o->jsonl);
	summary_finish(o);
	summary_print(o);
	if (o->report && (werr = report_close(o)))
		out_write_error(o, -EIO, "--report output: %s", strerror(-werr));
	pcap_out_close(o);
	if ((werr = obuf_flush(&o->trace)))
		out_write_error(o, -EIO, "trace output: %s", strerror(-werr));
	if ((werr = obuf_flush(&o->jsonl)))
		out_write_error(o, -EIO, "--jsonl output: %s", strerror(-werr));
	if (o->net->observer.ctx == o) {
		o->net->observer.event = NULL;
		o->net->observer.ctx = NULL;
		o->net->observer.ct_events = false;
		o->net->observer.walk = false;
	}
	if (o->net->nf.log.sink_ctx == o) {
		o->net->nf.log.sink = NULL;
		o->net->nf.log.sink_ctx = NULL;
	}
	ret = o->write_error;
	if (ret)
		snprintf(err, errlen, "%s", o->write_error_msg);
	out_free(o);
	return ret;
}
