/* netstack/skbuff.h - struct sk_buff: one packet and what the stack knows about it.
 *
 * Mirrors include/linux/skbuff.h in the fields netfilter reads and writes: header offsets
 * (mac/network/transport), protocol, pkt_type, mark, priority, nf_trace, the conntrack
 * pointer (_nfct), the route (dst) and the owning socket.
 * EMU: always one linear buffer (no frags, no clones sharing data): pskb_may_pull and
 * skb_ensure_writable only check lengths.  The buffer keeps NFEMU_SKB_HEADROOM bytes in front
 * of the network header so a link-layer header can be pushed on output.
 */
#ifndef NFEMU_NETSTACK_SKBUFF_H
#define NFEMU_NETSTACK_SKBUFF_H

#include <linux/in.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include "kernel/kernel.h"
#include "kernel/observe.h"
#include "netstack/dropreason.h"
#include "kernel/list.h"

#define NFEMU_SKB_HEADROOM 128

/* include/net/ip.h: the frag_off field */
#define IP_CE 0x8000            /* Flag: "Congestion" */
#define IP_DF 0x4000            /* Flag: "Don't Fragment" */
#define IP_MF 0x2000            /* Flag: "More Fragments" */
#define IP_OFFSET 0x1FFF        /* "Fragment Offset" part */
#define SKB_HDR_UNSET 0xffff

/* skb->ip_summed values */
#ifndef CHECKSUM_NONE
#define CHECKSUM_NONE		0
#define CHECKSUM_UNNECESSARY	1
#define CHECKSUM_COMPLETE	2
#define CHECKSUM_PARTIAL	3
#endif

struct net_device;
struct rtable;
struct sock;

struct sk_buff {
	struct sk_buff *next;           /* on a queue (nf_queue, defrag, output list) */
	unsigned char *head;            /* start of the buffer */
	unsigned char *data;            /* start of the current layer */
	unsigned int len;               /* bytes from data to the end of the packet */
	unsigned int end;               /* bytes allocated at head */
	u16 mac_header;                 /* offsets from head, SKB_HDR_UNSET if none */
	u16 network_header;
	u16 transport_header;
	u16 mac_len;
	__be16 protocol;                /* ETH_P_IP, network order */
	u8 pkt_type;                    /* PACKET_HOST, _BROADCAST, _MULTICAST, _OTHERHOST, _OUTGOING */
	u8 nf_trace:1;                  /* traced by TRACE / nftrace */
	u8 ip_summed:2;
	u8 local_df:1;                  /* may fragment regardless of DF (EMU: ignore_df) */
	u32 mark;
	u32 priority;
	/* IPCB(skb)->frag_max_size: the largest fragment a reassembled datagram arrived in, so
	 * forwarding splits it again the way it came (EMU: the one control-block field kept). */
	u16 frag_max_size;
	int skb_iif;                    /* ifindex it arrived on */
	struct net_device *dev;         /* the device it arrived on / leaves by */
	struct rtable *rt;              /* skb_dst(): the routing decision */
	struct sock *sk;                /* the local socket that sent it, if any */
	unsigned long _nfct;            /* struct nf_conn * | enum ip_conntrack_info */
	u64 tstamp;                     /* receive time on the capture clock, ns */
	/* EMU: bookkeeping for traces and outputs, no kernel counterpart. */
	u64 emu_id;                     /* 1-based packet number in the capture; 0 = generated */
	u64 emu_parent;                 /* for generated packets (RST, ICMP): the packet that caused it */
	struct net *emu_net;            /* the kernel it is in, so kfree_skb_reason can report */
	struct nfemu_verdict emu_verdict;       /* what decided a drop (kernel/observe.h) */
	unsigned int emu_headcap;       /* bytes allocated at head (>= end: a cache class) */
};

/* A local socket as netfilter sees it (owner match, LOG --log-uid, recent --rttl), and, for
 * the sockets of the host's applications (`listen` lines, --open-ports), what the TCP/UDP
 * lookups and the connection states of netstack/inet_hashtables.c need.
 * EMU: a socket's file is implied: sk_uid/sk_gid are its file's credentials; a socket with
 * sk_kern_sock has a struct socket but no file; one with sk_orphan no struct socket at all
 * (closed by its application). */
struct sock {
	u32 sk_uid;
	u32 sk_gid;
	u32 sk_mark;
	int sk_protocol;
	/* A kernel socket: the per-net control sockets the stack sends its own RSTs, ICMP
	 * errors and echo replies from.  They have no file, so no uid/gid to log or match. */
	u8 sk_kern_sock:1;
	/* sock_orphan(): the application closed it; sk->sk_socket is NULL. */
	u8 sk_orphan:1;
	/* EMU: the application's close() was seen (its FIN sent) / the peer's FIN received. */
	u8 emu_fin_out:1, emu_fin_in:1;
	/* sk_state: 0 for the raw and control sockets; TCP_LISTEN, TCP_NEW_SYN_RECV (a request
	 * sock), TCP_ESTABLISHED (any full connected socket), TCP_TIME_WAIT, TCP_CLOSE (gone);
	 * TCP_CLOSE also for a UDP socket, as Linux has it. */
	u8 sk_state;
	struct sock *rsk_listener;      /* a request or connection sock: its listener */
	struct list_head sk_node;       /* net->ipv4.sk_list, sk_conns or sk_dead */
	struct sock *sk_ehash_next;     /* a connection: the next in its ehash bucket */
	__be32 sk_rcv_saddr;            /* bound address (0: any) */
	__be32 sk_daddr;                /* peer, for a connection */
	u16 sk_num;                     /* local port, host order */
	__be16 sk_dport;                /* peer port */
	u64 emu_since_ns;               /* request sock / TIME_WAIT since (the capture's clock) */
};

struct sk_buff *alloc_skb(unsigned int size);      /* len 0, data after NFEMU_SKB_HEADROOM */
void kfree_skb(struct sk_buff *skb);                   /* EMU: same as NOT_SPECIFIED drop */
/* Free a dropped packet, reporting why (and skb->emu_verdict) to the observer. */
void kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason);
/* Free a packet that was used up normally (delivered, transmitted): no drop reported. */
void consume_skb(struct sk_buff *skb);
struct sk_buff *skb_copy(const struct sk_buff *skb);
/* EMU: give the cached sk_buffs and buffers back to the allocator (at exit, for leak checks). */
void skb_caches_drain(void);
unsigned char *skb_put(struct sk_buff *skb, unsigned int len);
unsigned char *skb_push(struct sk_buff *skb, unsigned int len);
unsigned char *skb_pull(struct sk_buff *skb, unsigned int len);
void skb_trim(struct sk_buff *skb, unsigned int len);
/* Finish a CHECKSUM_PARTIAL packet's TCP/UDP checksum (-EINVAL: not TCP/UDP, too short). */
int skb_checksum_help(struct sk_buff *skb);
/* Grow the tail room (for options added by TCPMSS and friends); 0 or -ENOMEM. */
int pskb_expand_head(struct sk_buff *skb, unsigned int nhead, unsigned int ntail);

static inline unsigned char *skb_network_header(const struct sk_buff *skb)
{
	return skb->head + skb->network_header;
}
static inline unsigned char *skb_transport_header(const struct sk_buff *skb)
{
	return skb->head + skb->transport_header;
}
static inline unsigned char *skb_mac_header(const struct sk_buff *skb)
{
	return skb->head + skb->mac_header;
}
static inline bool skb_mac_header_was_set(const struct sk_buff *skb)
{
	return skb->mac_header != SKB_HDR_UNSET;
}
static inline void skb_reset_network_header(struct sk_buff *skb)
{
	skb->network_header = skb->data - skb->head;
}
static inline void skb_reset_mac_header(struct sk_buff *skb)
{
	skb->mac_header = skb->data - skb->head;
}
static inline void skb_set_transport_header(struct sk_buff *skb, int offset)
{
	skb->transport_header = skb->data - skb->head + offset;
}
static inline int skb_network_offset(const struct sk_buff *skb)
{
	return skb_network_header(skb) - skb->data;
}
static inline struct iphdr *ip_hdr(const struct sk_buff *skb)
{
	return (struct iphdr *)skb_network_header(skb);
}
static inline unsigned int ip_hdrlen(const struct sk_buff *skb)
{
	return ip_hdr(skb)->ihl * 4;
}
static inline unsigned char *skb_tail_pointer(const struct sk_buff *skb)
{
	return skb->data + skb->len;
}

/* Copy len bytes at offset (from skb->data) into buffer, or point into the skb: NULL if the
 * packet is too short.  As in Linux, offsets are relative to skb->data, which netfilter keeps
 * at the network header. */
static inline void *skb_header_pointer(const struct sk_buff *skb, int offset, int len, void *buffer)
{
	(void)buffer;
	if (offset < 0 || len < 0 || (unsigned int)offset + (unsigned int)len > skb->len)
		return NULL;
	return skb->data + offset;
}

static inline bool pskb_may_pull(const struct sk_buff *skb, unsigned int len)
{
	return len <= skb->len;
}

/* A checksum the stack need not verify: already checked, or still to be completed by the
 * device (CHECKSUM_PARTIAL, e.g. a REJECT reset looped back over lo). */
static inline bool skb_csum_unnecessary(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_UNNECESSARY || skb->ip_summed == CHECKSUM_PARTIAL;
}

/* EMU: the buffer is always private and linear: writable up to its length. */
static inline int skb_ensure_writable(struct sk_buff *skb, unsigned int write_len)
{
	return write_len <= skb->len ? 0 : -ENOMEM;
}

#endif
