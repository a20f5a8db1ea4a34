/* conntrack/nf_conntrack_standalone.c - the nf_conntrack module: /proc/net/nf_conntrack, the
 * listing conntrack-tools prints, and the module's per-net init and exit.
 *
 * Mirrors net/netfilter/nf_conntrack_standalone.c (ct_seq_show: "ipv4     2 tcp      6 117
 * SYN_SENT src=... use=2", the seq walk holding one reference of its own) and, for
 * `conntrack -L` / `-F`, what ctnetlink dumps and libnetfilter_conntrack prints from it
 * ("tcp      6 117 SYN_SENT src=... mark=0 use=1").  Entries are listed in hash-bucket order.
 * EMU: no secctx (no LSM); the sysctl table is netstack/sysctl.c; hash order is that of
 * nfemu's fixed-key hash (Linux's is random per boot).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_helper.h"
#include "conntrack/nf_conntrack_l4proto.h"

struct nf_ct_printbuf {
	char *buf;
	size_t len, off;
};

__attribute__((format(printf, 2, 3)))
static void pb_add(struct nf_ct_printbuf *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->buf + (p->off < p->len ? p->off : p->len),
		      p->off < p->len ? p->len - p->off : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->off += (size_t)n;
}

static const char *l4proto_name(u16 proto)
{
	switch (proto) {
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_DCCP: return "dccp";
	case IPPROTO_GRE: return "gre";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_UDPLITE: return "udplite";
	case IPPROTO_ICMPV6: return "icmpv6";
	}
	return "unknown";
}

static void print_tuple(struct nf_ct_printbuf *p, const struct nf_conntrack_tuple *tuple)
{
	const u8 *s = (const u8 *)&tuple->src.u3.ip, *d = (const u8 *)&tuple->dst.u3.ip;

	pb_add(p, "src=%u.%u.%u.%u dst=%u.%u.%u.%u ", s[0], s[1], s[2], s[3], d[0], d[1], d[2], d[3]);
	switch (tuple->dst.protonum) {
	case IPPROTO_ICMP:
		pb_add(p, "type=%u code=%u id=%u ", tuple->dst.u.icmp.type, tuple->dst.u.icmp.code,
		       ntohs(tuple->src.u.icmp.id));
		break;
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
	case IPPROTO_DCCP:
	case IPPROTO_SCTP:
		pb_add(p, "sport=%u dport=%u ", ntohs(tuple->src.u.all), ntohs(tuple->dst.u.all));
		break;
	default:
		break;
	}
}

static void print_acct(struct nf_ct_printbuf *p, const struct nf_conn *ct, int dir)
{
	const struct nf_conn_acct *acct = nf_conn_acct_find(ct);

	if (acct)
		pb_add(p, "packets=%llu bytes=%llu ",
		       (unsigned long long)acct->counter[dir].packets,
		       (unsigned long long)acct->counter[dir].bytes);
}

/* ct_show_zone: the /proc form */
static void print_zone_proc(struct nf_ct_printbuf *p, const struct nf_conn *ct, int dir)
{
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);

	if (zone->dir != dir)
		return;
	switch (zone->dir) {
	case NF_CT_DEFAULT_ZONE_DIR:
		pb_add(p, "zone=%u ", zone->id);
		break;
	case NF_CT_ZONE_DIR_ORIG:
		pb_add(p, "zone-orig=%u ", zone->id);
		break;
	case NF_CT_ZONE_DIR_REPL:
		pb_add(p, "zone-reply=%u ", zone->id);
		break;
	}
}

/* What ctnetlink sends (ctnetlink_dump_zone_id: only a non-default id, per direction) as
 * libnetfilter_conntrack prints it. */
static void print_zone_tool(struct nf_ct_printbuf *p, const struct nf_conn *ct, int dir)
{
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);

	if (zone->id == NF_CT_DEFAULT_ZONE_ID || zone->dir != dir)
		return;
	switch (dir) {
	case NF_CT_DEFAULT_ZONE_DIR:
		pb_add(p, "zone=%u ", zone->id);
		break;
	case NF_CT_ZONE_DIR_ORIG:
		pb_add(p, "zone-orig=%u ", zone->id);
		break;
	case NF_CT_ZONE_DIR_REPL:
		pb_add(p, "zone-reply=%u ", zone->id);
		break;
	}
}

int nf_conntrack_print(const struct nf_conn *ct, enum nf_ct_print_style style, char *buf, size_t len)
{
	const struct nf_conntrack_l4proto *l4proto = nf_ct_l4proto_find(nf_ct_protonum(ct));
	const struct nf_conn_tstamp *tstamp = nf_conn_tstamp_find(ct);
	struct net *net = nf_ct_net(ct);
	struct nf_ct_printbuf p = { .buf = buf, .len = len };
	bool proc = style == NF_CT_PRINT_PROC;

	if (len)
		buf[0] = '\0';
	if (proc)
		pb_add(&p, "%-8s %u %-8s %u ", "ipv4", nf_ct_l3num(ct), l4proto_name(nf_ct_protonum(ct)),
		       nf_ct_protonum(ct));
	else
		pb_add(&p, "%-8s %u ", l4proto_name(nf_ct_protonum(ct)), nf_ct_protonum(ct));
	pb_add(&p, "%lu ", nf_ct_expires(ct) / HZ);
	if (l4proto->state_name) {
		/* libnetfilter_conntrack names state 9 by its old UAPI name */
		const char *name = l4proto->state_name(ct);

		if (!proc && ct->proto.tcp.state == TCP_CONNTRACK_SYN_SENT2)
			name = "LISTEN";
		pb_add(&p, "%s ", name);
	}

	print_tuple(&p, &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple);
	if (proc)
		print_zone_proc(&p, ct, NF_CT_ZONE_DIR_ORIG);
	else
		print_zone_tool(&p, ct, NF_CT_ZONE_DIR_ORIG);
	print_acct(&p, ct, IP_CT_DIR_ORIGINAL);
	if (!(ct->status & IPS_SEEN_REPLY))
		pb_add(&p, "[UNREPLIED] ");

	print_tuple(&p, &ct->tuplehash[IP_CT_DIR_REPLY].tuple);
	if (proc)
		print_zone_proc(&p, ct, NF_CT_ZONE_DIR_REPL);
	else
		print_zone_tool(&p, ct, NF_CT_ZONE_DIR_REPL);
	print_acct(&p, ct, IP_CT_DIR_REPLY);

	if (ct->status & IPS_HW_OFFLOAD)
		pb_add(&p, "[HW_OFFLOAD] ");
	else if (ct->status & IPS_OFFLOAD)
		pb_add(&p, "[OFFLOAD] ");
	else if (ct->status & IPS_ASSURED)
		pb_add(&p, "[ASSURED] ");

	pb_add(&p, "mark=%u ", ct->mark);
	if (proc)
		print_zone_proc(&p, ct, NF_CT_DEFAULT_ZONE_DIR);
	else
		print_zone_tool(&p, ct, NF_CT_DEFAULT_ZONE_DIR);
	if (tstamp) {
		u64 now = ktime_get_real_ns(net), stop = tstamp->stop ? tstamp->stop : now;
		s64 delta = (s64)((proc ? now : stop) - tstamp->start);

		pb_add(&p, "delta-time=%llu ", delta > 0 ? (unsigned long long)(delta / (s64)NSEC_PER_SEC) : 0ULL);
	}
	/* ctnetlink_dump_helpinfo: CTA_HELP with the helper's name, which conntrack-tools
	 * prints as helper=NAME; /proc/net/nf_conntrack does not show it */
	if (!proc) {
		const struct nf_conn_help *help = nfct_help(ct);

		if (help && help->helper)
			pb_add(&p, "helper=%s ", help->helper->name);
	}
	/* the /proc walk holds a reference of its own while it prints; ctnetlink's does not */
	pb_add(&p, "use=%u", ct->ct_general.use + (proc ? 1 : 0));
	return (int)p.off;
}

char *nf_conntrack_show(struct net *net, enum nf_ct_print_style style, unsigned int *nentries)
{
	return nf_conntrack_show_filter(net, style, NULL, NULL, nentries);
}

char *nf_conntrack_show_filter(struct net *net, enum nf_ct_print_style style,
			       bool (*keep)(const struct nf_conn *ct, void *arg), void *arg,
			       unsigned int *nentries)
{
	struct nf_ct_printbuf out = { 0 };
	char line[512];
	unsigned int n = 0;

	out.len = 4096;
	out.buf = malloc(out.len);
	if (!out.buf)
		return NULL;
	out.buf[0] = '\0';
	for (unsigned int b = 0; net->ct.ready && b < net->ct.htable_size; b++) {
		struct nf_conntrack_tuple_hash *h;
		struct hlist_node *node, *nxt;

		for (node = net->ct.hash[b].first; node; node = nxt) {
			struct nf_conn *ct;
			int len;

			nxt = node->next;
			h = hlist_entry(node, struct nf_conntrack_tuple_hash, hnnode);
			ct = nf_ct_tuplehash_to_ctrack(h);
			if (nf_ct_should_gc(ct)) {
				/* ct_seq_show kills what it finds expired: the next node of the
				 * chain may be the other half of this entry */
				while (nxt && nf_ct_tuplehash_to_ctrack(
					       hlist_entry(nxt, struct nf_conntrack_tuple_hash, hnnode)) == ct)
					nxt = nxt->next;
				net->ct.emu_destroy_why = "timeout";
				nf_ct_kill(ct);
				net->ct.emu_destroy_why = NULL;
				continue;
			}
			/* we only want to print DIR_ORIGINAL */
			if (NF_CT_DIRECTION(h) != IP_CT_DIR_ORIGINAL)
				continue;
			/* EMU: the filter of the dump (conntrack-tools' options) */
			if (keep && !keep(ct, arg))
				continue;
			len = nf_conntrack_print(ct, style, line, sizeof(line));
			if (len < 0)
				continue;
			while (out.off + (size_t)len + 2 > out.len) {
				char *nb = realloc(out.buf, out.len * 2);

				if (!nb) {
					free(out.buf);
					return NULL;
				}
				out.buf = nb;
				out.len *= 2;
			}
			memcpy(out.buf + out.off, line, (size_t)len);
			out.off += (size_t)len;
			out.buf[out.off++] = '\n';
			out.buf[out.off] = '\0';
			n++;
		}
	}
	if (nentries)
		*nentries = n;
	return out.buf;
}

static int kill_all(struct nf_conn *i, void *data)
{
	(void)i;
	(void)data;
	return 1;
}

void nf_conntrack_flush(struct net *net)
{
	struct nf_ct_iter_data iter_data = { .net = net };
	const char *old = net->ct.emu_destroy_why;

	net->ct.emu_destroy_why = "flush";
	nf_ct_iterate_cleanup_net(kill_all, &iter_data);
	net->ct.emu_destroy_why = old;
}

/* ------------------------------------------------------------------------------------------
 * The module
 */

static int nf_conntrack_standalone_init(struct net *net, struct module *mod)
{
	(void)mod;
	return nf_conntrack_init_net(net);
}

static void nf_conntrack_standalone_fini(struct net *net, struct module *mod)
{
	(void)mod;
	nf_conntrack_cleanup_net(net);
}

const struct module_info module_info_nf_conntrack = {
	.name = "nf_conntrack",
	.size = 196608,
	.depends = MODULE_DEPS("nf_defrag_ipv6", "nf_defrag_ipv4", "libcrc32c"),
	.aliases = MODULE_ALIASES("ip_conntrack", "nf_conntrack-2", "nf_conntrack-10"),
	.init = nf_conntrack_standalone_init,
	.exit = nf_conntrack_standalone_fini,
};
