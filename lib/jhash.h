/* lib/jhash.h - Bob Jenkins' lookup3 hash, as the kernel spreads hash tables and flows.
 *
 * Mirrors include/linux/jhash.h (jhash2, jhash_3words/2words/1word) and reciprocal_scale() of
 * include/linux/math.h: the same key and initval give the kernel's value.  Leaves out jhash()
 * over a byte string.
 */
#ifndef NFEMU_LIB_JHASH_H
#define NFEMU_LIB_JHASH_H

#include "kernel/kernel.h"

/* An arbitrary start value (the kernel's JHASH_INITVAL). */
#define JHASH_INITVAL 0xdeadbeef

static inline u32 jhash_rol32(u32 word, unsigned int shift)
{
	return (word << (shift & 31)) | (word >> ((-shift) & 31));
}

/* __jhash_mix: mix three 32-bit values reversibly. */
static inline void __jhash_mix(u32 *a, u32 *b, u32 *c)
{
	*a -= *c; *a ^= jhash_rol32(*c, 4);  *c += *b;
	*b -= *a; *b ^= jhash_rol32(*a, 6);  *a += *c;
	*c -= *b; *c ^= jhash_rol32(*b, 8);  *b += *a;
	*a -= *c; *a ^= jhash_rol32(*c, 16); *c += *b;
	*b -= *a; *b ^= jhash_rol32(*a, 19); *a += *c;
	*c -= *b; *c ^= jhash_rol32(*b, 4);  *b += *a;
}

/* __jhash_final: final mixing of three 32-bit values into c. */
static inline void __jhash_final(u32 *a, u32 *b, u32 *c)
{
	*c ^= *b; *c -= jhash_rol32(*b, 14);
	*a ^= *c; *a -= jhash_rol32(*c, 11);
	*b ^= *a; *b -= jhash_rol32(*a, 25);
	*c ^= *b; *c -= jhash_rol32(*b, 16);
	*a ^= *c; *a -= jhash_rol32(*c, 4);
	*b ^= *a; *b -= jhash_rol32(*a, 14);
	*c ^= *b; *c -= jhash_rol32(*b, 24);
}

/* jhash2: hash an array of length u32 words. */
static inline u32 jhash2(const u32 *k, u32 length, u32 initval)
{
	u32 a, b, c;

	a = b = c = JHASH_INITVAL + (length << 2) + initval;
	while (length > 3) {
		a += k[0];
		b += k[1];
		c += k[2];
		__jhash_mix(&a, &b, &c);
		length -= 3;
		k += 3;
	}
	switch (length) {
	case 3:
		c += k[2];
		/* fall through */
	case 2:
		b += k[1];
		/* fall through */
	case 1:
		a += k[0];
		__jhash_final(&a, &b, &c);
		break;
	default:
		break;
	}
	return c;
}

/* __jhash_nwords: hash exactly 3, 2 or 1 word(s). */
static inline u32 __jhash_nwords(u32 a, u32 b, u32 c, u32 initval)
{
	a += initval;
	b += initval;
	c += initval;
	__jhash_final(&a, &b, &c);
	return c;
}

static inline u32 jhash_3words(u32 a, u32 b, u32 c, u32 initval)
{
	return __jhash_nwords(a, b, c, initval + JHASH_INITVAL + (3 << 2));
}

static inline u32 jhash_2words(u32 a, u32 b, u32 initval)
{
	return __jhash_nwords(a, b, 0, initval + JHASH_INITVAL + (2 << 2));
}

static inline u32 jhash_1word(u32 a, u32 initval)
{
	return __jhash_nwords(a, 0, 0, initval + JHASH_INITVAL + (1 << 2));
}

/* reciprocal_scale: a value in [0, ep_ro) from a 32-bit hash, without a division. */
static inline u32 reciprocal_scale(u32 val, u32 ep_ro)
{
	return (u32)(((u64)val * ep_ro) >> 32);
}

#endif
