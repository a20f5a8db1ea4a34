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
 * EMU: the pieces are written by hand (lib/fmt.h) rather than by nf_log_buf_add's vsnprintf:
 * the same bytes, in the same order, without parsing a format per field (the TRACE of a
 * replayed capture is a line per rule crossed).
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/ip.h>
#include "kernel/module.h"
#include "lib/fmt.h"
#include "kernel/net.h"
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


/* EMU: the appends, written in place (the buffer holds any line this logger writes: see
 * NF_LOG_EMU_LINE).  log_lit: a literal; log_u: "NAME=%u "; log_hex: "NAME=0x%x ". */
static inline char *log_pos(struct nf_log_buf *m)
{
	return m->buf + m->count;
}

static inline void log_end(struct nf_log_buf *m, char *p)
{
	m->count = (unsigned int)(p - m->buf);
}

#define log_lit(m, s) log_end((m), fmt_lit(log_pos(m), (s)))
#define log_u(m, name, v) log_end((m), log_u_(log_pos(m), name, sizeof(name) - 1, (v)))
#define log_hex(m, name, v) log_end((m), log_hex_(log_pos(m), name, sizeof(name) - 1, (v)))

static inline void log_str(struct nf_log_buf *m, const char *s)
{
	log_end(m, fmt_str(log_pos(m), s));
}

static inline char *log_u_(char *p, const char *name, size_t n, u32 v)
{
	memcpy(p, name, n);
	p = fmt_u32(p + n, v);
	*p++ = ' ';
	return p;
}

static inline char *log_hex_(char *p, const char *name, size_t n, u32 v)
{
	memcpy(p, name, n);
	p = fmt_lit(p + n, "0x");
	p = fmt_hex(p, v);
	*p++ = ' ';
	return p;
}

/* "INCOMPLETE [%u bytes] " */
static void log_incomplete(struct nf_log_buf *m, u32 bytes)
{
	char *p = fmt_lit(log_pos(m), "INCOMPLETE [");

	p = fmt_u32(p, bytes);
	log_end(m, fmt_lit(p, " bytes] "));
}

/* "OPT (" then "%02X" per byte then ") " (at most 40 bytes of options) */
static void log_opts(struct nf_log_buf *m, const u8 *op, unsigned int optsize)
{
	static const char hx[] = "0123456789ABCDEF";
	char *p = fmt_lit(log_pos(m), "OPT (");

	for (unsigned int i = 0; i < optsize; i++) {
		*p++ = hx[op[i] >> 4];
		*p++ = hx[op[i] & 15];
	}
	log_end(m, fmt_lit(p, ") "));
}

static void nf_log_dump_sk_uid_gid(struct nf_log_buf *m, const struct sock *sk)
{
	/* only a full socket with a file: not a request or TIME_WAIT sock, not a kernel socket,
	 * not one its application closed */
	if (!sk || !sk_fullsock(sk) || !sk_has_file(sk))
		return;
	log_u(m, "UID=", sk->sk_uid);
	log_u(m, "GID=", sk->sk_gid);
}

static int nf_log_dump_tcp_header(struct nf_log_buf *m, const struct sk_buff *skb, int fragment,
				  unsigned int offset, unsigned int logflags)
{
	const struct tcphdr *th;
	u32 flag_word;

	log_lit(m, "PROTO=TCP ");
	if (fragment)
		return 0;

	th = skb_header_pointer(skb, offset, sizeof(*th), NULL);
	if (!th) {
		log_incomplete(m, skb->len - offset);
		return 1;
	}
	log_u(m, "SPT=", ntohs(th->source));
	log_u(m, "DPT=", ntohs(th->dest));
	if (logflags & NF_LOG_TCPSEQ) {
		log_u(m, "SEQ=", ntohl(th->seq));
		log_u(m, "ACK=", ntohl(th->ack_seq));
	}
	log_u(m, "WINDOW=", ntohs(th->window));
	memcpy(&flag_word, (const u8 *)th + 12, sizeof(flag_word));     /* tcp_flag_word(th) */
	{       /* "RES=0x%02x " */
		char *p = fmt_lit(log_pos(m), "RES=0x");

		p = fmt_hex2(p, (u8)(ntohl(flag_word & TCP_RESERVED_BITS) >> 22));
		*p++ = ' ';
		log_end(m, p);
	}
	if (th->cwr)
		log_lit(m, "CWR ");
	if (th->ece)
		log_lit(m, "ECE ");
	if (th->urg)
		log_lit(m, "URG ");
	if (th->ack)
		log_lit(m, "ACK ");
	if (th->psh)
		log_lit(m, "PSH ");
	if (th->rst)
		log_lit(m, "RST ");
	if (th->syn)
		log_lit(m, "SYN ");
	if (th->fin)
		log_lit(m, "FIN ");
	log_u(m, "URGP=", ntohs(th->urg_ptr));

	if ((logflags & NF_LOG_TCPOPT) && th->doff * 4 > sizeof(struct tcphdr)) {
		unsigned int optsize = th->doff * 4 - sizeof(struct tcphdr);
		const u8 *op = skb_header_pointer(skb, offset + sizeof(struct tcphdr), optsize, NULL);

		if (!op) {
			log_lit(m, "OPT (TRUNCATED)");
			return 1;
		}
		log_opts(m, op, optsize);
	}
	return 0;
}

static int nf_log_dump_udp_header(struct nf_log_buf *m, const struct sk_buff *skb, u8 proto,
				  int fragment, unsigned int offset)
{
	const struct udphdr *uh;

	log_str(m, proto == IPPROTO_UDP ? "PROTO=UDP " : "PROTO=UDPLITE ");
	if (fragment)
		return 0;
	uh = skb_header_pointer(skb, offset, sizeof(*uh), NULL);
	if (!uh) {
		log_incomplete(m, skb->len - offset);
		return 1;
	}
	log_u(m, "SPT=", ntohs(uh->source));
	log_u(m, "DPT=", ntohs(uh->dest));
	log_u(m, "LEN=", ntohs(uh->len));
	return 0;
}

static void dump_ipv4_icmp(struct nf_log_buf *m, const struct nf_loginfo *info,
			   const struct sk_buff *skb, unsigned int iphoff, const struct iphdr *ih);

/* One level of recursion (the packet quoted in an ICMP error) won't kill us. */
static void dump_ipv4_packet(struct nf_log_buf *m, const struct nf_loginfo *info,
			     const struct sk_buff *skb, unsigned int iphoff)
{
	unsigned int logflags = info->type == NF_LOG_TYPE_LOG ? info->u.log.logflags : NF_LOG_DEFAULT_MASK;
	static const char HX[] = "0123456789ABCDEF";
	const struct iphdr *ih;
	char *p;
	u16 frag;

	ih = skb_header_pointer(skb, iphoff, sizeof(*ih), NULL);
	if (!ih) {
		log_lit(m, "TRUNCATED");
		return;
	}
	frag = ntohs(ih->frag_off);
	/* "SRC=%s DST=%s " then "LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u " */
	p = fmt_lit(log_pos(m), "SRC=");
	p = fmt_ip4(p, &ih->saddr);
	p = fmt_lit(p, " DST=");
	p = fmt_ip4(p, &ih->daddr);
	p = fmt_lit(p, " LEN=");
	p = fmt_u32(p, ntohs(ih->tot_len));
	p = fmt_lit(p, " TOS=0x");
	*p++ = HX[(ih->tos & IPTOS_TOS_MASK) >> 4];
	*p++ = HX[(ih->tos & IPTOS_TOS_MASK) & 15];
	p = fmt_lit(p, " PREC=0x");
	*p++ = HX[(ih->tos & IPTOS_PREC_MASK) >> 4];
	*p++ = HX[(ih->tos & IPTOS_PREC_MASK) & 15];
	p = fmt_lit(p, " TTL=");
	p = fmt_u32(p, ih->ttl);
	p = fmt_lit(p, " ID=");
	p = fmt_u32(p, ntohs(ih->id));
	*p++ = ' ';
	log_end(m, p);
	if (frag & IP_CE)
		log_lit(m, "CE ");
	if (frag & IP_DF)
		log_lit(m, "DF ");
	if (frag & IP_MF)
		log_lit(m, "MF ");
	if (frag & IP_OFFSET)
		log_u(m, "FRAG:", frag & IP_OFFSET);

	if ((logflags & NF_LOG_IPOPT) && ih->ihl * 4 > sizeof(struct iphdr)) {
		unsigned int optsize = ih->ihl * 4 - sizeof(struct iphdr);
		const unsigned char *op = skb_header_pointer(skb, iphoff + sizeof(*ih), optsize, NULL);

		if (!op) {
			log_lit(m, "TRUNCATED");
			return;
		}
		log_opts(m, op, optsize);
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
		log_lit(m, "PROTO=AH ");
		ah = skb_header_pointer(skb, iphoff + ih->ihl * 4, 12, NULL);
		if (!ah) {
			log_incomplete(m, skb->len - iphoff - ih->ihl * 4);
			break;
		}
		log_hex(m, "SPI=", ntohl(ah->spi));
		break;
	}
	case IPPROTO_ESP: {
		const __be32 *spi;

		log_lit(m, "PROTO=ESP ");
		if (frag & IP_OFFSET)
			break;
		spi = skb_header_pointer(skb, iphoff + ih->ihl * 4, 8, NULL);   /* struct ip_esp_hdr */
		if (!spi) {
			log_incomplete(m, skb->len - iphoff - ih->ihl * 4);
			break;
		}
		log_hex(m, "SPI=", ntohl(spi[0]));
		break;
	}
	default:
		log_u(m, "PROTO=", ih->protocol);
	}

	if ((logflags & NF_LOG_UID) && !iphoff)
		nf_log_dump_sk_uid_gid(m, skb->sk);
	if (!iphoff && skb->mark)
		log_hex(m, "MARK=", skb->mark);
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
	char *p;

	log_lit(m, "PROTO=ICMP ");
	if (ntohs(ih->frag_off) & IP_OFFSET)
		return;
	ich = skb_header_pointer(skb, l4off, sizeof(*ich), NULL);
	if (!ich) {
		log_incomplete(m, skb->len - l4off);
		return;
	}
	log_u(m, "TYPE=", ich->type);
	log_u(m, "CODE=", ich->code);
	if (ich->type <= NR_ICMP_TYPES && required_len[ich->type] &&
	    skb->len - l4off < required_len[ich->type]) {
		log_incomplete(m, skb->len - l4off);
		return;
	}
	switch (ich->type) {
	case ICMP_ECHOREPLY:
	case ICMP_ECHO:
		log_u(m, "ID=", ntohs(ich->un.echo.id));
		log_u(m, "SEQ=", ntohs(ich->un.echo.sequence));
		break;
	case ICMP_PARAMETERPROB:
		log_u(m, "PARAMETER=", ntohl(ich->un.gateway) >> 24);
		break;
	case ICMP_REDIRECT:
		p = fmt_lit(log_pos(m), "GATEWAY=");
		p = fmt_ip4(p, &ich->un.gateway);
		*p++ = ' ';
		log_end(m, p);
		/* fall through */
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_TIME_EXCEEDED:
		if (!iphoff) {  /* Only recurse once. */
			log_lit(m, "[");
			dump_ipv4_packet(m, info, skb, l4off + sizeof(*ich));
			log_lit(m, "] ");
		}
		if (ich->type == ICMP_DEST_UNREACH && ich->code == ICMP_FRAG_NEEDED)
			log_u(m, "MTU=", ntohs(ich->un.frag.mtu));
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
		char *p = fmt_lit(log_pos(m), "MACSRC=");
		u16 proto = ntohs(eth->h_proto);

		/* "MACSRC=%02x:...:%02x MACDST=%02x:...:%02x " */
		for (int i = 0; i < ETH_ALEN; i++) {
			if (i)
				*p++ = ':';
			p = fmt_hex2(p, s[i]);
		}
		p = fmt_lit(p, " MACDST=");
		for (int i = 0; i < ETH_ALEN; i++) {
			if (i)
				*p++ = ':';
			p = fmt_hex2(p, d[i]);
		}
		*p++ = ' ';
		/* no VPROTO=/VID=: by now the tag is gone (vlan_do_receive, check_vlan_id clear it) */
		p = fmt_lit(p, "MACPROTO=");       /* "%04x " */
		p = fmt_hex2(p, (u8)(proto >> 8));
		p = fmt_hex2(p, (u8)proto);
		*p++ = ' ';
		log_end(m, p);
		return;
	}

	log_lit(m, "MAC=");
	if (dev && dev->hard_header_len && skb_mac_header_was_set(skb) && mac_len != 0) {
		const unsigned char *h = skb_mac_header(skb);
		/* EMU: at most 64 bytes, for NF_LOG_EMU_LINE's bound (Ethernet and VLAN: 14, 18) */
		unsigned int n = dev->hard_header_len < 64 ? dev->hard_header_len : 64;
		char *p = fmt_hex2(log_pos(m), *h++);  /* "%02x" then ":%02x" per byte */

		for (unsigned int i = 1; i < n; i++) {
			*p++ = ':';
			p = fmt_hex2(p, *h++);
		}
		log_end(m, p);
	}
	log_lit(m, " ");
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
	/* nf_log_dump_packet_common (no bridge: no PHYSIN/PHYSOUT): "%sIN=%s OUT=%s " */
	log_str(m, prefix);
	log_lit(m, "IN=");
	log_str(m, in ? in->name : "");
	log_lit(m, " OUT=");
	log_str(m, out ? out->name : "");
	log_lit(m, " ");
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
