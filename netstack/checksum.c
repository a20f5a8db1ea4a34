/* netstack/checksum.c - csum_partial, ip_fast_csum and the protocol checksum updates.
 *
 * Mirrors lib/checksum.c (the generic do_csum; x86_64's assembly yields the same folded
 * sums) and inet_proto_csum_replace4 of net/core/utils.c.
 * EMU: sums are computed bytewise relative to the buffer, so the buffer's alignment does
 * not matter; CHECKSUM_COMPLETE's skb->csum update is left out (no skb->csum).
 */
#include <string.h>
#include "netstack/checksum.h"
#include "netstack/skbuff.h"

static u32 from64to32(u64 x)
{
	/* add up 32-bit and 32-bit for 32+c bit */
	x = (x & 0xffffffffu) + (x >> 32);
	/* add up carry.. */
	x = (x & 0xffffffffu) + (x >> 32);
	return (u32)x;
}

/* 16-bit words in memory order (little-endian loads), as the kernel sums them.  EMU: eight
 * bytes at a time into a 128-bit accumulator (one add with carry per word); the 64-bit words'
 * ones' complement sum, its carries folded back in, folds to the one the 16-bit words give
 * (2^16 = 1 in that arithmetic). */
__wsum csum_partial(const void *buff, int len, __wsum wsum)
{
	const unsigned char *p = buff;
	unsigned __int128 acc = (u32)wsum;
	u64 sum, hi;
	int i = 0;

	for (; i + 16 <= len; i += 16) {
		u64 w0, w1;

		memcpy(&w0, p + i, sizeof(w0));
		memcpy(&w1, p + i + 8, sizeof(w1));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w0 = __builtin_bswap64(w0);
		w1 = __builtin_bswap64(w1);
#endif
		acc += w0;
		acc += w1;
	}
	for (; i + 8 <= len; i += 8) {
		u64 w;

		memcpy(&w, p + i, sizeof(w));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		acc += w;
	}
	sum = (u64)acc;
	hi = (u64)(acc >> 64);
	sum += hi;
	sum += sum < hi;                /* end-around carry */
	sum = (sum & 0xffffffffu) + (sum >> 32);        /* now < 2^33: room for the tail */
	for (; i + 1 < len; i += 2)
		sum += (u32)p[i] | ((u32)p[i + 1] << 8);
	if (len > 0 && (len & 1))
		sum += p[len - 1];
	return (__wsum)from64to32(sum);
}

__sum16 ip_fast_csum(const void *iph, unsigned int ihl)
{
	return csum_fold(csum_partial(iph, ihl * 4, 0));
}

__sum16 ip_compute_csum(const void *buff, int len)
{
	return csum_fold(csum_partial(buff, len, 0));
}

__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
	u64 s = (u32)sum;

	s += (u32)saddr;
	s += (u32)daddr;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	s += proto + len;
#else
	s += (u32)((proto + len) << 8);
#endif
	return (__wsum)from64to32(s);
}

void inet_proto_csum_replace4(__sum16 *sum, struct sk_buff *skb, __be32 from, __be32 to,
			      bool pseudohdr)
{
	if (skb->ip_summed != CHECKSUM_PARTIAL) {
		csum_replace4(sum, from, to);
		/* EMU: CHECKSUM_COMPLETE would also update skb->csum here; nfemu keeps none. */
	} else if (pseudohdr) {
		*sum = ~csum_fold(csum_add(csum_sub(csum_unfold(*sum), (__wsum)from), (__wsum)to));
	}
}
