/* lib/ctype.h - the kernel's character classes and case mapping (ISO 8859-1).
 *
 * Mirrors include/linux/ctype.h and lib/ctype.c: Latin-1 letters are classified too, so
 * toupper() maps 0xe0 to 0xc0, and also 0xdf to 0xbf and 0xff to 0xdf (it subtracts 0x20
 * from every lower case letter).  EMU: named kernel_* so as not to clash with <ctype.h>.
 */
#ifndef NFEMU_LIB_CTYPE_H
#define NFEMU_LIB_CTYPE_H

#define _U	0x01	/* upper */
#define _L	0x02	/* lower */
#define _D	0x04	/* digit */
#define _C	0x08	/* cntrl */
#define _P	0x10	/* punct */
#define _S	0x20	/* white space (space/lf/tab) */
#define _X	0x40	/* hex digit */
#define _SP	0x80	/* hard space (0x20) */

static const unsigned char kernel_ctype[256] = {
	_C, _C, _C, _C, _C, _C, _C, _C,                                 /* 0-7 */
	_C, _C | _S, _C | _S, _C | _S, _C | _S, _C | _S, _C, _C,        /* 8-15 */
	_C, _C, _C, _C, _C, _C, _C, _C,                                 /* 16-23 */
	_C, _C, _C, _C, _C, _C, _C, _C,                                 /* 24-31 */
	_S | _SP, _P, _P, _P, _P, _P, _P, _P,                           /* 32-39 */
	_P, _P, _P, _P, _P, _P, _P, _P,                                 /* 40-47 */
	_D, _D, _D, _D, _D, _D, _D, _D,                                 /* 48-55 */
	_D, _D, _P, _P, _P, _P, _P, _P,                                 /* 56-63 */
	_P, _U | _X, _U | _X, _U | _X, _U | _X, _U | _X, _U | _X, _U,   /* 64-71 */
	_U, _U, _U, _U, _U, _U, _U, _U,                                 /* 72-79 */
	_U, _U, _U, _U, _U, _U, _U, _U,                                 /* 80-87 */
	_U, _U, _U, _P, _P, _P, _P, _P,                                 /* 88-95 */
	_P, _L | _X, _L | _X, _L | _X, _L | _X, _L | _X, _L | _X, _L,   /* 96-103 */
	_L, _L, _L, _L, _L, _L, _L, _L,                                 /* 104-111 */
	_L, _L, _L, _L, _L, _L, _L, _L,                                 /* 112-119 */
	_L, _L, _L, _P, _P, _P, _P, _C,                                 /* 120-127 */
	[128 ... 159] = 0,
	[160] = _S | _SP,
	[161 ... 191] = _P,
	[192 ... 214] = _U,
	[215] = _P,
	[216 ... 222] = _U,
	[223 ... 246] = _L,
	[247] = _P,
	[248 ... 255] = _L,
};

static inline int kernel_islower(unsigned char c)
{
	return kernel_ctype[c] & _L;
}

static inline int kernel_isupper(unsigned char c)
{
	return kernel_ctype[c] & _U;
}

static inline unsigned char kernel_tolower(unsigned char c)
{
	if (kernel_isupper(c))
		c -= 'A' - 'a';
	return c;
}

static inline unsigned char kernel_toupper(unsigned char c)
{
	if (kernel_islower(c))
		c -= 'a' - 'A';
	return c;
}

#endif
