/* emu/xt_decode.c - EMU: the common extensions' data decoded with their UAPI structs.
 *
 * One table of field descriptors per (match|target, name, revision), built with offsetof()
 * on the kernel's own UAPI headers, so a field is read where the kernel reads it.  The
 * revisions are the ones the kernel registers (xtables/ext/ mirrors them); anything not here
 * is printed as hex by the caller.  No kernel counterpart.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdint.h>
#include <string.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter/xt_DSCP.h>
#include <linux/netfilter/xt_LOG.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_connmark.h>
#include <linux/netfilter/xt_conntrack.h>
#include <linux/netfilter/xt_dscp.h>
#include <linux/netfilter/xt_iprange.h>
#include <linux/netfilter/xt_length.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mac.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_multiport.h>
#include <linux/netfilter/xt_owner.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_state.h>
#include <linux/netfilter/xt_tcpmss.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include "emu/xt_decode.h"

enum xt_field_kind {
	XF_U,           /* unsigned, host order */
	XF_S,           /* signed, host order */
	XF_X,           /* unsigned, host order, in hex */
	XF_BE16,        /* __be16: printed as htons(value) */
	XF_IP,          /* __be32 IPv4 address */
	XF_INADDR,      /* union nf_inet_addr holding an IPv4 address (.ip) */
	XF_STR,         /* NUL-padded char array */
	XF_MAC,         /* 6 bytes */
	XF_RATE,        /* xt_rateinfo.avg: XT_LIMIT_SCALE * seconds per packet */
};

struct xt_name {
	unsigned long long v;
	const char *name;
};

struct xt_field {
	const char *name;
	unsigned short off, size, count;
	enum xt_field_kind kind;
	const struct xt_name *bits;     /* a flags field: the names of its bits */
	const struct xt_name *values;   /* an enum field: the names of its values */
	unsigned short used_off;        /* an array: 1 + offset of the u8 saying how many are used */
};

#define XF(T, m, k, ...) \
	{ .name = #m, .off = offsetof(T, m), .size = sizeof(((T *)0)->m), .count = 1, .kind = k, __VA_ARGS__ }
#define XFA(T, m, n, k, ...) \
	{ .name = #m, .off = offsetof(T, m), .size = sizeof(((T *)0)->m[0]), .count = n, .kind = k, __VA_ARGS__ }
#define XF_END { .name = NULL }
#define N(x) { x, #x }
#define NEND { 0, NULL }

struct xt_decoder {
	bool target;
	const char *name;
	int revision;                   /* -1: every revision */
	const char *type;
	size_t size;
	const struct xt_field *fields;
};

/* ------------------------------------------------------------------ names of values */

static const struct xt_name tcp_flags[] = {
	{ 0x01, "FIN" }, { 0x02, "SYN" }, { 0x04, "RST" }, { 0x08, "PSH" },
	{ 0x10, "ACK" }, { 0x20, "URG" }, { 0x40, "ECE" }, { 0x80, "CWR" }, NEND
};
static const struct xt_name tcp_inv[] = {
	N(XT_TCP_INV_SRCPT), N(XT_TCP_INV_DSTPT), N(XT_TCP_INV_FLAGS), N(XT_TCP_INV_OPTION), NEND
};
static const struct xt_name udp_inv[] = { N(XT_UDP_INV_SRCPT), N(XT_UDP_INV_DSTPT), NEND };
static const struct xt_name icmp_inv[] = { N(IPT_ICMP_INV), NEND };
static const struct xt_name multiport_flags[] = {
	N(XT_MULTIPORT_SOURCE), N(XT_MULTIPORT_DESTINATION), N(XT_MULTIPORT_EITHER), NEND
};
/* XT_STATE_BIT(ctinfo) = 1 << (ctinfo % IP_CT_IS_REPLY + 1) (xt_state.h) */
static const struct xt_name state_bits[] = {
	{ XT_STATE_INVALID, "INVALID" },
	{ XT_STATE_BIT(IP_CT_ESTABLISHED), "ESTABLISHED" },
	{ XT_STATE_BIT(IP_CT_RELATED), "RELATED" },
	{ XT_STATE_BIT(IP_CT_NEW), "NEW" },
	{ XT_STATE_UNTRACKED, "UNTRACKED" }, NEND
};
static const struct xt_name ctstate_bits[] = {
	{ XT_CONNTRACK_STATE_INVALID, "INVALID" },
	{ XT_CONNTRACK_STATE_BIT(IP_CT_ESTABLISHED), "ESTABLISHED" },
	{ XT_CONNTRACK_STATE_BIT(IP_CT_RELATED), "RELATED" },
	{ XT_CONNTRACK_STATE_BIT(IP_CT_NEW), "NEW" },
	{ XT_CONNTRACK_STATE_SNAT, "SNAT" }, { XT_CONNTRACK_STATE_DNAT, "DNAT" },
	{ XT_CONNTRACK_STATE_UNTRACKED, "UNTRACKED" }, NEND
};
static const struct xt_name ctstatus_bits[] = {
	N(IPS_EXPECTED), N(IPS_SEEN_REPLY), N(IPS_ASSURED), N(IPS_CONFIRMED), NEND
};
static const struct xt_name conntrack_flags[] = {
	N(XT_CONNTRACK_STATE), N(XT_CONNTRACK_PROTO), N(XT_CONNTRACK_ORIGSRC),
	N(XT_CONNTRACK_ORIGDST), N(XT_CONNTRACK_REPLSRC), N(XT_CONNTRACK_REPLDST),
	N(XT_CONNTRACK_STATUS), N(XT_CONNTRACK_EXPIRES), N(XT_CONNTRACK_ORIGSRC_PORT),
	N(XT_CONNTRACK_ORIGDST_PORT), N(XT_CONNTRACK_REPLSRC_PORT), N(XT_CONNTRACK_REPLDST_PORT),
	N(XT_CONNTRACK_DIRECTION), N(XT_CONNTRACK_STATE_ALIAS), NEND
};
static const struct xt_name log_flags[] = {
	N(XT_LOG_TCPSEQ), N(XT_LOG_TCPOPT), N(XT_LOG_IPOPT), N(XT_LOG_UID), N(XT_LOG_NFLOG),
	N(XT_LOG_MACDECODE), NEND
};
static const struct xt_name log_levels[] = {
	{ 0, "emerg" }, { 1, "alert" }, { 2, "crit" }, { 3, "err" }, { 4, "warning" },
	{ 5, "notice" }, { 6, "info" }, { 7, "debug" }, NEND
};
static const struct xt_name reject_with[] = {
	N(IPT_ICMP_NET_UNREACHABLE), N(IPT_ICMP_HOST_UNREACHABLE), N(IPT_ICMP_PROT_UNREACHABLE),
	N(IPT_ICMP_PORT_UNREACHABLE), N(IPT_ICMP_ECHOREPLY), N(IPT_ICMP_NET_PROHIBITED),
	N(IPT_ICMP_HOST_PROHIBITED), N(IPT_TCP_RESET), N(IPT_ICMP_ADMIN_PROHIBITED), NEND
};
static const struct xt_name nat_flags[] = {
	N(NF_NAT_RANGE_MAP_IPS), N(NF_NAT_RANGE_PROTO_SPECIFIED), N(NF_NAT_RANGE_PROTO_RANDOM),
	N(NF_NAT_RANGE_PERSISTENT), N(NF_NAT_RANGE_PROTO_RANDOM_FULLY), N(NF_NAT_RANGE_PROTO_OFFSET),
	N(NF_NAT_RANGE_NETMAP), NEND
};
static const struct xt_name ct_flags[] = {
	N(XT_CT_NOTRACK), N(XT_CT_NOTRACK_ALIAS), N(XT_CT_ZONE_DIR_ORIG), N(XT_CT_ZONE_DIR_REPL),
	N(XT_CT_ZONE_MARK), NEND
};
static const struct xt_name connmark_modes[] = {
	N(XT_CONNMARK_SET), N(XT_CONNMARK_SAVE), N(XT_CONNMARK_RESTORE), NEND
};
static const struct xt_name addrtype_types[] = {
	N(XT_ADDRTYPE_UNSPEC), N(XT_ADDRTYPE_UNICAST), N(XT_ADDRTYPE_LOCAL),
	N(XT_ADDRTYPE_BROADCAST), N(XT_ADDRTYPE_ANYCAST), N(XT_ADDRTYPE_MULTICAST),
	N(XT_ADDRTYPE_BLACKHOLE), N(XT_ADDRTYPE_UNREACHABLE), N(XT_ADDRTYPE_PROHIBIT),
	N(XT_ADDRTYPE_THROW), N(XT_ADDRTYPE_NAT), N(XT_ADDRTYPE_XRESOLVE), NEND
};
static const struct xt_name addrtype_flags[] = {
	N(XT_ADDRTYPE_INVERT_SOURCE), N(XT_ADDRTYPE_INVERT_DEST), N(XT_ADDRTYPE_LIMIT_IFACE_IN),
	N(XT_ADDRTYPE_LIMIT_IFACE_OUT), NEND
};
static const struct xt_name iprange_flags[] = {
	N(IPRANGE_SRC), N(IPRANGE_DST), N(IPRANGE_SRC_INV), N(IPRANGE_DST_INV), NEND
};
static const struct xt_name owner_flags[] = {
	N(XT_OWNER_UID), N(XT_OWNER_GID), N(XT_OWNER_SOCKET), N(XT_OWNER_SUPPL_GROUPS), NEND
};
static const struct xt_name pkttypes[] = {
	{ 0, "PACKET_HOST" }, { 1, "PACKET_BROADCAST" }, { 2, "PACKET_MULTICAST" },
	{ 3, "PACKET_OTHERHOST" }, NEND
};
static const struct xt_name nfq_flags[] = {
	N(NFQ_FLAG_BYPASS), N(NFQ_FLAG_CPU_FANOUT), NEND
};
static const struct xt_name nflog_flags[] = { N(XT_NFLOG_F_COPY_LEN), NEND };

/* ------------------------------------------------------------------ matches */

static const struct xt_field f_tcp[] = {
	XFA(struct xt_tcp, spts, 2, XF_U), XFA(struct xt_tcp, dpts, 2, XF_U),
	XF(struct xt_tcp, option, XF_U),
	XF(struct xt_tcp, flg_mask, XF_X, .bits = tcp_flags),
	XF(struct xt_tcp, flg_cmp, XF_X, .bits = tcp_flags),
	XF(struct xt_tcp, invflags, XF_X, .bits = tcp_inv), XF_END
};
static const struct xt_field f_udp[] = {
	XFA(struct xt_udp, spts, 2, XF_U), XFA(struct xt_udp, dpts, 2, XF_U),
	XF(struct xt_udp, invflags, XF_X, .bits = udp_inv), XF_END
};
static const struct xt_field f_icmp[] = {
	XF(struct ipt_icmp, type, XF_U), XFA(struct ipt_icmp, code, 2, XF_U),
	XF(struct ipt_icmp, invflags, XF_X, .bits = icmp_inv), XF_END
};
static const struct xt_field f_multiport[] = {
	XF(struct xt_multiport, flags, XF_U, .values = multiport_flags),
	XF(struct xt_multiport, count, XF_U),
	XFA(struct xt_multiport, ports, XT_MULTI_PORTS, XF_U,
	    .used_off = offsetof(struct xt_multiport, count) + 1), XF_END
};
static const struct xt_field f_multiport1[] = {
	XF(struct xt_multiport_v1, flags, XF_U, .values = multiport_flags),
	XF(struct xt_multiport_v1, count, XF_U),
	XFA(struct xt_multiport_v1, ports, XT_MULTI_PORTS, XF_U,
	    .used_off = offsetof(struct xt_multiport_v1, count) + 1),
	XFA(struct xt_multiport_v1, pflags, XT_MULTI_PORTS, XF_U,
	    .used_off = offsetof(struct xt_multiport_v1, count) + 1),
	XF(struct xt_multiport_v1, invert, XF_U), XF_END
};
static const struct xt_field f_state[] = {
	XF(struct xt_state_info, statemask, XF_X, .bits = state_bits), XF_END
};

/* the fields xt_conntrack_mtinfo1, 2 and 3 share, then the ones they do not */
#define CONNTRACK_ADDRS(T)                                                              \
	XF(T, origsrc_addr, XF_INADDR), XF(T, origsrc_mask, XF_INADDR),                \
	XF(T, origdst_addr, XF_INADDR), XF(T, origdst_mask, XF_INADDR),                \
	XF(T, replsrc_addr, XF_INADDR), XF(T, replsrc_mask, XF_INADDR),                \
	XF(T, repldst_addr, XF_INADDR), XF(T, repldst_mask, XF_INADDR),                \
	XF(T, expires_min, XF_U), XF(T, expires_max, XF_U), XF(T, l4proto, XF_U)
#define CONNTRACK_FLAGS(T)                                                              \
	XF(T, match_flags, XF_X, .bits = conntrack_flags),                             \
	XF(T, invert_flags, XF_X, .bits = conntrack_flags),                            \
	XF(T, state_mask, XF_X, .bits = ctstate_bits),                                 \
	XF(T, status_mask, XF_X, .bits = ctstatus_bits)

static const struct xt_field f_conntrack1[] = {
	CONNTRACK_ADDRS(struct xt_conntrack_mtinfo1),
	XF(struct xt_conntrack_mtinfo1, origsrc_port, XF_BE16),
	XF(struct xt_conntrack_mtinfo1, origdst_port, XF_BE16),
	XF(struct xt_conntrack_mtinfo1, replsrc_port, XF_BE16),
	XF(struct xt_conntrack_mtinfo1, repldst_port, XF_BE16),
	CONNTRACK_FLAGS(struct xt_conntrack_mtinfo1), XF_END
};
static const struct xt_field f_conntrack2[] = {
	CONNTRACK_ADDRS(struct xt_conntrack_mtinfo2),
	XF(struct xt_conntrack_mtinfo2, origsrc_port, XF_BE16),
	XF(struct xt_conntrack_mtinfo2, origdst_port, XF_BE16),
	XF(struct xt_conntrack_mtinfo2, replsrc_port, XF_BE16),
	XF(struct xt_conntrack_mtinfo2, repldst_port, XF_BE16),
	CONNTRACK_FLAGS(struct xt_conntrack_mtinfo2), XF_END
};
/* revision 3 keeps port ranges in host order (conntrack_mt_port_range compares ntohs) */
static const struct xt_field f_conntrack3[] = {
	CONNTRACK_ADDRS(struct xt_conntrack_mtinfo3),
	XF(struct xt_conntrack_mtinfo3, origsrc_port, XF_U),
	XF(struct xt_conntrack_mtinfo3, origdst_port, XF_U),
	XF(struct xt_conntrack_mtinfo3, replsrc_port, XF_U),
	XF(struct xt_conntrack_mtinfo3, repldst_port, XF_U),
	CONNTRACK_FLAGS(struct xt_conntrack_mtinfo3),
	XF(struct xt_conntrack_mtinfo3, origsrc_port_high, XF_U),
	XF(struct xt_conntrack_mtinfo3, origdst_port_high, XF_U),
	XF(struct xt_conntrack_mtinfo3, replsrc_port_high, XF_U),
	XF(struct xt_conntrack_mtinfo3, repldst_port_high, XF_U), XF_END
};
static const struct xt_field f_mark1[] = {
	XF(struct xt_mark_mtinfo1, mark, XF_X), XF(struct xt_mark_mtinfo1, mask, XF_X),
	XF(struct xt_mark_mtinfo1, invert, XF_U), XF_END
};
static const struct xt_field f_connmark1[] = {
	XF(struct xt_connmark_mtinfo1, mark, XF_X), XF(struct xt_connmark_mtinfo1, mask, XF_X),
	XF(struct xt_connmark_mtinfo1, invert, XF_U), XF_END
};
/* avg and burst are iptables'; the rest is the kernel's own (usersize ends at prev) */
static const struct xt_field f_limit[] = {
	XF(struct xt_rateinfo, avg, XF_RATE), XF(struct xt_rateinfo, burst, XF_U),
	XF(struct xt_rateinfo, prev, XF_U), XF(struct xt_rateinfo, credit, XF_U),
	XF(struct xt_rateinfo, credit_cap, XF_U), XF(struct xt_rateinfo, cost, XF_U),
	XF(struct xt_rateinfo, master, XF_X), XF_END
};
static const struct xt_field f_comment[] = {
	XF(struct xt_comment_info, comment, XF_STR), XF_END
};
static const struct xt_field f_addrtype1[] = {
	XF(struct xt_addrtype_info_v1, source, XF_X, .bits = addrtype_types),
	XF(struct xt_addrtype_info_v1, dest, XF_X, .bits = addrtype_types),
	XF(struct xt_addrtype_info_v1, flags, XF_X, .bits = addrtype_flags), XF_END
};
static const struct xt_field f_iprange1[] = {
	XF(struct xt_iprange_mtinfo, src_min, XF_INADDR), XF(struct xt_iprange_mtinfo, src_max, XF_INADDR),
	XF(struct xt_iprange_mtinfo, dst_min, XF_INADDR), XF(struct xt_iprange_mtinfo, dst_max, XF_INADDR),
	XF(struct xt_iprange_mtinfo, flags, XF_X, .bits = iprange_flags), XF_END
};
static const struct xt_field f_mac[] = {
	XF(struct xt_mac_info, srcaddr, XF_MAC), XF(struct xt_mac_info, invert, XF_S), XF_END
};
static const struct xt_field f_length[] = {
	XF(struct xt_length_info, min, XF_U), XF(struct xt_length_info, max, XF_U),
	XF(struct xt_length_info, invert, XF_U), XF_END
};
static const struct xt_field f_pkttype[] = {
	XF(struct xt_pkttype_info, pkttype, XF_S, .values = pkttypes),
	XF(struct xt_pkttype_info, invert, XF_S), XF_END
};
static const struct xt_field f_owner1[] = {
	XF(struct xt_owner_match_info, uid_min, XF_U), XF(struct xt_owner_match_info, uid_max, XF_U),
	XF(struct xt_owner_match_info, gid_min, XF_U), XF(struct xt_owner_match_info, gid_max, XF_U),
	XF(struct xt_owner_match_info, match, XF_X, .bits = owner_flags),
	XF(struct xt_owner_match_info, invert, XF_X, .bits = owner_flags), XF_END
};
static const struct xt_field f_tcpmss_mt[] = {
	XF(struct xt_tcpmss_match_info, mss_min, XF_U), XF(struct xt_tcpmss_match_info, mss_max, XF_U),
	XF(struct xt_tcpmss_match_info, invert, XF_U), XF_END
};
static const struct xt_field f_dscp_mt[] = {
	XF(struct xt_dscp_info, dscp, XF_X), XF(struct xt_dscp_info, invert, XF_U), XF_END
};

/* ------------------------------------------------------------------ targets */

static const struct xt_field f_log[] = {
	XF(struct xt_log_info, level, XF_U, .values = log_levels),
	XF(struct xt_log_info, logflags, XF_X, .bits = log_flags),
	XF(struct xt_log_info, prefix, XF_STR), XF_END
};
static const struct xt_field f_reject[] = {
	XF(struct ipt_reject_info, with, XF_U, .values = reject_with), XF_END
};
static const struct xt_field f_mark_tg2[] = {
	XF(struct xt_mark_tginfo2, mark, XF_X), XF(struct xt_mark_tginfo2, mask, XF_X), XF_END
};
static const struct xt_field f_connmark_tg1[] = {
	XF(struct xt_connmark_tginfo1, ctmark, XF_X), XF(struct xt_connmark_tginfo1, ctmask, XF_X),
	XF(struct xt_connmark_tginfo1, nfmask, XF_X),
	XF(struct xt_connmark_tginfo1, mode, XF_U, .values = connmark_modes), XF_END
};
static const struct xt_field f_connmark_tg2[] = {
	XF(struct xt_connmark_tginfo2, ctmark, XF_X), XF(struct xt_connmark_tginfo2, ctmask, XF_X),
	XF(struct xt_connmark_tginfo2, nfmask, XF_X), XF(struct xt_connmark_tginfo2, shift_dir, XF_U),
	XF(struct xt_connmark_tginfo2, shift_bits, XF_U),
	XF(struct xt_connmark_tginfo2, mode, XF_U, .values = connmark_modes), XF_END
};
/* SNAT/DNAT revision 0, MASQUERADE, REDIRECT, NETMAP: one nf_nat_ipv4_range */
static const struct xt_field f_nat_compat[] = {
	XF(struct nf_nat_ipv4_multi_range_compat, rangesize, XF_U),
	XF(struct nf_nat_ipv4_multi_range_compat, range[0].flags, XF_X, .bits = nat_flags),
	XF(struct nf_nat_ipv4_multi_range_compat, range[0].min_ip, XF_IP),
	XF(struct nf_nat_ipv4_multi_range_compat, range[0].max_ip, XF_IP),
	XF(struct nf_nat_ipv4_multi_range_compat, range[0].min.all, XF_BE16),
	XF(struct nf_nat_ipv4_multi_range_compat, range[0].max.all, XF_BE16), XF_END
};
static const struct xt_field f_nat_range[] = {
	XF(struct nf_nat_range, flags, XF_X, .bits = nat_flags),
	XF(struct nf_nat_range, min_addr, XF_INADDR), XF(struct nf_nat_range, max_addr, XF_INADDR),
	XF(struct nf_nat_range, min_proto.all, XF_BE16), XF(struct nf_nat_range, max_proto.all, XF_BE16),
	XF_END
};
static const struct xt_field f_nat_range2[] = {
	XF(struct nf_nat_range2, flags, XF_X, .bits = nat_flags),
	XF(struct nf_nat_range2, min_addr, XF_INADDR), XF(struct nf_nat_range2, max_addr, XF_INADDR),
	XF(struct nf_nat_range2, min_proto.all, XF_BE16), XF(struct nf_nat_range2, max_proto.all, XF_BE16),
	XF(struct nf_nat_range2, base_proto.all, XF_BE16), XF_END
};
static const struct xt_field f_ct0[] = {
	XF(struct xt_ct_target_info, flags, XF_X, .bits = ct_flags),
	XF(struct xt_ct_target_info, zone, XF_U), XF(struct xt_ct_target_info, ct_events, XF_X),
	XF(struct xt_ct_target_info, exp_events, XF_X), XF(struct xt_ct_target_info, helper, XF_STR),
	XF(struct xt_ct_target_info, ct, XF_X), XF_END
};
static const struct xt_field f_ct1[] = {
	XF(struct xt_ct_target_info_v1, flags, XF_X, .bits = ct_flags),
	XF(struct xt_ct_target_info_v1, zone, XF_U), XF(struct xt_ct_target_info_v1, ct_events, XF_X),
	XF(struct xt_ct_target_info_v1, exp_events, XF_X), XF(struct xt_ct_target_info_v1, helper, XF_STR),
	XF(struct xt_ct_target_info_v1, timeout, XF_STR), XF(struct xt_ct_target_info_v1, ct, XF_X), XF_END
};
static const struct xt_field f_tcpmss_tg[] = { XF(struct xt_tcpmss_info, mss, XF_U), XF_END };
static const struct xt_field f_dscp_tg[] = { XF(struct xt_DSCP_info, dscp, XF_X), XF_END };
static const struct xt_field f_nfq3[] = {
	XF(struct xt_NFQ_info_v3, queuenum, XF_U), XF(struct xt_NFQ_info_v3, queues_total, XF_U),
	XF(struct xt_NFQ_info_v3, flags, XF_X, .bits = nfq_flags), XF_END
};
static const struct xt_field f_nflog[] = {
	XF(struct xt_nflog_info, len, XF_U), XF(struct xt_nflog_info, group, XF_U),
	XF(struct xt_nflog_info, threshold, XF_U), XF(struct xt_nflog_info, flags, XF_X, .bits = nflog_flags),
	XF(struct xt_nflog_info, pad, XF_U), XF(struct xt_nflog_info, prefix, XF_STR), XF_END
};

#define M(name, rev, T, f) { false, name, rev, #T, sizeof(T), f }
#define T(name, rev, T, f) { true, name, rev, #T, sizeof(T), f }

static const struct xt_decoder xt_decoders[] = {
	M("tcp", 0, struct xt_tcp, f_tcp),
	M("udp", 0, struct xt_udp, f_udp),
	M("icmp", 0, struct ipt_icmp, f_icmp),
	M("multiport", 0, struct xt_multiport, f_multiport),
	M("multiport", 1, struct xt_multiport_v1, f_multiport1),
	M("state", 0, struct xt_state_info, f_state),
	M("conntrack", 1, struct xt_conntrack_mtinfo1, f_conntrack1),
	M("conntrack", 2, struct xt_conntrack_mtinfo2, f_conntrack2),
	M("conntrack", 3, struct xt_conntrack_mtinfo3, f_conntrack3),
	M("mark", 1, struct xt_mark_mtinfo1, f_mark1),
	M("connmark", 1, struct xt_connmark_mtinfo1, f_connmark1),
	M("limit", 0, struct xt_rateinfo, f_limit),
	M("comment", 0, struct xt_comment_info, f_comment),
	M("addrtype", 1, struct xt_addrtype_info_v1, f_addrtype1),
	M("iprange", 1, struct xt_iprange_mtinfo, f_iprange1),
	M("mac", 0, struct xt_mac_info, f_mac),
	M("length", 0, struct xt_length_info, f_length),
	M("pkttype", 0, struct xt_pkttype_info, f_pkttype),
	M("owner", 1, struct xt_owner_match_info, f_owner1),
	M("tcpmss", 0, struct xt_tcpmss_match_info, f_tcpmss_mt),
	M("dscp", 0, struct xt_dscp_info, f_dscp_mt),
	T("LOG", 0, struct xt_log_info, f_log),
	T("REJECT", 0, struct ipt_reject_info, f_reject),
	T("MARK", 2, struct xt_mark_tginfo2, f_mark_tg2),
	T("CONNMARK", 1, struct xt_connmark_tginfo1, f_connmark_tg1),
	T("CONNMARK", 2, struct xt_connmark_tginfo2, f_connmark_tg2),
	T("SNAT", 0, struct nf_nat_ipv4_multi_range_compat, f_nat_compat),
	T("DNAT", 0, struct nf_nat_ipv4_multi_range_compat, f_nat_compat),
	T("SNAT", 1, struct nf_nat_range, f_nat_range),
	T("DNAT", 1, struct nf_nat_range, f_nat_range),
	T("SNAT", 2, struct nf_nat_range2, f_nat_range2),
	T("DNAT", 2, struct nf_nat_range2, f_nat_range2),
	T("MASQUERADE", 0, struct nf_nat_ipv4_multi_range_compat, f_nat_compat),
	T("REDIRECT", 0, struct nf_nat_ipv4_multi_range_compat, f_nat_compat),
	T("NETMAP", 0, struct nf_nat_ipv4_multi_range_compat, f_nat_compat),
	T("CT", 0, struct xt_ct_target_info, f_ct0),
	T("CT", 1, struct xt_ct_target_info_v1, f_ct1),
	T("CT", 2, struct xt_ct_target_info_v1, f_ct1),
	T("TCPMSS", 0, struct xt_tcpmss_info, f_tcpmss_tg),
	T("DSCP", 0, struct xt_DSCP_info, f_dscp_tg),
	T("NFQUEUE", 3, struct xt_NFQ_info_v3, f_nfq3),
	T("NFLOG", 0, struct xt_nflog_info, f_nflog),
};

static const struct xt_decoder *xt_decoder_find(bool target, const char *name, unsigned int rev)
{
	for (size_t i = 0; i < sizeof(xt_decoders) / sizeof(xt_decoders[0]); i++) {
		const struct xt_decoder *d = &xt_decoders[i];

		if (d->target == target && !strcmp(d->name, name) &&
		    (d->revision < 0 || (unsigned int)d->revision == rev))
			return d;
	}
	return NULL;
}

const char *xt_decode_struct(bool target, const char *name, unsigned int revision, size_t *size)
{
	const struct xt_decoder *d = xt_decoder_find(target, name, revision);

	if (!d)
		return NULL;
	if (size)
		*size = d->size;
	return d->type;
}

/* ------------------------------------------------------------------ printing */

static unsigned long long xt_field_get(const unsigned char *p, unsigned int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	case 8: memcpy(&u64, p, 8); return u64;
	}
	return 0;
}

static long long xt_field_sget(const unsigned char *p, unsigned int size)
{
	unsigned long long v = xt_field_get(p, size);

	if (size < 8 && (v >> (size * 8 - 1)) & 1)
		return (long long)(v | (~0ULL << (size * 8)));
	return (long long)v;
}

static void xt_print_str(FILE *f, const unsigned char *p, size_t n)
{
	size_t len = strnlen((const char *)p, n);

	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(f, "\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			fputc(p[i], f);
		else
			fprintf(f, "\\x%02x", p[i]);
	}
	fputc('"', f);
}

/* iptables' print_rate (extensions/libxt_limit.c): the largest unit giving a whole rate */
static void xt_print_rate(FILE *f, unsigned long long avg)
{
	static const struct { const char *name; unsigned long long mult; } rates[] = {
		{ "day", XT_LIMIT_SCALE * 24ULL * 60 * 60 }, { "hour", XT_LIMIT_SCALE * 60ULL * 60 },
		{ "minute", XT_LIMIT_SCALE * 60ULL }, { "second", XT_LIMIT_SCALE },
	};
	size_t i;

	if (!avg) {
		fprintf(f, " /* no limit */");
		return;
	}
	for (i = 1; i < sizeof(rates) / sizeof(rates[0]); i++)
		if (avg > rates[i].mult || rates[i].mult / avg < rates[i].mult % avg)
			break;
	fprintf(f, " /* XT_LIMIT_SCALE x seconds per packet: %llu/%s */", rates[i - 1].mult / avg,
		rates[i - 1].name);
}

static void xt_print_value(FILE *f, const struct xt_field *fd, const unsigned char *p)
{
	char ip[INET_ADDRSTRLEN];

	switch (fd->kind) {
	case XF_U:
	case XF_RATE:
		fprintf(f, "%llu", xt_field_get(p, fd->size));
		break;
	case XF_S:
		fprintf(f, "%lld", xt_field_sget(p, fd->size));
		break;
	case XF_X:
		fprintf(f, "0x%llx", xt_field_get(p, fd->size));
		break;
	case XF_BE16: {
		uint16_t v;

		memcpy(&v, p, 2);
		fprintf(f, "htons(%u)", ntohs(v));
		break;
	}
	case XF_IP:
		inet_ntop(AF_INET, p, ip, sizeof(ip));
		fprintf(f, "%s", ip);
		break;
	case XF_INADDR: {
		static const unsigned char zero[12];

		inet_ntop(AF_INET, p, ip, sizeof(ip));
		fprintf(f, "{ .ip = %s }", ip);
		if (fd->size == 16 && memcmp(p + 4, zero, 12))
			fprintf(f, " /* not an IPv4 address: more bytes set */");
		break;
	}
	case XF_STR:
		xt_print_str(f, p, fd->size);
		break;
	case XF_MAC:
		for (unsigned int i = 0; i < fd->size; i++)
			fprintf(f, "%s%02x", i ? ":" : "", p[i]);
		break;
	}
}

static void xt_print_meaning(FILE *f, const struct xt_field *fd, const unsigned char *p)
{
	unsigned long long v = xt_field_get(p, fd->size);

	if (fd->kind == XF_RATE) {
		xt_print_rate(f, v);
		return;
	}
	if (fd->values) {
		for (const struct xt_name *n = fd->values; n->name; n++)
			if (n->v == v) {
				fprintf(f, " /* %s */", n->name);
				return;
			}
		return;
	}
	if (fd->bits && v) {
		const char *sep = " /* ";
		unsigned long long rest = v;

		for (const struct xt_name *n = fd->bits; n->name; n++)
			if (n->v && (v & n->v) == n->v) {
				fprintf(f, "%s%s", sep, n->name);
				sep = "|";
				rest &= ~n->v;
			}
		if (rest)
			fprintf(f, "%s0x%llx", sep, rest);
		fprintf(f, " */");
	}
}

bool xt_decode_data(FILE *f, const char *indent, bool target, const char *name,
		    unsigned int revision, const unsigned char *data, size_t len)
{
	const struct xt_decoder *d = xt_decoder_find(target, name, revision);

	if (!d || len != XT_ALIGN(d->size))
		return false;
	for (const struct xt_field *fd = d->fields; fd->name; fd++) {
		const unsigned char *p = data + fd->off;
		unsigned int used = fd->count;

		fprintf(f, "%s.%s = ", indent, fd->name);
		if (fd->count == 1) {
			xt_print_value(f, fd, p);
			xt_print_meaning(f, fd, p);
			fputc('\n', f);
			continue;
		}
		if (fd->used_off && data[fd->used_off - 1] < fd->count)
			used = data[fd->used_off - 1];
		fprintf(f, "{");
		for (unsigned int i = 0; i < used; i++) {
			fprintf(f, "%s", i ? ", " : " ");
			xt_print_value(f, fd, p + i * fd->size);
		}
		fprintf(f, " }");
		if (used < fd->count) {
			bool zero = true;

			for (size_t b = used * fd->size; b < (size_t)fd->count * fd->size; b++)
				zero = zero && !p[b];
			fprintf(f, " /* the first %u of %u; the rest %s */", used, fd->count,
				zero ? "zero" : "NOT zero");
		}
		fputc('\n', f);
	}
	return true;
}

void xt_decode_hex(FILE *f, const char *indent, const unsigned char *p, size_t len, size_t base)
{
	for (size_t off = 0; off < len; off += 16) {
		fprintf(f, "%s%04zx ", indent, base + off);
		for (size_t i = off; i < off + 16 && i < len; i++)
			fprintf(f, " %02x", p[i]);
		fputc('\n', f);
	}
}
