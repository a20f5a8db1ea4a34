/* nat/nf_nat_helper.h - what NAT helpers (nf_nat_ftp) use to rewrite payloads.
 *
 * Mirrors include/net/netfilter/nf_nat_helper.h: __nf_nat_mangle_tcp_packet replaces bytes of
 * a TCP payload (resizing the packet, fixing lengths and checksums, and recording the size
 * change for sequence adjustment); nf_nat_follow_master gives an expected connection the
 * bindings its master implies; nf_nat_exp_find_port finds a free port for an expectation.
 */
#ifndef NFEMU_NAT_NF_NAT_HELPER_H
#define NFEMU_NAT_NF_NAT_HELPER_H

#include "conntrack/nf_conntrack.h"

struct nf_conntrack_expect;

bool __nf_nat_mangle_tcp_packet(struct sk_buff *skb, struct nf_conn *ct,
				enum ip_conntrack_info ctinfo, unsigned int protoff,
				unsigned int match_offset, unsigned int match_len,
				const char *rep_buffer, unsigned int rep_len, bool adjust);

static inline bool nf_nat_mangle_tcp_packet(struct sk_buff *skb, struct nf_conn *ct,
					    enum ip_conntrack_info ctinfo, unsigned int protoff,
					    unsigned int match_offset, unsigned int match_len,
					    const char *rep_buffer, unsigned int rep_len)
{
	return __nf_nat_mangle_tcp_packet(skb, ct, ctinfo, protoff, match_offset, match_len,
					  rep_buffer, rep_len, true);
}

bool nf_nat_mangle_udp_packet(struct sk_buff *skb, struct nf_conn *ct, enum ip_conntrack_info ctinfo,
			      unsigned int protoff, unsigned int match_offset, unsigned int match_len,
			      const char *rep_buffer, unsigned int rep_len);

/* Setup NAT on this expected conntrack so it follows master, but goes to port it got. */
void nf_nat_follow_master(struct nf_conn *ct, struct nf_conntrack_expect *this);

u16 nf_nat_exp_find_port(struct nf_conntrack_expect *exp, u16 port);

#endif
