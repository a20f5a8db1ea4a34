/* netstack/dsfield.h - read and rewrite the IPv4 DS field (TOS byte).
 *
 * Mirrors include/net/dsfield.h for IPv4: ipv4_change_dsfield keeps the bits in `mask`,
 * ORs in `value` and patches the header checksum with the kernel's own arithmetic (which
 * is not csum_replace2: it adds the old TOS and subtracts the new one in the low byte of
 * the checksum word, folding carries its way).  Leaves out the IPv6 variants.
 */
#ifndef NFEMU_NETSTACK_DSFIELD_H
#define NFEMU_NETSTACK_DSFIELD_H

#include <linux/ip.h>
#include "kernel/kernel.h"

static inline u8 ipv4_get_dsfield(const struct iphdr *iph)
{
	return iph->tos;
}

static inline void ipv4_change_dsfield(struct iphdr *iph, u8 mask, u8 value)
{
	u8 *csum = (u8 *)&iph->check;
	u32 check = (u32)csum[0] << 8 | csum[1];        /* ntohs(iph->check) */
	u8 dsfield;

	dsfield = (iph->tos & mask) | value;
	check += iph->tos;
	if ((check + 1) >> 16)
		check = (check + 1) & 0xffff;
	check -= dsfield;
	check += check >> 16;   /* adjust carry */
	csum[0] = (u8)(check >> 8);                     /* iph->check = htons(check) */
	csum[1] = (u8)check;
	iph->tos = dsfield;
}

#endif
