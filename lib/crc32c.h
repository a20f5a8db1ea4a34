/* lib/crc32c.h - CRC32c (Castagnoli), as SCTP checksums its packets.
 *
 * Mirrors what crc32c() of lib/crc32.c computes (reflected polynomial 0x82F63B78; the caller
 * passes the seed and inverts the result, as sctp_compute_cksum does).  EMU: bit by bit, no
 * tables: only NAT of SCTP packets uses it.
 */
#ifndef NFEMU_LIB_CRC32C_H
#define NFEMU_LIB_CRC32C_H

#include "kernel/kernel.h"

static inline u32 crc32c(u32 crc, const void *p, unsigned int len)
{
	const u8 *b = p;

	while (len--) {
		crc ^= *b++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
	}
	return crc;
}

#endif
