/* netstack/netns_ipv4.h - the IPv4 stack's per-namespace state (include/net/netns/ipv4.h).
 *
 * Everything the emulated IPv4 stack keeps lives in this one struct, embedded in struct net as
 * net->ipv4: the devices (EMU: Linux keeps them in struct net itself), conf/all and
 * conf/default, the FIB, the route cache, the neighbour table, the inet_peer tree that the
 * ICMP and redirect rate limits use, the ICMP global token bucket, the IP ID generator and
 * the sysctls.  EMU: also the net.netfilter.nf_conntrack_* sysctls (Linux: netns_ct), so the
 * topology file can set them before conntrack exists.
 */
#ifndef NFEMU_NETSTACK_NETNS_IPV4_H
#define NFEMU_NETSTACK_NETNS_IPV4_H

#include "kernel/kernel.h"
#include "netstack/skbuff.h"
#include "kernel/list.h"
#include "netstack/netdevice.h"

struct rtable;
struct inet_peer;

/* net.netfilter.nf_conntrack_* (values as in a fresh Linux 6.18 netns; timeouts in seconds). */
struct netns_nf_ct_sysctl {
	int acct, buckets, checksum, events, expect_max, log_invalid, max, timestamp;
	int frag6_high_thresh, frag6_low_thresh, frag6_timeout;
	int generic_timeout, icmp_timeout, icmpv6_timeout, gre_timeout, gre_timeout_stream;
	int udp_timeout, udp_timeout_stream;
	int tcp_be_liberal, tcp_ignore_invalid_rst, tcp_loose, tcp_max_retrans;
	int tcp_timeout_close, tcp_timeout_close_wait, tcp_timeout_established, tcp_timeout_fin_wait;
	int tcp_timeout_last_ack, tcp_timeout_max_retrans, tcp_timeout_syn_recv;
	int tcp_timeout_syn_sent, tcp_timeout_time_wait, tcp_timeout_unacknowledged;
	int sctp_timeout_closed, sctp_timeout_cookie_echoed, sctp_timeout_cookie_wait;
	int sctp_timeout_established, sctp_timeout_heartbeat_sent, sctp_timeout_shutdown_ack_sent;
	int sctp_timeout_shutdown_recd, sctp_timeout_shutdown_sent;
};

/* What the stack counted (a slice of /proc/net/snmp and netstat), for the replay summary. */
struct netns_ipv4_mib {
	u64 ip_in_receives, ip_in_hdr_errors, ip_in_addr_errors, ip_in_no_routes;
	u64 ip_in_delivers, ip_forw_datagrams, ip_out_requests, ip_frag_creates, ip_frag_fails;
	u64 icmp_out_msgs, icmp_ratelimit_global, icmp_ratelimit_host;
	u64 tcp_out_rsts, udp_no_ports;
	u64 rx_non_ip;                  /* EMU: frames that were not IPv4 (ARP, IPv6, ...) */
	u64 neigh_failed;
};

/* The options of a received packet as ip_options_compile found them (struct ip_options). */
struct ip_options {
	unsigned char optlen;
	unsigned char srr, rr, ts;      /* offsets from the IP header, 0 = absent */
	unsigned char router_alert, cipso;
	u8 is_strictroute:1, srr_is_hit:1, is_changed:1, rr_needaddr:1, ts_needtime:1, ts_needaddr:1;
};

#define NFEMU_IP_IDENTS_SZ 2048
#define NFEMU_PEER_HASH 1024
#define NFEMU_NEIGH_HASH 256
#define NFEMU_EHASH 1024

struct neighbour;

/* The defaults of a fresh Linux 6.18 netns (netstack/af_inet.c). */
extern const struct netns_nf_ct_sysctl nf_ct_sysctl_default;

struct netns_ipv4 {
	/* ipv4_tcp_sk / icmp_sk: the kernel sockets the stack's own replies are sent from
	 * (inet_ctl_sock_create).  EMU: one for both, as netfilter cannot tell them apart. */
	struct sock ctl_sk;
	bool ready;                     /* inet_net_init() ran */
	/* Devices, in creation order; lo first (ifindex 1), as for_each_netdev walks them. */
	struct list_head dev_base_head;
	struct net_device *loopback_dev;
	int dev_index_head;             /* the last ifindex handed out */
	struct ipv4_devconf devconf_all_s, devconf_dflt_s;
	struct ipv4_devconf *devconf_all, *devconf_dflt;

	/* The FIB: the routes of every table in one list, each knowing its tb_id (while there
	 * are no policy rules of the user's, a lookup in main also sees local: fib_trie's
	 * merged table).  fib_tables: the ids of the tables that exist (fib_new_table). */
	struct list_head fib_list;
	u32 *fib_tables;
	unsigned int fib_ntables;
	bool fib_has_custom_local_routes;
	/* The policy rules (net->ipv4.rules_ops->rules_list), by pref; custom once `ip rule add`
	 * ran (fib4_rule_configure sets fib_has_custom_rules). */
	struct list_head fib_rules;
	bool fib_has_custom_rules;
	u32 fib_seq;                    /* bumped on every change (rt_cache_flush) */
	/* EMU: the index fib_table_lookup probes instead of fib_trie's LC-trie (fib.c): the
	 * prefixes in use hashed by (length, prefix), each with its aliases in fib_list order;
	 * fib_lens has bit L set when some route is a /L.  Rebuilt on the first lookup after
	 * fib_seq moved (fib_index_seq is fib_seq + 1 when current, 0 before the first build). */
	struct fib_node **fib_index;
	unsigned int fib_index_mask;
	u64 fib_lens;
	u32 fib_index_seq;

	/* EMU: the route cache is a pool of immutable rtables shared by all packets; entries
	 * live until the net is freed or the FIB changes (then a new generation starts). */
	struct rtable **rt_pool;
	unsigned int rt_pool_len, rt_pool_cap;

	/* The sockets of the host's applications (`listen` lines, --open-ports): the bound ones
	 * (listeners, UDP: lhash2, a list), the connections -- request socks, full sockets,
	 * TIME_WAIT socks -- hashed by their 4-tuple as inet_hashinfo's ehash (and listed, for the
	 * sweep of expired ones), and the closed ones waiting to be freed once no packet points
	 * at them. */
	struct list_head sk_list, sk_conns, sk_dead;
	struct sock *sk_ehash[NFEMU_EHASH];
	u64 sk_sweep_ns;                /* when expired connections were last swept */
	bool emu_open_ports;            /* EMU: --open-ports, every local port listens */

	struct list_head neigh_list;    /* struct neighbour: static ones and those being resolved */
	struct neighbour *neigh_hash[NFEMU_NEIGH_HASH];  /* the same entries by (dev, address) */
	unsigned int neigh_dynamic;     /* entries created by the stack (gc_thresh3 caps them) */
	unsigned int neigh_incomplete;  /* entries waiting for their resolution to fail */
	u64 timers_now_ns;              /* the latest time the stack's timers ran at */

	/* ip_fragment.c: reassembly queues (struct ipq), oldest first, and their memory. */
	struct list_head frag_list;
	long frag_mem;
	unsigned int frag_count;
	int sysctl_ipfrag_high_thresh, sysctl_ipfrag_low_thresh;
	int sysctl_ipfrag_time;         /* jiffies */
	int sysctl_ipfrag_max_dist;

	/* The softnet backlog: frames netif_rx() queued (loopback), processed after the packet
	 * that produced them, as process_backlog would. */
	struct sk_buff *backlog_head, *backlog_tail;
	int rx_depth;

	/* inet_peer storage (net->ipv4.peers): per remote address rate-limit state. */
	struct inet_peer *peers[NFEMU_PEER_HASH];
	unsigned int peers_total, peers_gc_cursor;

	/* icmp_global_allow's token bucket. */
	int icmp_global_credit;
	u32 icmp_global_stamp;

	/* EMU: ip_idents as a deterministic generator (see ip_output.c __ip_select_ident). */
	u32 ip_id_key;
	u32 ip_idents[NFEMU_IP_IDENTS_SZ];

	/* sysctls: net.ipv4.* */
	int sysctl_icmp_echo_ignore_all;
	int sysctl_icmp_echo_enable_probe;
	int sysctl_icmp_echo_ignore_broadcasts;
	int sysctl_icmp_ignore_bogus_error_responses;
	int sysctl_icmp_errors_use_inbound_ifaddr;
	int sysctl_icmp_ratelimit;      /* jiffies (the sysctl is in ms) */
	int sysctl_icmp_ratemask;
	int sysctl_icmp_msgs_per_sec;
	int sysctl_icmp_msgs_burst;
	int sysctl_ip_default_ttl;
	int sysctl_ip_no_pmtu_disc;
	int sysctl_ip_fwd_use_pmtu;
	int sysctl_ip_fwd_update_priority;
	int sysctl_ip_nonlocal_bind;
	int sysctl_ip_early_demux;
	int sysctl_tcp_early_demux;
	int sysctl_udp_early_demux;
	int sysctl_ip_dynaddr;
	int sysctl_fwmark_reflect;
	int sysctl_tcp_fwmark_accept;
	int ip_local_ports_range[2];

	/* EMU: IPCB(skb)->opt of the packet being received, from ip_rcv_options to
	 * ip_forward_options (the sk_buff has no control block; this path is synchronous). */
	const struct sk_buff *ipcb_skb;
	struct ip_options ipcb_opt;

	struct netns_nf_ct_sysctl nf_ct;
	struct netns_ipv4_mib mib;
};

#endif
