/* netstack/dropreason.h - why the stack freed a packet (include/net/dropreason-core.h).
 *
 * The names are the kernel's SKB_DROP_REASON_*, as `perf trace -e skb:kfree_skb` prints them;
 * nfemu reports each drop with one and, for NETFILTER_DROP, the rule that dropped it.
 * EMU: a subset, in nfemu's own order (the numeric values are not the kernel's).
 */
#ifndef NFEMU_NETSTACK_DROPREASON_H
#define NFEMU_NETSTACK_DROPREASON_H

#define NFEMU_DROP_REASONS(FN)      \
	FN(NOT_DROPPED_YET)         \
	FN(NOT_SPECIFIED)           \
	FN(NO_SOCKET)               \
	FN(PKT_TOO_SMALL)           \
	FN(TCP_CSUM)                \
	FN(UDP_CSUM)                \
	FN(ICMP_CSUM)               \
	FN(NETFILTER_DROP)          \
	FN(OTHERHOST)               \
	FN(IP_CSUM)                 \
	FN(IP_INHDR)                \
	FN(IP_RPFILTER)             \
	FN(UNICAST_IN_L2_MULTICAST) \
	FN(IP_NOPROTO)              \
	FN(IP_INADDRERRORS)         \
	FN(IP_INNOROUTES)           \
	FN(IP_OUTNOROUTES)          \
	FN(IP_LOCAL_SOURCE)         \
	FN(IP_INVALID_SOURCE)       \
	FN(IP_INVALID_DEST)         \
	FN(IP_LOCALNET)             \
	FN(PKT_TOO_BIG)             \
	FN(NEIGH_FAILED)            \
	FN(NEIGH_CREATEFAIL)        \
	FN(NEIGH_QUEUEFULL)         \
	FN(UNHANDLED_PROTO)         \
	FN(DUP_FRAG)                \
	FN(QUEUE_PURGE)             \
	FN(INVALID_PROTO)           \
	FN(FRAG_REASM_TIMEOUT)      \
	FN(NOMEM)                   \
	FN(MAC_INVALID_SOURCE)

enum skb_drop_reason {
#define FN(r) SKB_DROP_REASON_##r,
	NFEMU_DROP_REASONS(FN)
#undef FN
	SKB_DROP_REASON_MAX
};

/* Linux spells the first one without DROP_REASON. */
#define SKB_NOT_DROPPED_YET SKB_DROP_REASON_NOT_DROPPED_YET

/* "NETFILTER_DROP" for SKB_DROP_REASON_NETFILTER_DROP. */
const char *skb_drop_reason_name(enum skb_drop_reason reason);

#endif
