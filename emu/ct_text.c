/* emu/ct_text.c - EMU: conntrack's events (NFEMU_EV_CT) in words, for --explain and JSON Lines.
 * No kernel counterpart.  The kernel reports what it did to which entry in binary
 * (struct nfemu_ct_event); this says it: the entry ("tcp 192.0.2.10:40000>203.0.113.5:80",
 * "expect tcp *:*>198.51.100.20:51210") and what happened ("[NEW] ESTABLISHED assured,
 * confirmed into the hash").  Formats: docs/replay.md.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include "emu/output_int.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "emu/pkt_facts.h"
#include "lib/fmt.h"

/* "tcp 10.0.0.1:1024>10.0.0.2:80" / "icmp 10.0.0.1>10.0.0.2 type 8 id 7" / "proto 47 a>b" */
static char *ct_desc(char *p, const struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;

	switch (t->dst.protonum) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
		p = t->dst.protonum == IPPROTO_TCP ? fmt_lit(p, "tcp ") : fmt_lit(p, "udp ");
		p = fmt_ip4(p, &t->src.u3.ip);
		*p++ = ':';
		p = fmt_u32(p, ntohs(t->src.u.all));
		*p++ = '>';
		p = fmt_ip4(p, &t->dst.u3.ip);
		*p++ = ':';
		return fmt_u32(p, ntohs(t->dst.u.all));
	case IPPROTO_ICMP:
		p = fmt_lit(p, "icmp ");
		p = fmt_ip4(p, &t->src.u3.ip);
		*p++ = '>';
		p = fmt_ip4(p, &t->dst.u3.ip);
		p = fmt_lit(p, " type ");
		p = fmt_u32(p, t->dst.u.icmp.type);
		p = fmt_lit(p, " id ");
		return fmt_u32(p, ntohs(t->src.u.icmp.id));
	default:
		p = fmt_lit(p, "proto ");
		p = fmt_u32(p, t->dst.protonum);
		*p++ = ' ';
		p = fmt_ip4(p, &t->src.u3.ip);
		*p++ = '>';
		return fmt_ip4(p, &t->dst.u3.ip);
	}
}

/* "expect tcp 192.0.2.10:*>198.51.100.20:51210" */
static char *exp_desc(char *p, const struct nf_conntrack_expect *exp)
{
	const struct nf_conntrack_tuple *t = &exp->tuple;

	p = fmt_lit(p, "expect ");
	p = fmt_str(p, t->dst.protonum == IPPROTO_TCP ? "tcp " : t->dst.protonum == IPPROTO_UDP ?
		    "udp " : "proto ");
	if (exp->mask.src.u3.ip)
		p = fmt_ip4(p, &t->src.u3.ip);
	else
		*p++ = '*';
	*p++ = ':';
	if (exp->mask.src.u.all)
		p = fmt_u32(p, ntohs(t->src.u.all));
	else
		*p++ = '*';
	*p++ = '>';
	p = fmt_ip4(p, &t->dst.u3.ip);
	*p++ = ':';
	return fmt_u32(p, ntohs(t->dst.u.all));
}

/* A packet conntrack has no entry for, as ct_desc names entries: "tcp 10.0.0.1:1024>10.0.0.2:80",
 * "icmp 10.0.0.1>10.0.0.2 type 3 code 3", "udp 10.0.0.1>10.0.0.2" (no ports in hand) */
static char *pkt_ct_desc(char *p, const struct sk_buff *skb)
{
	const unsigned char *l3;
	unsigned int l3len;
	struct pkt_facts f;

	out_skb_l3(skb, &l3, &l3len);
	pkt_facts_parse(l3, l3len, &f);
	if (!f.ipv4)
		return fmt_lit(p, "packet");
	switch (f.proto) {
	case IPPROTO_TCP: p = fmt_lit(p, "tcp "); break;
	case IPPROTO_UDP: p = fmt_lit(p, "udp "); break;
	case IPPROTO_ICMP: p = fmt_lit(p, "icmp "); break;
	default:
		p = fmt_lit(p, "proto ");
		p = fmt_u32(p, f.proto);
		*p++ = ' ';
	}
	p = fmt_ip4(p, f.src);
	if (f.has_ports && (f.proto == IPPROTO_TCP || f.proto == IPPROTO_UDP)) {
		*p++ = ':';
		p = fmt_u32(p, f.sport);
	}
	*p++ = '>';
	p = fmt_ip4(p, f.dst);
	if (f.has_ports && (f.proto == IPPROTO_TCP || f.proto == IPPROTO_UDP)) {
		*p++ = ':';
		p = fmt_u32(p, f.dport);
	}
	if (f.proto == IPPROTO_ICMP && f.has_icmp) {
		p = fmt_lit(p, " type ");
		p = fmt_u32(p, f.icmp_type);
		p = fmt_lit(p, " code ");
		p = fmt_u32(p, f.icmp_code);
	}
	return p;
}

size_t ct_event_where(const struct nfemu_ct_event *ce, char *buf)
{
	if (ce->what == NFEMU_CT_INVALID && !ce->ct && ce->pkt)
		return (size_t)(pkt_ct_desc(buf, ce->pkt) - buf);
	if (ce->exp)
		return (size_t)(exp_desc(buf, ce->exp) - buf);
	if (ce->ct)
		return (size_t)(ct_desc(buf, ce->ct) - buf);
	return 0;
}

/* " ESTABLISHED seen-reply assured mark=1 helper=ftp" */
static char *ct_events_desc(char *p, const struct nfemu_ct_event *ce)
{
	unsigned int ev = ce->events;

	if (ce->state) {
		*p++ = ' ';
		p = fmt_str(p, ce->state);
	}
	if (ev & (1u << IPCT_REPLY))
		p = fmt_lit(p, " seen-reply");
	if (ev & (1u << IPCT_ASSURED))
		p = fmt_lit(p, " assured");
	if (ev & (1u << IPCT_MARK)) {
		p = fmt_lit(p, " mark=");
		p = fmt_u32(p, ce->ct->mark);
	}
	if (ev & (1u << IPCT_HELPER)) {
		const struct nf_conn_help *help = nfct_help(ce->ct);

		p = fmt_lit(p, " helper=");
		p = fmt_str(p, help && help->helper ? help->helper->name : "none");
	}
	return p;
}

static const char *exp_refused(u32 err)
{
	switch (err) {
	case EMFILE: return "table full";
	case EBUSY: return "clashes with another";
	case EALREADY: return "already expected";
	default: return "master has no helper";
	}
}

/* The kernel's message for a reason (nf_conntrack_proto_{tcp,udp,icmp}.c), as nf_log prints
 * it after "nf_ct_proto_N: "; the NOLOG reasons in nfemu's words. */
static int ct_invalid_text(const struct nfemu_ct_event *ce, char *buf)
{
	static const char *const tcp_state[] = {
		"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK",
		"TIME_WAIT", "CLOSE", "SYN_SENT2",
	};
	const char *fixed = NULL;
	char a[16], b[16];
	int n;

	n = snprintf(buf, CT_TEXT_MAX, "nf_ct_proto_%u: ", ce->protonum);
	switch (ce->inv) {
	case NFEMU_CTINV_TCP_TRUNCATED: fixed = "truncated packet"; break;
	case NFEMU_CTINV_TCP_CHECKSUM: fixed = "bad checksum"; break;
	case NFEMU_CTINV_TCP_FLAGS: fixed = "invalid tcp flag combination"; break;
	case NFEMU_CTINV_TCP_NEW: fixed = "invalid new"; break;
	case NFEMU_CTINV_TCP_IGNORED:
	case NFEMU_CTINV_TCP_STATE:
		return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n,
				    "packet (index %u) in dir %d %s, state %s", ce->a, (int)ce->b,
				    ce->inv == NFEMU_CTINV_TCP_IGNORED ? "ignored" : "invalid",
				    ce->c < ARRAY_SIZE(tcp_state) ? tcp_state[ce->c] : "?");
	case NFEMU_CTINV_TCP_CHALLENGE_ACK: fixed = "challenge-ack ignored"; break;
	case NFEMU_CTINV_TCP_RST: fixed = "invalid rst"; break;
	case NFEMU_CTINV_TCP_OVERSHOT:
		return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n, "%u bytes more than expected",
				    ce->a);
	case NFEMU_CTINV_TCP_SEQ_OVER:
		return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n,
				    "SEQ is over upper bound %u (over the window of the receiver)", ce->a);
	case NFEMU_CTINV_TCP_ACK_OVER:
		return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n,
				    "ACK is over upper bound %u (ACKed data not seen yet)", ce->a);
	case NFEMU_CTINV_TCP_SEQ_UNDER:
		return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n,
				    "SEQ is under lower bound %u (already ACKed data retransmitted)",
				    ce->a);
	case NFEMU_CTINV_TCP_ACK_UNDER:
		return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n,
				    "ignored ACK under lower bound %u (possible overly delayed)", ce->a);
	case NFEMU_CTINV_TCP_LOWERED_TIMEOUT: fixed = "lowered timeout to UNACK"; break;
	case NFEMU_CTINV_UDP_SHORT: fixed = "short packet"; break;
	case NFEMU_CTINV_UDP_TRUNCATED: fixed = "truncated/malformed packet"; break;
	case NFEMU_CTINV_UDP_CHECKSUM: fixed = "bad checksum"; break;
	case NFEMU_CTINV_ICMP_SHORT: fixed = "short packet"; break;
	case NFEMU_CTINV_ICMP_CHECKSUM: fixed = "bad hw icmp checksum"; break;
	case NFEMU_CTINV_ICMP_TYPE: fixed = "invalid icmp type"; break;
	case NFEMU_CTINV_OUTER_DADDR:
		*fmt_ip4(a, &ce->a) = '\0';
		*fmt_ip4(b, &ce->b) = '\0';
		return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n, "outer daddr %s != inner %s", a, b);
	/* INVALID without a line in the kernel's log */
	case NFEMU_CTINV_NOLOG_TCP_NO_SYN:
		fixed = "INVALID (not logged by the kernel): not a SYN and nf_conntrack_tcp_loose is 0";
		break;
	case NFEMU_CTINV_NOLOG_ICMP_NEW:
		return snprintf(buf, CT_TEXT_MAX, "INVALID (not logged by the kernel): icmp type %u "
				"cannot start a connection", ce->a);
	case NFEMU_CTINV_NOLOG_ICMP_INNER:
		fixed = "INVALID (not logged by the kernel): ICMP error whose inner header gives no tuple";
		break;
	case NFEMU_CTINV_NOLOG_ICMP_NO_CT:
		fixed = "INVALID (not logged by the kernel): ICMP error about no tracked connection";
		break;
	case NFEMU_CTINV_NOLOG_NO_TUPLE:
		fixed = "INVALID (not logged by the kernel): no tuple in the packet's headers";
		break;
	case NFEMU_CTINV_NOLOG_TCP_SHORT:
		fixed = "INVALID (not logged by the kernel): less than a whole TCP header";
		break;
	}
	if (ce->inv >= NFEMU_CTINV_NOLOG_TCP_NO_SYN)
		n = 0;
	return n + snprintf(buf + n, CT_TEXT_MAX - (size_t)n, "%s", fixed ? fixed : "?");
}

size_t ct_event_text(const struct nfemu_ct_event *ce, char *buf)
{
	char *p = buf;
	int n = 0;

	switch (ce->what) {
	case NFEMU_CT_UNCONFIRMED:
		if (!ce->master)
			return (size_t)(fmt_lit(p, "new, on the unconfirmed list") - buf);
		p = fmt_lit(p, "new, expected (RELATED to ");
		p = ct_desc(p, ce->master);
		return (size_t)(fmt_lit(p, "), on the unconfirmed list") - buf);
	case NFEMU_CT_CONFIRMED:
		p = ct_events_desc(fmt_lit(p, "[NEW]"), ce);
		if (ce->master)
			p = ct_desc(fmt_lit(p, " related to "), ce->master);
		return (size_t)(fmt_lit(p, ", confirmed into the hash") - buf);
	case NFEMU_CT_UPDATE:
		return (size_t)(ct_events_desc(fmt_lit(p, "[UPDATE]"), ce) - buf);
	case NFEMU_CT_NOT_CONFIRMED:
		return (size_t)(fmt_lit(p, "not confirmed: the packet is dropped") - buf);
	case NFEMU_CT_DESTROY:
		p = fmt_str(fmt_lit(p, "[DESTROY] "), ce->str ? ce->str : "deleted");
		return (size_t)(fmt_lit(p, ", out of the hash") - buf);
	case NFEMU_CT_DESTROY_DYING:
		p = fmt_str(fmt_lit(p, "[DESTROY] "), ce->str ? ce->str : "deleted");
		return (size_t)(fmt_lit(p, ": event not delivered, on the dying list") - buf);
	case NFEMU_CT_REDELIVERED:
		return (size_t)(fmt_lit(p, "destroy event redelivered: off the dying list") - buf);
	case NFEMU_CT_FREED:
		return (size_t)((ce->flag ? fmt_lit(p, "freed") : fmt_lit(p, "freed, never confirmed")) - buf);
	case NFEMU_CT_HELPER_DROP:
		n = snprintf(buf, CT_TEXT_MAX, "helper %s dropped the packet: not confirmed", ce->str);
		break;
	case NFEMU_CT_FTP_PARTIAL:
		n = snprintf(buf, CT_TEXT_MAX, "ftp: partial `%s' (%u bytes at seq %u): packet dropped",
			     ce->str, ce->a, ce->b);
		break;
	case NFEMU_CT_FTP_OTHER_ADDR:
		n = snprintf(buf, CT_TEXT_MAX, "ftp: %s announces another address: not expected", ce->str);
		break;
	case NFEMU_CT_EXP_GONE:
		return (size_t)((ce->flag ? fmt_lit(p, "expired, out of the table") :
				 fmt_lit(p, "out of the table")) - buf);
	case NFEMU_CT_EXP_MATCHED:
		return (size_t)(fmt_lit(p, "matched by a new connection") - buf);
	case NFEMU_CT_EXP_REFUSED:
		n = snprintf(buf, CT_TEXT_MAX, "refused (%s)", exp_refused(ce->a));
		break;
	case NFEMU_CT_EXP_CREATED:
		n = snprintf(buf, CT_TEXT_MAX, "created, %us", ce->a);
		break;
	case NFEMU_CT_INVALID:
		n = ct_invalid_text(ce, buf);
		break;
	}
	return n < 0 ? 0 : (size_t)n >= CT_TEXT_MAX ? CT_TEXT_MAX - 1 : (size_t)n;
}
