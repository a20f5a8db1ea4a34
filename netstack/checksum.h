/* netstack/checksum.h - Internet checksums: full sums and incremental updates.
 *
 * Mirrors include/net/checksum.h and include/asm-generic/checksum.h: csum_partial,
 * csum_fold, ip_fast_csum, csum_tcpudp_magic, csum_replace2/4 and inet_proto_csum_replace*
 * (net/core/utils.c).  A __wsum is kept in memory byte order, as on x86_64.
 * EMU: the sk_buff has no skb->csum, so CHECKSUM_COMPLETE packets are not re-summed.
 */
#ifndef NFEMU_NETSTACK_CHECKSUM_H
#define NFEMU_NETSTACK_CHECKSUM_H

#include "kernel/kernel.h"

struct sk_buff;

/* skb->ip_summed values: netstack/skbuff.h */

/* A transmitted zero UDP checksum means "none": a computed 0 is sent as 0xffff. */
#define CSUM_MANGLED_0 ((__sum16)0xffff)

/* 32-bit partial sum of len bytes at buff, added to sum. */
__wsum csum_partial(const void *buff, int len, __wsum sum);
/* The folded checksum of an IPv4 header of ihl 32-bit words. */
__sum16 ip_fast_csum(const void *iph, unsigned int ihl);
/* The folded checksum of len bytes (ICMP and friends). */
__sum16 ip_compute_csum(const void *buff, int len);
/* Add the TCP/UDP pseudo-header (len in host order) to sum. */
__wsum csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum);

void inet_proto_csum_replace4(__sum16 *sum, struct sk_buff *skb, __be32 from, __be32 to,
			      bool pseudohdr);

static inline u32 nfemu_ror32(u32 word, unsigned int shift)
{
	return (word >> (shift & 31)) | (word << ((-shift) & 31));
}

static inline __sum16 csum_fold(__wsum csum)
{
	u32 sum = (u32)csum;

	return (__sum16)((~sum - nfemu_ror32(sum, 16)) >> 16);
}

static inline __sum16 csum_tcpudp_magic(__be32 saddr, __be32 daddr, u32 len, u8 proto, __wsum sum)
{
	return csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum));
}

static inline __wsum csum_add(__wsum csum, __wsum addend)
{
	u32 res = (u32)csum;

	res += (u32)addend;
	return (__wsum)(res + (res < (u32)addend));
}

static inline __wsum csum_sub(__wsum csum, __wsum addend)
{
	return csum_add(csum, ~addend);
}

static inline __sum16 csum16_add(__sum16 csum, __be16 addend)
{
	u16 res = (u16)csum;

	res += (u16)addend;
	return (__sum16)(res + (res < (u16)addend));
}

static inline __sum16 csum16_sub(__sum16 csum, __be16 addend)
{
	return csum16_add(csum, ~addend);
}

static inline __wsum csum_unfold(__sum16 n)
{
	return (__wsum)n;
}

static inline void csum_replace_by_diff(__sum16 *sum, __wsum diff)
{
	*sum = csum_fold(csum_add(diff, ~csum_unfold(*sum)));
}

static inline void csum_replace4(__sum16 *sum, __be32 from, __be32 to)
{
	__wsum tmp = csum_sub(~csum_unfold(*sum), (__wsum)from);

	*sum = csum_fold(csum_add(tmp, (__wsum)to));
}

/* RFC 1624 3.: HC' = ~(~HC + ~m + m') for one 16-bit field m -> m'. */
static inline void csum_replace2(__sum16 *sum, __be16 old, __be16 new)
{
	*sum = ~csum16_add(csum16_sub(~(*sum), old), new);
}

static inline void inet_proto_csum_replace2(__sum16 *sum, struct sk_buff *skb, __be16 from,
					    __be16 to, bool pseudohdr)
{
	inet_proto_csum_replace4(sum, skb, (__be32)from, (__be32)to, pseudohdr);
}

#endif
