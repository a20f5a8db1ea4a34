/* emu/testspec.c - EMU: parsing `nfemu test` spec files (emu/testspec.h).
 * No kernel counterpart.  Grammar: docs/testing-rules.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include "emu/testspec.h"

#define SPEC_MAX_TOKS 64
#define SPEC_MAX_LINE 8192

const char *const spec_ct_names[5] = { "INVALID", "ESTABLISHED", "RELATED", "NEW", "UNTRACKED" };

struct sp_tok {
	int col, width;                 /* 1-based column of its first character, its length */
	size_t off;                     /* its offset in the text */
	bool quoted;
	char *s;                        /* the word (unescaped), in sp_toks.buf */
};

struct sp_toks {
	struct sp_tok *t;
	int n;
	char *buf;                      /* the words, each NUL-terminated: at most a line's bytes
					 * and a NUL per word */
};

#define SP_BUF (SPEC_MAX_LINE + SPEC_MAX_TOKS + 1)

static int sp_err(struct nfemu_pktline_err *err, int col, int width, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int sp_err(struct nfemu_pktline_err *err, int col, int width, const char *fmt, ...)
{
	va_list ap;

	err->col = col > 0 ? col : 1;
	err->width = width > 0 ? width : 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Words separated by blanks; "..." with \" \\ \n \t escapes is one word; an unquoted word
 * starting with # ends the line.  At most max words are kept (the rest is an error). */
static int sp_tokenize(const char *text, struct sp_toks *tk, int max, struct nfemu_pktline_err *err)
{
	size_t i = 0, len = strlen(text), used = 0;

	tk->n = 0;
	while (i < len) {
		struct sp_tok *t;
		size_t o = 0;

		if (text[i] == ' ' || text[i] == '\t' || text[i] == '\r') {
			i++;
			continue;
		}
		if (text[i] == '#')
			break;
		if (tk->n == max)
			return sp_err(err, (int)i + 1, 1, "too many words on the line (at most %d)", max);
		if (used + 1 >= SP_BUF)
			return sp_err(err, (int)i + 1, 1, "line too long (at most %d bytes)", SPEC_MAX_LINE - 1);
		t = &tk->t[tk->n++];
		t->s = tk->buf + used;
		t->col = (int)i + 1;
		t->off = i;
		t->quoted = text[i] == '"';
		if (t->quoted) {
			i++;
			while (i < len && text[i] != '"') {
				char c = text[i];

				if (c == '\\' && i + 1 < len) {
					char e = text[++i];

					c = e == 'n' ? '\n' : e == 't' ? '\t' : e;
				}
				if (used + o + 1 < SP_BUF)
					t->s[o++] = c;
				i++;
			}
			if (i >= len)
				return sp_err(err, t->col, (int)(len - t->off), "unterminated string: no closing '\"'");
			i++;
		} else {
			while (i < len && text[i] != ' ' && text[i] != '\t' && text[i] != '\r') {
				if (used + o + 1 < SP_BUF)
					t->s[o++] = text[i];
				i++;
			}
		}
		t->s[o] = '\0';
		used += o + 1;
		t->width = (int)(i - t->off);
	}
	return 0;
}

static char *sp_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	if (p)
		memcpy(p, s, n);
	return p;
}

static bool sp_u32(const char *s, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool sp_addr(const char *s, size_t n, uint32_t *addr)
{
	char buf[20];
	struct in_addr a;

	if (!n || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*addr = a.s_addr;
	return true;
}

/* "A[:P] [| B[:Q] ...]" at text (col_base: its 0-based offset in the expectation) */
static int sp_nat_list(const char *text, int col_base, struct spec_exp *e, struct nfemu_pktline_err *err)
{
	const char *p = text;

	for (;;) {
		const char *start, *end, *colon;
		struct spec_nat_to *to, *nt;
		uint32_t port;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#')
			p += strlen(p);
		start = p;
		while (*p && *p != '|' && *p != ' ' && *p != '\t' && *p != '#')
			p++;
		end = p;
		if (end == start)
			return sp_err(err, col_base + (int)(start - text) + 1, 1,
				      "expected an address[:port] (%s)", *start ? "an empty alternative" : "nothing follows");
		nt = realloc(e->to, (e->nto + 1) * sizeof(*e->to));
		if (!nt)
			return sp_err(err, 1, 1, "out of memory");
		e->to = nt;
		to = &e->to[e->nto++];
		memset(to, 0, sizeof(*to));
		colon = memchr(start, ':', (size_t)(end - start));
		if (!sp_addr(start, (size_t)((colon ? colon : end) - start), &to->addr))
			return sp_err(err, col_base + (int)(start - text) + 1, (int)((colon ? colon : end) - start),
				      "'%.*s' is not an IPv4 address", (int)((colon ? colon : end) - start), start);
		if (colon) {
			char buf[16];
			size_t n = (size_t)(end - colon - 1);

			if (n >= sizeof(buf) || (memcpy(buf, colon + 1, n), buf[n] = '\0', !sp_u32(buf, 65535, &port)) ||
			    strchr(buf, 'x'))
				return sp_err(err, col_base + (int)(colon + 1 - text) + 1, n ? (int)n : 1,
					      "'%.*s' is not a port (0-65535)", (int)n, colon + 1);
			to->port = (uint16_t)port;
			to->has_port = true;
		}
		for (size_t i = 0; i + 1 < e->nto; i++)
			if (e->to[i].addr == to->addr && e->to[i].port == to->port &&
			    e->to[i].has_port == to->has_port)
				return sp_err(err, col_base + (int)(start - text) + 1, (int)(end - start),
					      "'%.*s' is listed twice", (int)(end - start), start);
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || !*p)
			return 0;
		if (*p != '|')
			return sp_err(err, col_base + (int)(p - text) + 1, 1,
				      "expected '|' between outcomes or the end of the line");
		p++;
	}
}

void spec_exp_free(struct spec_exp *e)
{
	free(e->text);
	free(e->arg);
	free(e->to);
	if (e->has_hdr)
		nfemu_pktline_free(&e->hdr);
	memset(e, 0, sizeof(*e));
}

static int sp_no_more(const struct sp_toks *tk, int i, const char *after, struct nfemu_pktline_err *err)
{
	if (i < tk->n)
		return sp_err(err, tk->t[i].col, tk->t[i].width, "unexpected '%s' after %s", tk->t[i].s, after);
	return 0;
}

/* `as HEADER` or a reply's packet: the rest of the text from token i, parsed as a packet line. */
static int sp_pkt_rest(const char *text, const struct sp_toks *tk, int i, unsigned int opts,
		       struct spec_exp *e, const char *what, struct nfemu_pktline_err *err)
{
	int rc;

	if (i >= tk->n)
		return sp_err(err, (int)strlen(text) + 1, 1, "expected %s", what);
	rc = nfemu_pktline_parse_opt(text + tk->t[i].off, opts, &e->hdr, err);
	if (rc) {
		err->col += (int)tk->t[i].off;
		return rc;
	}
	e->has_hdr = true;
	return 0;
}

static int sp_expect(const char *text, struct spec_exp *e, struct sp_toks *tk, struct nfemu_pktline_err *err)
{
	const struct sp_tok *k;
	int rc;

	memset(e, 0, sizeof(*e));
	rc = sp_tokenize(text, tk, SPEC_MAX_TOKS, err);
	if (rc)
		return rc;
	if (!tk->n)
		return sp_err(err, (int)strlen(text) + 1, 1,
			      "expected an expectation (accept, drop, deliver, forward, out, reply, ct, log, mark, dnat, snat)");
	k = &tk->t[0];
	if (k->quoted)
		goto unknown;
	if (!strcmp(k->s, "accept") || !strcmp(k->s, "deliver")) {
		e->kind = k->s[0] == 'a' ? SPEC_EXP_ACCEPT : SPEC_EXP_DELIVER;
		return sp_no_more(tk, 1, k->s, err);
	}
	if (!strcmp(k->s, "drop")) {
		e->kind = SPEC_EXP_DROP;
		if (tk->n == 1)
			return 0;
		if (strcmp(tk->t[1].s, "by") || tk->t[1].quoted)
			return sp_err(err, tk->t[1].col, tk->t[1].width, "expected 'by' after drop (drop by TABLE:CHAIN:rule:N)");
		if (tk->n < 3)
			return sp_err(err, tk->t[1].col + tk->t[1].width + 1, 1,
				      "expected the rule after 'drop by' (TABLE:CHAIN:rule:N, TABLE:CHAIN:policy)");
		e->arg = sp_strdup(tk->t[2].s);
		if (!e->arg)
			return sp_err(err, 1, 1, "out of memory");
		return sp_no_more(tk, 3, "the rule", err);
	}
	if (!strcmp(k->s, "forward") || !strcmp(k->s, "out")) {
		int i = 1;

		e->kind = k->s[0] == 'f' ? SPEC_EXP_FORWARD : SPEC_EXP_OUT;
		if (e->kind == SPEC_EXP_FORWARD) {
			if (i >= tk->n || strcmp(tk->t[i].s, "out") || tk->t[i].quoted)
				return i < tk->n ? sp_err(err, tk->t[i].col, tk->t[i].width, "expected 'out' (forward out IFACE)")
						 : sp_err(err, k->col + k->width + 1, 1, "expected 'out IFACE' after forward");
			i++;
		}
		if (i >= tk->n)
			return sp_err(err, tk->t[i - 1].col + tk->t[i - 1].width + 1, 1, "expected an interface");
		if (strlen(tk->t[i].s) >= NFEMU_PKTLINE_IFNAMSIZ || !tk->t[i].s[0])
			return sp_err(err, tk->t[i].col, tk->t[i].width, "'%s' is not an interface name (1-15 characters)",
				      tk->t[i].s);
		e->arg = sp_strdup(tk->t[i].s);
		if (!e->arg)
			return sp_err(err, 1, 1, "out of memory");
		i++;
		if (i == tk->n)
			return 0;
		if (strcmp(tk->t[i].s, "as") || tk->t[i].quoted)
			return sp_err(err, tk->t[i].col, tk->t[i].width, "expected 'as HEADER' or the end of the line");
		return sp_pkt_rest(text, tk, i + 1, NFEMU_PKTLINE_HEADER, e, "a header after 'as' (SRC[:PORT] > DST[:PORT])", err);
	}
	if (!strcmp(k->s, "reply")) {
		e->kind = SPEC_EXP_REPLY;
		return sp_pkt_rest(text, tk, 1, 0, e, "a packet after 'reply' (PROTO SRC[:PORT] > DST[:PORT] ...)", err);
	}
	if (!strcmp(k->s, "ct")) {
		e->kind = SPEC_EXP_CT;
		if (tk->n < 2)
			return sp_err(err, k->col + k->width + 1, 1, "expected a state after ct (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED)");
		for (int s = 0; s < 5; s++)
			if (!strcasecmp(tk->t[1].s, spec_ct_names[s])) {
				e->ct = (enum spec_ct)s;
				return sp_no_more(tk, 2, "the state", err);
			}
		return sp_err(err, tk->t[1].col, tk->t[1].width,
			      "unknown ct state '%s' (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED)", tk->t[1].s);
	}
	if (!strcmp(k->s, "log")) {
		e->kind = SPEC_EXP_LOG;
		if (tk->n < 2)
			return sp_err(err, k->col + k->width + 1, 1, "expected the log prefix after log (log \"PREFIX\")");
		if (!tk->t[1].s[0])
			return sp_err(err, tk->t[1].col, tk->t[1].width, "an empty prefix matches every line");
		e->arg = sp_strdup(tk->t[1].s);
		if (!e->arg)
			return sp_err(err, 1, 1, "out of memory");
		return sp_no_more(tk, 2, "the prefix", err);
	}
	if (!strcmp(k->s, "mark")) {
		e->kind = SPEC_EXP_MARK;
		if (tk->n < 2)
			return sp_err(err, k->col + k->width + 1, 1, "expected a mark after mark (mark 0xN)");
		if (tk->t[1].quoted || !sp_u32(tk->t[1].s, 0xffffffffu, &e->mark))
			return sp_err(err, tk->t[1].col, tk->t[1].width, "'%s' is not a mark (0-0xffffffff)", tk->t[1].s);
		return sp_no_more(tk, 2, "the mark", err);
	}
	if (!strcmp(k->s, "dnat") || !strcmp(k->s, "snat")) {
		e->kind = k->s[0] == 'd' ? SPEC_EXP_DNAT : SPEC_EXP_SNAT;
		if (tk->n < 2 || strcmp(tk->t[1].s, "to") || tk->t[1].quoted)
			return tk->n < 2 ? sp_err(err, k->col + k->width + 1, 1, "expected 'to A[:P] [| B[:Q] ...]' after %s", k->s)
					 : sp_err(err, tk->t[1].col, tk->t[1].width, "expected 'to' (%s to A[:P] [| B[:Q] ...])", k->s);
		return sp_nat_list(text + tk->t[1].off + 2, (int)tk->t[1].off + 2, e, err);
	}
unknown:
	return sp_err(err, k->col, k->width,
		      "unknown expectation '%s' (accept, drop, deliver, forward, out, reply, ct, log, mark, dnat, snat)", k->s);
}

int spec_parse_expect(const char *text, struct spec_exp *e, struct nfemu_pktline_err *err)
{
	struct sp_toks tk;
	int rc;

	tk.t = malloc(SPEC_MAX_TOKS * sizeof(*tk.t));
	tk.buf = malloc(SP_BUF);
	if (!tk.t || !tk.buf) {
		free(tk.t);
		free(tk.buf);
		return sp_err(err, 1, 1, "out of memory");
	}
	rc = sp_expect(text, e, &tk, err);
	free(tk.t);
	free(tk.buf);
	if (!rc && !(e->text = sp_strdup(text)))
		rc = sp_err(err, 1, 1, "out of memory");
	if (rc)
		spec_exp_free(e);
	return rc;
}

void spec_free(struct spec *s)
{
	if (!s)
		return;
	for (size_t t = 0; t < s->ntests; t++) {
		struct spec_test *st = &s->tests[t];

		for (size_t p = 0; p < st->npkts; p++) {
			for (size_t e = 0; e < st->pkts[p].nexp; e++)
				spec_exp_free(&st->pkts[p].exp[e]);
			free(st->pkts[p].exp);
			free(st->pkts[p].text);
			nfemu_pktline_free(&st->pkts[p].pl);
		}
		free(st->pkts);
		free(st->name);
	}
	free(s->tests);
	for (size_t i = 0; i < s->nlines; i++)
		free(s->lines[i]);
	free(s->lines);
	free(s->line_kind);
	free(s->file);
	free(s->dir);
	free(s->topology);
	free(s->rules);
	free(s->state);
	free(s);
}

static char *sp_resolve(const struct spec *s, const char *path)
{
	size_t n;
	char *p;

	if (path[0] == '/' || !s->dir[0])
		return sp_strdup(path);
	n = strlen(s->dir) + strlen(path) + 2;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", s->dir, path);
	return p;
}

/* One line of the spec; cur: the test being read (NULL before the first). */
static int sp_line(struct spec *s, size_t li, struct sp_toks *tk, struct nfemu_pktline_err *err)
{
	const char *line = s->lines[li];
	struct spec_test *cur = s->ntests ? &s->tests[s->ntests - 1] : NULL;
	const struct sp_tok *k;
	int rc;

	rc = sp_tokenize(line, tk, SPEC_MAX_TOKS, err);
	if (rc)
		return rc;
	if (!tk->n)
		return 0;
	k = &tk->t[0];
	if (k->quoted)
		goto unknown;
	if (!strcmp(k->s, "topology") || !strcmp(k->s, "rules") || !strcmp(k->s, "state")) {
		char **slot = k->s[0] == 't' ? &s->topology : k->s[0] == 'r' ? &s->rules : &s->state;

		if (cur)
			return sp_err(err, k->col, k->width, "'%s' must come before the first test", k->s);
		if (tk->n < 2)
			return sp_err(err, k->col + k->width + 1, 1, "expected a file name after '%s'", k->s);
		if (*slot)
			return sp_err(err, k->col, k->width, "'%s' is given twice", k->s);
		if (k->s[0] != 't' && (s->rules || s->state))
			return sp_err(err, k->col, k->width, "give either rules or state, not both");
		if (!tk->t[1].s[0])
			return sp_err(err, tk->t[1].col, tk->t[1].width, "an empty file name");
		if (!(*slot = sp_resolve(s, tk->t[1].s)))
			return sp_err(err, 1, 1, "out of memory");
		if (k->s[0] == 't')
			s->topology_line = (int)li + 1;
		else
			s->set_line = (int)li + 1;
		return sp_no_more(tk, 2, "the file name", err);
	}
	if (!strcmp(k->s, "seed")) {
		unsigned long long v;
		char *end;

		if (cur)
			return sp_err(err, k->col, k->width, "'seed' must come before the first test");
		if (tk->n < 2)
			return sp_err(err, k->col + k->width + 1, 1, "expected a number after 'seed'");
		errno = 0;
		v = strtoull(tk->t[1].s, &end, 0);
		if (errno || *end || !tk->t[1].s[0] || tk->t[1].s[0] == '-' || tk->t[1].quoted)
			return sp_err(err, tk->t[1].col, tk->t[1].width, "'%s' is not a number", tk->t[1].s);
		s->seed = v;
		return sp_no_more(tk, 2, "the seed", err);
	}
	if (!strcmp(k->s, "open-ports")) {
		if (cur)
			return sp_err(err, k->col, k->width, "'open-ports' must come before the first test");
		s->open_ports = true;
		return sp_no_more(tk, 1, "open-ports", err);
	}
	if (!strcmp(k->s, "test")) {
		struct spec_test *nt;

		if (!s->topology)
			return sp_err(err, k->col, k->width, "a test before 'topology FILE'");
		if (!s->rules && !s->state)
			return sp_err(err, k->col, k->width, "a test before 'rules FILE' (or 'state FILE')");
		if (cur && !cur->npkts)
			return sp_err(err, k->col, k->width, "test \"%s\" (line %d) has no packet", cur->name, cur->line);
		if (tk->n < 2 || !tk->t[1].quoted)
			return tk->n < 2 ? sp_err(err, k->col + k->width + 1, 1, "expected the test's name in quotes: test \"NAME\"")
					 : sp_err(err, tk->t[1].col, tk->t[1].width, "the test's name goes in quotes: test \"NAME\"");
		if (!tk->t[1].s[0])
			return sp_err(err, tk->t[1].col, tk->t[1].width, "an empty test name");
		for (size_t i = 0; i < s->ntests; i++)
			if (!strcmp(s->tests[i].name, tk->t[1].s))
				return sp_err(err, tk->t[1].col, tk->t[1].width, "test \"%s\" is already defined on line %d",
					      tk->t[1].s, s->tests[i].line);
		rc = sp_no_more(tk, 2, "the test's name", err);
		if (rc)
			return rc;
		nt = realloc(s->tests, (s->ntests + 1) * sizeof(*nt));
		if (!nt)
			return sp_err(err, 1, 1, "out of memory");
		s->tests = nt;
		cur = &s->tests[s->ntests++];
		memset(cur, 0, sizeof(*cur));
		cur->line = (int)li + 1;
		if (!(cur->name = sp_strdup(tk->t[1].s)))
			return sp_err(err, 1, 1, "out of memory");
		return 0;
	}
	if (!strcmp(k->s, "packet")) {
		struct spec_packet *np, *p;
		size_t off = k->off + (size_t)k->width;

		if (!cur)
			return sp_err(err, k->col, k->width, "a packet outside a test (test \"NAME\" first)");
		while (line[off] == ' ' || line[off] == '\t')
			off++;
		np = realloc(cur->pkts, (cur->npkts + 1) * sizeof(*np));
		if (!np)
			return sp_err(err, 1, 1, "out of memory");
		cur->pkts = np;
		p = &cur->pkts[cur->npkts];
		memset(p, 0, sizeof(*p));
		rc = nfemu_pktline_parse(line + off, &p->pl, err);
		if (rc) {
			err->col += (int)off;
			return rc;
		}
		cur->npkts++;
		p->line = (int)li + 1;
		snprintf(p->indent, sizeof(p->indent), "%.*s", (int)k->off < 31 ? (int)k->off : 31, line);
		if (!(p->text = sp_strdup(line + off)))
			return sp_err(err, 1, 1, "out of memory");
		s->line_kind[li] = SPEC_LINE_PACKET;
		return 0;
	}
	if (!strcmp(k->s, "expect")) {
		struct spec_packet *p;
		struct spec_exp *ne;
		size_t off = k->off + (size_t)k->width;

		if (!cur || !cur->npkts)
			return sp_err(err, k->col, k->width, "an expectation before any packet (packet LINE first)");
		p = &cur->pkts[cur->npkts - 1];
		while (line[off] == ' ' || line[off] == '\t')
			off++;
		ne = realloc(p->exp, (p->nexp + 1) * sizeof(*ne));
		if (!ne)
			return sp_err(err, 1, 1, "out of memory");
		p->exp = ne;
		rc = spec_parse_expect(line + off, &p->exp[p->nexp], err);
		if (rc) {
			err->col += (int)off;
			return rc;
		}
		p->exp[p->nexp++].line = (int)li + 1;
		s->line_kind[li] = SPEC_LINE_EXPECT;
		return 0;
	}
unknown:
	return sp_err(err, k->col, k->width,
		      "unknown word '%s' (topology, rules, state, seed, open-ports, test, packet, expect)", k->s);
}

int spec_parse(const char *file, const char *text, size_t len, struct spec **sp, char *err, size_t errlen)
{
	struct spec *s = calloc(1, sizeof(*s));
	struct nfemu_pktline_err perr = { 0 };
	struct sp_toks tk = { 0 };
	const char *slash;
	size_t i = 0;
	int rc = 0;

	*sp = NULL;
	if (!s || !(s->file = sp_strdup(file)) || !(tk.t = malloc(SPEC_MAX_TOKS * sizeof(*tk.t))) ||
	    !(tk.buf = malloc(SP_BUF))) {
		snprintf(err, errlen, "%s: out of memory", file);
		free(tk.t);
		free(tk.buf);
		spec_free(s);
		return -ENOMEM;
	}
	slash = strrchr(file, '/');
	s->dir = malloc(slash ? (size_t)(slash - file) + 2 : 1);
	if (s->dir) {
		if (slash == file)
			strcpy(s->dir, "/");
		else
			snprintf(s->dir, (size_t)(slash ? slash - file + 1 : 1), "%s", file);
	}
	/* the lines */
	while (s->dir && i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - text) - i : len - i;
		char **nlines;
		enum spec_line_kind *nk;

		if (n >= SPEC_MAX_LINE || memchr(text + i, '\0', n)) {
			snprintf(err, errlen, "%s:%zu:1: %s", file, s->nlines + 1,
				 n >= SPEC_MAX_LINE ? "line too long (at most 8191 bytes)" : "a NUL byte in the line");
			rc = -EINVAL;
			goto out;
		}
		nlines = realloc(s->lines, (s->nlines + 1) * sizeof(*nlines));
		if (nlines)
			s->lines = nlines;
		nk = realloc(s->line_kind, (s->nlines + 1) * sizeof(*nk));
		if (nk)
			s->line_kind = nk;
		if (!nlines || !nk || !(s->lines[s->nlines] = malloc(n + 1))) {
			rc = -ENOMEM;
			break;
		}
		memcpy(s->lines[s->nlines], text + i, n);
		s->lines[s->nlines][n] = '\0';
		s->line_kind[s->nlines++] = SPEC_LINE_OTHER;
		i += n + (nl ? 1 : 0);
		s->last_newline = nl != NULL;
	}
	if (!s->dir || rc == -ENOMEM) {
		snprintf(err, errlen, "%s: out of memory", file);
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < s->nlines; i++) {
		rc = sp_line(s, i, &tk, &perr);
		if (rc) {
			nfemu_pktline_format_error(err, errlen, file, (int)i + 1, s->lines[i], 0, &perr);
			goto out;
		}
	}
	if (s->ntests && !s->tests[s->ntests - 1].npkts) {
		struct spec_test *t = &s->tests[s->ntests - 1];

		snprintf(err, errlen, "%s:%d:1: test \"%s\" has no packet", file, t->line, t->name);
		rc = -EINVAL;
	} else if (!s->topology) {
		snprintf(err, errlen, "%s:%zu:1: no 'topology FILE' in the spec", file, s->nlines + !s->nlines);
		rc = -EINVAL;
	} else if (!s->rules && !s->state) {
		snprintf(err, errlen, "%s:%zu:1: no 'rules FILE' (or 'state FILE') in the spec", file, s->nlines);
		rc = -EINVAL;
	} else if (!s->ntests) {
		snprintf(err, errlen, "%s:%zu:1: no test in the spec (test \"NAME\")", file, s->nlines);
		rc = -EINVAL;
	}
out:
	free(tk.t);
	free(tk.buf);
	if (rc) {
		/* an error message ends without a newline */
		size_t n = strlen(err);

		while (n && err[n - 1] == '\n')
			err[--n] = '\0';
		spec_free(s);
		return rc;
	}
	*sp = s;
	return 0;
}

int spec_load(const char *file, struct spec **sp, char *err, size_t errlen)
{
	FILE *f = fopen(file, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*sp = NULL;
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return rc;
	}
	for (;;) {
		size_t n;

		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = (cap + 4096) * 2);

			if (!nb) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", file);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
		if (len > (16u << 20)) {
			free(buf);
			fclose(f);
			snprintf(err, errlen, "%s: larger than 16 MB", file);
			return -EFBIG;
		}
	}
	if (ferror(f)) {
		rc = -EIO;
		snprintf(err, errlen, "%s: read error", file);
	} else {
		rc = spec_parse(file, buf ? buf : "", len, sp, err, errlen);
	}
	fclose(f);
	free(buf);
	return rc;
}
