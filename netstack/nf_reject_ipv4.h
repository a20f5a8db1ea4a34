/* netstack/nf_reject_ipv4.h - the packets netfilter sends when it rejects one (REJECT).
 *
 * Mirrors include/net/netfilter/ipv4/nf_reject.h, include/net/netfilter/nf_reject.h
 * (nf_reject_verify_csum) and nf_ip_checksum() of include/linux/netfilter_ipv4.h.
 * Leaves out the nft/netdev builders of whole skbs (nf_reject_skb_v4_*).
 */
#ifndef NFEMU_NETSTACK_NF_REJECT_IPV4_H
#define NFEMU_NETSTACK_NF_REJECT_IPV4_H

#include <linux/tcp.h>
#include "kernel/kernel.h"

struct net;
struct sock;
struct sk_buff;
struct iphdr;

/* Answer a TCP segment with a RST from its destination (no RST for a RST, a fragment, a bad
 * checksum, or a broadcast/multicast route).  hook is where the segment was rejected. */
void nf_send_reset(struct net *net, struct sock *sk, struct sk_buff *oldskb, int hook);
/* Answer a packet with ICMP destination unreachable `code` (through icmp_send, so with its
 * rules and rate limits), unless it is a later fragment or its checksum is wrong. */
void nf_send_unreach(struct sk_buff *skb_in, int code, int hook);

/* The TCP header to answer, or NULL when no reset may be sent. */
const struct tcphdr *nf_reject_ip_tcphdr_get(struct sk_buff *oldskb, struct tcphdr *_oth, int hook);
/* Append the IPv4 header of the answer (addresses swapped, DF, TOS 0, ID 0) to nskb. */
struct iphdr *nf_reject_iphdr_put(struct sk_buff *nskb, const struct sk_buff *oldskb,
				  u8 protocol, int ttl);
/* Append the RST: ports swapped, seq from the ACK or ack_seq covering the segment. */
void nf_reject_ip_tcphdr_put(struct sk_buff *nskb, const struct sk_buff *oldskb,
			     const struct tcphdr *oth);

/* Whether the packet's transport checksum covers all of it (UDP: only when not zero; AH, ESP,
 * SCTP, GRE, UDP-Lite, DCCP: no), i.e. whether a wrong one must stop the answer. */
bool nf_reject_verify_csum(struct sk_buff *skb, int dataoff, u8 proto);
/* 0 if the transport checksum (with the pseudo header for TCP/UDP) is right, as
 * net/netfilter/utils.c computes it; packets the stack knows to be good answer 0. */
__sum16 nf_ip_checksum(struct sk_buff *skb, unsigned int hook, unsigned int dataoff, u8 protocol);

#endif
