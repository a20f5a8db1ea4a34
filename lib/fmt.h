/* lib/fmt.h - hand-written number and address formatting for the per-packet paths.
 *
 * No kernel counterpart: Linux formats its log lines with vsnprintf; nfemu writes the same
 * bytes with these (the nf_log line, fate lines, JSON Lines), so a replay that prints every
 * packet is not bound by printf's format parsing.  Each function writes at p and returns the
 * end; the caller guarantees the room (the FMT_*_MAX bound of each).  Byte for byte what
 * printf writes for the format named beside each.
 */
#ifndef NFEMU_LIB_FMT_H
#define NFEMU_LIB_FMT_H

#include <string.h>
#include "kernel/kernel.h"

#define FMT_U32_MAX 10          /* "%u" of a u32 */
#define FMT_U64_MAX 20          /* "%llu" */
#define FMT_IP4_MAX 15          /* "255.255.255.255" */

static const char fmt_hexdigits[] = "0123456789abcdef";

/* "%u" */
static inline char *fmt_u32(char *p, u32 v)
{
	char tmp[FMT_U32_MAX];
	unsigned int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "%llu" */
static inline char *fmt_u64(char *p, u64 v)
{
	char tmp[FMT_U64_MAX];
	unsigned int n = 0;

	if (v <= 0xffffffffu)
		return fmt_u32(p, (u32)v);
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "%d" */
static inline char *fmt_int(char *p, int v)
{
	if (v < 0) {
		*p++ = '-';
		return fmt_u32(p, 0u - (u32)v);
	}
	return fmt_u32(p, (u32)v);
}

/* "%0*u": at least width digits, zero-padded (width <= 20) */
static inline char *fmt_u64_zpad(char *p, u64 v, unsigned int width)
{
	char tmp[FMT_U64_MAX];
	unsigned int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < width)
		tmp[n++] = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "%02x" */
static inline char *fmt_hex2(char *p, u8 v)
{
	*p++ = fmt_hexdigits[v >> 4];
	*p++ = fmt_hexdigits[v & 15];
	return p;
}

/* "%x" */
static inline char *fmt_hex(char *p, u32 v)
{
	char tmp[8];
	unsigned int n = 0;

	do {
		tmp[n++] = fmt_hexdigits[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* "%u.%u.%u.%u" of the bytes a[0..3] (an address in network order, as inet_ntop writes it) */
static inline char *fmt_ip4(char *p, const void *addr)
{
	const u8 *a = addr;

	for (int i = 0; i < 4; i++) {
		u8 b = a[i];

		if (i)
			*p++ = '.';
		if (b >= 100) {
			*p++ = (char)('0' + b / 100);
			b %= 100;
			*p++ = (char)('0' + b / 10);
			*p++ = (char)('0' + b % 10);
		} else if (b >= 10) {
			*p++ = (char)('0' + b / 10);
			*p++ = (char)('0' + b % 10);
		} else {
			*p++ = (char)('0' + b);
		}
	}
	return p;
}

/* The bytes of s (no terminator) */
static inline char *fmt_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* "%s" of a literal: the length is known at compile time */
#define fmt_lit(p, s) (memcpy((p), (s), sizeof(s) - 1), (p) + sizeof(s) - 1)

#endif
