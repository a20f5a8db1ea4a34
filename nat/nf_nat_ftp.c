/* nat/nf_nat_ftp.c - FTP extension for TCP NAT alteration (module nf_nat_ftp).
 *
 * Mirrors net/netfilter/nf_nat_ftp.c: when the FTP helper (conntrack/nf_conntrack_ftp.c) finds
 * a PORT/EPRT command or a 227/229 reply on a NATed control connection, this rewrites the
 * address and port in it to the ones the other side must use (the control connection's
 * translated address as the packet goes out), registers the expectation with a port that is
 * free (nf_nat_exp_find_port), and makes the data connection follow its master's bindings
 * (nf_nat_follow_master).  The rewrite usually changes the payload's length, so the sequence
 * numbers of the rest of the connection are adjusted (nf_nat_helper.c, seqadj).
 * EMU: loaded like the real module, by `modprobe nf_nat_ftp` (a topology line, or `nfemu
 * modprobe`): Linux's iptables CT target never loads it on its own.  IPv4 only.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "nat/nf_nat.h"
#include "nat/nf_nat_helper.h"

static int nf_nat_ftp_fmt_cmd(struct nf_conn *ct, enum nf_ct_ftp_type type, char *buffer,
			      size_t buflen, const union nf_inet_addr *addr, u16 port)
{
	const unsigned char *a = (const unsigned char *)&addr->ip;

	(void)ct;
	switch (type) {
	case NF_CT_FTP_PORT:
	case NF_CT_FTP_PASV:
		return snprintf(buffer, buflen, "%u,%u,%u,%u,%u,%u", a[0], a[1], a[2], a[3], port >> 8,
				port & 0xFF);
	case NF_CT_FTP_EPRT:
		return snprintf(buffer, buflen, "|1|%u.%u.%u.%u|%u|", a[0], a[1], a[2], a[3], port);
	case NF_CT_FTP_EPSV:
		return snprintf(buffer, buflen, "|||%u|", port);
	}
	return 0;
}

/* So, this packet has hit the connection tracking matching code.  Mangle it, and change the
 * expectation to match the new version. */
static unsigned int nf_nat_ftp(struct sk_buff *skb, enum ip_conntrack_info ctinfo,
			       enum nf_ct_ftp_type type, unsigned int protoff, unsigned int matchoff,
			       unsigned int matchlen, struct nf_conntrack_expect *exp)
{
	union nf_inet_addr newaddr;
	u16 port;
	int dir = CTINFO2DIR(ctinfo);
	struct nf_conn *ct = exp->master;
	char buffer[sizeof("|1||65535|") + 46];
	int buflen;

	/* Connection will come from wherever this packet goes, hence !dir */
	newaddr = ct->tuplehash[!dir].tuple.dst.u3;
	exp->saved_proto.tcp.port = exp->tuple.dst.u.tcp.port;
	exp->dir = !dir;

	/* When you see the packet, we need to NAT it the same as the this one. */
	exp->expectfn = nf_nat_follow_master;

	port = nf_nat_exp_find_port(exp, ntohs(exp->saved_proto.tcp.port));
	if (port == 0) {
		nf_ct_helper_log(skb, ct, "all ports in use");
		return NF_DROP;
	}

	buflen = nf_nat_ftp_fmt_cmd(ct, type, buffer, sizeof(buffer), &newaddr, port);
	if (buflen <= 0)
		goto out;

	if (!nf_nat_mangle_tcp_packet(skb, ct, ctinfo, protoff, matchoff, matchlen, buffer,
				      (unsigned int)buflen))
		goto out;

	return NF_ACCEPT;

out:
	nf_ct_helper_log(skb, ct, "cannot mangle packet");
	nf_ct_unexpect_related(exp);
	return NF_DROP;
}

static int nf_nat_ftp_init(struct net *net, struct module *mod)
{
	(void)mod;
	net->ct.nf_nat_ftp_hook = nf_nat_ftp;
	return 0;
}

static void nf_nat_ftp_fini(struct net *net, struct module *mod)
{
	(void)mod;
	net->ct.nf_nat_ftp_hook = NULL;
}

const struct module_info module_info_nf_nat_ftp = {
	.name = "nf_nat_ftp",
	.size = 16384,
	.depends = MODULE_DEPS("nf_conntrack_ftp", "nf_nat", "nf_conntrack"),
	.aliases = MODULE_ALIASES("ip_nat_ftp", "nf-nat-ftp"),
	.init = nf_nat_ftp_init,
	.exit = nf_nat_ftp_fini,
};
