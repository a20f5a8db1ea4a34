/* emu/write_jsonl.c - EMU: `nfemu replay --jsonl`: one JSON object per event.
 * No kernel counterpart.  Objects are written straight into the output buffer (no tree, no
 * printf): "log" (a kernel log line), "packet" and "generated" (a fate), "ct" and "nat"
 * (conntrack's and NAT's decisions), "skipped", "note".  Field by field: docs/replay.md.
 */
#include <arpa/inet.h>
#include <string.h>
#include <time.h>
#include "emu/output_int.h"
#include "conntrack/nf_conntrack_tuple.h"
#include "nat/nf_nat.h"

static const char *ingress_by_name(enum nfemu_ingress_by by)
{
	switch (by) {
	case NFEMU_INGRESS_OPTION: return "option";
	case NFEMU_INGRESS_PCAPNG: return "pcapng";
	case NFEMU_INGRESS_ROUTE: return "route";
	case NFEMU_INGRESS_LOCAL: return "local";
	case NFEMU_INGRESS_IFINDEX: return "ifindex";
	case NFEMU_INGRESS_MAC: return "mac";
	case NFEMU_INGRESS_SEGMENT: return "segment";
	}
	return "?";
}

/* "time":"2024-05-01T12:00:00.000120000Z","ts_ns":N -- the date once per second */
static void json_time(struct nfemu_output *o, u64 ts_ns)
{
	u64 sec = ts_ns / 1000000000ULL;
	char *p;

	if (!o->json_date_valid || o->json_sec != sec) {
		time_t t = (time_t)sec;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(o->json_date, sizeof(o->json_date), "%Y-%m-%dT%H:%M:%S", &tm);
		o->json_sec = sec;
		o->json_date_valid = true;
	}
	p = obuf_reserve(&o->jsonl, sizeof(o->json_date) + 2 * FMT_U64_MAX + 32);
	p = fmt_lit(p, "\"time\":\"");
	p = fmt_str(p, o->json_date);
	*p++ = '.';
	p = fmt_u64_zpad(p, ts_ns % 1000000000ULL, 9);
	p = fmt_lit(p, "Z\",\"ts_ns\":");
	obuf_commit(&o->jsonl, fmt_u64(p, ts_ns));
}

/* ,"packet":N,"id":"N.k" */
static void json_packet_id(struct nfemu_output *o, const struct fate *f)
{
	char *p = obuf_reserve(&o->jsonl, 3 * FMT_U64_MAX + 32);

	p = fmt_lit(p, ",\"packet\":");
	p = fmt_u64(p, o->n);
	p = fmt_lit(p, ",\"id\":\"");
	p = fate_id(p, f);
	*p++ = '"';
	obuf_commit(&o->jsonl, p);
}

void jsonl_log_line(struct nfemu_output *o, int level, const char *line, size_t len)
{
	struct obuf *b = &o->jsonl;
	char *p = obuf_reserve(b, FMT_U64_MAX + 48);

	p = fmt_lit(p, "{\"event\":\"log\"");
	if (o->in_packet) {
		p = fmt_lit(p, ",\"packet\":");
		p = fmt_u64(p, o->n);
	}
	if (level >= 0) {
		p = fmt_lit(p, ",\"level\":");
		p = fmt_int(p, level);
	}
	p = fmt_lit(p, ",\"line\":");
	obuf_commit(b, p);
	obuf_json_str(b, line, len);
	obuf_lit(b, "}\n");
}

static void json_facts(struct obuf *b, const struct pkt_facts *f)
{
	char *p = obuf_reserve(b, 160);

	p = fmt_lit(p, ",\"src\":\"");
	p = fmt_ip4(p, f->src);
	p = fmt_lit(p, "\",\"dst\":\"");
	p = fmt_ip4(p, f->dst);
	p = fmt_lit(p, "\",\"proto\":");
	p = fmt_u32(p, f->proto);
	if (f->has_ports) {
		p = fmt_lit(p, ",\"sport\":");
		p = fmt_u32(p, f->sport);
		p = fmt_lit(p, ",\"dport\":");
		p = fmt_u32(p, f->dport);
	}
	if (f->is_tcp) {
		p = fmt_lit(p, ",\"tcp_flags\":");
		p = fmt_u32(p, f->tcp_flags);
	}
	if (f->has_icmp) {
		p = fmt_lit(p, ",\"icmp_type\":");
		p = fmt_u32(p, f->icmp_type);
		p = fmt_lit(p, ",\"icmp_code\":");
		p = fmt_u32(p, f->icmp_code);
	}
	obuf_commit(b, p);
}

static void json_bool(struct obuf *b, const char *name_colon, size_t n, bool v)
{
	obuf_put(b, name_colon, n);
	if (v)
		obuf_lit(b, "true");
	else
		obuf_lit(b, "false");
}

#define json_bool_lit(b, name, v) json_bool((b), (name), sizeof(name) - 1, (v))

void jsonl_fate(struct nfemu_output *o, const struct fate *f)
{
	struct obuf *b = &o->jsonl;
	const char *decider, *decider_text;
	char outcome[512], *p;
	size_t n;

	p = obuf_reserve(b, 3 * FMT_U64_MAX + 64);
	if (f->generated) {
		p = fmt_lit(p, "{\"event\":\"generated\",\"id\":\"");
		p = fate_id(p, f);
		p = fmt_lit(p, "\",\"parent\":");
		p = fmt_u64(p, o->n);
		*p++ = ',';
	} else {
		p = fmt_lit(p, "{\"event\":\"packet\",\"packet\":");
		p = fmt_u64(p, o->n);
		*p++ = ',';
	}
	obuf_commit(b, p);
	json_time(o, f->ts_ns);
	if (!f->generated) {
		p = obuf_reserve(b, 2 * FMT_U64_MAX + 32);
		p = fmt_lit(p, ",\"t\":");
		p = fmt_secs9(p, f->ts_ns - o->first_ts);
		p = fmt_lit(p, ",\"ingress\":");
		obuf_commit(b, p);
		if (f->ingress[0])
			obuf_json_cstr(b, f->ingress);
		else
			obuf_lit(b, "null");
		obuf_lit(b, ",\"ingress_by\":\"");
		obuf_puts(b, ingress_by_name(f->ingress_by));
		obuf_putc(b, '"');
	} else {
		obuf_lit(b, ",\"by\":");
		obuf_json_cstr(b, f->by ? f->by : "");
	}
	p = obuf_reserve(b, 32 + PKT_DESC_MAX);
	p = fmt_lit(p, ",\"len\":");
	p = fmt_u32(p, f->facts.ipv4 ? f->facts.tot_len : f->facts.len);
	obuf_commit(b, p);
	if (f->facts.ipv4)
		json_facts(b, &f->facts);
	p = obuf_reserve(b, 32 + PKT_DESC_MAX);
	p = fmt_lit(p, ",\"summary\":\"");
	p = pkt_desc(p, &f->facts);             /* ASCII without quotes or backslashes */
	p = fmt_lit(p, "\",\"verdict\":\"");
	p = fmt_str(p, fate_verdict(f));
	p = fmt_lit(p, "\",\"rule\":");
	obuf_commit(b, p);
	decider = fate_decider(f, &decider_text);
	if (decider)
		obuf_json_cstr(b, decider);
	else
		obuf_lit(b, "null");
	if (o->opts.rules_text) {
		obuf_lit(b, ",\"rule_text\":");
		if (decider_text)
			obuf_json_cstr(b, decider_text);
		else
			obuf_lit(b, "null");
	}
	if (f->queue_where) {
		obuf_lit(b, ",\"queue\":{\"rule\":");
		obuf_json_cstr(b, f->queue_where);
		p = obuf_reserve(b, FMT_U32_MAX + 48);
		p = fmt_lit(p, ",\"num\":");
		p = fmt_u32(p, f->queue_num);
		obuf_commit(b, p);
		json_bool_lit(b, ",\"bypass\":", f->queue_bypass);
		json_bool_lit(b, ",\"dropped\":", f->queue_dropped);
		obuf_putc(b, '}');
	}
	if (f->ndrop && fate_netfilter_drop(f) && f->reject_with) {
		obuf_lit(b, ",\"reject_with\":");
		obuf_json_cstr(b, f->reject_with);
	}
	obuf_lit(b, ",\"reason\":");
	if (f->ndrop) {
		obuf_putc(b, '"');
		obuf_puts(b, skb_drop_reason_name(f->reason));
		obuf_lit(b, "\",\"where\":");
		if (!fate_netfilter_drop(f) && f->drop_where && f->drop_where[0])
			obuf_json_cstr(b, f->drop_where);
		else
			obuf_lit(b, "null");
	} else {
		obuf_lit(b, "null,\"where\":null");
	}
	obuf_lit(b, ",\"egress\":[");
	for (unsigned int i = 0; i < f->negress; i++) {
		if (i)
			obuf_putc(b, ',');
		obuf_json_cstr(b, f->egress[i]);
	}
	p = obuf_reserve(b, FMT_U32_MAX + 48);
	p = fmt_lit(p, "],\"frames_out\":");
	p = fmt_u32(p, f->nxmit);
	obuf_commit(b, p);
	json_bool_lit(b, ",\"delivered\":", f->ndeliver);
	if (f->ndeliver && f->deliver_where && f->deliver_where[0]) {
		obuf_lit(b, ",\"delivered_by\":");
		obuf_json_cstr(b, f->deliver_where);
	}
	json_bool_lit(b, ",\"stolen\":", f->nstolen);
	json_bool_lit(b, ",\"queued\":", f->nqueued);
	obuf_lit(b, ",\"translated\":");
	if (f->xlat) {
		p = obuf_reserve(b, 128);
		p = fmt_lit(p, "{\"src\":\"");
		p = fmt_ip4(p, f->out.src);
		p = fmt_lit(p, "\",\"dst\":\"");
		p = fmt_ip4(p, f->out.dst);
		*p++ = '"';
		if (f->out.has_ports) {
			p = fmt_lit(p, ",\"sport\":");
			p = fmt_u32(p, f->out.sport);
			p = fmt_lit(p, ",\"dport\":");
			p = fmt_u32(p, f->out.dport);
		}
		if (f->out.has_echo) {
			p = fmt_lit(p, ",\"icmp_id\":");
			p = fmt_u32(p, f->out.icmp_id);
		}
		*p++ = '}';
		obuf_commit(b, p);
	} else {
		obuf_lit(b, "null");
	}
	if (!f->generated) {
		obuf_lit(b, ",\"children\":[");
		for (unsigned int i = 0, k = 0; i < o->nchildren; i++)
			if (!o->children[i].late) {
				p = obuf_reserve(b, 2 * FMT_U64_MAX + 8);
				if (k++)
					*p++ = ',';
				*p++ = '"';
				p = fate_id(p, &o->children[i]);
				*p++ = '"';
				obuf_commit(b, p);
			}
		obuf_putc(b, ']');
	}
	if (f->late)
		obuf_lit(b, ",\"late\":true");
	if (f->notes[0]) {
		obuf_lit(b, ",\"notes\":");
		obuf_json_cstr(b, f->notes);
	}
	obuf_lit(b, ",\"fate\":");
	n = fate_outcome(f, outcome, sizeof(outcome), true);
	obuf_json_str(b, outcome, n);
	obuf_lit(b, "}\n");
}

void jsonl_ct(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f)
{
	struct obuf *b = &o->jsonl;

	obuf_lit(b, "{\"event\":\"ct\"");
	if (f)
		json_packet_id(o, f);
	{
	char where[CT_WHERE_MAX], text[CT_TEXT_MAX];
	size_t nwhere = ct_event_where(ev->ct, where), ntext = ct_event_text(ev->ct, text);

	obuf_lit(b, ",\"ct\":");
	obuf_json_str(b, where, nwhere);
	obuf_lit(b, ",\"what\":");
	obuf_json_str(b, text, ntext);
	obuf_lit(b, "}\n");
	}
}

void jsonl_nat(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f)
{
	const struct nfemu_nat_event *ne = ev->nat;
	bool src = ne->manip == NF_NAT_MANIP_SRC;
	struct obuf *b = &o->jsonl;
	char from[96], to[96], range[96];
	size_t nfrom, nto, nrange;

	nfrom = out_tuple_str(ne->from, from, sizeof(from));
	nto = out_tuple_str(ne->to, to, sizeof(to));
	nrange = out_range_str(ne->range, range, sizeof(range));
	obuf_lit(b, "{\"event\":\"nat\"");
	if (f)
		json_packet_id(o, f);
	obuf_lit(b, ",\"hook\":\"");
	obuf_puts(b, out_hook_name(ne->hook));
	obuf_lit(b, "\",\"type\":\"");
	obuf_puts(b, src ? "SNAT" : "DNAT");
	obuf_putc(b, '"');
	json_bool_lit(b, ",\"null_binding\":", ne->null_binding);
	obuf_lit(b, ",\"how\":\"");
	obuf_puts(b, out_nat_how_name(ne->how));
	obuf_lit(b, "\",\"from\":");
	obuf_json_str(b, from, nfrom);
	obuf_lit(b, ",\"to\":");
	obuf_json_str(b, to, nto);
	obuf_lit(b, ",\"range\":");
	obuf_json_str(b, range, nrange);
	json_bool_lit(b, ",\"bysource_hit\":", ne->bysource_hit);
	obuf_lit(b, ",\"tried\":");
	obuf_u64(b, ne->tried);
	obuf_lit(b, "}\n");
}

void jsonl_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress, const char *desc,
		size_t desclen, const char *kind, const char *detail)
{
	struct obuf *b = &o->jsonl;

	obuf_lit(b, "{\"event\":\"skipped\",\"packet\":");
	obuf_u64(b, n);
	obuf_putc(b, ',');
	json_time(o, ts_ns);
	obuf_lit(b, ",\"ingress\":");
	if (ingress)
		obuf_json_cstr(b, ingress);
	else
		obuf_lit(b, "null");
	obuf_lit(b, ",\"summary\":");
	obuf_json_str(b, desc, desclen);
	obuf_lit(b, ",\"kind\":");
	obuf_json_cstr(b, kind);
	obuf_lit(b, ",\"reason\":");
	obuf_json_cstr(b, detail);
	obuf_lit(b, "}\n");
}

void jsonl_note(struct nfemu_output *o, const char *text)
{
	obuf_lit(&o->jsonl, "{\"event\":\"note\",\"text\":");
	obuf_json_cstr(&o->jsonl, text);
	obuf_lit(&o->jsonl, "}\n");
}
