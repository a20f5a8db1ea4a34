/* netstack/af_inet.c - the per-net boot and teardown of the IPv4 stack (the pernet parts of
 * net/ipv4/af_inet.c inet_init, devinet_init_net, ip_rt_init, icmp_sk_init), and the
 * observer calls the stack makes where Linux has tracepoints.
 *
 * inet_net_init() gives a net its sysctl defaults (those of a fresh Linux 6.18 netns, see
 * /work/shared/notes/kernel-defaults.md), the loopback device and an IP ID key.
 * EMU: the observer helpers (nfemu_*) have no kernel counterpart: they are the
 * skb:kfree_skb / net:net_dev_xmit tracepoints of a kernel that reports to nfemu.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "kernel/clock.h"
#include "kernel/random.h"
#include "netstack/inet.h"
#include "netstack/ip.h"
#include "netstack/icmp.h"
#include "netstack/neighbour.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/sock.h"


/* struct ipv4_devconf ipv4_devconf / ipv4_devconf_dflt (devinet.c) as a fresh netns has them. */
static void ipv4_devconf_defaults(struct ipv4_devconf *cnf, bool dflt)
{
	memset(cnf, 0, sizeof(*cnf));
	IPV4_DEVCONF(*cnf, ACCEPT_REDIRECTS) = 1;
	IPV4_DEVCONF(*cnf, SEND_REDIRECTS) = 1;
	IPV4_DEVCONF(*cnf, SECURE_REDIRECTS) = 1;
	IPV4_DEVCONF(*cnf, SHARED_MEDIA) = 1;
	IPV4_DEVCONF(*cnf, IGMPV2_UNSOLICITED_REPORT_INTERVAL) = 10000;
	IPV4_DEVCONF(*cnf, IGMPV3_UNSOLICITED_REPORT_INTERVAL) = 1000;
	IPV4_DEVCONF(*cnf, ARP_EVICT_NOCARRIER) = 1;
	/* conf/default/accept_source_route is 1, conf/all/accept_source_route 0 */
	IPV4_DEVCONF(*cnf, ACCEPT_SOURCE_ROUTE) = dflt ? 1 : 0;
}

/* net.netfilter.nf_conntrack_* of a fresh Linux 6.18 netns (shared/notes/kernel-defaults.md);
 * also what conntrack reads in a net whose IPv4 stack is not initialised (nfemu exec). */
const struct netns_nf_ct_sysctl nf_ct_sysctl_default = {
		.acct = 0, .buckets = 262144, .checksum = 1, .events = 2, .expect_max = 4096,
		.log_invalid = 0, .max = 262144, .timestamp = 0,
		.frag6_high_thresh = 4194304, .frag6_low_thresh = 3145728, .frag6_timeout = 60,
		.generic_timeout = 600, .icmp_timeout = 30, .icmpv6_timeout = 30,
		.gre_timeout = 30, .gre_timeout_stream = 180,
		.udp_timeout = 30, .udp_timeout_stream = 120,
		.tcp_be_liberal = 0, .tcp_ignore_invalid_rst = 0, .tcp_loose = 1, .tcp_max_retrans = 3,
		.tcp_timeout_close = 10, .tcp_timeout_close_wait = 60,
		.tcp_timeout_established = 432000, .tcp_timeout_fin_wait = 120,
		.tcp_timeout_last_ack = 30, .tcp_timeout_max_retrans = 300,
		.tcp_timeout_syn_recv = 60, .tcp_timeout_syn_sent = 120,
		.tcp_timeout_time_wait = 120, .tcp_timeout_unacknowledged = 300,
		.sctp_timeout_closed = 10, .sctp_timeout_cookie_echoed = 3,
		.sctp_timeout_cookie_wait = 3, .sctp_timeout_established = 210,
		.sctp_timeout_heartbeat_sent = 30, .sctp_timeout_shutdown_ack_sent = 3,
		.sctp_timeout_shutdown_recd = 3, .sctp_timeout_shutdown_sent = 3,
	};

static void nf_ct_sysctl_defaults(struct netns_nf_ct_sysctl *c)
{
	*c = nf_ct_sysctl_default;
}


int inet_net_init(struct net *net)
{
	struct netns_ipv4 *ipv4 = &net->ipv4;
	int err;

	if (ipv4->ready)
		return 0;
	INIT_LIST_HEAD(&ipv4->dev_base_head);
	INIT_LIST_HEAD(&ipv4->fib_list);
	INIT_LIST_HEAD(&ipv4->neigh_list);
	INIT_LIST_HEAD(&ipv4->frag_list);
	INIT_LIST_HEAD(&ipv4->sk_list);
	INIT_LIST_HEAD(&ipv4->sk_conns);
	INIT_LIST_HEAD(&ipv4->sk_dead);
	ipv4_devconf_defaults(&ipv4->devconf_all_s, false);
	ipv4_devconf_defaults(&ipv4->devconf_dflt_s, true);
	ipv4->devconf_all = &ipv4->devconf_all_s;
	ipv4->devconf_dflt = &ipv4->devconf_dflt_s;

	ipv4->sysctl_icmp_echo_ignore_all = 0;
	ipv4->sysctl_icmp_echo_enable_probe = 0;
	ipv4->sysctl_icmp_echo_ignore_broadcasts = 1;
	ipv4->sysctl_icmp_ignore_bogus_error_responses = 1;
	ipv4->sysctl_icmp_errors_use_inbound_ifaddr = 0;
	ipv4->sysctl_icmp_ratelimit = (int)msecs_to_jiffies(1000);
	ipv4->sysctl_icmp_ratemask = 0x1818;    /* 6168: dest unreach, source quench, time exceeded, param problem */
	ipv4->sysctl_icmp_msgs_per_sec = 1000;
	ipv4->sysctl_icmp_msgs_burst = 50;
	ipv4->icmp_global_credit = 0;
	ipv4->sysctl_ip_default_ttl = 64;
	ipv4->sysctl_ip_no_pmtu_disc = 0;
	ipv4->sysctl_ip_fwd_use_pmtu = 0;
	ipv4->sysctl_ip_fwd_update_priority = 1;
	ipv4->sysctl_ip_nonlocal_bind = 0;
	ipv4->sysctl_ip_early_demux = 1;
	ipv4->sysctl_tcp_early_demux = 1;
	ipv4->sysctl_udp_early_demux = 1;
	ipv4->sysctl_ip_dynaddr = 0;
	ipv4->sysctl_fwmark_reflect = 0;
	ipv4->sysctl_tcp_fwmark_accept = 0;
	ipv4->ip_local_ports_range[0] = 32768;
	ipv4->ip_local_ports_range[1] = 60999;
	ipv4->sysctl_ipfrag_high_thresh = 4 * 1024 * 1024;
	ipv4->sysctl_ipfrag_low_thresh = 3 * 1024 * 1024;
	ipv4->sysctl_ipfrag_time = 30 * HZ;
	ipv4->sysctl_ipfrag_max_dist = 64;
	nf_ct_sysctl_defaults(&ipv4->nf_ct);
	/* ip_idents_hashrnd / the keyed hash of __ip_select_ident: EMU from the seeded PRNG. */
	ipv4->ip_id_key = get_random_u32(net);

	ipv4->ctl_sk = (struct sock){ .sk_kern_sock = 1 };
	err = fib4_rules_init(net);
	if (err)
		return err;
	ipv4->ready = true;
	err = nfemu_loopback_init(net);
	if (err) {
		inet_net_exit(net);
		return err;
	}
	return 0;
}

/*
 * The device half of a netns exit (default_device_exit_batch).  Device pernet operations sit
 * last on pernet_list and cleanup_net() runs the exits in reverse, so this runs before any
 * netfilter module's exit: unregistering the devices flushes their neighbours (neigh_ifdown
 * purges each arp_queue) and drops the backlog.  Packets still in flight thus release their
 * conntrack entries while nf_conntrack is there to free them.
 * EMU: the devices themselves stay (inet_net_exit frees them); only what they hold goes.
 */
void default_device_exit_batch(struct net *net)
{
	struct sk_buff *skb;

	if (!net->ipv4.ready)
		return;
	while ((skb = net->ipv4.backlog_head)) {
		net->ipv4.backlog_head = skb->next;
		skb->next = NULL;
		consume_skb(skb);
	}
	net->ipv4.backlog_tail = NULL;
	neigh_table_free(net);
}

void inet_net_exit(struct net *net)
{
	if (!net->ipv4.ready)
		return;
	default_device_exit_batch(net);
	ip_frag_free_all(net);
	fib_free_table(net);
	fib4_rules_exit(net);
	inet_sockets_free(net);
	inet_peers_free(net);
	rt_pool_free(net);
	nfemu_devices_free(net);
	net->ipv4.ready = false;
}

/*
 * EMU: the stack's timers (neighbour resolution failures, reassembly expiry) on the emulated
 * clock.  Linux fires them when they are due; nfemu fires the ones due by now, in time order,
 * with the clock set to each one's due time while it runs, so that the rate limits and the
 * packets it sends see the time Linux would have.
 */
void nfemu_netstack_run_timers(struct net *net)
{
	struct netns_ipv4 *ipv4 = &net->ipv4;
	u64 now = net->clock.now_ns;
	bool ran = false;

	if (!ipv4->ready)
		return;
	for (int guard = 0; guard < 100000; guard++) {
		u64 tn = neigh_next_timer(net), tf = ip_frag_next_timer(net);
		u64 t = tn < tf ? tn : tf;

		if (t > now)
			break;
		net->clock.now_ns = t > ipv4->timers_now_ns ? t : ipv4->timers_now_ns;
		if (tn <= tf)
			neigh_run_timers(net, t);
		else
			ip_frag_run_timers(net, t);
		/* what the timer looped back (an ICMP error to the host itself) is received in
		 * the softirq that follows, before anything else arrives */
		if (!ipv4->rx_depth)
			nfemu_process_backlog(net);
		net->clock.now_ns = now;
		ran = true;
	}
	ipv4->timers_now_ns = now;
	if (ran) {
		/* what the timers did belongs to the packets they finished, not to this one */
		struct nfemu_event ev = { .type = NFEMU_EV_TIMERS_DONE };

		nfemu_observe(net, &ev);
	}
}

/* ------------------------------------------------------------------------------------------
 * EMU: observer calls
 */

void nfemu_kfree_skb_at(struct sk_buff *skb, enum skb_drop_reason reason, const char *where)
{
	if (!skb)
		return;
	skb->emu_verdict.kind = NFEMU_VERDICT_FUNC;
	skb->emu_verdict.func = where;
	kfree_skb_reason(skb, reason);
}

void nfemu_skb_delivered(struct sk_buff *skb, const char *where)
{
	struct nfemu_event ev = {
		.type = NFEMU_EV_DELIVER,
		.skb = skb,
		.dev = skb->dev,
		.where = where,
	};

	if (skb->emu_net)
		nfemu_observe(skb->emu_net, &ev);
	consume_skb(skb);
}

void nfemu_skb_delivered_sk(struct sk_buff *skb, const struct sock *sk)
{
	struct nfemu_event ev = {
		.type = NFEMU_EV_DELIVER,
		.skb = skb,
		.dev = skb->dev,
		.sk = sk,
	};

	if (skb->emu_net)
		nfemu_observe(skb->emu_net, &ev);
	consume_skb(skb);
}

void nfemu_skb_generated(struct net *net, struct sk_buff *nskb, const struct sk_buff *cause,
			 const char *what)
{
	struct nfemu_event ev = {
		.type = NFEMU_EV_GENERATED,
		.skb = nskb,
		.text = what,
	};

	nskb->emu_net = net;
	nskb->emu_id = 0;
	nskb->emu_parent = cause ? (cause->emu_id ? cause->emu_id : cause->emu_parent) : 0;
	nskb->tstamp = net->clock.now_ns;
	nfemu_observe(net, &ev);
}

void nfemu_skb_pending(struct net *net, const struct sk_buff *skb, const char *fmt, ...)
{
	struct nfemu_event ev = { .type = NFEMU_EV_PENDING, .skb = skb, .dev = skb->dev };
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ev.text = text;
	nfemu_observe(net, &ev);
}

void nfemu_note(struct net *net, const struct sk_buff *skb, const struct net_device *dev,
		const char *fmt, ...)
{
	struct nfemu_event ev = { .type = NFEMU_EV_NOTE, .skb = skb, .dev = dev };
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ev.text = text;
	nfemu_observe(net, &ev);
}
