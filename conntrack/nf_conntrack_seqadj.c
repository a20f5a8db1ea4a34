/* conntrack/nf_conntrack_seqadj.c - TCP sequence adjustment (the seqadj extension).
 *
 * Mirrors net/netfilter/nf_conntrack_seqadj.c: a helper that changes a payload's length calls
 * nf_ct_seqadj_set (through __nf_nat_mangle_tcp_packet); from then on nf_confirm calls
 * nf_ct_seq_adjust for every packet of the connection (IPS_SEQ_ADJUST): sequence numbers after
 * the correction point move by offset_after, earlier ones (retransmissions) by offset_before,
 * acknowledgements and SACK blocks of the other direction the opposite way, checksums updated
 * incrementally.  One correction per window, as in Linux.
 * EMU: no ct->lock (one CPU); no IPCT_SEQADJ event (no ctnetlink listener).
 */
#include <arpa/inet.h>
#include <linux/tcp.h>
#include "conntrack/nf_conntrack_seqadj.h"
#include "netstack/checksum.h"
#include "netstack/ip.h"
#include "netstack/skbuff.h"
#include "netstack/tcp.h"

int nf_ct_seqadj_init(struct nf_conn *ct, enum ip_conntrack_info ctinfo, s32 off)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	struct nf_conn_seqadj *seqadj;
	struct nf_ct_seqadj *this_way;

	if (off == 0)
		return 0;
	ct->status |= IPS_SEQ_ADJUST;
	seqadj = nfct_seqadj(ct);
	if (!seqadj)
		return 0;
	this_way = &seqadj->seq[dir];
	this_way->offset_before = off;
	this_way->offset_after = off;
	return 0;
}

int nf_ct_seqadj_set(struct nf_conn *ct, enum ip_conntrack_info ctinfo, __be32 seq, s32 off)
{
	struct nf_conn_seqadj *seqadj = nfct_seqadj(ct);
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	struct nf_ct_seqadj *this_way;

	if (off == 0)
		return 0;
	if (!seqadj)    /* Linux WARNs: nf_nat_setup_info adds the extension for helped entries */
		return 0;
	ct->status |= IPS_SEQ_ADJUST;
	this_way = &seqadj->seq[dir];
	if (this_way->offset_before == this_way->offset_after ||
	    before(this_way->correction_pos, ntohl(seq))) {
		this_way->correction_pos = ntohl(seq);
		this_way->offset_before = this_way->offset_after;
		this_way->offset_after += off;
	}
	return 0;
}

void nf_ct_tcp_seqadj_set(struct sk_buff *skb, struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			  s32 off)
{
	const struct tcphdr *th;

	if (nf_ct_protonum(ct) != IPPROTO_TCP)
		return;
	th = (const struct tcphdr *)(skb_network_header(skb) + ip_hdrlen(skb));
	nf_ct_seqadj_set(ct, ctinfo, th->seq, off);
}

/* Adjust one found SACK option including checksum correction */
static void nf_ct_sack_block_adjust(struct sk_buff *skb, struct tcphdr *tcph, unsigned int sackoff,
				    unsigned int sackend, const struct nf_ct_seqadj *seq)
{
	while (sackoff < sackend) {
		struct tcp_sack_block_wire *sack = (void *)(skb->data + sackoff);
		__be32 new_start_seq, new_end_seq;

		if (after(ntohl(sack->start_seq) - (u32)seq->offset_before, seq->correction_pos))
			new_start_seq = htonl(ntohl(sack->start_seq) - (u32)seq->offset_after);
		else
			new_start_seq = htonl(ntohl(sack->start_seq) - (u32)seq->offset_before);

		if (after(ntohl(sack->end_seq) - (u32)seq->offset_before, seq->correction_pos))
			new_end_seq = htonl(ntohl(sack->end_seq) - (u32)seq->offset_after);
		else
			new_end_seq = htonl(ntohl(sack->end_seq) - (u32)seq->offset_before);

		inet_proto_csum_replace4(&tcph->check, skb, sack->start_seq, new_start_seq, false);
		inet_proto_csum_replace4(&tcph->check, skb, sack->end_seq, new_end_seq, false);
		sack->start_seq = new_start_seq;
		sack->end_seq = new_end_seq;
		sackoff += sizeof(*sack);
	}
}

/* TCP SACK sequence number adjustment */
static unsigned int nf_ct_sack_adjust(struct sk_buff *skb, unsigned int protoff,
				      struct tcphdr *tcph, struct nf_conn *ct,
				      enum ip_conntrack_info ctinfo)
{
	const struct nf_conn_seqadj *seqadj = nfct_seqadj(ct);
	unsigned int dir, optoff, optend;

	optoff = protoff + sizeof(struct tcphdr);
	optend = protoff + tcph->doff * 4;

	if (skb_ensure_writable(skb, optend))
		return 0;

	dir = CTINFO2DIR(ctinfo);

	while (optoff < optend) {
		/* Usually: option, length. */
		unsigned char *op = skb->data + optoff;

		switch (op[0]) {
		case TCPOPT_EOL:
			return 1;
		case TCPOPT_NOP:
			optoff++;
			continue;
		default:
			/* no partial options */
			if (optoff + 1 == optend || optoff + op[1] > optend || op[1] < 2)
				return 0;
			if (op[0] == TCPOPT_SACK && op[1] >= 2 + TCPOLEN_SACK_PERBLOCK &&
			    ((op[1] - 2) % TCPOLEN_SACK_PERBLOCK) == 0)
				nf_ct_sack_block_adjust(skb, tcph, optoff + 2, optoff + op[1],
							&seqadj->seq[!dir]);
			optoff += op[1];
		}
	}
	return 1;
}

/* TCP sequence number adjustment.  Returns 1 on success, 0 on failure */
int nf_ct_seq_adjust(struct sk_buff *skb, struct nf_conn *ct, enum ip_conntrack_info ctinfo,
		     unsigned int protoff)
{
	enum ip_conntrack_dir dir = CTINFO2DIR(ctinfo);
	struct nf_conn_seqadj *seqadj = nfct_seqadj(ct);
	struct nf_ct_seqadj *this_way, *other_way;
	struct tcphdr *tcph;
	__be32 newseq, newack;
	s32 seqoff, ackoff;

	if (!seqadj)
		return 0;
	this_way = &seqadj->seq[dir];
	other_way = &seqadj->seq[!dir];

	if (skb_ensure_writable(skb, protoff + sizeof(*tcph)))
		return 0;

	tcph = (void *)(skb->data + protoff);
	if (after(ntohl(tcph->seq), this_way->correction_pos))
		seqoff = this_way->offset_after;
	else
		seqoff = this_way->offset_before;

	if (after(ntohl(tcph->ack_seq) - (u32)other_way->offset_before, other_way->correction_pos))
		ackoff = other_way->offset_after;
	else
		ackoff = other_way->offset_before;

	newseq = htonl(ntohl(tcph->seq) + (u32)seqoff);
	newack = htonl(ntohl(tcph->ack_seq) - (u32)ackoff);

	inet_proto_csum_replace4(&tcph->check, skb, tcph->seq, newseq, false);
	inet_proto_csum_replace4(&tcph->check, skb, tcph->ack_seq, newack, false);

	tcph->seq = newseq;
	tcph->ack_seq = newack;

	return (int)nf_ct_sack_adjust(skb, protoff, tcph, ct, ctinfo);
}

s32 nf_ct_seq_offset(const struct nf_conn *ct, enum ip_conntrack_dir dir, u32 seq)
{
	const struct nf_conn_seqadj *seqadj = nfct_seqadj(ct);
	const struct nf_ct_seqadj *this_way;

	if (!seqadj)
		return 0;

	this_way = &seqadj->seq[dir];
	return after(seq, this_way->correction_pos) ? this_way->offset_after : this_way->offset_before;
}
