/* conntrack/nf_conntrack_proto.c - conntrack's netfilter hooks and their per-net enable.
 *
 * Mirrors net/netfilter/nf_conntrack_proto.c: the IPv4 hooks (nf_conntrack_in at PRE_ROUTING
 * and LOCAL_OUT, priority -200; nf_confirm at POST_ROUTING and LOCAL_IN, INT_MAX) registered
 * by the first nf_ct_netns_get(net, NFPROTO_IPV4) (state/conntrack/CT/NAT checkentry, the nat
 * table) together with nf_defrag_ipv4, and removed by the last put; the L4 tracker table;
 * and invalid-packet logging.
 * EMU: IPv4 only (NFPROTO_INET/BRIDGE take the IPv4 part); helpers run in nf_confirm as in
 * Linux 6.x (no separate helper hook at priority 300), then NAT's sequence adjustment
 * (nf_ct_seq_adjust); no SO_ORIGINAL_DST sockopt.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "conntrack/nf_conntrack_seqadj.h"
#include "hooks/nf_log.h"
#include "netstack/checksum.h"
#include "netstack/ip.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

/* ------------------------------------------------------------------------------------------
 * Sysctls and trackers
 */

const struct netns_nf_ct_sysctl *nf_ct_sysctl(const struct net *net)
{
	return net->ipv4.ready ? &net->ipv4.nf_ct : &nf_ct_sysctl_default;
}

const struct nf_conntrack_l4proto *nf_ct_l4proto_find(u8 l4proto)
{
	switch (l4proto) {
	case IPPROTO_UDP:
		return &nf_conntrack_l4proto_udp;
	case IPPROTO_TCP:
		return &nf_conntrack_l4proto_tcp;
	case IPPROTO_ICMP:
		return &nf_conntrack_l4proto_icmp;
	}
	return &nf_conntrack_l4proto_generic;
}

void nf_l4proto_log_invalid(const struct sk_buff *skb, const struct nf_hook_state *state,
			    u8 protonum, const char *fmt, ...)
{
	struct net *net = state->net;
	int log_invalid = nf_ct_sysctl(net)->log_invalid;
	char msg[200];
	va_list args;

	if (log_invalid != protonum && log_invalid != IPPROTO_RAW)
		return;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	nf_log_packet(net, state->pf, 0, skb, state->in, state->out, NULL, "nf_ct_proto_%d: %s ",
		      protonum, msg);
}

void nf_ct_l4proto_log_invalid(const struct sk_buff *skb, const struct nf_conn *ct,
			       const struct nf_hook_state *state, const char *fmt, ...)
{
	char msg[200];
	va_list args;

	if (nf_ct_sysctl(nf_ct_net(ct))->log_invalid == 0)
		return;
	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	nf_l4proto_log_invalid(skb, state, nf_ct_protonum(ct), "%s", msg);
}

/* ------------------------------------------------------------------------------------------
 * The hooks
 */

/* Packet is received from loopback */
static bool nf_is_loopback_packet(const struct sk_buff *skb)
{
	return skb->dev && skb->skb_iif && (skb->dev->flags & IFF_LOOPBACK);
}

static unsigned int __nf_confirm(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	const struct nf_conn_help *help;
	enum ip_conntrack_info ctinfo;
	unsigned int protoff;
	bool seqadj_needed;
	struct nf_conn *ct;

	(void)priv;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return NF_ACCEPT;
	state->net->ct.emu_skb = skb;
	help = nfct_help(ct);
	seqadj_needed = (ct->status & IPS_SEQ_ADJUST) && !nf_is_loopback_packet(skb);
	if (!help && !seqadj_needed)
		return (unsigned int)nf_conntrack_confirm(skb);
	/* helper->help() do not expect ICMP packets */
	if (ctinfo == IP_CT_RELATED_REPLY)
		return (unsigned int)nf_conntrack_confirm(skb);

	protoff = (unsigned int)skb_network_offset(skb) + ip_hdrlen(skb);
	if (help) {
		const struct nf_conntrack_helper *helper = help->helper;
		int ret;

		/* EMU: the stand-ins for helpers nfemu does not emulate have no help() */
		if (helper && helper->help) {
			ret = helper->help(skb, protoff, ct, ctinfo);
			if (ret != NF_ACCEPT) {
				if (ret == NF_DROP)
					nf_ct_observe(ct, skb, NFEMU_CT_HELPER_DROP, helper->name, 0, 0);
				return (unsigned int)ret;
			}
		}
	}
	if (seqadj_needed && !nf_ct_seq_adjust(skb, ct, ctinfo, protoff)) {
		state->net->ct.stat.drop++;
		return NF_DROP;
	}
	/* We've seen it coming out the other side: confirm it */
	return (unsigned int)nf_conntrack_confirm(skb);
}

unsigned int nf_confirm(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	unsigned int ret = __nf_confirm(priv, skb, state);

	state->net->ct.emu_skb = NULL;
	return ret;
}

static unsigned int ipv4_conntrack_in(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	(void)priv;
	return nf_conntrack_in(skb, state);
}

static unsigned int ipv4_conntrack_local(void *priv, struct sk_buff *skb,
					 const struct nf_hook_state *state)
{
	(void)priv;
	if (ip_is_fragment(ip_hdr(skb))) {     /* IP_NODEFRAG setsockopt set */
		enum ip_conntrack_info ctinfo;
		struct nf_conn *tmpl = nf_ct_get(skb, &ctinfo);

		if (tmpl && nf_ct_is_template(tmpl)) {
			/* when skipping ct, clear templates to avoid fooling later targets/matches */
			skb->_nfct = 0;
			nf_ct_put(tmpl);
		}
		return NF_ACCEPT;
	}
	return nf_conntrack_in(skb, state);
}

/* Connection tracking may drop packets, but never alters them, so make it the first hook. */
static const struct nf_hook_ops ipv4_conntrack_ops[] = {
	{
		.hook = ipv4_conntrack_in,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK,
		.name = "ipv4_conntrack_in",
		.module = "nf_conntrack",
	},
	{
		.hook = ipv4_conntrack_local,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK,
		.name = "ipv4_conntrack_local",
		.module = "nf_conntrack",
	},
	{
		.hook = nf_confirm,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK_CONFIRM,
		.name = "nf_confirm",
		.module = "nf_conntrack",
	},
	{
		.hook = nf_confirm,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_CONNTRACK_CONFIRM,
		.name = "nf_confirm",
		.module = "nf_conntrack",
	},
};

/* An established TCP entry made while the hooks were off is judged afresh (window data lost). */
static int nf_ct_tcp_fixup(struct nf_conn *ct, void *_nfproto)
{
	u8 nfproto = (u8)(unsigned long)_nfproto;

	if (nf_ct_l3num(ct) != nfproto)
		return 0;
	if (nf_ct_protonum(ct) == IPPROTO_TCP && ct->proto.tcp.state == TCP_CONNTRACK_ESTABLISHED) {
		ct->proto.tcp.seen[0].td_maxwin = 0;
		ct->proto.tcp.seen[1].td_maxwin = 0;
	}
	return 0;
}

static int nf_ct_netns_do_get(struct net *net, u8 nfproto)
{
	struct netns_ct *cnet = &net->ct;
	int err;

	if (nfproto != NFPROTO_IPV4)
		return -EPROTO;
	/* EMU: every caller's module depends on nf_conntrack, whose init made net->ct ready;
	 * Linux could not even resolve the symbol otherwise. */
	if (!cnet->ready)
		return -ENOENT;
	cnet->users4++;
	if (cnet->users4 > 1)
		return 0;
	err = nf_defrag_ipv4_enable(net);
	if (err) {
		cnet->users4 = 0;
		return err;
	}
	err = nf_register_net_hooks(net, ipv4_conntrack_ops, ARRAY_SIZE(ipv4_conntrack_ops));
	if (err) {
		cnet->users4 = 0;
		nf_defrag_ipv4_disable(net);
		return err;
	}
	{
		struct nf_ct_iter_data iter_data = {
			.net = net,
			.data = (void *)(unsigned long)nfproto,
		};

		nf_ct_iterate_cleanup_net(nf_ct_tcp_fixup, &iter_data);
	}
	return 0;
}

static void nf_ct_netns_do_put(struct net *net, u8 nfproto)
{
	struct netns_ct *cnet = &net->ct;

	if (nfproto != NFPROTO_IPV4)
		return;
	if (cnet->users4 && --cnet->users4 == 0) {
		nf_unregister_net_hooks(net, ipv4_conntrack_ops, ARRAY_SIZE(ipv4_conntrack_ops));
		nf_defrag_ipv4_disable(net);
	}
}

int nf_ct_netns_get(struct net *net, u8 nfproto)
{
	switch (nfproto) {
	case NFPROTO_INET:
	case NFPROTO_BRIDGE:
		/* EMU: no IPv6 or bridge conntrack: their IPv4 part */
		return nf_ct_netns_do_get(net, NFPROTO_IPV4);
	case NFPROTO_IPV4:
		return nf_ct_netns_do_get(net, nfproto);
	default:
		return -EPROTO;
	}
}

void nf_ct_netns_put(struct net *net, u8 nfproto)
{
	switch (nfproto) {
	case NFPROTO_INET:
	case NFPROTO_BRIDGE:
	case NFPROTO_IPV4:
		nf_ct_netns_do_put(net, NFPROTO_IPV4);
		break;
	default:
		break;
	}
}
