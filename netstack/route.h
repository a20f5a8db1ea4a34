/* netstack/route.h - IPv4 routing: the FIB, route lookups and address types.
 *
 * Mirrors include/net/route.h, include/net/ip_fib.h and include/net/flow.h in what the packet
 * path and the matches use: a flow key (struct flowi4), a FIB lookup result, a routing
 * decision (struct rtable: the dst_entry fields flattened in), input and output route
 * resolution, reverse-path validation and inet_addr_type() for addrtype.
 * Tables are numbered as Linux numbers them (main 254, local 255, default 253, any other
 * 1..2^32-1); the policy rules of `ip rule` (fib_rules.c) choose among them.
 * EMU: no multipath, no nexthop objects, no PMTU exceptions; routes come from the topology
 * file.  rtables are immutable values interned per net (see route.c).
 */
#ifndef NFEMU_NETSTACK_ROUTE_H
#define NFEMU_NETSTACK_ROUTE_H

#include <asm/byteorder.h>
#include <linux/in_route.h>
#include <linux/rtnetlink.h>
#include "kernel/kernel.h"
#include "kernel/list.h"
#include "netstack/dropreason.h"

struct net;
struct net_device;
struct sk_buff;
struct sock;
struct in_device;

#ifndef AF_INET
#define AF_INET 2
#endif

/* include/net/flow.h */
#define FLOWI_FLAG_ANYSRC 0x01
#define FLOWI_FLAG_KNOWN_NH 0x02

struct flowi4 {
	int flowi4_oif;
	int flowi4_iif;
	u32 flowi4_mark;
	u8 flowi4_tos;
	u8 flowi4_scope;
	u8 flowi4_proto;
	u8 flowi4_flags;
	u32 flowi4_uid;
	__be32 saddr;
	__be32 daddr;
	__be16 fl4_sport;               /* also fl4_icmp_type/code for ICMP */
	__be16 fl4_dport;
};

/* The nexthop of a route (struct fib_nh). */
struct fib_nh {
	struct net_device *fib_nh_dev;
	int fib_nh_oif;
	__be32 fib_nh_gw4;              /* 0: on link */
	u8 fib_nh_gw_family;            /* AF_INET when there is a gateway */
	unsigned char fib_nh_scope;     /* RT_SCOPE_HOST for on-link, _LINK via a gateway */
	unsigned int fib_nh_flags;      /* RTNH_F_DEAD */
};

/* One route (a fib_alias and its fib_info together): prefix, type, table, metric, nexthop. */
struct fib_info {
	struct list_head fib_list;      /* net->ipv4.fib_list */
	u32 tb_id;                      /* the table: RT_TABLE_MAIN, RT_TABLE_LOCAL, ... */
	__be32 fib_dst;
	unsigned char fib_dst_len;
	unsigned char fa_type;          /* RTN_* */
	unsigned char fib_scope;
	unsigned char fib_protocol;     /* RTPROT_KERNEL for the routes an address implies */
	u8 fa_dscp;
	u32 fib_priority;               /* metric */
	__be32 fib_prefsrc;
	struct fib_nh fib_nh;
};

struct fib_result {
	__be32 prefix;
	unsigned char prefixlen;
	unsigned char type;
	unsigned char scope;
	u32 tclassid;
	struct fib_info *fi;
	struct fib_nh *nhc;
	u32 table;
};

#define FIB_RES_NHC(res) ((res).nhc)
#define FIB_RES_DEV(res) ((res).nhc->fib_nh_dev)
#define FIB_RES_OIF(res) ((res).fi ? (res).nhc->fib_nh_oif : 0)

#define FIB_LOOKUP_NOREF 1
#define FIB_LOOKUP_IGNORE_LINKSTATE 2

/* What `ip route add` passes down (struct fib_config). */
struct fib_config {
	u8 fc_dst_len;
	u8 fc_dscp;
	u8 fc_protocol;
	u8 fc_scope;
	u8 fc_type;
	u32 fc_table;
	__be32 fc_dst;
	__be32 fc_gw4;
	int fc_oif;
	u32 fc_priority;
	__be32 fc_prefsrc;
	u32 fc_nlflags;                 /* NLM_F_CREATE | NLM_F_EXCL | NLM_F_APPEND | NLM_F_REPLACE */
	const char *extack;             /* out: NL_SET_ERR_MSG's message on failure, or NULL */
};

/* The routing decision attached to a packet (struct rtable with its struct dst_entry). */
struct rtable {
	/* dst_entry */
	struct net_device *dev;         /* output device (lo for local input) */
	int (*input)(struct sk_buff *skb);
	int (*output)(struct net *net, struct sock *sk, struct sk_buff *skb);
	int error;                      /* dst.error: errno for ip_error (positive, as -err) */
	/* rtable */
	unsigned char rt_type;          /* RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, RTN_UNREACHABLE, ... */
	u8 rt_is_input;
	u8 rt_uses_gateway;
	u8 rt_gw_family;
	u8 rt_mtu_locked;
	unsigned int rt_flags;          /* RTCF_LOCAL, RTCF_BROADCAST, ... EMU: and RTCF_DOREDIRECT */
	__be32 rt_gw4;                  /* next hop, 0 = on link (then the destination) */
	__be32 rt_src;                  /* EMU: unused by the kernel's rtable; kept 0 */
	unsigned int rt_pmtu;           /* 0 = the device MTU */
	int rt_iif;
};

static inline struct rtable *skb_rtable(const struct sk_buff *skb);
#define rt_is_input_route(rt) ((rt)->rt_is_input != 0)
#define rt_is_output_route(rt) ((rt)->rt_is_input == 0)

static inline __be32 rt_nexthop(const struct rtable *rt, __be32 daddr)
{
	if (rt->rt_gw_family == AF_INET)
		return rt->rt_gw4;
	return daddr;
}

/* dst_mtu() for IPv4 (ipv4_mtu): the PMTU, else the device MTU. */
unsigned int dst_mtu(const struct rtable *rt);
/* ip_dst_mtu_maybe_forward(): forwarding uses the device MTU unless ip_forward_use_pmtu. */
unsigned int ip_dst_mtu_maybe_forward(const struct rtable *rt, bool forwarding);

/* RTN_* type of addr as seen from dev's table (NULL dev: any), as inet_addr_type_dev_table. */
unsigned int inet_addr_type_dev_table(struct net *net, const struct net_device *dev, __be32 addr);
unsigned int inet_addr_type(struct net *net, __be32 addr);
unsigned int inet_dev_addr_type(struct net *net, const struct net_device *dev, __be32 addr);

/* fib.c: the tables.
 * fib_lookup (include/net/ip_fib.h): with no policy rules of the user's, table main (the
 * local table merged into it, as fib_trie keeps it until the first rule) then table default;
 * else __fib_lookup walks the rules.  0, or -ENETUNREACH / the error of an unreachable,
 * prohibit or blackhole route / rule. */
int fib_lookup(struct net *net, const struct flowi4 *flp, struct fib_result *res, unsigned int flags);
/* One table (fib_table_lookup): 0, -EAGAIN when nothing matches (or a throw route), or the
 * error of the matching route's type. */
int fib_table_lookup(struct net *net, u32 tb_id, const struct flowi4 *flp, struct fib_result *res,
		     unsigned int flags);
/* fib_new_table / fib_get_table: tables exist once a route was added to them. */
bool fib_table_exists(const struct net *net, u32 tb_id);
int fib_new_table(struct net *net, u32 tb_id);
/* fib_empty_table(): the first table id (1..) that does not exist yet, created; 0 if none. */
u32 fib_empty_table(struct net *net);
int fib_table_insert(struct net *net, struct fib_config *cfg);
/* The routes an address implies (fib_add_ifaddr) and the device events that add or flush them. */
struct in_ifaddr;
void fib_add_ifaddr(struct in_ifaddr *ifa);
void fib_netdev_up(struct net_device *dev);
void fib_netdev_down(struct net_device *dev);
__be32 fib_result_prefsrc(struct net *net, struct fib_result *res);
void fib_select_path(struct net *net, struct fib_result *res, struct flowi4 *fl4,
		     const struct sk_buff *skb);
/* Reverse-path check (rp_filter, accept_local): <0 -errno (-EXDEV = rp_filter) with *reason
 * the drop reason, 0, or 1 when the source is on link (the caller may then send a redirect).
 * EMU: Linux 6.13+ wraps this as fib_validate_source_reason(); the reason comes back here. */
int fib_validate_source(struct sk_buff *skb, __be32 src, __be32 dst, u8 tos, int oif,
			struct net_device *dev, struct in_device *idev, u32 *itag,
			enum skb_drop_reason *reason);
/* The address an ICMP reply to skb comes from (fib_compute_spec_dst). */
__be32 fib_compute_spec_dst(struct sk_buff *skb);

/* fib_rules.c: the policy rules (net/core/fib_rules.c, net/ipv4/fib_rules.c). */
struct fib_rule {
	struct list_head list;          /* net->ipv4.fib_rules, by pref */
	u32 pref;
	u32 table;
	u8 action;                      /* FR_ACT_TO_TBL, _GOTO, _NOP, _BLACKHOLE, _UNREACHABLE, _PROHIBIT */
	u32 flags;                      /* FIB_RULE_INVERT, FIB_RULE_PERMANENT */
	int iifindex, oifindex;         /* 0: any; -1: the named device does not exist (detached) */
	char iifname[16], oifname[16];
	u32 mark, mark_mask;            /* the caller gives the mask (0xFFFFFFFF for a bare mark) */
	u32 target;                     /* goto: the pref jumped to */
	struct fib_rule *ctarget;       /* goto: that rule, NULL while there is none */
	int suppress_prefixlen;         /* -1: off */
	int suppress_ifgroup;           /* -1: off */
	/* struct fib4_rule */
	u8 dst_len, src_len;
	u8 dscp;                        /* the tos selector (a dsfield with the ECN bits 0), 0: any */
	__be32 src, srcmask, dst, dstmask;
};
/* The default rules of a new net (fib4_rules_init: 0 local, 32766 main, 32767 default). */
int fib4_rules_init(struct net *net);
void fib4_rules_exit(struct net *net);
/* fib_nl_newrule(): a rule from `ip rule add`, copied from *tmpl (pref only when has_pref,
 * else fib_default_rule_pref; iifname/oifname resolved now or when the device appears).
 * 0 or -errno with *extack set when the kernel has words for it. */
int fib_nl_newrule(struct net *net, const struct fib_rule *tmpl, bool has_pref, const char **extack);
/* __fib_lookup(): walk the rules. */
int __fib_lookup(struct net *net, const struct flowi4 *flp, struct fib_result *res, unsigned int flags);
/* fib_rules_event(NETDEV_REGISTER): rules naming dev by name attach to it. */
void fib_rules_attach(struct net_device *dev);

/* route.c: resolution.
 * ip_route_input_noref: 0 and skb->rt set, or -errno with *reason the drop reason.
 * EMU: Linux 6.13+ returns the drop reason itself; nfemu keeps the 0/-errno convention and
 * hands the reason back through *reason. */
int ip_route_input_noref(struct sk_buff *skb, __be32 daddr, __be32 saddr, u8 tos,
			 struct net_device *dev, enum skb_drop_reason *reason);
/* ip_route_output_key: an rtable or ERR_PTR(-errno); fills fl4->saddr when it was 0. */
struct rtable *ip_route_output_key(struct net *net, struct flowi4 *fl4);
struct rtable *__ip_route_output_key(struct net *net, struct flowi4 *fl4);
struct rtable *ip_route_output_flow(struct net *net, struct flowi4 *fl4, const struct sock *sk);
/* net/ipv4/netfilter.c: re-route a packet after a hook changed its addresses or mark. */
int ip_route_me_harder(struct net *net, struct sock *sk, struct sk_buff *skb, unsigned int addr_type);
/* ip_rt_send_redirect (called by ip_forward). */
void ip_rt_send_redirect(struct sk_buff *skb);
/* Forget cached routing decisions (rt_cache_flush): EMU a no-op, rtables are values. */
void rt_cache_flush(struct net *net);
/* Free the net's rtables (inet_net_exit). */
void rt_pool_free(struct net *net);

#include "netstack/skbuff.h"

static inline struct rtable *skb_rtable(const struct sk_buff *skb)
{
	return skb->rt;
}

static inline void skb_dst_set(struct sk_buff *skb, struct rtable *rt)
{
	skb->rt = rt;
}

static inline void skb_dst_drop(struct sk_buff *skb)
{
	skb->rt = NULL;
}

/* dst_input/dst_output: follow the routing decision. */
static inline int dst_input(struct sk_buff *skb)
{
	return skb_rtable(skb)->input(skb);
}

static inline int dst_output(struct net *net, struct sock *sk, struct sk_buff *skb)
{
	return skb_rtable(skb)->output(net, sk, skb);
}

/* ipv4 address classes (include/linux/in.h) */
static inline bool ipv4_is_loopback(__be32 addr)
{
	return (addr & __cpu_to_be32(0xff000000)) == __cpu_to_be32(0x7f000000);
}
static inline bool ipv4_is_multicast(__be32 addr)
{
	return (addr & __cpu_to_be32(0xf0000000)) == __cpu_to_be32(0xe0000000);
}
static inline bool ipv4_is_local_multicast(__be32 addr)
{
	return (addr & __cpu_to_be32(0xffffff00)) == __cpu_to_be32(0xe0000000);
}
static inline bool ipv4_is_lbcast(__be32 addr)
{
	return addr == __cpu_to_be32(0xffffffff);
}
static inline bool ipv4_is_zeronet(__be32 addr)
{
	return (addr == 0);
}
static inline __be32 inet_make_mask(int logmask)
{
	if (logmask)
		return __cpu_to_be32(~((1U << (32 - logmask)) - 1));
	return 0;
}

void fib_free_table(struct net *net);

#endif
