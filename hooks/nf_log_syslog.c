/* hooks/nf_log_syslog.c - the kernel-log logger for IPv4: the lines LOG and TRACE print.
 *
 * Mirrors net/netfilter/nf_log_syslog.c (nf_log_ip_packet and its dump_* helpers) so the
 * lines are byte for byte what Linux prints:
 *   PREFIX IN=eth0 OUT= MAC=... SRC=10.0.0.1 DST=... LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=1 DF
 *   PROTO=TCP SPT=1234 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0
 * EMU: only the IPv4 logger (no ARP/IPv6/bridge/netdev loggers yet); the emulated kernel is
 * its own init_net, so nf_log_all_netns does not apply; UID/GID are printed for packets whose
 * socket belongs to a process (skb->sk set by a local sender), never for the stack's own
 * RSTs and ICMP errors (sent from a kernel socket, which has no file), as in Linux.
 */
#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/ip.h>
#include "emu/module.h"
#include "emu/net.h"
#include "hooks/nf_log.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"
#include "netstack/sock.h"

#ifndef LOGLEVEL_NOTICE
#define LOGLEVEL_NOTICE 5
#endif
#define IPTOS_TOS_MASK 0x1E
#define IPTOS_PREC_MASK 0xE0
#define TCP_RESERVED_BITS htonl(0x0F000000)

static const struct nf_loginfo default_loginfo = {
	.type = NF_LOG_TYPE_LOG,
	.u = { .log = { .level = LOGLEVEL_NOTICE, .logflags = NF_LOG_DEFAULT_MASK } },
};

/* The header the AH/ESP lines read: just the SPI after the fixed fields. */
struct ip_auth_hdr_min {
	u8 nexthdr;
	u8 hdrlen;
	__be16 reserved;
	__be32 spi;
};

static const char *ip4_str(char *buf, __be32 addr)
{
	return inet_ntop(AF_INET, &addr, buf, INET_ADDRSTRLEN);
}

static void nf_log_dump_sk_uid_gid(struct nf_log_buf *m, const struct sock *sk)
{
	/* only a full socket with a file: not a request or TIME_WAIT sock, not a kernel socket,
	 * not one its application closed */
	if (!sk || !sk_fullsock(sk) || !sk_has_file(sk))
		return;
	nf_log_buf_add(m, "UID=%u GID=%u ", sk->sk_uid, sk->sk_gid);
}

static int nf_log_dump_tcp_header(struct nf_log_buf *m, const struct sk_buff *skb, int fragment,
				  unsigned int offset, unsigned int logflags)
{
	const struct tcphdr *th;
	u32 flag_word;

	nf_log_buf_add(m, "PROTO=TCP ");
	if (fragment)
		return 0;

	th = skb_header_pointer(skb, offset, sizeof(*th), NULL);
	if (!th) {
		nf_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - offset);
		return 1;
	}
	nf_log_buf_add(m, "SPT=%u DPT=%u ", ntohs(th->source), ntohs(th->dest));
	if (logflags & NF_LOG_TCPSEQ)
		nf_log_buf_add(m, "SEQ=%u ACK=%u ", ntohl(th->seq), ntohl(th->ack_seq));
	nf_log_buf_add(m, "WINDOW=%u ", ntohs(th->window));
	memcpy(&flag_word, (const u8 *)th + 12, sizeof(flag_word));     /* tcp_flag_word(th) */
	nf_log_buf_add(m, "RES=0x%02x ", (u8)(ntohl(flag_word & TCP_RESERVED_BITS) >> 22));
	if (th->cwr)
		nf_log_buf_add(m, "CWR ");
	if (th->ece)
		nf_log_buf_add(m, "ECE ");
	if (th->urg)
		nf_log_buf_add(m, "URG ");
	if (th->ack)
		nf_log_buf_add(m, "ACK ");
	if (th->psh)
		nf_log_buf_add(m, "PSH ");
	if (th->rst)
		nf_log_buf_add(m, "RST ");
	if (th->syn)
		nf_log_buf_add(m, "SYN ");
	if (th->fin)
		nf_log_buf_add(m, "FIN ");
	nf_log_buf_add(m, "URGP=%u ", ntohs(th->urg_ptr));

	if ((logflags & NF_LOG_TCPOPT) && th->doff * 4 > sizeof(struct tcphdr)) {
		unsigned int optsize = th->doff * 4 - sizeof(struct tcphdr);
		const u8 *op = skb_header_pointer(skb, offset + sizeof(struct tcphdr), optsize, NULL);

		if (!op) {
			nf_log_buf_add(m, "OPT (TRUNCATED)");
			return 1;
		}
		nf_log_buf_add(m, "OPT (");
		for (unsigned int i = 0; i < optsize; i++)
			nf_log_buf_add(m, "%02X", op[i]);
		nf_log_buf_add(m, ") ");
	}
	return 0;
}

static int nf_log_dump_udp_header(struct nf_log_buf *m, const struct sk_buff *skb, u8 proto,
				  int fragment, unsigned int offset)
{
	const struct udphdr *uh;

	nf_log_buf_add(m, proto == IPPROTO_UDP ? "PROTO=UDP " : "PROTO=UDPLITE ");
	if (fragment)
		return 0;
	uh = skb_header_pointer(skb, offset, sizeof(*uh), NULL);
	if (!uh) {
		nf_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - offset);
		return 1;
	}
	nf_log_buf_add(m, "SPT=%u DPT=%u LEN=%u ", ntohs(uh->source), ntohs(uh->dest), ntohs(uh->len));
	return 0;
}

static void dump_ipv4_icmp(struct nf_log_buf *m, const struct nf_loginfo *info,
			   const struct sk_buff *skb, unsigned int iphoff, const struct iphdr *ih);

/* One level of recursion (the packet quoted in an ICMP error) won't kill us. */
static void dump_ipv4_packet(struct nf_log_buf *m, const struct nf_loginfo *info,
			     const struct sk_buff *skb, unsigned int iphoff)
{
	unsigned int logflags = info->type == NF_LOG_TYPE_LOG ? info->u.log.logflags : NF_LOG_DEFAULT_MASK;
	char s[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN];
	const struct iphdr *ih;
	u16 frag;

	ih = skb_header_pointer(skb, iphoff, sizeof(*ih), NULL);
	if (!ih) {
		nf_log_buf_add(m, "TRUNCATED");
		return;
	}
	frag = ntohs(ih->frag_off);
	nf_log_buf_add(m, "SRC=%s DST=%s ", ip4_str(s, ih->saddr), ip4_str(d, ih->daddr));
	nf_log_buf_add(m, "LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u ", ntohs(ih->tot_len),
		       ih->tos & IPTOS_TOS_MASK, ih->tos & IPTOS_PREC_MASK, ih->ttl, ntohs(ih->id));
	if (frag & IP_CE)
		nf_log_buf_add(m, "CE ");
	if (frag & IP_DF)
		nf_log_buf_add(m, "DF ");
	if (frag & IP_MF)
		nf_log_buf_add(m, "MF ");
	if (frag & IP_OFFSET)
		nf_log_buf_add(m, "FRAG:%u ", frag & IP_OFFSET);

	if ((logflags & NF_LOG_IPOPT) && ih->ihl * 4 > sizeof(struct iphdr)) {
		unsigned int optsize = ih->ihl * 4 - sizeof(struct iphdr);
		const unsigned char *op = skb_header_pointer(skb, iphoff + sizeof(*ih), optsize, NULL);

		if (!op) {
			nf_log_buf_add(m, "TRUNCATED");
			return;
		}
		nf_log_buf_add(m, "OPT (");
		for (unsigned int i = 0; i < optsize; i++)
			nf_log_buf_add(m, "%02X", op[i]);
		nf_log_buf_add(m, ") ");
	}

	switch (ih->protocol) {
	case IPPROTO_TCP:
		if (nf_log_dump_tcp_header(m, skb, frag & IP_OFFSET, iphoff + ih->ihl * 4, logflags))
			return;
		break;
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (nf_log_dump_udp_header(m, skb, ih->protocol, frag & IP_OFFSET, iphoff + ih->ihl * 4))
			return;
		break;
	case IPPROTO_ICMP:
		dump_ipv4_icmp(m, info, skb, iphoff, ih);
		break;
	case IPPROTO_AH: {
		const struct ip_auth_hdr_min *ah;

		if (frag & IP_OFFSET)
			break;
		nf_log_buf_add(m, "PROTO=AH ");
		ah = skb_header_pointer(skb, iphoff + ih->ihl * 4, 12, NULL);
		if (!ah) {
			nf_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - iphoff - ih->ihl * 4);
			break;
		}
		nf_log_buf_add(m, "SPI=0x%x ", ntohl(ah->spi));
		break;
	}
	case IPPROTO_ESP: {
		const __be32 *spi;

		nf_log_buf_add(m, "PROTO=ESP ");
		if (frag & IP_OFFSET)
			break;
		spi = skb_header_pointer(skb, iphoff + ih->ihl * 4, 8, NULL);   /* struct ip_esp_hdr */
		if (!spi) {
			nf_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - iphoff - ih->ihl * 4);
			break;
		}
		nf_log_buf_add(m, "SPI=0x%x ", ntohl(spi[0]));
		break;
	}
	default:
		nf_log_buf_add(m, "PROTO=%u ", ih->protocol);
	}

	if ((logflags & NF_LOG_UID) && !iphoff)
		nf_log_dump_sk_uid_gid(m, skb->sk);
	if (!iphoff && skb->mark)
		nf_log_buf_add(m, "MARK=0x%x ", skb->mark);
}

static void dump_ipv4_icmp(struct nf_log_buf *m, const struct nf_loginfo *info,
			   const struct sk_buff *skb, unsigned int iphoff, const struct iphdr *ih)
{
	static const size_t required_len[NR_ICMP_TYPES + 1] = {
		[ICMP_ECHOREPLY] = 4,
		[ICMP_DEST_UNREACH] = 8 + sizeof(struct iphdr),
		[ICMP_SOURCE_QUENCH] = 8 + sizeof(struct iphdr),
		[ICMP_REDIRECT] = 8 + sizeof(struct iphdr),
		[ICMP_ECHO] = 4,
		[ICMP_TIME_EXCEEDED] = 8 + sizeof(struct iphdr),
		[ICMP_PARAMETERPROB] = 8 + sizeof(struct iphdr),
		[ICMP_TIMESTAMP] = 20,
		[ICMP_TIMESTAMPREPLY] = 20,
		[ICMP_ADDRESS] = 12,
		[ICMP_ADDRESSREPLY] = 12,
	};
	unsigned int l4off = iphoff + ih->ihl * 4;
	const struct icmphdr *ich;
	char g[INET_ADDRSTRLEN];

	nf_log_buf_add(m, "PROTO=ICMP ");
	if (ntohs(ih->frag_off) & IP_OFFSET)
		return;
	ich = skb_header_pointer(skb, l4off, sizeof(*ich), NULL);
	if (!ich) {
		nf_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - l4off);
		return;
	}
	nf_log_buf_add(m, "TYPE=%u CODE=%u ", ich->type, ich->code);
	if (ich->type <= NR_ICMP_TYPES && required_len[ich->type] &&
	    skb->len - l4off < required_len[ich->type]) {
		nf_log_buf_add(m, "INCOMPLETE [%u bytes] ", skb->len - l4off);
		return;
	}
	switch (ich->type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
		nf_log_buf_add(m, "ID=%u SEQ=%u ", ntohs(ich->un.echo.id), ntohs(ich->un.echo.sequence));
		break;
	case ICMP_PARAMETERPROB:
		nf_log_buf_add(m, "PARAMETER=%u ", ntohl(ich->un.gateway) >> 24);
		break;
	case ICMP_REDIRECT:
		nf_log_buf_add(m, "GATEWAY=%s ", ip4_str(g, ich->un.gateway));
		/* fall through */
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
		if (!iphoff) {  /* Only recurse once. */
			nf_log_buf_add(m, "[");
			dump_ipv4_packet(m, info, skb, l4off + sizeof(*ich));
			nf_log_buf_add(m, "] ");
		}
		if (ich->type == ICMP_DEST_UNREACH && ich->code == ICMP_FRAG_NEEDED)
			nf_log_buf_add(m, "MTU=%u ", ntohs(ich->un.frag.mtu));
		break;
	}
}

static void dump_mac_header(struct nf_log_buf *m, const struct nf_loginfo *info, const struct sk_buff *skb)
{
	const struct net_device *dev = skb->dev;
	unsigned int logflags = info->type == NF_LOG_TYPE_LOG ? info->u.log.logflags : 0;
	unsigned int mac_len = skb_mac_header_was_set(skb) ? skb->network_header - skb->mac_header : 0;

	if ((logflags & NF_LOG_MACDECODE) && dev && dev->type == ARPHRD_ETHER) {
		const struct ethhdr *eth = (const struct ethhdr *)skb_mac_header(skb);
		const u8 *s, *d;

		if (!skb_mac_header_was_set(skb) || mac_len < ETH_HLEN)
			return;
		s = eth->h_source;
		d = eth->h_dest;
		nf_log_buf_add(m, "MACSRC=%02x:%02x:%02x:%02x:%02x:%02x MACDST=%02x:%02x:%02x:%02x:%02x:%02x ",
			       s[0], s[1], s[2], s[3], s[4], s[5], d[0], d[1], d[2], d[3], d[4], d[5]);
		/* no VPROTO=/VID=: by now the tag is gone (vlan_do_receive, check_vlan_id clear it) */
		nf_log_buf_add(m, "MACPROTO=%04x ", ntohs(eth->h_proto));
		return;
	}

	nf_log_buf_add(m, "MAC=");
	if (dev && dev->hard_header_len && skb_mac_header_was_set(skb) && mac_len != 0) {
		const unsigned char *p = skb_mac_header(skb);

		nf_log_buf_add(m, "%02x", *p++);
		for (unsigned int i = 1; i < dev->hard_header_len; i++)
			nf_log_buf_add(m, ":%02x", *p++);
	}
	nf_log_buf_add(m, " ");
}

static void nf_log_ip_packet(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
			     const struct net_device *in, const struct net_device *out,
			     const struct nf_loginfo *loginfo, const char *prefix)
{
	struct nf_log_buf *m = nf_log_buf_open();

	(void)pf;
	(void)hooknum;
	if (!loginfo)
		loginfo = &default_loginfo;
	/* nf_log_dump_packet_common (no bridge: no PHYSIN/PHYSOUT) */
	nf_log_buf_add(m, "%sIN=%s OUT=%s ", prefix, in ? in->name : "", out ? out->name : "");
	if (in)
		dump_mac_header(m, loginfo, skb);
	dump_ipv4_packet(m, loginfo, skb, skb_network_offset(skb));
	nf_log_buf_close(net, m, loginfo->u.log.level);
}

static const struct nf_logger nf_ip_logger = {
	.name = "nf_log_ipv4",
	.type = NF_LOG_TYPE_LOG,
	.logfn = nf_log_ip_packet,
};

/* EMU: the logger's .me must be the loaded module; keep a per-net copy in net_generic. */
static int nf_log_syslog_init(struct net *net, struct module *me)
{
	struct nf_logger *logger = malloc(sizeof(*logger));
	int ret;

	if (!logger)
		return -ENOMEM;
	*logger = nf_ip_logger;
	logger->me = me;
	ret = nf_log_register(net, NFPROTO_IPV4, logger);
	if (ret < 0) {
		free(logger);
		return ret;
	}
	nf_log_bind_pf(net, NFPROTO_IPV4, logger);     /* nf_log_syslog_net_init: nf_log_set */
	net->gen[NET_GENERIC_LOG] = logger;
	return 0;
}

static void nf_log_syslog_exit(struct net *net, struct module *me)
{
	struct nf_logger *logger = net->gen[NET_GENERIC_LOG];

	(void)me;
	if (!logger)
		return;
	nf_log_unregister(net, logger);
	net->gen[NET_GENERIC_LOG] = NULL;
	free(logger);
}

const struct module_info module_info_nf_log_syslog = {
	.name = "nf_log_syslog",
	.size = 20480,
	.aliases = MODULE_ALIASES("nf-logger-2-0", "nf_log_ipv4", "nf-logger-3-0", "nf-logger-7-0",
				  "nf-logger-10-0", "nf-logger-5-0"),
	.init = nf_log_syslog_init,
	.exit = nf_log_syslog_exit,
};
