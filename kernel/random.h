/* kernel/random.h - EMU: the kernel's randomness from one seeded generator per struct net.
 *
 * statistic --mode random, NAT --random, ephemeral ports and hash seeds all draw from
 * net->rnd_state (xoshiro256**), seeded by `--seed N` (default 0), so the same inputs give
 * the same bytes out.  get_random_u32() keeps its kernel name and takes the net.
 */
#ifndef NFEMU_EMU_RANDOM_H
#define NFEMU_EMU_RANDOM_H

#include "kernel/net.h"

static inline u64 nfemu_rotl(u64 x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline void nfemu_random_seed(struct net *net, u64 seed)
{
	/* splitmix64 to spread the seed over the four words */
	for (int i = 0; i < 4; i++) {
		u64 z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		net->rnd_state[i] = z ^ (z >> 31);
	}
}

static inline u64 get_random_u64(struct net *net)
{
	u64 *s = net->rnd_state;
	u64 result = nfemu_rotl(s[1] * 5, 7) * 9;
	u64 t = s[1] << 17;

	if (!(s[0] | s[1] | s[2] | s[3]))
		nfemu_random_seed(net, 0);
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = nfemu_rotl(s[3], 45);
	return result;
}

static inline u32 get_random_u32(struct net *net)
{
	return (u32)(get_random_u64(net) >> 32);
}

/* A uniformly random number in [0, ceil), as get_random_u32_below(). */
static inline u32 get_random_u32_below(struct net *net, u32 ceil)
{
	return ceil ? (u32)(((u64)get_random_u32(net) * ceil) >> 32) : 0;
}

#endif
