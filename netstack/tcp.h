/* netstack/tcp.h - TCP constants and sequence arithmetic that netfilter shares with TCP.
 *
 * Mirrors the parts of include/net/tcp.h that conntrack, NAT and the targets use: before()/
 * after() on 32-bit sequence numbers, the option kinds and lengths, and the flag bits of the
 * header's 13th byte.
 */
#ifndef NFEMU_NETSTACK_TCP_H
#define NFEMU_NETSTACK_TCP_H

#include "kernel/kernel.h"

#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2
#define TCPOPT_WINDOW 3
#define TCPOPT_SACK_PERM 4
#define TCPOPT_SACK 5
#define TCPOPT_TIMESTAMP 8
#define TCPOLEN_WINDOW 3
#define TCPOLEN_SACK_PERM 2
#define TCPOLEN_TIMESTAMP 10
#define TCPOLEN_TSTAMP_ALIGNED 12
#define TCPOLEN_SACK_BASE 2
#define TCPOLEN_SACK_PERBLOCK 8
#define TCP_MAX_WSCALE 14U

#define TCPHDR_FIN 0x01
#define TCPHDR_SYN 0x02
#define TCPHDR_RST 0x04
#define TCPHDR_PSH 0x08
#define TCPHDR_ACK 0x10
#define TCPHDR_URG 0x20
#define TCPHDR_ECE 0x40
#define TCPHDR_CWR 0x80

#define tcp_flag_byte(th) (((const u8 *)(th))[13])

/* The next routines deal with comparing 32 bit unsigned ints and worry about wraparound
 * (automatic with unsigned arithmetic). */
static inline bool before(u32 seq1, u32 seq2)
{
	return (s32)(seq1 - seq2) < 0;
}
#define after(seq2, seq1) before(seq1, seq2)

/* One SACK block as it is on the wire. */
struct tcp_sack_block_wire {
	__be32 start_seq;
	__be32 end_seq;
};

#endif
