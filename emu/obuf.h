/* emu/obuf.h - EMU: the replay writers' output buffer: bytes gathered in large blocks and
 * handed to the FILE (a file, a pipe, the terminal) a block at a time.
 * No kernel counterpart.  The writers format straight into the buffer with lib/fmt.h, so a
 * line costs its bytes, not a printf.  Whoever writes to the same FILE directly flushes the
 * buffer first (obuf_flush).
 */
#ifndef NFEMU_EMU_OBUF_H
#define NFEMU_EMU_OBUF_H

#include <stdio.h>
#include <string.h>
#include "kernel/kernel.h"
#include "lib/fmt.h"

#define OBUF_SIZE (256 * 1024)
#define OBUF_RESERVE_MAX 4096   /* the most one obuf_reserve may ask for */

struct obuf {
	FILE *f;                        /* NULL: nothing is written (the buffer is not there) */
	char *buf;
	size_t len;
	int err;                        /* errno of the first failed write, 0 */
};

/* 0, or -ENOMEM.  f NULL makes an inactive buffer that writes nothing. */
int obuf_init(struct obuf *b, FILE *f);
/* Hand the buffered bytes to the FILE and flush it.  0, or -errno of the first failure. */
int obuf_flush(struct obuf *b);
/* Flush and free the buffer (the FILE is the caller's).  0, or -errno. */
int obuf_fini(struct obuf *b);
void obuf_drain(struct obuf *b);        /* the buffer to the FILE, without fflush */

/* Room for n (<= OBUF_RESERVE_MAX) bytes at the returned pointer; obuf_commit(b, end) after. */
static inline char *obuf_reserve(struct obuf *b, size_t n)
{
	if (b->len + n > OBUF_SIZE)
		obuf_drain(b);
	return b->buf + b->len;
}

static inline void obuf_commit(struct obuf *b, char *end)
{
	b->len = (size_t)(end - b->buf);
}

void obuf_put_long(struct obuf *b, const void *s, size_t n);

static inline void obuf_put(struct obuf *b, const void *s, size_t n)
{
	if (n > OBUF_RESERVE_MAX) {
		obuf_put_long(b, s, n);
		return;
	}
	memcpy(obuf_reserve(b, n), s, n);
	b->len += n;
}

static inline void obuf_puts(struct obuf *b, const char *s)
{
	obuf_put(b, s, strlen(s));
}

static inline void obuf_putc(struct obuf *b, char c)
{
	*obuf_reserve(b, 1) = c;
	b->len++;
}

#define obuf_lit(b, s) obuf_put((b), (s), sizeof(s) - 1)

static inline void obuf_u64(struct obuf *b, u64 v)
{
	obuf_commit(b, fmt_u64(obuf_reserve(b, FMT_U64_MAX), v));
}

/* s (n bytes) as a JSON string, quotes included: printable ASCII and valid UTF-8 as is, '"'
 * and '\\' escaped, "\n", "\t", other control bytes and invalid UTF-8 as \u00XX. */
void obuf_json_str(struct obuf *b, const char *s, size_t n);

static inline void obuf_json_cstr(struct obuf *b, const char *s)
{
	obuf_json_str(b, s, strlen(s));
}

/* "%.6f" of ns / 1e9 (seconds since the capture's first packet, as the fate line prints). */
char *fmt_secs6(char *p, u64 ns);
/* "%.9f" of ns / 1e9 */
char *fmt_secs9(char *p, u64 ns);

#endif
