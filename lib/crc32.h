/* lib/crc32.h - CRC-32 (IEEE 802.3, reflected: zlib's crc32), eight bytes at a time.
 *
 * Mirrors what crc32_le() of lib/crc32.c computes with its slice-by-8 tables (here built on
 * first use).  EMU: used by the state file (emu/state.c), whose whole body it checks on every
 * load: a byte at a time it cost more than loading the rules.
 */
#ifndef NFEMU_LIB_CRC32_H
#define NFEMU_LIB_CRC32_H

#include <stddef.h>
#include <string.h>
#include "kernel/kernel.h"

static inline const u32 (*crc32_tables(void))[256]
{
	static u32 t[8][256];
	static bool ready;

	if (!ready) {
		for (u32 i = 0; i < 256; i++) {
			u32 c = i;

			for (int k = 0; k < 8; k++)
				c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
			t[0][i] = c;
		}
		for (u32 i = 0; i < 256; i++)
			for (int s = 1; s < 8; s++)
				t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 0xff];
		ready = true;
	}
	return (const u32 (*)[256])t;
}

/* The CRC of what crc covered followed by len bytes at p (zlib's crc32(crc, p, len)). */
static inline u32 crc32_ieee_update(u32 crc, const void *buf, size_t len)
{
	const u32 (*t)[256] = crc32_tables();
	const unsigned char *p = buf;

	crc ^= 0xffffffffu;

	for (; len >= 8; p += 8, len -= 8) {
		u32 lo, hi;

		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		lo = __builtin_bswap32(lo);
		hi = __builtin_bswap32(hi);
#endif
		lo ^= crc;
		crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
		      t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
	}
	while (len--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc ^ 0xffffffffu;
}

/* The CRC of len bytes at p (a fresh one: crc32(0, p, len) in zlib's terms). */
static inline u32 crc32_ieee(const void *buf, size_t len)
{
	return crc32_ieee_update(0, buf, len);
}

#endif
