/* nat/nf_nat_helper.c - generic support functions for NAT helpers.
 *
 * Mirrors net/netfilter/nf_nat_helper.c: mangle a TCP or UDP payload in place (move the rest,
 * grow or shrink the packet, fix the IP length and both checksums: the transport one is left
 * CHECKSUM_PARTIAL by nf_nat_csum_recalc, as Linux leaves it for the device) and record the size
 * change for TCP sequence adjustment (nf_ct_seqadj_set); set up an expected connection's
 * bindings from its master (nf_nat_follow_master); find a free port for an expectation.
 * EMU: skbs are always linear.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include "kernel/net.h"
#include "kernel/random.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_seqadj.h"
#include "nat/nf_nat.h"
#include "nat/nf_nat_helper.h"
#include "netstack/ip.h"
#include "netstack/skbuff.h"

static unsigned int skb_tailroom(const struct sk_buff *skb)
{
	return skb->end - (unsigned int)(skb_tail_pointer(skb) - skb->head);
}

/* Frobs data inside this packet, which is linear. */
static void mangle_contents(struct sk_buff *skb, unsigned int dataoff, unsigned int match_offset,
			    unsigned int match_len, const char *rep_buffer, unsigned int rep_len)
{
	unsigned char *data = skb_network_header(skb) + dataoff;

	/* move post-replacement */
	memmove(data + match_offset + rep_len, data + match_offset + match_len,
		(size_t)(skb_tail_pointer(skb) -
			 (skb_network_header(skb) + dataoff + match_offset + match_len)));

	/* insert data from buffer */
	memcpy(data + match_offset, rep_buffer, rep_len);

	/* update skb info */
	if (rep_len > match_len)
		skb_put(skb, rep_len - match_len);
	else
		skb_trim(skb, skb->len + rep_len - match_len);

	/* fix IP hdr checksum information */
	ip_hdr(skb)->tot_len = htons((u16)skb->len);
	ip_send_check(ip_hdr(skb));
}

/* Unusual, but possible case. */
static bool enlarge_skb(struct sk_buff *skb, unsigned int extra)
{
	if (skb->len + extra > 65535)
		return false;
	if (pskb_expand_head(skb, 0, extra - skb_tailroom(skb)))
		return false;
	return true;
}

/* Generic function for mangling variable-length address changes inside NATed TCP connections
 * (like the PORT XXX,XXX,XXX,XXX,XXX,XXX command in FTP).
 *
 * Takes care about all the nasty sequence number changes, checksumming, skb enlargement, ... */
bool __nf_nat_mangle_tcp_packet(struct sk_buff *skb, struct nf_conn *ct,
				enum ip_conntrack_info ctinfo, unsigned int protoff,
				unsigned int match_offset, unsigned int match_len,
				const char *rep_buffer, unsigned int rep_len, bool adjust)
{
	struct tcphdr *tcph;
	int oldlen, datalen;

	if (skb_ensure_writable(skb, skb->len))
		return false;

	if (rep_len > match_len && rep_len - match_len > skb_tailroom(skb) &&
	    !enlarge_skb(skb, rep_len - match_len))
		return false;

	tcph = (void *)(skb->data + protoff);

	oldlen = (int)(skb->len - protoff);
	mangle_contents(skb, protoff + tcph->doff * 4, match_offset, match_len, rep_buffer, rep_len);

	datalen = (int)(skb->len - protoff);

	nf_nat_csum_recalc(skb, (u8)nf_ct_l3num(ct), IPPROTO_TCP, tcph, &tcph->check, datalen, oldlen);

	if (adjust && rep_len != match_len)
		nf_ct_seqadj_set(ct, ctinfo, tcph->seq, (s32)rep_len - (s32)match_len);

	return true;
}

/* Generic function for mangling variable-length address changes inside NATed UDP connections
 * (like the CONNECT DATA XXXXX MESG XXXXX INDEX XXXXX command in the Amanda protocol). */
bool nf_nat_mangle_udp_packet(struct sk_buff *skb, struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			      unsigned int protoff, unsigned int match_offset, unsigned int match_len,
			      const char *rep_buffer, unsigned int rep_len)
{
	struct udphdr *udph;
	int datalen, oldlen;

	(void)ctinfo;
	if (skb_ensure_writable(skb, skb->len))
		return false;

	if (rep_len > match_len && rep_len - match_len > skb_tailroom(skb) &&
	    !enlarge_skb(skb, rep_len - match_len))
		return false;

	udph = (void *)(skb->data + protoff);

	oldlen = (int)(skb->len - protoff);
	mangle_contents(skb, protoff + sizeof(*udph), match_offset, match_len, rep_buffer, rep_len);

	/* update the length of the UDP packet */
	datalen = (int)(skb->len - protoff);
	udph->len = htons((u16)datalen);

	/* fix udp checksum if udp checksum was previously calculated */
	if (!udph->check && skb->ip_summed != CHECKSUM_PARTIAL)
		return true;

	nf_nat_csum_recalc(skb, (u8)nf_ct_l3num(ct), IPPROTO_UDP, udph, &udph->check, datalen, oldlen);
	return true;
}

/* Setup NAT on this expected conntrack so it follows master. */
/* If we fail to get a free NAT slot, we'll get dropped on confirm */
void nf_nat_follow_master(struct nf_conn *ct, struct nf_conntrack_expect *exp)
{
	struct nf_nat_range2 range;

	/* This must be a fresh one. */
	if (ct->status & IPS_NAT_DONE_MASK)     /* BUG_ON in Linux */
		return;

	/* Change src to where master sends to */
	memset(&range, 0, sizeof(range));
	range.flags = NF_NAT_RANGE_MAP_IPS;
	range.min_addr = range.max_addr = ct->master->tuplehash[!exp->dir].tuple.dst.u3;
	nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);

	/* For DST manip, map port here to where it's expected. */
	range.flags = (NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED);
	range.min_proto = range.max_proto = exp->saved_proto;
	range.min_addr = range.max_addr = ct->master->tuplehash[!exp->dir].tuple.src.u3;
	nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

u16 nf_nat_exp_find_port(struct nf_conntrack_expect *exp, u16 port)
{
	static const int max_attempts = 128;
	int range, attempts_left;
	u16 min = port;

	range = USHRT_MAX - port;
	attempts_left = range;

	if (attempts_left > max_attempts)
		attempts_left = max_attempts;

	/* Try to get same port: if not, try to change it. */
	for (;;) {
		int res;

		exp->tuple.dst.u.tcp.port = htons(port);
		res = nf_ct_expect_related(exp, 0);
		if (res == 0)
			return port;

		if (res != -EBUSY || (--attempts_left < 0))
			break;

		port = (u16)(min + get_random_u32_below(nf_ct_exp_net(exp), (u32)range));
	}

	return 0;
}
