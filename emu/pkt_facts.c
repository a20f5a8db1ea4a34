/* emu/pkt_facts.c - EMU: a packet's facts for the replay's outputs (emu/pkt_facts.h).
 * No kernel counterpart.  Parsing keeps numbers; text is written only by a writer that
 * prints it (the no-output replay never formats a packet).
 */
#include <string.h>
#include "emu/pkt_facts.h"
#include "lib/fmt.h"

static u16 rd16(const unsigned char *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

void pkt_facts_parse(const unsigned char *p, unsigned int len, struct pkt_facts *f)
{
	unsigned int ihl, off;
	const unsigned char *th;

	memset(f, 0, sizeof(*f));
	f->len = len;
	if (len < 20)
		return;
	f->ipv4 = true;
	memcpy(f->src, p + 12, 4);
	memcpy(f->dst, p + 16, 4);
	f->proto = p[9];
	f->version = p[0] >> 4;
	f->ihl = p[0] & 0x0f;
	ihl = f->ihl * 4U;
	f->tot_len = rd16(p + 2);
	f->frag_off = (u16)((rd16(p + 6) & 0x1fff) * 8U);
	f->mf = rd16(p + 6) & 0x2000;
	if (f->version != 4 || ihl < 20) {
		f->bad_header = true;
		return;
	}
	/* The transport header: only within what the IP header says is the packet. */
	off = ihl;
	if (f->tot_len < len)
		len = f->tot_len;
	th = p + off;
	if (f->frag_off)
		return;
	switch (f->proto) {
	case 6: case 17: case 132: case 33: case 136:
		if (len >= off + 4) {
			f->has_ports = true;
			f->sport = rd16(th);
			f->dport = rd16(th + 2);
		}
		if (f->proto == 6 && len >= off + 14) {
			f->is_tcp = true;
			f->tcp_flags = th[13];
		}
		break;
	case 1:
		if (len >= off + 2) {
			f->has_icmp = true;
			f->icmp_type = th[0];
			f->icmp_code = th[1];
			if ((f->icmp_type == 0 || f->icmp_type == 8) && len >= off + 8) {
				f->has_echo = true;
				f->icmp_id = rd16(th + 4);
				f->icmp_seq = rd16(th + 6);
			}
		}
		break;
	}
}

const char *pkt_proto_name(u8 proto)
{
	switch (proto) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 33: return "DCCP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 132: return "SCTP";
	case 136: return "UDPLITE";
	default: return NULL;
	}
}

static char *icmp_desc(char *p, u8 type, u8 code)
{
	static const char *const unreach[] = {
		"net-unreachable", "host-unreachable", "protocol-unreachable", "port-unreachable",
		"fragmentation-needed", "source-route-failed", "network-unknown", "host-unknown",
		"host-isolated", "network-prohibited", "host-prohibited", "TOS-network-unreachable",
		"TOS-host-unreachable", "communication-prohibited", "host-precedence-violation",
		"precedence-cutoff",
	};

	switch (type) {
	case 0: return fmt_lit(p, "echo-reply");
	case 3:
		p = fmt_lit(p, "dest-unreachable ");
		if (code < ARRAY_SIZE(unreach))
			return fmt_str(p, unreach[code]);
		p = fmt_lit(p, "code ");
		return fmt_u32(p, code);
	case 4: return fmt_lit(p, "source-quench");
	case 5:
		p = fmt_lit(p, "redirect code ");
		return fmt_u32(p, code);
	case 8: return fmt_lit(p, "echo-request");
	case 11:
		return code == 0 ? fmt_lit(p, "time-exceeded ttl-zero-during-transit") :
		       code == 1 ? fmt_lit(p, "time-exceeded ttl-zero-during-reassembly") :
		       fmt_lit(p, "time-exceeded");
	case 12: return fmt_lit(p, "parameter-problem");
	case 13: return fmt_lit(p, "timestamp-request");
	case 14: return fmt_lit(p, "timestamp-reply");
	default:
		p = fmt_lit(p, "type ");
		p = fmt_u32(p, type);
		p = fmt_lit(p, " code ");
		return fmt_u32(p, code);
	}
}

static char *tcp_flags_desc(char *p, u8 flags)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	char *start = p;

	for (unsigned int i = 0; i < 8; i++)
		if (flags & (1U << i)) {
			if (p != start)
				*p++ = ',';
			p = fmt_str(p, names[i]);
		}
	if (p == start)
		p = fmt_lit(p, "no-flags");
	return p;
}

char *pkt_desc(char *p, const struct pkt_facts *f)
{
	const char *pname;

	if (!f->ipv4) {
		p = fmt_lit(p, "IPv4 truncated header (");
		p = fmt_u32(p, f->len);
		return fmt_lit(p, " bytes)");
	}
	p = fmt_ip4(p, f->src);
	if (f->has_ports) {
		*p++ = ':';
		p = fmt_u32(p, f->sport);
	}
	p = fmt_lit(p, " > ");
	p = fmt_ip4(p, f->dst);
	if (f->has_ports) {
		*p++ = ':';
		p = fmt_u32(p, f->dport);
	}
	if (f->bad_header) {
		p = fmt_lit(p, " IPv4 bad header (version ");
		p = fmt_u32(p, f->version);
		p = fmt_lit(p, ", ihl ");
		p = fmt_u32(p, f->ihl);
		p = fmt_lit(p, ") len ");
		return fmt_u32(p, f->len);
	}
	*p++ = ' ';
	pname = pkt_proto_name(f->proto);
	if (pname) {
		p = fmt_str(p, pname);
	} else {
		p = fmt_lit(p, "proto ");
		p = fmt_u32(p, f->proto);
	}
	if (f->is_tcp) {
		*p++ = ' ';
		p = tcp_flags_desc(p, f->tcp_flags);
	} else if (f->has_icmp) {
		*p++ = ' ';
		p = icmp_desc(p, f->icmp_type, f->icmp_code);
		if (f->has_echo) {
			p = fmt_lit(p, " id ");
			p = fmt_u32(p, f->icmp_id);
			p = fmt_lit(p, " seq ");
			p = fmt_u32(p, f->icmp_seq);
		}
	}
	if (f->frag_off || f->mf) {
		p = fmt_lit(p, " frag off ");
		p = fmt_u32(p, f->frag_off);
		if (f->mf)
			p = fmt_lit(p, " MF");
	}
	p = fmt_lit(p, " len ");
	return fmt_u32(p, f->tot_len);
}

char *pkt_endpoints(char *p, const struct pkt_facts *f)
{
	p = fmt_ip4(p, f->src);
	if (f->has_ports) {
		*p++ = ':';
		p = fmt_u32(p, f->sport);
	}
	p = fmt_lit(p, " > ");
	p = fmt_ip4(p, f->dst);
	if (f->has_ports) {
		*p++ = ':';
		return fmt_u32(p, f->dport);
	}
	if (f->has_echo) {
		p = fmt_lit(p, " id ");
		p = fmt_u32(p, f->icmp_id);
	}
	return p;
}

bool pkt_facts_translated(const struct pkt_facts *a, const struct pkt_facts *b)
{
	if (!a->ipv4 || !b->ipv4)
		return false;
	return memcmp(a->src, b->src, 4) || memcmp(a->dst, b->dst, 4) ||
	       a->has_ports != b->has_ports ||
	       (a->has_ports && (a->sport != b->sport || a->dport != b->dport)) ||
	       a->has_echo != b->has_echo || (a->has_echo && a->icmp_id != b->icmp_id);
}
