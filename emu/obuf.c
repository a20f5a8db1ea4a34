/* emu/obuf.c - EMU: the writers' output buffer (emu/obuf.h).
 * No kernel counterpart.
 */
#include <errno.h>
#include <stdlib.h>
#include "emu/obuf.h"

int obuf_init(struct obuf *b, FILE *f)
{
	memset(b, 0, sizeof(*b));
	if (!f)
		return 0;
	b->buf = malloc(OBUF_SIZE);
	if (!b->buf)
		return -ENOMEM;
	b->f = f;
	return 0;
}

void obuf_drain(struct obuf *b)
{
	if (!b->f) {
		b->len = 0;
		return;
	}
	if (b->len && fwrite(b->buf, 1, b->len, b->f) != b->len && !b->err)
		b->err = errno ? errno : EIO;
	b->len = 0;
}

void obuf_put_long(struct obuf *b, const void *s, size_t n)
{
	obuf_drain(b);
	if (b->f && fwrite(s, 1, n, b->f) != n && !b->err)
		b->err = errno ? errno : EIO;
}

int obuf_flush(struct obuf *b)
{
	if (!b->f)
		return 0;
	obuf_drain(b);
	if (fflush(b->f) && !b->err)
		b->err = errno ? errno : EIO;
	return b->err ? -b->err : 0;
}

int obuf_fini(struct obuf *b)
{
	int ret = obuf_flush(b);

	free(b->buf);
	b->buf = NULL;
	b->f = NULL;
	return ret;
}

/* The length of the valid UTF-8 sequence at p (2-4 bytes, within end), or 0. */
static unsigned int utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned int need = p[0] >= 0xf0 && p[0] < 0xf5 ? 3 : p[0] >= 0xe0 && p[0] < 0xf0 ? 2 :
			    p[0] >= 0xc2 && p[0] < 0xe0 ? 1 : 0;

	if ((size_t)(end - p) <= need)
		return 0;
	for (unsigned int i = 1; i <= need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return need ? need + 1 : 0;
}

/* Runs that need no escape are copied in one go: this is the hot path of --jsonl (every
 * kernel log line goes through it). */
void obuf_json_str(struct obuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	obuf_putc(b, '"');
	for (;;) {
		unsigned char c;
		unsigned int u;

		/* eight bytes at a time while none needs a look: none below 0x20, none '"' or
		 * '\\', none from 0x80 (SWAR: a byte's high bit says it is one) */
		while (end - p >= 8) {
			const u64 ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
			u64 w, q, bs;

			memcpy(&w, p, 8);
			q = w ^ (ones * '"');
			bs = w ^ (ones * '\\');
			if (((w - ones * 0x20) | (q - ones) | (bs - ones) | w) & highs)
				break;
			p += 8;
		}
		c = p < end ? *p : 0;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			p++;
			continue;
		}
		if (c >= 0x80 && (u = utf8_len(p, end))) {
			p += u;
			continue;
		}
		if (p > run)
			obuf_put(b, run, (size_t)(p - run));
		if (p >= end || !c)
			break;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };

			obuf_put(b, e, 2);
		} else if (c == '\n') {
			obuf_lit(b, "\\n");
		} else if (c == '\t') {
			obuf_lit(b, "\\t");
		} else {
			char e[6] = { '\\', 'u', '0', '0', fmt_hexdigits[c >> 4], fmt_hexdigits[c & 15] };

			obuf_put(b, e, 6);
		}
		run = ++p;
	}
	obuf_putc(b, '"');
}

/* printf's "%.Nf" of (double)ns / 1e9, by integers where the double cannot round otherwise:
 * the value must be far enough from a rounding boundary for the double's error (below 1e-9 s
 * up to these bounds) not to matter; else printf itself. */
char *fmt_secs6(char *p, u64 ns)
{
	if (ns < 4000000000000000ULL && ns % 1000 != 500) {
		u64 us = (ns + 500) / 1000;

		p = fmt_u64(p, us / 1000000);
		*p++ = '.';
		return fmt_u64_zpad(p, us % 1000000, 6);
	}
	return p + sprintf(p, "%.6f", (double)ns / 1e9);
}

char *fmt_secs9(char *p, u64 ns)
{
	if (ns < 2000000000000000ULL) {
		p = fmt_u64(p, ns / 1000000000ULL);
		*p++ = '.';
		return fmt_u64_zpad(p, ns % 1000000000ULL, 9);
	}
	return p + sprintf(p, "%.9f", (double)ns / 1e9);
}
