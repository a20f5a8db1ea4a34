/* emu/pktline.c - EMU: one-line packets, parsed and built (grammar in docs/packets.md).
 *
 * No kernel counterpart.  A line is split into tokens (whitespace-separated, double quotes for the
 * payload), each remembering its column so that an error can put a caret under it.  Then
 * PROTO SRC[:PORT] > DST[:PORT] [FLAGS] and the options in any order.  Building writes a plain
 * IPv4 header (no options) and the tcp (20 bytes, no options), udp or icmp header after it.
 * Leaves out: IP and TCP options, IPv6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "emu/pktline.h"

#define PL_MAX_TOKENS 64

struct pl_tok {
	char s[NFEMU_PKTLINE_PAYLOAD_MAX + 1];  /* unquoted text */
	size_t slen;
	int col, width;
	bool quoted;
};

struct pl_parse {
	struct pl_tok *tok;
	int n, pos;
	unsigned int seen;                      /* options given, to refuse a second one */
	struct nfemu_pktline_err *err;
};

/* ------------------------------------------------------------------------------------------
 * Errors and tokens
 */

__attribute__((format(printf, 4, 5)))
static int pl_error(struct nfemu_pktline_err *err, int col, int width, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -EINVAL;
	err->col = col;
	err->width = width > 0 ? width : 1;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int pl_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One quoted string starting at text[*i] == '"' into t; C escapes. */
static int pl_quoted(const char *text, size_t *i, struct pl_tok *t, struct nfemu_pktline_err *err)
{
	size_t start = *i, j = *i + 1;

	while (text[j] && text[j] != '"') {
		char c = text[j];

		if (c == '\\') {
			int h1, h2;

			switch (text[j + 1]) {
			case 'n': c = '\n'; j += 2; break;
			case 't': c = '\t'; j += 2; break;
			case 'r': c = '\r'; j += 2; break;
			case '0': c = '\0'; j += 2; break;
			case '\\': c = '\\'; j += 2; break;
			case '"': c = '"'; j += 2; break;
			case 'x':
				h1 = pl_hexval(text[j + 2]);
				h2 = h1 < 0 ? -1 : pl_hexval(text[j + 3]);
				if (h1 < 0 || h2 < 0)
					return pl_error(err, (int)j + 1, 2, "\\x needs two hex digits");
				c = (char)(h1 << 4 | h2);
				j += 4;
				break;
			default:
				return pl_error(err, (int)j + 1, 2, "unknown escape (use \\n \\t \\r \\0 \\\\ \\\" \\xNN)");
			}
		} else {
			j++;
		}
		if (t->slen >= NFEMU_PKTLINE_PAYLOAD_MAX)
			return pl_error(err, (int)start + 1, (int)(j - start),
					"payload longer than %d bytes", NFEMU_PKTLINE_PAYLOAD_MAX);
		t->s[t->slen++] = c;
	}
	if (text[j] != '"')
		return pl_error(err, (int)start + 1, (int)(j - start), "missing closing quote");
	j++;
	if (text[j] && text[j] != ' ' && text[j] != '\t')
		return pl_error(err, (int)j + 1, 1, "expected a space after the closing quote");
	t->s[t->slen] = '\0';
	t->quoted = true;
	t->col = (int)start + 1;
	t->width = (int)(j - start);
	*i = j;
	return 0;
}

static int pl_tokenize(const char *text, struct pl_parse *p)
{
	size_t i = 0;

	for (;;) {
		struct pl_tok *t;

		while (text[i] == ' ' || text[i] == '\t')
			i++;
		if (!text[i] || text[i] == '#')
			return 0;
		if (p->n == PL_MAX_TOKENS)
			return pl_error(p->err, (int)i + 1, 1, "too many words on one line");
		t = &p->tok[p->n++];
		t->s[0] = '\0';
		t->slen = 0;
		t->col = t->width = 0;
		t->quoted = false;
		if (text[i] == '"') {
			int rc = pl_quoted(text, &i, t, p->err);

			if (rc)
				return rc;
			continue;
		}
		t->col = (int)i + 1;
		while (text[i] && text[i] != ' ' && text[i] != '\t') {
			if (t->slen < 255)
				t->s[t->slen++] = text[i];
			i++;
		}
		t->s[t->slen] = '\0';
		t->width = (int)i + 1 - t->col;
	}
}

static struct pl_tok *pl_next(struct pl_parse *p)
{
	return p->pos < p->n ? &p->tok[p->pos++] : NULL;
}

/* The error for a missing token: a caret just past the last one. */
static int pl_missing(struct pl_parse *p, const char *what)
{
	int col = 1;

	if (p->n > 0 && p->n <= PL_MAX_TOKENS) {
		struct pl_tok *last = &p->tok[p->n - 1];

		col = last->col + last->width + 1;
	}
	return pl_error(p->err, col, 1, "expected %s", what);
}

/* ------------------------------------------------------------------------------------------
 * Numbers, addresses, names
 */

/* An unsigned number (decimal, or 0x hex) no larger than max. */
static int pl_number(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 0);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

/* "A.B.C.D" or "A.B.C.D:PORT" */
static int pl_endpoint(struct pl_parse *p, struct pl_tok *t, bool ports, uint32_t *addr, uint16_t *port,
		       bool *has_port, const char *which)
{
	char a[64];
	const char *colon = strchr(t->s, ':');
	size_t alen = colon ? (size_t)(colon - t->s) : t->slen;
	struct in_addr in;
	unsigned long v;

	if (t->quoted || alen >= sizeof(a))
		return pl_error(p->err, t->col, t->width, "expected the %s address (A.B.C.D[:PORT])", which);
	memcpy(a, t->s, alen);
	a[alen] = '\0';
	if (inet_pton(AF_INET, a, &in) != 1)
		return pl_error(p->err, t->col, (int)alen, "'%s' is not an IPv4 address", a);
	*addr = in.s_addr;
	*has_port = false;
	if (!colon)
		return 0;
	if (!ports)
		return pl_error(p->err, t->col + (int)alen, t->width - (int)alen,
				"only tcp and udp have ports");
	if (pl_number(colon + 1, 65535, &v) || !colon[1])
		return pl_error(p->err, t->col + (int)alen + 1, t->width - (int)alen - 1,
				"'%s' is not a port (0-65535)", colon + 1);
	*port = (uint16_t)v;
	*has_port = true;
	return 0;
}

/* tcpdump's letters: S F R P U E W, and '.' for ACK; "none" for no flags; [S.] accepted. */
static int pl_flags(const char *s, uint8_t *out)
{
	size_t n = strlen(s);
	uint8_t f = 0;

	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 4 && !strncmp(s, "none", 4)) {
		*out = 0;
		return 0;
	}
	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint8_t bit;

		switch (s[i]) {
		case 'F': bit = NFEMU_PKTLINE_FIN; break;
		case 'S': bit = NFEMU_PKTLINE_SYN; break;
		case 'R': bit = NFEMU_PKTLINE_RST; break;
		case 'P': bit = NFEMU_PKTLINE_PSH; break;
		case '.': bit = NFEMU_PKTLINE_ACK; break;
		case 'U': bit = NFEMU_PKTLINE_URG; break;
		case 'E': bit = NFEMU_PKTLINE_ECE; break;
		case 'W': bit = NFEMU_PKTLINE_CWR; break;
		default: return -EINVAL;
		}
		if (f & bit)
			return -EINVAL;
		f |= bit;
	}
	*out = f;
	return 0;
}

void nfemu_pktline_flags_str(uint8_t flags, char *buf)
{
	/* tcpdump's order: S F P R U E W, then '.' */
	static const struct { uint8_t bit; char c; } order[] = {
		{ NFEMU_PKTLINE_SYN, 'S' }, { NFEMU_PKTLINE_FIN, 'F' }, { NFEMU_PKTLINE_PSH, 'P' },
		{ NFEMU_PKTLINE_RST, 'R' }, { NFEMU_PKTLINE_URG, 'U' }, { NFEMU_PKTLINE_ECE, 'E' },
		{ NFEMU_PKTLINE_CWR, 'W' }, { NFEMU_PKTLINE_ACK, '.' },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (flags & order[i].bit)
			buf[n++] = order[i].c;
	if (!n)
		memcpy(buf, "none", 5);
	else
		buf[n] = '\0';
}

/* iptables' icmp type names (iptables -p icmp -h), with the code where the name fixes it. */
static const struct pl_icmp_name {
	const char *name;
	uint8_t type;
	int code;                               /* -1: any code (0 by default) */
} pl_icmp_names[] = {
	{ "echo-reply", 0, -1 }, { "pong", 0, -1 },
	{ "destination-unreachable", 3, -1 },
	{ "network-unreachable", 3, 0 }, { "host-unreachable", 3, 1 }, { "protocol-unreachable", 3, 2 },
	{ "port-unreachable", 3, 3 }, { "fragmentation-needed", 3, 4 }, { "source-route-failed", 3, 5 },
	{ "network-unknown", 3, 6 }, { "host-unknown", 3, 7 }, { "network-prohibited", 3, 9 },
	{ "host-prohibited", 3, 10 }, { "TOS-network-unreachable", 3, 11 }, { "TOS-host-unreachable", 3, 12 },
	{ "communication-prohibited", 3, 13 }, { "host-precedence-violation", 3, 14 },
	{ "precedence-cutoff", 3, 15 },
	{ "source-quench", 4, -1 },
	{ "redirect", 5, -1 }, { "network-redirect", 5, 0 }, { "host-redirect", 5, 1 },
	{ "TOS-network-redirect", 5, 2 }, { "TOS-host-redirect", 5, 3 },
	{ "echo-request", 8, -1 }, { "ping", 8, -1 },
	{ "router-advertisement", 9, -1 }, { "router-solicitation", 10, -1 },
	{ "time-exceeded", 11, -1 }, { "ttl-exceeded", 11, -1 }, { "ttl-zero-during-transit", 11, 0 },
	{ "ttl-zero-during-reassembly", 11, 1 },
	{ "parameter-problem", 12, -1 }, { "ip-header-bad", 12, 0 }, { "required-option-missing", 12, 1 },
	{ "timestamp-request", 13, -1 }, { "timestamp-reply", 14, -1 },
	{ "address-mask-request", 17, -1 }, { "address-mask-reply", 18, -1 },
};

static int pl_icmp_type(const char *s, uint8_t *type, uint8_t *code)
{
	const char *slash = strchr(s, '/');
	unsigned long t, c = 0;
	char num[16];

	for (size_t i = 0; i < sizeof(pl_icmp_names) / sizeof(pl_icmp_names[0]); i++) {
		if (!strcasecmp(s, pl_icmp_names[i].name)) {
			*type = pl_icmp_names[i].type;
			*code = pl_icmp_names[i].code < 0 ? 0 : (uint8_t)pl_icmp_names[i].code;
			return 0;
		}
	}
	if (slash) {
		if ((size_t)(slash - s) >= sizeof(num) || pl_number(slash + 1, 255, &c))
			return -EINVAL;
		memcpy(num, s, (size_t)(slash - s));
		num[slash - s] = '\0';
		s = num;
	}
	if (pl_number(s, 255, &t))
		return -EINVAL;
	*type = (uint8_t)t;
	*code = (uint8_t)c;
	return 0;
}

static const char *pl_icmp_type_name(uint8_t type, uint8_t code)
{
	const char *any = NULL;

	for (size_t i = 0; i < sizeof(pl_icmp_names) / sizeof(pl_icmp_names[0]); i++) {
		const struct pl_icmp_name *n = &pl_icmp_names[i];

		if (n->type != type)
			continue;
		if (n->code == code)
			return n->name;
		if (n->code < 0 && !any && (code == 0 || type == 0 || type == 8))
			any = n->name;
	}
	return any;
}

static bool pl_icmp_is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static bool pl_icmp_is_echo(uint8_t type)
{
	return type == 0 || type == 8;
}

/* ------------------------------------------------------------------------------------------
 * The line
 */

enum {
	PL_OPT_IN = 1 << 0, PL_OPT_LEN = 1 << 1, PL_OPT_TTL = 1 << 2, PL_OPT_TOS = 1 << 3,
	PL_OPT_FRAG = 1 << 4, PL_OPT_MARK = 1 << 5, PL_OPT_PAYLOAD = 1 << 6, PL_OPT_ID = 1 << 7,
	PL_OPT_TYPE = 1 << 8, PL_OPT_SEQ = 1 << 9, PL_OPT_ACK = 1 << 10,
};

/* An option's value token, a number no larger than max. */
static int pl_opt_number(struct pl_parse *p, struct pl_tok *kw, unsigned long max, unsigned long *v,
			 const char *what)
{
	struct pl_tok *t = pl_next(p);

	if (!t)
		return pl_missing(p, what);
	if (t->quoted || pl_number(t->s, max, v))
		return pl_error(p->err, t->col, t->width, "'%s' %s: '%s' is not %s", kw->s,
				"needs a number", t->s, what);
	return 0;
}

static int pl_option(struct pl_parse *p, struct pl_tok *t, struct nfemu_pktline *pl, unsigned int opts);

static int pl_parse(const char *text, unsigned int opts, struct nfemu_pktline *pl, struct pl_parse *p)
{
	struct pl_tok *t, *src, *dst;
	bool ports, has_sport, has_dport;
	int rc;

	memset(pl, 0, sizeof(*pl));
	pl->ttl = 64;
	pl->seq = 1000;
	pl->icmp_type = 8;
	pl->icmp_echo_id = 1;
	pl->icmp_echo_seq = 1;
	pl->tcp_flags = NFEMU_PKTLINE_SYN;
	rc = pl_tokenize(text, p);
	if (rc)
		return rc;

	t = pl_next(p);
	if (!t)
		return pl_missing(p, (opts & NFEMU_PKTLINE_HEADER) ? "a packet header (SRC > DST)"
				  : "a packet (PROTO SRC[:PORT] > DST[:PORT] ...)");
	if (!t->quoted && !strcmp(t->s, "tcp")) {
		pl->proto = 6;
	} else if (!t->quoted && !strcmp(t->s, "udp")) {
		pl->proto = 17;
	} else if (!t->quoted && !strcmp(t->s, "icmp")) {
		pl->proto = 1;
	} else if (!t->quoted && t->s[0] >= '0' && t->s[0] <= '9' && !strchr(t->s, '.')) {
		unsigned long v;

		if (pl_number(t->s, 255, &v))
			return pl_error(p->err, t->col, t->width, "'%s' is not a protocol number (0-255)", t->s);
		pl->proto = (uint8_t)v;
	} else if ((opts & NFEMU_PKTLINE_HEADER) && !t->quoted && strchr(t->s, '.')) {
		p->pos--;                       /* a header without its protocol */
	} else {
		return pl_error(p->err, t->col, t->width,
				"unknown protocol '%s' (tcp, udp, icmp or a number)", t->s);
	}
	ports = pl->proto == 6 || pl->proto == 17 || pl->proto == 0;

	src = pl_next(p);
	if (!src)
		return pl_missing(p, "the source address");
	rc = pl_endpoint(p, src, ports, &pl->saddr, &pl->sport, &has_sport, "source");
	if (rc)
		return rc;
	t = pl_next(p);
	if (!t)
		return pl_missing(p, "'>'");
	if (t->quoted || strcmp(t->s, ">"))
		return pl_error(p->err, t->col, t->width, "expected '>' between source and destination");
	dst = pl_next(p);
	if (!dst)
		return pl_missing(p, "the destination address");
	rc = pl_endpoint(p, dst, ports, &pl->daddr, &pl->dport, &has_dport, "destination");
	if (rc)
		return rc;
	if ((pl->proto == 6 || pl->proto == 17) && !has_sport)
		return pl_error(p->err, src->col + src->width, 1, "%s needs ports: expected :PORT",
				pl->proto == 6 ? "tcp" : "udp");
	if ((pl->proto == 6 || pl->proto == 17) && !has_dport)
		return pl_error(p->err, dst->col + dst->width, 1, "%s needs ports: expected :PORT",
				pl->proto == 6 ? "tcp" : "udp");

	/* FLAGS: the word right after the destination, for tcp */
	t = p->pos < p->n ? &p->tok[p->pos] : NULL;
	if (t && !t->quoted && (pl->proto == 6 || pl->proto == 0) && !pl_flags(t->s, &pl->tcp_flags)) {
		pl->has_flags = true;
		p->pos++;
	} else if (t && !t->quoted && pl->proto != 6 && pl->proto != 0 && !pl_flags(t->s, &(uint8_t){0})
		   && strcmp(t->s, "none")) {
		return pl_error(p->err, t->col, t->width, "only tcp has flags");
	}

	while ((t = pl_next(p))) {
		if (!strcmp(t->s, "inner") && !t->quoted) {
			struct pl_tok *rest = pl_next(p);
			struct nfemu_pktline_err ierr;

			if (pl->proto != 1 || !pl_icmp_is_error(pl->icmp_type))
				return pl_error(p->err, t->col, t->width,
						"only icmp errors (type 3, 4, 5, 11, 12) carry an inner packet");
			if (!rest)
				return pl_missing(p, "the inner packet (PROTO SRC[:PORT] > DST[:PORT])");
			pl->inner = malloc(sizeof(*pl->inner));
			if (!pl->inner)
				return pl_error(p->err, t->col, t->width, "out of memory");
			rc = nfemu_pktline_parse(text + rest->col - 1, pl->inner, &ierr);
			if (rc) {
				free(pl->inner);
				pl->inner = NULL;
				return pl_error(p->err, ierr.col + rest->col - 1, ierr.width, "%s", ierr.msg);
			}
			if (pl->inner->inner) {
				nfemu_pktline_free(pl);
				return pl_error(p->err, rest->col, rest->width, "an inner packet cannot nest another");
			}
			return 0;               /* the inner packet is the rest of the line */
		}
		rc = pl_option(p, t, pl, opts);
		if (rc) {
			nfemu_pktline_free(pl);
			return rc;
		}
	}
	return 0;
}

static int pl_once(struct pl_parse *p, struct pl_tok *t, unsigned int bit)
{
	if (p->seen & bit)
		return pl_error(p->err, t->col, t->width, "'%s' given twice", t->s);
	p->seen |= bit;
	return 0;
}

static int pl_option(struct pl_parse *p, struct pl_tok *t, struct nfemu_pktline *pl, unsigned int opts)
{
	unsigned long v;
	struct pl_tok *a;
	int rc;

	(void)opts;
	if (t->quoted)
		return pl_error(p->err, t->col, t->width, "a quoted string belongs after 'payload'");
	if (!strcmp(t->s, "in") || !strcmp(t->s, "from-host")) {
		bool in = t->s[0] == 'i';

		if (p->seen & PL_OPT_IN)
			return pl_error(p->err, t->col, t->width, "the ingress is already given (in IFACE or from-host, once)");
		p->seen |= PL_OPT_IN;
		if (!in) {
			pl->ingress = NFEMU_PKTLINE_FROM_HOST;
			return 0;
		}
		a = pl_next(p);
		if (!a)
			return pl_missing(p, "an interface name after 'in'");
		if (a->quoted || !a->slen || a->slen >= NFEMU_PKTLINE_IFNAMSIZ || strchr(a->s, '/'))
			return pl_error(p->err, a->col, a->width, "'%s' is not an interface name (1-15 characters)", a->s);
		pl->ingress = NFEMU_PKTLINE_IN_IFACE;
		memcpy(pl->iface, a->s, a->slen + 1);
		return 0;
	}
	if (!strcmp(t->s, "len")) {
		if ((rc = pl_once(p, t, PL_OPT_LEN)) || (rc = pl_opt_number(p, t, NFEMU_PKTLINE_MAX, &v, "a length (20-65535)")))
			return rc;
		if (v < 20)
			return pl_error(p->err, p->tok[p->pos - 1].col, p->tok[p->pos - 1].width,
					"len %lu is shorter than an IPv4 header (20)", v);
		pl->len = (unsigned int)v;
		return 0;
	}
	if (!strcmp(t->s, "ttl")) {
		if ((rc = pl_once(p, t, PL_OPT_TTL)) || (rc = pl_opt_number(p, t, 255, &v, "a TTL (0-255)")))
			return rc;
		pl->ttl = (uint8_t)v;
		return 0;
	}
	if (!strcmp(t->s, "tos")) {
		if ((rc = pl_once(p, t, PL_OPT_TOS)) || (rc = pl_opt_number(p, t, 255, &v, "a TOS byte (0x00-0xff)")))
			return rc;
		pl->tos = (uint8_t)v;
		return 0;
	}
	if (!strcmp(t->s, "id")) {
		if ((rc = pl_once(p, t, PL_OPT_ID)) || (rc = pl_opt_number(p, t, 65535, &v, "an IP id (0-65535)")))
			return rc;
		pl->id = (uint16_t)v;
		return 0;
	}
	if (!strcmp(t->s, "mark")) {
		if ((rc = pl_once(p, t, PL_OPT_MARK)) || (rc = pl_opt_number(p, t, 0xffffffffUL, &v, "a mark (0x0-0xffffffff)")))
			return rc;
		pl->mark = (uint32_t)v;
		pl->has_mark = true;
		return 0;
	}
	if (!strcmp(t->s, "frag")) {
		if ((rc = pl_once(p, t, PL_OPT_FRAG)))
			return rc;
		pl->frag = true;
		return 0;
	}
	if (!strcmp(t->s, "seq") || !strcmp(t->s, "ack")) {
		bool seq = t->s[0] == 's';

		if (pl->proto != 6 && pl->proto != 0)
			return pl_error(p->err, t->col, t->width, "only tcp has '%s'", t->s);
		if ((rc = pl_once(p, t, seq ? PL_OPT_SEQ : PL_OPT_ACK)) ||
		    (rc = pl_opt_number(p, t, 0xffffffffUL, &v, "a sequence number (0-4294967295)")))
			return rc;
		if (seq) {
			pl->seq = (uint32_t)v;
			pl->has_seq = true;
		} else {
			pl->ack = (uint32_t)v;
			pl->has_ack = true;
		}
		return 0;
	}
	if (!strcmp(t->s, "type")) {
		if (pl->proto != 1)
			return pl_error(p->err, t->col, t->width, "only icmp has a type");
		if ((rc = pl_once(p, t, PL_OPT_TYPE)))
			return rc;
		a = pl_next(p);
		if (!a)
			return pl_missing(p, "an icmp type (echo-request, port-unreachable, 8, 3/3 ...)");
		if (a->quoted || pl_icmp_type(a->s, &pl->icmp_type, &pl->icmp_code))
			return pl_error(p->err, a->col, a->width,
					"unknown icmp type '%s' (a name as iptables -p icmp -h lists, TYPE or TYPE/CODE)", a->s);
		pl->has_icmp_type = true;
		return 0;
	}
	if (!strcmp(t->s, "payload")) {
		if ((rc = pl_once(p, t, PL_OPT_PAYLOAD)))
			return rc;
		a = pl_next(p);
		if (!a)
			return pl_missing(p, "a quoted payload (payload \"text\")");
		if (!a->quoted)
			return pl_error(p->err, a->col, a->width, "the payload goes in double quotes: payload \"text\"");
		memcpy(pl->payload, a->s, a->slen);
		pl->payload_len = a->slen;
		return 0;
	}
	if (pl->proto == 6 && !pl_flags(t->s, &(uint8_t){0}))
		return pl_error(p->err, t->col, t->width, "tcp flags go right after the destination");
	return pl_error(p->err, t->col, t->width,
			"unknown option '%s' (in, from-host, len, ttl, tos, frag, mark, payload, id%s)", t->s,
			pl->proto == 6 ? ", seq, ack" : pl->proto == 1 ? ", type" : "");
}

int nfemu_pktline_parse_opt(const char *text, unsigned int opts, struct nfemu_pktline *out,
			    struct nfemu_pktline_err *err)
{
	struct pl_parse p = { .err = err };
	int rc;

	p.tok = calloc(PL_MAX_TOKENS, sizeof(*p.tok));
	if (!p.tok)
		return pl_error(err, 1, 1, "out of memory");
	rc = pl_parse(text, opts, out, &p);
	free(p.tok);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int nfemu_pktline_parse(const char *text, struct nfemu_pktline *out, struct nfemu_pktline_err *err)
{
	return nfemu_pktline_parse_opt(text, 0, out, err);
}

void nfemu_pktline_free(struct nfemu_pktline *pl)
{
	if (pl->inner) {
		nfemu_pktline_free(pl->inner);
		free(pl->inner);
		pl->inner = NULL;
	}
}

/* ------------------------------------------------------------------------------------------
 * Building
 */

static uint32_t pl_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t pl_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void pl_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void pl_put32(uint8_t *p, uint32_t v)
{
	pl_put16(p, (uint16_t)(v >> 16));
	pl_put16(p + 2, (uint16_t)v);
}

int nfemu_pktline_build(const struct nfemu_pktline *pl, uint8_t *buf, size_t len)
{
	size_t l4hdr = 0, body, total;
	uint8_t *l4 = buf + 20;
	int inner_len = 0;

	switch (pl->proto) {
	case 6: l4hdr = 20; break;
	case 17: l4hdr = 8; break;
	case 1: l4hdr = 8; break;
	default: l4hdr = 0; break;
	}
	if (pl->inner) {
		if (len < 20 + l4hdr)
			return -EMSGSIZE;
		inner_len = nfemu_pktline_build(pl->inner, buf + 20 + l4hdr, len - 20 - l4hdr);
		if (inner_len < 0)
			return inner_len;
	}
	body = l4hdr + (size_t)inner_len + pl->payload_len;
	total = 20 + body;
	if (pl->len) {
		if (pl->len < total)
			return -EINVAL;
		total = pl->len;
	}
	if (len < total)
		return -EMSGSIZE;
	if (pl->payload_len)
		memcpy(buf + 20 + l4hdr + inner_len, pl->payload, pl->payload_len);
	memset(buf + 20 + l4hdr + inner_len + pl->payload_len, 0, total - (20 + body));
	body = total - 20;

	/* IPv4 header */
	buf[0] = 0x45;
	buf[1] = pl->tos;
	pl_put16(buf + 2, (uint16_t)total);
	pl_put16(buf + 4, pl->id);
	pl_put16(buf + 6, pl->frag ? 0x2000 : 0);       /* MF, offset 0 */
	buf[8] = pl->ttl;
	buf[9] = pl->proto;
	pl_put16(buf + 10, 0);
	memcpy(buf + 12, &pl->saddr, 4);
	memcpy(buf + 16, &pl->daddr, 4);
	pl_put16(buf + 10, pl_fold(pl_sum(buf, 20, 0)));

	if (pl->proto == 6 || pl->proto == 17) {
		uint32_t pseudo = pl_sum(buf + 12, 8, 0) + pl->proto + (uint32_t)body;
		uint16_t csum;

		pl_put16(l4, pl->sport);
		pl_put16(l4 + 2, pl->dport);
		if (pl->proto == 6) {
			pl_put32(l4 + 4, pl->seq);
			pl_put32(l4 + 8, (pl->tcp_flags & NFEMU_PKTLINE_ACK) || pl->has_ack ? pl->ack : 0);
			l4[12] = 5 << 4;
			l4[13] = pl->tcp_flags;
			pl_put16(l4 + 14, 64240);
			pl_put16(l4 + 16, 0);
			pl_put16(l4 + 18, 0);
			csum = pl_fold(pl_sum(l4, body, pseudo));
			pl_put16(l4 + 16, csum);
		} else {
			pl_put16(l4 + 4, (uint16_t)body);
			pl_put16(l4 + 6, 0);
			csum = pl_fold(pl_sum(l4, body, pseudo));
			pl_put16(l4 + 6, csum ? csum : 0xffff);
		}
	} else if (pl->proto == 1) {
		l4[0] = pl->icmp_type;
		l4[1] = pl->icmp_code;
		pl_put16(l4 + 2, 0);
		if (pl_icmp_is_echo(pl->icmp_type)) {
			pl_put16(l4 + 4, pl->icmp_echo_id);
			pl_put16(l4 + 6, pl->icmp_echo_seq);
		} else {
			pl_put32(l4 + 4, 0);
		}
		pl_put16(l4 + 2, pl_fold(pl_sum(l4, body, 0)));
	}
	return (int)total;
}

/* ------------------------------------------------------------------------------------------
 * Formatting
 */

static int pl_format_hdr(uint8_t proto, uint32_t saddr, uint32_t daddr, bool ports, uint16_t sport,
			 uint16_t dport, char *buf, size_t buflen)
{
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], p[8];

	inet_ntop(AF_INET, &saddr, s, sizeof(s));
	inet_ntop(AF_INET, &daddr, d, sizeof(d));
	snprintf(p, sizeof(p), "%u", proto);
	if (ports)
		return snprintf(buf, buflen, "%s %s:%u > %s:%u", proto == 6 ? "tcp" : proto == 17 ? "udp" : p,
				s, sport, d, dport);
	return snprintf(buf, buflen, "%s %s > %s", proto == 1 ? "icmp" : p, s, d);
}

static int pl_format_icmp(char *buf, size_t buflen, int n, uint8_t type, uint8_t code)
{
	const char *name = pl_icmp_type_name(type, code);
	size_t off = n < 0 ? 0 : (size_t)n;

	if (off >= buflen)
		return n + snprintf(NULL, 0, " type %u/%u", type, code);
	if (name)
		return n + snprintf(buf + off, buflen - off, " type %s", name);
	return n + snprintf(buf + off, buflen - off, " type %u/%u", type, code);
}

int nfemu_pktline_format(const uint8_t *pkt, size_t len, char *buf, size_t buflen)
{
	size_t ihl;
	uint32_t s, d;
	uint8_t proto;
	int n;

	if (len < 20 || (pkt[0] >> 4) != 4 || (ihl = (size_t)(pkt[0] & 15) * 4) < 20 || ihl > len)
		return -EINVAL;
	proto = pkt[9];
	memcpy(&s, pkt + 12, 4);
	memcpy(&d, pkt + 16, 4);
	if ((proto == 6 && len >= ihl + 14) || (proto == 17 && len >= ihl + 4)) {
		const uint8_t *l4 = pkt + ihl;

		n = pl_format_hdr(proto, s, d, true, (uint16_t)(l4[0] << 8 | l4[1]), (uint16_t)(l4[2] << 8 | l4[3]),
				  buf, buflen);
		if (proto == 6) {
			char f[10];
			size_t off = (size_t)n;

			nfemu_pktline_flags_str(l4[13], f);
			n += snprintf(off < buflen ? buf + off : NULL, off < buflen ? buflen - off : 0, " %s", f);
		}
		return n;
	}
	n = pl_format_hdr(proto, s, d, false, 0, 0, buf, buflen);
	if (proto == 1 && len >= ihl + 2)
		n = pl_format_icmp(buf, buflen, n, pkt[ihl], pkt[ihl + 1]);
	return n;
}

int nfemu_pktline_format_line(const struct nfemu_pktline *pl, char *buf, size_t buflen)
{
	bool ports = pl->proto == 6 || pl->proto == 17;
	int n = pl_format_hdr(pl->proto, pl->saddr, pl->daddr, ports, pl->sport, pl->dport, buf, buflen);

	if (pl->proto == 6) {
		char f[10];
		size_t off = (size_t)n;

		nfemu_pktline_flags_str(pl->tcp_flags, f);
		n += snprintf(off < buflen ? buf + off : NULL, off < buflen ? buflen - off : 0, " %s", f);
	} else if (pl->proto == 1) {
		n = pl_format_icmp(buf, buflen, n, pl->icmp_type, pl->icmp_code);
	}
	return n;
}

int nfemu_pktline_format_error(char *buf, size_t buflen, const char *file, int lineno, const char *line,
			       int col_base, const struct nfemu_pktline_err *err)
{
	int col = col_base + err->col;
	int w, i;

	w = snprintf(buf, buflen, "%s:%d:%d: %s\n  %s\n  ", file, lineno, col, err->msg, line);
	if (w < 0 || (size_t)w >= buflen)
		return w;
	/* the caret line: keep the line's tabs so the caret lines up */
	for (i = 0; i < col - 1 && line[i] && (size_t)w + 2 < buflen; i++)
		buf[w++] = line[i] == '\t' ? '\t' : ' ';
	if ((size_t)w + 2 < buflen) {
		buf[w++] = '^';
		for (i = 1; i < err->width && (size_t)w + 2 < buflen; i++)
			buf[w++] = '~';
	}
	buf[w] = '\0';
	return w;
}

void nfemu_pktline_print_error(FILE *f, const char *file, int lineno, const char *line, int col_base,
			       const struct nfemu_pktline_err *err)
{
	char buf[2048];

	nfemu_pktline_format_error(buf, sizeof(buf), file, lineno, line, col_base, err);
	fprintf(f, "%s\n", buf);
}
