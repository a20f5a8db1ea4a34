/* conntrack/nf_conntrack_proto_udp.c - the UDP tracker.
 *
 * Mirrors net/netfilter/nf_conntrack_proto_udp.c: an entry is UNREPLIED (udp_timeout, 30 s)
 * until a reply is seen; traffic both ways that is still alive two seconds after the first
 * packet makes it a stream (udp_timeout_stream, 120 s) and ASSURED.  Truncated or malformed
 * headers and bad checksums (on PRE_ROUTING, nf_conntrack_checksum) make packets INVALID.
 * EMU: no UDP-Lite tracker; no timeout-policy netlink attributes.
 */
#include <arpa/inet.h>
#include <linux/udp.h>
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_l4proto.h"
#include "netstack/skbuff.h"

static void udp_get_timeouts(const struct net *net, unsigned int timeouts[UDP_CT_MAX])
{
	const struct netns_nf_ct_sysctl *s = nf_ct_sysctl(net);

	timeouts[UDP_CT_UNREPLIED] = (unsigned int)s->udp_timeout * HZ;
	timeouts[UDP_CT_REPLIED] = (unsigned int)s->udp_timeout_stream * HZ;
}

static void udp_error_log(const struct sk_buff *skb, const struct nf_hook_state *state,
			  enum nfemu_ct_invalid why, const char *msg)
{
	nf_ct_observe_invalid(state->net, skb, NULL, IPPROTO_UDP, why, 0, 0, 0);  /* EMU */
	nf_l4proto_log_invalid(skb, state, IPPROTO_UDP, "%s", msg);
}

static bool udp_error(struct sk_buff *skb, unsigned int dataoff, const struct nf_hook_state *state)
{
	unsigned int udplen = skb->len - dataoff;
	const struct udphdr *hdr;

	/* Header is too small? */
	hdr = skb_header_pointer(skb, (int)dataoff, sizeof(*hdr), NULL);
	if (!hdr) {
		udp_error_log(skb, state, NFEMU_CTINV_UDP_SHORT, "short packet");
		return true;
	}
	/* Truncated/malformed packets */
	if (ntohs(hdr->len) > udplen || ntohs(hdr->len) < (unsigned int)sizeof(*hdr)) {
		udp_error_log(skb, state, NFEMU_CTINV_UDP_TRUNCATED,
			      "truncated/malformed packet");
		return true;
	}
	/* Packet with no checksum */
	if (!hdr->check)
		return false;
	/* Checksum invalid?  Ignore.  We skip checking packets on the outgoing path because
	 * the checksum is assumed to be correct. */
	if (state->hook == NF_INET_PRE_ROUTING && nf_ct_sysctl(state->net)->checksum &&
	    nf_ip_checksum(skb, state->hook, dataoff, IPPROTO_UDP)) {
		udp_error_log(skb, state, NFEMU_CTINV_UDP_CHECKSUM, "bad checksum");
		return true;
	}
	return false;
}

/* Returns verdict for packet, and may modify conntracktype */
int nf_conntrack_udp_packet(struct nf_conn *ct, struct sk_buff *skb, unsigned int dataoff,
			    enum ip_conntrack_info ctinfo, const struct nf_hook_state *state)
{
	unsigned int timeouts_buf[UDP_CT_MAX];
	const unsigned int *timeouts;
	unsigned long status;
	unsigned long jiffies = nfemu_jiffies(nf_ct_net(ct));

	if (udp_error(skb, dataoff, state))
		return -NF_ACCEPT;

	timeouts = nf_ct_timeout_lookup(ct);
	if (!timeouts) {
		udp_get_timeouts(nf_ct_net(ct), timeouts_buf);
		timeouts = timeouts_buf;
	}

	status = ct->status;
	if ((status & IPS_CONFIRMED) == 0)
		ct->proto.udp.stream_ts = 2 * HZ + jiffies;

	/* If we've seen traffic both ways, this is some kind of UDP stream.  Set Assured. */
	if (status & IPS_SEEN_REPLY) {
		unsigned long extra = timeouts[UDP_CT_UNREPLIED];
		bool stream = false;

		/* Still active after two seconds? Extend timeout. */
		if (time_after(jiffies, ct->proto.udp.stream_ts)) {
			extra = timeouts[UDP_CT_REPLIED];
			stream = (status & IPS_ASSURED) == 0;
		}
		nf_ct_refresh_acct(ct, ctinfo, skb, (u32)extra);

		/* never set ASSURED for IPS_NAT_CLASH, they time out soon */
		if (status & IPS_NAT_CLASH)
			return NF_ACCEPT;

		/* Also, more likely to be important, and not a probe */
		if (stream && !(ct->status & IPS_ASSURED)) {
			ct->status |= IPS_ASSURED;
			nf_conntrack_event_cache(IPCT_ASSURED, ct);
		}
	} else {
		nf_ct_refresh_acct(ct, ctinfo, skb, timeouts[UDP_CT_UNREPLIED]);
	}
	return NF_ACCEPT;
}

const struct nf_conntrack_l4proto nf_conntrack_l4proto_udp = {
	.l4proto = IPPROTO_UDP,
	.allow_clash = true,
};
