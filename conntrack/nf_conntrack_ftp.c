/* conntrack/nf_conntrack_ftp.c - the FTP helper (module nf_conntrack_ftp): reads the control
 * connection and expects the data connection a PORT/EPRT command or a 227/229 reply announces.
 *
 * Mirrors net/netfilter/nf_conntrack_ftp.c: help() looks only at segments that start right
 * after a newline of the stream (seq_aft_nl, two remembered per direction), matches "PORT",
 * "EPRT" from the client and "227 ", "229 " from the server at the start of the segment, and
 * makes an expectation for a TCP connection from the other end to the announced port (the
 * announced address must be the sender's, unless loose=1); a command cut in the middle drops
 * the packet ("partial matching"), as does a refused expectation.  Policy: 1 expectation,
 * 300 s.  Registered for port 21 (the `ports=` default).
 * When the connection is NATed and nf_nat_ftp is loaded, that module rewrites the command and
 * registers the expectation itself (net->ct.nf_nat_ftp_hook).
 * EMU: IPv4 only (no EPRT |2| addresses); no module parameters (ports=21, loose=0).
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <linux/tcp.h>
#include <linux/netfilter/nf_conntrack_ftp.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "lib/ctype.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_ecache.h"
#include "conntrack/nf_conntrack_expect.h"
#include "conntrack/nf_conntrack_helper.h"
#include "netstack/skbuff.h"
#include "netstack/tcp.h"

#define HELPER_NAME "ftp"
#define FTP_PORT 21

#define NF_CT_FTP_SEQ_PICKUP (1 << 0)

#define NUM_SEQ_TO_REMEMBER 2
/* This structure exists only once per master */
struct nf_ct_ftp_master {
	/* Valid seq positions for cmd matching after newline */
	u32 seq_aft_nl[IP_CT_DIR_MAX][NUM_SEQ_TO_REMEMBER];
	/* 0 means seq_match_aft_nl not set */
	u16 seq_aft_nl_num[IP_CT_DIR_MAX];
	/* pickup sequence tracking, useful for conntrackd */
	u16 flags[IP_CT_DIR_MAX];
};

_Static_assert(sizeof(struct nf_ct_ftp_master) <= sizeof(((struct nf_conn_help *)0)->data),
	       "NF_CT_HELPER_BUILD_BUG_ON");

/* EMU: module parameters; nfemu loads modules without any, so these are their defaults. */
static const bool loose;

typedef int (*ftp_getnum_t)(const char *, size_t, struct nf_conntrack_man *, char, unsigned int *);

static int try_rfc959(const char *, size_t, struct nf_conntrack_man *, char, unsigned int *);
static int try_rfc1123(const char *, size_t, struct nf_conntrack_man *, char, unsigned int *);
static int try_eprt(const char *, size_t, struct nf_conntrack_man *, char, unsigned int *);
static int try_epsv_response(const char *, size_t, struct nf_conntrack_man *, char, unsigned int *);

static const struct ftp_search {
	const char *pattern;
	size_t plen;
	char skip;
	char term;
	enum nf_ct_ftp_type ftptype;
	ftp_getnum_t getnum;
} search[IP_CT_DIR_MAX][2] = {
	[IP_CT_DIR_ORIGINAL] = {
		{
			.pattern = "PORT",
			.plen = sizeof("PORT") - 1,
			.skip = ' ',
			.term = '\r',
			.ftptype = NF_CT_FTP_PORT,
			.getnum = try_rfc959,
		},
		{
			.pattern = "EPRT",
			.plen = sizeof("EPRT") - 1,
			.skip = ' ',
			.term = '\r',
			.ftptype = NF_CT_FTP_EPRT,
			.getnum = try_eprt,
		},
	},
	[IP_CT_DIR_REPLY] = {
		{
			.pattern = "227 ",
			.plen = sizeof("227 ") - 1,
			.ftptype = NF_CT_FTP_PASV,
			.getnum = try_rfc1123,
		},
		{
			.pattern = "229 ",
			.plen = sizeof("229 ") - 1,
			.skip = '(',
			.term = ')',
			.ftptype = NF_CT_FTP_EPSV,
			.getnum = try_epsv_response,
		},
	},
};

static bool ftp_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* lib/string.c strncasecmp(), with the kernel's Latin-1 tolower() */
static int ftp_strncasecmp(const char *s1, const char *s2, size_t len)
{
	unsigned char c1, c2;

	if (!len)
		return 0;
	do {
		c1 = (unsigned char)*s1++;
		c2 = (unsigned char)*s2++;
		if (!c1 || !c2)
			break;
		if (c1 == c2)
			continue;
		c1 = kernel_tolower(c1);
		c2 = kernel_tolower(c2);
		if (c1 != c2)
			break;
	} while (--len);
	return (int)c1 - (int)c2;
}

static int try_number(const char *data, size_t dlen, u32 array[], int array_size, char sep,
		      char term)
{
	u32 i, len;

	memset(array, 0, sizeof(array[0]) * (size_t)array_size);

	/* Keep data pointing at next char. */
	for (i = 0, len = 0; len < dlen && i < (u32)array_size; len++, data++) {
		if (*data >= '0' && *data <= '9') {
			array[i] = array[i] * 10 + (u32)(*data - '0');
		} else if (*data == sep) {
			i++;
		} else {
			/* Unexpected character; true if it's the terminator (or we don't care
			 * about one) and we're finished. */
			if ((*data == term || !term) && i == (u32)array_size - 1)
				return (int)len;
			return 0;
		}
	}
	return 0;
}

/* Returns 0, or length of numbers: 192,168,1,1,5,6 */
static int try_rfc959(const char *data, size_t dlen, struct nf_conntrack_man *cmd, char term,
		      unsigned int *offset)
{
	u32 array[6];
	int length;

	(void)offset;
	length = try_number(data, dlen, array, 6, ',', term);
	if (length == 0)
		return 0;
	cmd->u3.ip = htonl((array[0] << 24) | (array[1] << 16) | (array[2] << 8) | array[3]);
	cmd->u.tcp.port = htons((u16)((array[4] << 8) | array[5]));
	return length;
}

/* From RFC 1123: the 227 reply to a PASV command is not well standardized; scan the reply
 * for the first digit of the host and port numbers. */
static int try_rfc1123(const char *data, size_t dlen, struct nf_conntrack_man *cmd, char term,
		       unsigned int *offset)
{
	size_t i;

	(void)term;
	for (i = 0; i < dlen; i++)
		if (ftp_isdigit(data[i]))
			break;
	if (i == dlen)
		return 0;
	*offset += (unsigned int)i;
	return try_rfc959(data + i, dlen - i, cmd, 0, offset);
}

/* Grab port: number up to delimiter */
static int get_port(const char *data, int start, size_t dlen, char delim, __be16 *port)
{
	u16 tmp_port = 0;

	for (size_t i = (size_t)start; i < dlen; i++) {
		/* Finished? */
		if (data[i] == delim) {
			if (tmp_port == 0)
				break;
			*port = htons(tmp_port);
			return (int)i + 1;
		} else if (data[i] >= '0' && data[i] <= '9') {
			tmp_port = (u16)(tmp_port * 10 + (data[i] - '0'));
		} else {
			/* Some other crap */
			break;
		}
	}
	return 0;
}

/* Returns 0, or length of numbers: |1|132.235.1.2|6275| or |2|3ffe::1|6275| */
static int try_eprt(const char *data, size_t dlen, struct nf_conntrack_man *cmd, char term,
		    unsigned int *offset)
{
	char delim;
	int length;

	(void)term;
	(void)offset;
	/* First character is delimiter, then "1" for IPv4 or "2" for IPv6, then delimiter
	 * again. */
	if (dlen <= 3)
		return 0;
	delim = data[0];
	if (ftp_isdigit(delim) || delim < 33 || delim > 126 || data[2] != delim)
		return 0;
	if ((cmd->l3num == PF_INET && data[1] != '1') || (cmd->l3num == PF_INET6 && data[1] != '2'))
		return 0;

	if (data[1] == '1') {
		u32 array[4];

		/* Now we have IP address. */
		length = try_number(data + 3, dlen - 3, array, 4, '.', delim);
		if (length != 0)
			cmd->u3.ip = htonl((array[0] << 24) | (array[1] << 16) | (array[2] << 8) |
					   array[3]);
	} else {
		/* EMU: an IPv6 address (in6_pton): unreachable, only IPv4 is tracked */
		length = 0;
	}
	if (length == 0)
		return 0;
	/* Start offset includes initial "|1|", and trailing delimiter */
	return get_port(data, 3 + length + 1, dlen, delim, &cmd->u.tcp.port);
}

/* Returns 0, or length of numbers: |||6446| */
static int try_epsv_response(const char *data, size_t dlen, struct nf_conntrack_man *cmd,
			     char term, unsigned int *offset)
{
	char delim;

	(void)term;
	(void)offset;
	/* Three delimiters. */
	if (dlen <= 3)
		return 0;
	delim = data[0];
	if (ftp_isdigit(delim) || delim < 33 || delim > 126 || data[1] != delim || data[2] != delim)
		return 0;
	return get_port(data, 3, dlen, delim, &cmd->u.tcp.port);
}

/* Return 1 for match, 0 for accept, -1 for partial. */
static int find_pattern(const char *data, size_t dlen, const char *pattern, size_t plen,
			char skip, char term, unsigned int *numoff, unsigned int *numlen,
			struct nf_conntrack_man *cmd, ftp_getnum_t getnum)
{
	size_t i = plen;

	if (dlen <= plen) {
		/* Short packet: try for partial? */
		if (ftp_strncasecmp(data, pattern, dlen) == 0)
			return -1;
		return 0;
	}
	if (ftp_strncasecmp(data, pattern, plen) != 0)
		return 0;

	/* Now we've found the constant string, try to skip to the 'skip' character */
	if (skip) {
		for (i = plen; data[i] != skip; i++)
			if (i == dlen - 1)
				return -1;
		/* Skip over the last character */
		i++;
	}
	*numoff = (unsigned int)i;
	*numlen = (unsigned int)getnum(data + i, dlen - i, cmd, term, numoff);
	if (!*numlen)
		return -1;
	return 1;
}

/* Look up to see if we're just after a \n. */
static int find_nl_seq(u32 seq, const struct nf_ct_ftp_master *info, int dir)
{
	for (unsigned int i = 0; i < info->seq_aft_nl_num[dir]; i++)
		if (info->seq_aft_nl[dir][i] == seq)
			return 1;
	return 0;
}

/* We don't update if it's older than what we have. */
static void update_nl_seq(u32 nl_seq, struct nf_ct_ftp_master *info, int dir)
{
	unsigned int i, oldest;

	/* Look for oldest: if we find exact match, we're done. */
	for (i = 0; i < info->seq_aft_nl_num[dir]; i++)
		if (info->seq_aft_nl[dir][i] == nl_seq)
			return;

	if (info->seq_aft_nl_num[dir] < NUM_SEQ_TO_REMEMBER) {
		info->seq_aft_nl[dir][info->seq_aft_nl_num[dir]++] = nl_seq;
	} else {
		if (before(info->seq_aft_nl[dir][0], info->seq_aft_nl[dir][1]))
			oldest = 0;
		else
			oldest = 1;
		if (after(nl_seq, info->seq_aft_nl[dir][oldest]))
			info->seq_aft_nl[dir][oldest] = nl_seq;
	}
}

static int help(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
		enum ip_conntrack_info ctinfo)
{
	unsigned int dataoff, datalen;
	const struct tcphdr *th;
	const char *fb_ptr;
	int ret;
	u32 seq;
	int dir = CTINFO2DIR(ctinfo);
	unsigned int matchlen = 0, matchoff = 0;
	struct nf_ct_ftp_master *ct_ftp_info = nfct_help_data(ct);
	struct nf_conntrack_expect *exp;
	union nf_inet_addr *daddr;
	struct nf_conntrack_man cmd = {};
	unsigned int i;
	int found = 0, ends_in_nl;

	/* Until there's been traffic both ways, don't look in packets. */
	if (ctinfo != IP_CT_ESTABLISHED && ctinfo != IP_CT_ESTABLISHED_REPLY)
		return NF_ACCEPT;

	th = skb_header_pointer(skb, (int)protoff, sizeof(*th), NULL);
	if (th == NULL)
		return NF_ACCEPT;

	dataoff = protoff + th->doff * 4;
	/* No data? */
	if (dataoff >= skb->len)
		return NF_ACCEPT;
	datalen = skb->len - dataoff;

	fb_ptr = (const char *)skb->data + dataoff;
	ends_in_nl = (fb_ptr[datalen - 1] == '\n');
	seq = ntohl(th->seq) + datalen;

	/* Look up to see if we're just after a \n. */
	if (!find_nl_seq(ntohl(th->seq), ct_ftp_info, dir)) {
		/* We're picking up this, clear flags and let it continue */
		if (ct_ftp_info->flags[dir] & NF_CT_FTP_SEQ_PICKUP) {
			ct_ftp_info->flags[dir] ^= NF_CT_FTP_SEQ_PICKUP;
			goto skip_nl_seq;
		}
		/* Now if this ends in \n, update ftp info. */
		ret = NF_ACCEPT;
		goto out_update_nl;
	}

skip_nl_seq:
	/* Initialize IP/IPv6 addr to expected address (it's not mentioned in EPSV responses) */
	cmd.l3num = nf_ct_l3num(ct);
	memcpy(cmd.u3.all, &ct->tuplehash[dir].tuple.src.u3.all, sizeof(cmd.u3.all));

	for (i = 0; i < ARRAY_SIZE(search[dir]); i++) {
		found = find_pattern(fb_ptr, datalen, search[dir][i].pattern, search[dir][i].plen,
				     search[dir][i].skip, search[dir][i].term, &matchoff, &matchlen,
				     &cmd, search[dir][i].getnum);
		if (found)
			break;
	}
	if (found == -1) {
		/* We don't usually drop packets.  After all, this is connection tracking, not
		 * packet filtering.  However, it is necessary for accurate tracking in this
		 * case. */
		nf_ct_helper_log(skb, ct, "partial matching of `%s'", search[dir][i].pattern);
		nf_ct_observe(ct, skb, NFEMU_CT_FTP_PARTIAL, search[dir][i].pattern, datalen,
			      ntohl(th->seq));
		ret = NF_DROP;
		goto out;
	} else if (found == 0) { /* No match */
		ret = NF_ACCEPT;
		goto out_update_nl;
	}

	exp = nf_ct_expect_alloc(ct);
	if (exp == NULL) {
		nf_ct_helper_log(skb, ct, "cannot alloc expectation");
		ret = NF_DROP;
		goto out;
	}

	/* We refer to the reverse direction ("!dir") tuples here, because we're expecting
	 * something in the other direction.  Doesn't matter unless NAT is happening.  */
	daddr = &ct->tuplehash[!dir].tuple.dst.u3;

	/* Update the ftp info */
	if (cmd.l3num == nf_ct_l3num(ct) &&
	    memcmp(&cmd.u3.all, &ct->tuplehash[dir].tuple.src.u3.all, sizeof(cmd.u3.all))) {
		/* Enrico Scholz's passive FTP to partially RNAT'd ftp server: it really wants us
		 * to connect to a different IP address.  Simply don't record it for NAT.  (DMZ
		 * machines opening holes to internal networks, or the packet filter itself.) */
		if (!loose) {
			nf_ct_observe(ct, skb, NFEMU_CT_FTP_OTHER_ADDR, search[dir][i].pattern, 0, 0);
			ret = NF_ACCEPT;
			goto out_put_expect;
		}
		daddr = &cmd.u3;
	}

	nf_ct_expect_init(exp, NF_CT_EXPECT_CLASS_DEFAULT, (u8)cmd.l3num,
			  &ct->tuplehash[!dir].tuple.src.u3, daddr, IPPROTO_TCP, NULL, &cmd.u.tcp.port);

	/* Now, NAT might want to mangle the packet, and register the (possibly changed)
	 * expectation itself. */
	if (nf_ct_net(ct)->ct.nf_nat_ftp_hook && (ct->status & IPS_NAT_MASK)) {
		ret = (int)nf_ct_net(ct)->ct.nf_nat_ftp_hook(skb, ctinfo, search[dir][i].ftptype,
							     protoff, matchoff, matchlen, exp);
	} else {
		/* Can't expect this?  Best to drop packet now. */
		if (nf_ct_expect_related(exp, 0) != 0) {
			nf_ct_helper_log(skb, ct, "cannot add expectation");
			ret = NF_DROP;
		} else {
			ret = NF_ACCEPT;
		}
	}

out_put_expect:
	nf_ct_expect_put(exp);

out_update_nl:
	/* Now if this ends in \n, update ftp info.  Seq may have been adjusted by NAT code. */
	if (ends_in_nl)
		update_nl_seq(seq, ct_ftp_info, dir);
out:
	return ret;
}

static const struct nf_conntrack_expect_policy ftp_exp_policy = {
	.max_expected = 1,
	.timeout = 5 * 60,
};

/* EMU: per net, found again by module at exit (no global array). */
static void nf_conntrack_ftp_fini(struct net *net, struct module *mod)
{
	struct nf_conntrack_helper *h, *tmp, *base = NULL;

	if (!net->ct.ready)
		return;
	list_for_each_entry_safe(h, tmp, &net->ct.helpers, list)
		if (h->me == mod) {
			nf_conntrack_helper_unregister(net, h);
			if (!base || h < base)
				base = h;
		}
	free(base);
}

static int nf_conntrack_ftp_init(struct net *net, struct module *mod)
{
	/* EMU: ports=21 (the default when none is given); no IPv6 registration */
	static const u16 ports[] = { FTP_PORT };
	struct nf_conntrack_helper *ftp;
	unsigned int ports_c = ARRAY_SIZE(ports);
	int ret;

	ftp = calloc(ports_c, sizeof(*ftp));
	if (!ftp)
		return -ENOMEM;
	for (unsigned int i = 0; i < ports_c; i++)
		nf_ct_helper_init(&ftp[i], AF_INET, IPPROTO_TCP, HELPER_NAME, FTP_PORT, ports[i],
				  ports[i], &ftp_exp_policy, 0, help, mod);
	ret = nf_conntrack_helpers_register(net, ftp, ports_c);
	if (ret < 0) {
		pr_err(net, "nf_conntrack_ftp: failed to register helpers");
		free(ftp);
		return ret;
	}
	return 0;
}

const struct module_info module_info_nf_conntrack_ftp = {
	.name = "nf_conntrack_ftp",
	.size = 24576,
	.depends = MODULE_DEPS("nf_conntrack"),
	.aliases = MODULE_ALIASES("nfct-helper-ftp", "ip_conntrack_ftp"),
	.init = nf_conntrack_ftp_init,
	.exit = nf_conntrack_ftp_fini,
};
