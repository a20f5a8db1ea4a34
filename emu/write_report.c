/* emu/write_report.c - EMU: `nfemu replay --report FILE.html` (emu/write_report.h).
 * No kernel counterpart.  The page is the template (emu/report/template.html, embedded at
 * build time as report_template_head/_tail) around one JSON object written while the capture
 * replays: {"packets":[row,...],"strings":[...],"summary":{...}}.  Repeated names (rules,
 * interfaces, hook functions, outcomes) are indices into "strings" (interned once); a row's
 * details (hooks, walk, log lines, ct, nat) are gathered per fate while its packet runs and
 * written when its fate ends, so memory is one group's details plus the distinct strings.
 * Escaping: '<', '>' and '&' as \u003c.., control and non-UTF-8 bytes as \u00XX, so nothing
 * in the data can end the <script> block.  The browser builds every node with textContent.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "emu/write_report.h"
#include "hooks/netfilter.h"
#include "nat/nf_nat.h"

extern const char report_template_head[], report_template_tail[];

struct sbuf {
	char *p;
	size_t len, cap;
};

struct rrec {                           /* one fate's details, while its group runs */
	u64 n;
	u32 kid;
	bool used;
	struct sbuf hooks, steps, lines, ct, nat;
	char **rest;                    /* distinct log line bodies */
	unsigned int nrest;
};

struct report {
	struct obuf out;
	struct sbuf row;
	u64 rows;
	struct rrec *rec;
	size_t nrec;
	struct rrec *cur;               /* the fate the last hook event was about */
	const char **str;               /* index -> interned string */
	size_t nstr, capstr;
	struct { const char *s; u32 idx; } *map;        /* interned pointer -> index */
	size_t capmap;
	bool oom;
};

/* ---------------------------------------------------------------- buffers, escaping */

static void sb_put(struct report *r, struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap))) {
			r->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

#define sb_lit(r, b, s) sb_put((r), (b), (s), sizeof(s) - 1)
#define sb_str(r, b, s) sb_put((r), (b), (s), strlen(s))

static void sb_long(struct report *r, struct sbuf *b, long long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lld", v);

	sb_put(r, b, tmp, (size_t)n);
}

static unsigned int utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned int n = *p >= 0xf0 && *p < 0xf5 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;

	if (!n || end - p < n)
		return 0;
	for (unsigned int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* s as a JSON string safe inside <script>: see the file's head. */
static void sb_json(struct report *r, struct sbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	sb_lit(r, b, "\"");
	while (p < end) {
		unsigned char c = *p;
		unsigned int u;
		char e[8];

		if (c >= 0x20 && c < 0x7f && !strchr("\"\\<>&", c)) {
			sb_put(r, b, (const char *)p++, 1);
		} else if (c == '"' || c == '\\') {
			e[0] = '\\';
			e[1] = (char)c;
			sb_put(r, b, e, 2);
			p++;
		} else if (c >= 0x80 && (u = utf8_seq(p, end))) {
			sb_put(r, b, (const char *)p, u);
			p += u;
		} else {
			snprintf(e, sizeof(e), "\\u%04x", c);
			sb_put(r, b, e, 6);
			p++;
		}
	}
	sb_lit(r, b, "\"");
}

static void sb_jcstr(struct report *r, struct sbuf *b, const char *s)
{
	sb_json(r, b, s, strlen(s));
}

/* ---------------------------------------------------------------- the string table */

static long str_idx(struct nfemu_output *o, const char *interned)
{
	struct report *r = o->report;
	size_t j;

	if (!interned)
		return -1;
	if (2 * (r->nstr + 1) > r->capmap) {
		size_t cap = r->capmap ? r->capmap * 2 : 256;
		void *m = calloc(cap, sizeof(*r->map));
		const char **v = realloc(r->str, cap * sizeof(*r->str));

		if (!m || !v) {
			free(m);
			if (v)
				r->str = v;
			r->oom = true;
			return -1;
		}
		r->str = v;
		free(r->map);
		r->map = m;
		r->capmap = cap;
		for (size_t i = 0; i < r->nstr; i++) {
			for (j = ((uintptr_t)r->str[i] >> 3) * 2654435761u & (cap - 1); r->map[j].s;
			     j = (j + 1) & (cap - 1))
				;
			r->map[j].s = r->str[i];
			r->map[j].idx = (u32)i;
		}
	}
	for (j = ((uintptr_t)interned >> 3) * 2654435761u & (r->capmap - 1); r->map[j].s;
	     j = (j + 1) & (r->capmap - 1))
		if (r->map[j].s == interned)
			return r->map[j].idx;
	r->map[j].s = interned;
	r->map[j].idx = (u32)r->nstr;
	r->str[r->nstr] = interned;
	return (long)r->nstr++;
}

static long str_of(struct nfemu_output *o, const char *s, size_t n)
{
	return str_idx(o, out_intern(o->names, s, n));
}

static long str_c(struct nfemu_output *o, const char *s)
{
	return s ? str_of(o, s, strlen(s)) : -1;
}

/* ---------------------------------------------------------------- records */

static struct rrec *rec_get(struct nfemu_output *o, u64 n, u32 kid)
{
	struct report *r = o->report;
	struct rrec *free_slot = NULL, *v;

	for (size_t i = 0; i < r->nrec; i++) {
		if (r->rec[i].used && r->rec[i].n == n && r->rec[i].kid == kid)
			return &r->rec[i];
		if (!r->rec[i].used && !free_slot)
			free_slot = &r->rec[i];
	}
	if (!free_slot) {
		if (!(v = realloc(r->rec, (r->nrec + 8) * sizeof(*v)))) {
			r->oom = true;
			return NULL;
		}
		if (r->cur)
			r->cur = v + (r->cur - r->rec);
		memset(v + r->nrec, 0, 8 * sizeof(*v));
		r->rec = v;
		free_slot = &r->rec[r->nrec];
		r->nrec += 8;
	}
	free_slot->used = true;
	free_slot->n = n;
	free_slot->kid = kid;
	return free_slot;
}

static void rec_clear(struct report *r, struct rrec *c)
{
	c->used = false;
	c->hooks.len = c->steps.len = c->lines.len = c->ct.len = c->nat.len = 0;
	for (unsigned int i = 0; i < c->nrest; i++)
		free(c->rest[i]);
	free(c->rest);
	c->rest = NULL;
	c->nrest = 0;
	if (r->cur == c)
		r->cur = NULL;
}

static void rec_free(struct rrec *c)
{
	free(c->hooks.p);
	free(c->steps.p);
	free(c->lines.p);
	free(c->ct.p);
	free(c->nat.p);
	for (unsigned int i = 0; i < c->nrest; i++)
		free(c->rest[i]);
	free(c->rest);
}

/* ---------------------------------------------------------------- the API */

int report_open(struct nfemu_output *o, FILE *f)
{
	struct report *r = calloc(1, sizeof(*r));

	if (!r || obuf_init(&r->out, f)) {
		free(r);
		return -ENOMEM;
	}
	o->report = r;
	obuf_puts(&r->out, report_template_head);
	obuf_lit(&r->out, "{\"packets\":[");
	return 0;
}

/* A log line goes with the fate the kernel was walking when it printed it.  A TRACE line's
 * head ("TRACE: filter:INPUT:rule:4") is a string; its body (the packet's fields, the same
 * for every line of a hook) is kept once per fate. */
void report_log_line(struct nfemu_output *o, const char *line, size_t len)
{
	struct report *r = o->report;
	struct rrec *c = r->cur;
	const char *body = line;
	long head = -1;
	unsigned int i;

	if (!c) {
		if (!o->in_packet)
			return;
		c = rec_get(o, o->n, 0);
		if (!c)
			return;
	}
	if (len > 7 && !memcmp(line, "TRACE: ", 7)) {
		const char *sp = memchr(line + 7, ' ', len - 7);

		if (sp) {
			head = str_of(o, line, (size_t)(sp - line));
			body = sp + 1;
		}
	}
	len -= (size_t)(body - line);
	for (i = 0; i < c->nrest; i++)
		if (!strncmp(c->rest[i], body, len) && c->rest[i][len] == '\0')
			break;
	if (i == c->nrest) {
		char **v = realloc(c->rest, (c->nrest + 1) * sizeof(*v));
		char *s = malloc(len + 1);

		if (!v || !s) {
			free(s);
			if (v)
				c->rest = v;
			r->oom = true;
			return;
		}
		memcpy(s, body, len);
		s[len] = '\0';
		c->rest = v;
		c->rest[c->nrest++] = s;
	}
	sb_str(r, &c->lines, c->lines.len ? ",[" : "[");
	sb_long(r, &c->lines, head);
	sb_lit(r, &c->lines, ",");
	sb_long(r, &c->lines, i);
	sb_lit(r, &c->lines, "]");
}

/* The name of the entry at offset of a walked table, as TRACE names it. */
static long walk_loc(struct nfemu_output *o, const struct nfemu_walk_event *we, u32 offset)
{
	struct nfemu_verdict v = { .kind = NFEMU_VERDICT_RULE, .hook = we->hook,
				   .why = NFEMU_VERDICT_BY_TARGET, .offset = offset,
				   .table = we->table, .private = we->private };

	return str_idx(o, out_verdict_name(o->names, &v));
}

void report_walk(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f)
{
	struct report *r = o->report;
	struct rrec *c = rec_get(o, f->n, f->kid);
	struct sbuf *b;

	if (!c)
		return;
	r->cur = c;
	if (ev->type == NFEMU_EV_WALK) {
		const struct nfemu_walk_event *we = ev->walk;
		bool to = we->what == NFEMU_WALK_JUMP || we->what == NFEMU_WALK_GOTO ||
			  we->what == NFEMU_WALK_RETURN;

		b = &c->steps;
		sb_str(r, b, b->len ? ",[" : "[");
		sb_long(r, b, we->what);
		sb_lit(r, b, ",");
		sb_long(r, b, walk_loc(o, we, we->offset));
		sb_lit(r, b, ",");
		sb_long(r, b, we->depth);
		sb_lit(r, b, ",");
		sb_long(r, b, to ? walk_loc(o, we, we->to) : -1);
		sb_lit(r, b, ",");
		sb_long(r, b, we->what == NFEMU_WALK_VERDICT ? (long long)we->verdict : -1);
		sb_str(r, b, we->hotdrop ? ",1]" : ",0]");
		return;
	}
	if (ev->type != NFEMU_EV_HOOK)
		return;
	/* the replay's own tracing hook is not the kernel's: left out */
	if (ev->hook->ops->name && !strncmp(ev->hook->ops->name, "nfemu-", 6)) {
		c->steps.len = 0;
		return;
	}
	b = &c->hooks;
	sb_str(r, b, b->len ? ",[" : "[");
	sb_long(r, b, ev->hook->ops->hooknum);
	sb_lit(r, b, ",");
	sb_long(r, b, ev->hook->ops->priority);
	sb_lit(r, b, ",");
	sb_long(r, b, str_c(o, ev->hook->ops->name));
	sb_lit(r, b, ",");
	sb_long(r, b, str_c(o, ev->hook->ops->module));
	sb_lit(r, b, ",");
	sb_long(r, b, ev->hook->verdict);
	sb_lit(r, b, ",[");
	if (c->steps.len)
		sb_put(r, b, c->steps.p, c->steps.len);
	sb_lit(r, b, "]]");
	c->steps.len = 0;
}

void report_ct(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f)
{
	struct report *r = o->report;
	char where[CT_WHERE_MAX], text[CT_TEXT_MAX];
	size_t nw, nt;
	struct rrec *c;

	if (!f || !(c = rec_get(o, f->n, f->kid)))
		return;
	nw = ct_event_where(ev->ct, where);
	nt = ct_event_text(ev->ct, text);
	sb_str(r, &c->ct, c->ct.len ? ",[" : "[");
	sb_json(r, &c->ct, where, nw);
	sb_lit(r, &c->ct, ",");
	sb_json(r, &c->ct, text, nt);
	sb_lit(r, &c->ct, "]");
}

void report_nat(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f)
{
	const struct nfemu_nat_event *ne = ev->nat;
	struct report *r = o->report;
	char from[128], to[128], range[128];
	struct rrec *c;
	struct sbuf *b;

	if (!f || !(c = rec_get(o, f->n, f->kid)))
		return;
	b = &c->nat;
	out_tuple_str(ne->from, from, sizeof(from));
	out_tuple_str(ne->to, to, sizeof(to));
	range[0] = '\0';
	if (ne->range)
		out_range_str(ne->range, range, sizeof(range));
	/* [hook, "SNAT"|"DNAT", null binding, from, to, range, how, bysource hit, clash, tried] */
	sb_str(r, b, b->len ? ",[" : "[");
	sb_jcstr(r, b, out_hook_name(ne->hook));
	sb_str(r, b, ne->manip == NF_NAT_MANIP_SRC ? ",\"SNAT\"," : ",\"DNAT\",");
	sb_str(r, b, ne->null_binding ? "1," : "0,");
	sb_jcstr(r, b, from);
	sb_lit(r, b, ",");
	sb_jcstr(r, b, to);
	sb_lit(r, b, ",");
	sb_jcstr(r, b, range);
	sb_lit(r, b, ",");
	sb_jcstr(r, b, out_nat_how_name(ne->how));
	sb_str(r, b, ne->bysource_hit ? ",1" : ",0");
	sb_str(r, b, ne->clash ? ",1," : ",0,");
	sb_long(r, b, ne->tried);
	sb_lit(r, b, "]");
}

static void row_begin(struct nfemu_output *o, const char *id, size_t idlen, u64 ts_ns, const char *ingress)
{
	struct report *r = o->report;
	struct sbuf *b = &r->row;
	char t[32];

	b->len = 0;
	sb_str(r, b, r->rows ? ",\n{\"i\":" : "\n{\"i\":");
	r->rows++;
	sb_json(r, b, id, idlen);
	sb_lit(r, b, ",\"t\":");
	sb_put(r, b, t, (size_t)(fmt_secs6(t, ts_ns >= o->first_ts ? ts_ns - o->first_ts : 0) - t));
	sb_lit(r, b, ",\"in\":");
	sb_long(r, b, ingress && ingress[0] ? str_c(o, ingress) : -1);
}

static void row_end(struct report *r)
{
	sb_lit(r, &r->row, "}");
	obuf_put(&r->out, r->row.p, r->row.len);
}

static void row_facts(struct report *r, const struct pkt_facts *pf)
{
	struct sbuf *b = &r->row;
	char t[PKT_DESC_MAX + 16];

	sb_lit(r, b, ",\"d\":");
	sb_json(r, b, t, (size_t)(pkt_desc(t, pf) - t));
	if (!pf->ipv4)
		return;
	sb_lit(r, b, ",\"s\":\"");
	sb_put(r, b, t, (size_t)(fmt_ip4(t, pf->src) - t));
	sb_lit(r, b, "\",\"D\":\"");
	sb_put(r, b, t, (size_t)(fmt_ip4(t, pf->dst) - t));
	sb_lit(r, b, "\",\"p\":");
	sb_long(r, b, pf->proto);
	if (pf->has_ports) {
		sb_lit(r, b, ",\"sp\":");
		sb_long(r, b, pf->sport);
		sb_lit(r, b, ",\"dp\":");
		sb_long(r, b, pf->dport);
	}
}

static void row_part(struct report *r, const char *key, size_t klen, const struct sbuf *part)
{
	sb_put(r, &r->row, key, klen);
	if (part->len)
		sb_put(r, &r->row, part->p, part->len);
	sb_lit(r, &r->row, "]");
}

#define row_lit_part(r, key, part) row_part((r), (key), sizeof(key) - 1, (part))

void report_fate(struct nfemu_output *o, const struct fate *f)
{
	struct report *r = o->report;
	struct rrec *c = NULL;
	const char *decider, *decider_text;
	char id[48], outcome[1400];
	struct sbuf *b = &r->row;
	size_t n;

	for (size_t i = 0; i < r->nrec; i++)
		if (r->rec[i].used && r->rec[i].n == f->n && r->rec[i].kid == f->kid)
			c = &r->rec[i];
	row_begin(o, id, (size_t)(fate_id(id, f) - id), f->ts_ns, f->generated ? NULL : f->ingress);
	row_facts(r, &f->facts);
	n = fate_outcome(f, outcome, sizeof(outcome), true);
	sb_lit(r, b, ",\"v\":");
	sb_long(r, b, str_c(o, fate_verdict(f)));
	sb_lit(r, b, ",\"o\":");
	sb_long(r, b, str_of(o, outcome, n));
	sb_lit(r, b, ",\"r\":");
	decider = fate_decider(f, &decider_text);
	sb_long(r, b, str_c(o, decider));
	if (decider_text) {             /* --rules-text */
		sb_lit(r, b, ",\"rt\":");
		sb_long(r, b, str_c(o, decider_text));
	}
	sb_lit(r, b, ",\"e\":[");
	for (unsigned int i = 0; i < f->negress; i++) {
		if (i)
			sb_lit(r, b, ",");
		sb_long(r, b, str_c(o, f->egress[i]));
	}
	sb_lit(r, b, "]");
	if (f->generated) {
		sb_lit(r, b, ",\"g\":");
		sb_long(r, b, str_c(o, f->by ? f->by : ""));
	}
	if (f->late)
		sb_lit(r, b, ",\"L\":1");
	if (c) {
		row_lit_part(r, ",\"h\":[", &c->hooks);
		row_lit_part(r, ",\"l\":[", &c->lines);
		sb_lit(r, b, ",\"R\":[");
		for (unsigned int i = 0; i < c->nrest; i++) {
			if (i)
				sb_lit(r, b, ",");
			sb_jcstr(r, b, c->rest[i]);
		}
		sb_lit(r, b, "]");
		if (c->ct.len)
			row_lit_part(r, ",\"c\":[", &c->ct);
		if (c->nat.len)
			row_lit_part(r, ",\"x\":[", &c->nat);
		rec_clear(r, c);
	}
	row_end(r);
}

void report_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress, const char *desc,
		 size_t desclen, const char *detail)
{
	struct report *r = o->report;
	char id[FMT_U64_MAX];

	row_begin(o, id, (size_t)(fmt_u64(id, n) - id), ts_ns, ingress);
	sb_lit(r, &r->row, ",\"d\":");
	sb_json(r, &r->row, desc, desclen);
	sb_lit(r, &r->row, ",\"v\":");
	sb_long(r, &r->row, str_c(o, "skipped"));
	sb_lit(r, &r->row, ",\"o\":");
	sb_long(r, &r->row, str_c(o, detail ? detail : "skipped"));
	sb_lit(r, &r->row, ",\"r\":-1,\"e\":[]");
	row_end(r);
}

static void sum_tally(struct report *r, struct sbuf *b, const char *name, const struct tally *t)
{
	sb_lit(r, b, ",");
	sb_jcstr(r, b, name);
	sb_lit(r, b, ":[");
	for (size_t i = 0; i < t->n; i++) {
		sb_str(r, b, i ? ",[" : "[");
		sb_jcstr(r, b, t->v[i].key);
		sb_lit(r, b, ",");
		sb_long(r, b, (long long)t->v[i].n);
		sb_lit(r, b, "]");
	}
	sb_lit(r, b, "]");
}

static void sum_count(struct report *r, struct sbuf *b, const char *name, u64 v)
{
	sb_lit(r, b, ",");
	sb_jcstr(r, b, name);
	sb_lit(r, b, ":");
	sb_long(r, b, (long long)v);
}

int report_close(struct nfemu_output *o)
{
	struct report *r = o->report;
	struct sbuf *b;
	int err;

	if (!r)
		return 0;
	b = &r->row;
	b->len = 0;
	sb_lit(r, b, "\n],\"strings\":[");
	for (size_t i = 0; i < r->nstr; i++) {
		if (i)
			sb_lit(r, b, ",\n");
		sb_jcstr(r, b, r->str[i]);
	}
	sb_lit(r, b, "],\"summary\":{\"capture\":");
	sb_jcstr(r, b, o->opts.capture_name ? o->opts.capture_name : "");
	sb_lit(r, b, ",\"span\":");
	{
		char t[32];

		sb_put(r, b, t, (size_t)(fmt_secs6(t, o->have_first_ts ? o->last_ts - o->first_ts : 0) - t));
	}
	sum_count(r, b, "packets", o->records);
	sum_count(r, b, "replayed", o->replayed);
	sum_count(r, b, "sent by the host", o->local_in);
	sum_tally(r, b, "forwarded, by interface", &o->forwarded);
	sum_tally(r, b, "sent by the host, by interface", &o->sent);
	sum_count(r, b, "delivered locally", o->delivered);
	sum_tally(r, b, "dropped by rule", &o->dropped_rule);
	sum_tally(r, b, "dropped by the stack", &o->dropped_stack);
	sum_tally(r, b, "of which ip_rcv failures", &o->ip_rcv_fail);
	sum_count(r, b, "stolen", o->stolen);
	sum_count(r, b, "queued", o->queued);
	sum_tally(r, b, "generated by the host", &o->gen_fates);
	sum_tally(r, b, "skipped", &o->skipped);
	sum_count(r, b, "no fate reported", o->nofate);
	sum_count(r, b, "still pending at the end", o->pending_end);
	sb_lit(r, b, "}}");
	obuf_put(&r->out, b->p, b->len);
	obuf_puts(&r->out, report_template_tail);
	err = obuf_fini(&r->out);
	if (r->oom && !err)
		err = -ENOMEM;
	for (size_t i = 0; i < r->nrec; i++)
		rec_free(&r->rec[i]);
	free(r->rec);
	free(r->row.p);
	free(r->str);
	free(r->map);
	free(r);
	o->report = NULL;
	return err;
}
