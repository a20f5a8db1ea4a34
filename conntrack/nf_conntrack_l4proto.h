/* conntrack/nf_conntrack_l4proto.h - the layer 4 trackers: TCP, UDP, ICMP and generic.
 *
 * Mirrors include/net/netfilter/nf_conntrack_l4proto.h: each tracker's packet() (a verdict,
 * or -NF_ACCEPT/-NF_DROP for an invalid packet), the ICMP error path that makes errors
 * RELATED to the connection they quote, and the per-net timeouts (jiffies).
 * EMU: the timeouts are read from the sysctls (net->ipv4.nf_ct, seconds) at each use rather
 * than kept in per-proto arrays the sysctl handlers write; only IPv4 trackers exist.
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_L4PROTO_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_L4PROTO_H

#include "conntrack/nf_conntrack.h"

struct netns_nf_ct_sysctl;

struct nf_conntrack_l4proto {
	u8 l4proto;                     /* L4 protocol number */
	bool allow_clash;               /* a clash on confirm may be resolved, not dropped */
	/* assured entries may still be early-dropped (TCP in its closing states) */
	bool (*can_early_drop)(const struct nf_conn *ct);
	/* the state column of /proc/net/nf_conntrack ("ESTABLISHED "), or NULL */
	const char *(*state_name)(const struct nf_conn *ct);
};

extern const struct nf_conntrack_l4proto nf_conntrack_l4proto_generic;
extern const struct nf_conntrack_l4proto nf_conntrack_l4proto_tcp;
extern const struct nf_conntrack_l4proto nf_conntrack_l4proto_udp;
extern const struct nf_conntrack_l4proto nf_conntrack_l4proto_icmp;

const struct nf_conntrack_l4proto *nf_ct_l4proto_find(u8 l4proto);

/* The net.netfilter.nf_conntrack_* values in force (the kernel's defaults before the stack of
 * this net is initialised). */
const struct netns_nf_ct_sysctl *nf_ct_sysctl(const struct net *net);

/* TCP (nf_conntrack_proto_tcp.c) */
int nf_conntrack_tcp_packet(struct nf_conn *ct, struct sk_buff *skb, unsigned int dataoff,
			    enum ip_conntrack_info ctinfo, const struct nf_hook_state *state);
void nf_conntrack_tcp_set_closing(struct nf_conn *ct);
/* timeouts[TCP_CONNTRACK_*] in jiffies, as nf_tcp_pernet(net)->timeouts */
void nf_tcp_timeouts(const struct net *net, unsigned int timeouts[TCP_CONNTRACK_TIMEOUT_MAX]);
const char *nf_ct_tcp_state_name(u8 state);
/* EMU, for tests: tcp_conntracks[dir][index][state] (index: SYN, SYN/ACK, FIN, ACK, RST, none) */
u8 nfemu_tcp_conntracks_cell(unsigned int dir, unsigned int index, unsigned int state);

/* UDP (nf_conntrack_proto_udp.c) */
enum udp_conntrack {
	UDP_CT_UNREPLIED,
	UDP_CT_REPLIED,
	UDP_CT_MAX
};
int nf_conntrack_udp_packet(struct nf_conn *ct, struct sk_buff *skb, unsigned int dataoff,
			    enum ip_conntrack_info ctinfo, const struct nf_hook_state *state);

/* ICMP (nf_conntrack_proto_icmp.c) */
bool icmp_pkt_to_tuple(const struct sk_buff *skb, unsigned int dataoff, struct net *net,
		       struct nf_conntrack_tuple *tuple);
bool nf_conntrack_invert_icmp_tuple(struct nf_conntrack_tuple *tuple,
				    const struct nf_conntrack_tuple *orig);
int nf_conntrack_icmp_packet(struct nf_conn *ct, struct sk_buff *skb, enum ip_conntrack_info ctinfo,
			     const struct nf_hook_state *state);
int nf_conntrack_icmpv4_error(struct nf_conn *tmpl, struct sk_buff *skb, unsigned int dataoff,
			      const struct nf_hook_state *state);
int nf_conntrack_inet_error(struct nf_conn *tmpl, struct sk_buff *skb, unsigned int dataoff,
			    const struct nf_hook_state *state, u8 l4proto,
			    union nf_inet_addr *outer_daddr);

/* generic (nf_conntrack_proto_generic.c) */
int generic_packet(struct nf_conn *ct, struct sk_buff *skb, enum ip_conntrack_info ctinfo);

/* nf_ip_checksum() (net/netfilter/utils.c) is netstack/nf_reject_ipv4.c's. */
#include "netstack/nf_reject_ipv4.h"

/* Log an invalid packet through nf_log when nf_conntrack_log_invalid asks for protonum. */
__attribute__((format(printf, 4, 5)))
void nf_l4proto_log_invalid(const struct sk_buff *skb, const struct nf_hook_state *state,
			    u8 protonum, const char *fmt, ...);
__attribute__((format(printf, 4, 5)))
void nf_ct_l4proto_log_invalid(const struct sk_buff *skb, const struct nf_conn *ct,
			       const struct nf_hook_state *state, const char *fmt, ...);

#endif
