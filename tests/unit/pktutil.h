/* tests/unit/pktutil.h - byte and checksum helpers for hand-built packets in the unit tests.
 *
 * Deliberately independent of netstack/checksum.c: the tests check the emulated kernel's
 * checksums with this separate, plain implementation of RFC 1071.
 */
#ifndef NFEMU_TESTS_PKTUTIL_H
#define NFEMU_TESTS_PKTUTIL_H

#include <stdint.h>

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Add len bytes as big-endian 16-bit words (an odd last byte padded with zero) to s. */
static inline uint32_t sum16(const uint8_t *p, unsigned int len, uint32_t s)
{
	for (unsigned int i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

/* Fold a 32-bit sum to 16 bits and complement it: the Internet checksum. */
static inline uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#endif
