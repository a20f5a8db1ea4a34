/* conntrack/nf_conntrack_seqadj.h - TCP sequence adjustment for helpers that resize payloads.
 *
 * Mirrors include/net/netfilter/nf_conntrack_seqadj.h: when NAT's FTP helper rewrites "PORT
 * 192,0,2,10,..." with a longer or shorter address, every later sequence number of that
 * direction (and acknowledgement of the other) is off by the difference; the extension
 * (struct nf_conn_seqadj, conntrack/nf_conntrack.h) remembers where and by how much.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_SEQADJ_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_SEQADJ_H

#include "conntrack/nf_conntrack.h"

int nf_ct_seqadj_init(struct nf_conn *ct, enum ip_conntrack_info ctinfo, s32 off);
/* The payload of the packet with sequence number seq grew by off bytes (shrank if < 0). */
int nf_ct_seqadj_set(struct nf_conn *ct, enum ip_conntrack_info ctinfo, __be32 seq, s32 off);
void nf_ct_tcp_seqadj_set(struct sk_buff *skb, struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			  s32 off);
/* Rewrite seq, ack and SACK blocks of a packet of ct: 1 on success, 0 on failure. */
int nf_ct_seq_adjust(struct sk_buff *skb, struct nf_conn *ct, enum ip_conntrack_info ctinfo,
		     unsigned int protoff);
/* The offset in direction dir for a sequence number seq (the TCP tracker's window check). */
s32 nf_ct_seq_offset(const struct nf_conn *ct, enum ip_conntrack_dir dir, u32 seq);

#endif
