/* emu/topology.c - EMU: read a topology file (`ip` and `sysctl` lines) into the emulated kernel.
 *
 * No kernel counterpart: the slice of iproute2 (ip link/addr/route/rule/neigh) and sysctl(8)
 * that builds a router, applied directly to netstack/ instead of through rtnetlink, and the
 * `listen` lines that declare the sockets of the host's applications.  Each line is split like
 * a shell would (quotes, backslashes, # comments), the command abbreviations are iproute2's
 * (`ip r`, `ip a`, `ip n`, `ip l`), and refusals carry iproute2's words.  Errors are
 * "FILE:LINE:COL: message" with the line and a caret under the token at fault; IPv6 lines are
 * skipped and reported once, as a warning in the same form.
 * Leaves out: deletions, nexthop objects, bond/macvlan/tunnel devices, IPv6.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/topology.h"
#include "netstack/inet.h"
#include "netstack/neighbour.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "netstack/sock.h"

#define TOPO_MAX_TOKENS 64

struct topo_tok {
	char *s;
	int col;                        /* 1-based column of the token's first character */
	int width;                      /* characters the token spans in the line */
};

struct topo_line {
	struct net *net;
	const char *file;
	int lineno;
	const char *text;               /* the line as written (no newline) */
	struct topo_tok tok[TOPO_MAX_TOKENS];
	int n, pos;
	char buf[4096];
	char *err;
	size_t errlen;
	/* IPv6 lines skipped (counted; the first one kept for the warning) */
	unsigned int ipv6_lines;
	char ipv6_first[512];
	size_t ipv6_firstlen;
};

/* ------------------------------------------------------------------------------------------
 * Errors
 */

__attribute__((format(printf, 4, 5)))
static int topo_error_at(struct topo_line *l, int col, int width, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int w, i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!l->err || !l->errlen)
		return -EINVAL;
	w = snprintf(l->err, l->errlen, "%s:%d:%d: %s\n  %s\n  ", l->file, l->lineno, col, msg, l->text);
	/* the caret line: keep the line's tabs so the caret lines up */
	for (i = 0; i < col - 1 && l->text[i] && w >= 0 && (size_t)w + 2 < l->errlen; i++)
		l->err[w++] = l->text[i] == '\t' ? '\t' : ' ';
	if (w >= 0 && (size_t)w + 2 < l->errlen) {
		l->err[w++] = '^';
		for (i = 1; i < width && (size_t)w + 2 < l->errlen; i++)
			l->err[w++] = '~';
		l->err[w] = '\0';
	}
	return -EINVAL;
}

/* The line is about IPv6 (token i says so): skipped, counted, the first one kept with a
 * caret under that token for the warning. */
static int topo_skip_ipv6(struct topo_line *l, int i)
{
	if (!l->ipv6_lines++) {
		char save[sizeof(l->ipv6_first)];

		/* format as an error into the side buffer */
		char *err = l->err;
		size_t errlen = l->errlen;

		l->err = save;
		l->errlen = sizeof(save);
		topo_error_at(l, l->tok[i].col, l->tok[i].width, "warning: IPv6 is not emulated yet: "
			      "IPv6 lines are skipped");
		l->err = err;
		l->errlen = errlen;
		snprintf(l->ipv6_first, sizeof(l->ipv6_first), "%s", save);
		l->ipv6_firstlen = strlen(l->ipv6_first);
	}
	l->pos = l->n;
	return 0;
}

/* A token that is an IPv6 address or prefix (A::B[/N]), or the family name inet6. */
static bool topo_tok_is_ipv6(const char *s)
{
	struct in6_addr a6;
	char tmp[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (!strcmp(s, "inet6") || !strcmp(s, "-6"))
		return true;
	if (!strchr(s, ':') || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, &a6) == 1;
}

/* An error about token i (or the end of the line when i == l->n). */
#define topo_error(l, i, ...) \
	topo_error_at((l), (i) < (l)->n ? (l)->tok[(i)].col : (int)strlen((l)->text) + 1, \
		      (i) < (l)->n ? (l)->tok[(i)].width : 1, __VA_ARGS__)

/* ------------------------------------------------------------------------------------------
 * Tokens
 */

/* Split the line as sh would: blanks separate, '…' and "…" quote, \ escapes, # comments. */
static int topo_tokenize(struct topo_line *l)
{
	const char *p = l->text;
	char *out = l->buf, *end = l->buf + sizeof(l->buf) - 1;

	l->n = 0;
	l->pos = 0;
	while (*p) {
		const char *start;

		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			break;
		if (l->n == TOPO_MAX_TOKENS)
			return topo_error_at(l, (int)(p - l->text) + 1, 1, "too many words on one line");
		start = p;
		l->tok[l->n].s = out;
		l->tok[l->n].col = (int)(p - l->text) + 1;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r') {
			if (out >= end)
				return topo_error_at(l, (int)(start - l->text) + 1, 1, "line too long");
			if (*p == '\'') {
				const char *q = strchr(p + 1, '\'');

				if (!q)
					return topo_error_at(l, (int)(p - l->text) + 1, 1,
							     "unterminated quote");
				for (p++; p < q && out < end; p++)
					*out++ = *p;
				p++;
			} else if (*p == '"') {
				for (p++; *p && *p != '"' && out < end; p++) {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					*out++ = *p;
				}
				if (*p != '"')
					return topo_error_at(l, (int)(start - l->text) + 1, 1,
							     "unterminated quote");
				p++;
			} else if (*p == '\\' && p[1]) {
				*out++ = p[1];
				p += 2;
			} else {
				*out++ = *p++;
			}
		}
		*out++ = '\0';
		l->tok[l->n].width = (int)(p - start);
		l->n++;
	}
	return 0;
}

static bool topo_more(const struct topo_line *l)
{
	return l->pos < l->n;
}

static const char *topo_peek(const struct topo_line *l)
{
	return l->pos < l->n ? l->tok[l->pos].s : NULL;
}

/* iproute2's matches(): cmd is a non-empty prefix of pattern. */
static bool matches(const char *cmd, const char *pattern)
{
	size_t len = strlen(cmd);

	return len && len <= strlen(pattern) && !memcmp(pattern, cmd, len);
}

/* The next token, or an error "missing WHAT" at the end of the line. */
static int topo_need(struct topo_line *l, const char *what, const char **out)
{
	*out = "";
	if (!topo_more(l))
		return topo_error(l, l->n, "missing %s", what);
	*out = l->tok[l->pos++].s;
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * Values
 */

static int parse_ipv4(const char *s, __be32 *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

/* A.B.C.D[/N]; len is 32 when no /N is given. */
static int parse_prefix(const char *s, __be32 *addr, int *len)
{
	char tmp[64];
	const char *slash = strchr(s, '/');
	char *end;
	long n = 32;

	if (strlen(s) >= sizeof(tmp))
		return -EINVAL;
	snprintf(tmp, sizeof(tmp), "%s", s);
	if (slash) {
		tmp[slash - s] = '\0';
		n = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || n < 0 || n > 32)
			return -EINVAL;
	}
	if (parse_ipv4(tmp, addr))
		return -EINVAL;
	*len = (int)n;
	return 0;
}

static int parse_mac(const char *s, u8 *mac)
{
	unsigned int b[ETH_ALEN];
	char extra;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &extra) != 6)
		return -EINVAL;
	for (int i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (u8)b[i];
	}
	return 0;
}

static int parse_u32(const char *s, u32 *v)
{
	char *end;
	unsigned long long n;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end || n > 0xffffffffULL)
		return -EINVAL;
	*v = (u32)n;
	return 0;
}

/* rtnl_rtscope_a2n */
static int parse_scope(const char *s, int *scope)
{
	static const struct { const char *name; int v; } names[] = {
		{ "global", RT_SCOPE_UNIVERSE }, { "universe", RT_SCOPE_UNIVERSE },
		{ "site", RT_SCOPE_SITE }, { "link", RT_SCOPE_LINK }, { "host", RT_SCOPE_HOST },
		{ "nowhere", RT_SCOPE_NOWHERE },
	};
	u32 v;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name)) {
			*scope = names[i].v;
			return 0;
		}
	if (parse_u32(s, &v) || v > 255)
		return -EINVAL;
	*scope = (int)v;
	return 0;
}

/* dev_valid_name(): what the kernel takes as an interface name. */
static bool dev_valid_name(const char *name)
{
	size_t n = strlen(name);

	if (!n || n >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	return !strpbrk(name, "/: \t\n");
}

/* Find a device by name: iproute2 says 'Cannot find device "X"'. */
static int topo_dev(struct topo_line *l, int tokidx, struct net_device **devp)
{
	struct net_device *dev = dev_get_by_name(l->net, l->tok[tokidx].s);

	if (!dev)
		return topo_error(l, tokidx, "Cannot find device \"%s\"", l->tok[tokidx].s);
	*devp = dev;
	return 0;
}

/* The kernel refused: iproute2 prints the extack message, else the errno text. */
static int topo_rtnl_error(struct topo_line *l, int tokidx, int err, const char *extack)
{
	if (extack)
		return topo_error(l, tokidx, "Error: %s.", extack);
	return topo_error(l, tokidx, "RTNETLINK answers: %s", strerror(-err));
}

/* ------------------------------------------------------------------------------------------
 * ip link
 */

/* Device options of `ip link add`/`peer`: address MAC, mtu N, netns NS (peer only). */
static int topo_link_opts(struct topo_line *l, u8 *mac, bool *has_mac, u32 *mtu, bool peer)
{
	while (topo_more(l)) {
		const char *o = topo_peek(l), *v;
		int at = l->pos;

		if (!strcmp(o, "type") || (!peer && (!strcmp(o, "peer") || !strcmp(o, "link"))))
			return 0;
		l->pos++;
		if (!strcmp(o, "address") || !strcmp(o, "addr") || !strcmp(o, "lladdr")) {
			if (topo_need(l, "MAC address", &v))
				return -EINVAL;
			if (parse_mac(v, mac))
				return topo_error(l, l->pos - 1, "\"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)", v);
			*has_mac = true;
		} else if (!strcmp(o, "mtu")) {
			if (topo_need(l, "MTU", &v))
				return -EINVAL;
			if (parse_u32(v, mtu))
				return topo_error(l, l->pos - 1, "Invalid \"mtu\" value");
		} else if (peer && !strcmp(o, "netns")) {
			if (topo_need(l, "namespace name", &v))
				return -EINVAL;
		} else if (peer && !strcmp(o, "name")) {
			return topo_error(l, at, "\"name\" goes right after \"peer\"");
		} else {
			return topo_error(l, at, "unsupported option \"%s\" for a device (address, mtu%s)",
					  o, peer ? ", netns" : "");
		}
	}
	return 0;
}

/* The arguments after `type vlan`: id N (required), protocol 802.1Q|802.1ad, reorder_hdr on. */
static int topo_vlan_args(struct topo_line *l, u16 *id, __be16 *proto)
{
	bool have_id = false;
	const char *v;

	*proto = htons(ETH_P_8021Q);
	while (topo_more(l)) {
		const char *o = topo_peek(l);
		int oat = l->pos++;
		u32 n;

		if (!strcmp(o, "id")) {
			if (topo_need(l, "VLAN id", &v))
				return -EINVAL;
			if (parse_u32(v, &n) || n > 0xffff)
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: id is invalid", v);
			*id = (u16)n;
			have_id = true;
		} else if (!strcmp(o, "protocol")) {
			if (topo_need(l, "VLAN protocol", &v))
				return -EINVAL;
			if (!strcasecmp(v, "802.1Q"))
				*proto = htons(ETH_P_8021Q);
			else if (!strcasecmp(v, "802.1ad"))
				*proto = htons(ETH_P_8021AD);
			else
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: protocol is invalid", v);
		} else if (!strcmp(o, "reorder_hdr")) {
			if (topo_need(l, "on or off", &v))
				return -EINVAL;
			if (strcmp(v, "on"))
				return topo_error(l, l->pos - 1, "reorder_hdr %s is not emulated (the tag is "
						  "always taken out of the header)", v);
		} else {
			return topo_error(l, oat, "unsupported vlan option \"%s\" (id, protocol, reorder_hdr on)", o);
		}
	}
	if (!have_id)
		return topo_error(l, l->n, "Error: 8021q: VLAN id not specified.");
	return 0;
}

/*
 * ip link add [link DEV] [name] NAME [address MAC] [mtu N] type TYPE [ARGS]
 * TYPE: veth [peer [name] PEER [address MAC] [mtu N] [netns NS]], dummy, bridge,
 *       vlan id N [protocol 802.1Q|802.1ad] [reorder_hdr on]
 */
static int topo_link_add(struct topo_line *l)
{
	const char *name = NULL, *type = NULL, *v = NULL, *extack = NULL;
	struct net_device *dev, *link = NULL;
	u8 mac[ETH_ALEN], pmac[ETH_ALEN];
	bool has_mac = false, has_pmac = false;
	u32 mtu = 0, pmtu = 0;
	char peer[IFNAMSIZ] = "";
	int name_at = l->pos, type_at, err;
	u16 vlan_id = 0;
	__be16 vlan_proto = 0;

	/* [link DEV] [name|dev] NAME, then options, in any order iproute2 takes them */
	while (topo_more(l) && (!name || !strcmp(topo_peek(l), "link"))) {
		const char *o = topo_peek(l);

		if (!strcmp(o, "link")) {
			l->pos++;
			if (!topo_more(l))
				return topo_error(l, l->n, "missing device name after \"link\"");
			if (topo_dev(l, l->pos++, &link))
				return -EINVAL;
		} else if (!strcmp(o, "name") || !strcmp(o, "dev")) {
			l->pos++;
			name_at = l->pos;
			if (topo_need(l, "device name", &name))
				return -EINVAL;
		} else if (!strcmp(o, "address") || !strcmp(o, "mtu") || !strcmp(o, "addr")) {
			if (topo_link_opts(l, mac, &has_mac, &mtu, false))
				return -EINVAL;
		} else if (!strcmp(o, "type")) {
			break;
		} else {
			name_at = l->pos;
			name = l->tok[l->pos++].s;
		}
	}
	if (!name)
		return topo_error(l, l->pos < l->n ? l->pos : l->n,
				  "missing device name (ip link add NAME type veth)");
	if (strlen(name) >= IFNAMSIZ)
		return topo_error(l, name_at, "\"%s\" is too long for a device name (at most %d characters)",
				  name, IFNAMSIZ - 1);
	for (;;) {
		if (topo_link_opts(l, mac, &has_mac, &mtu, false))
			return -EINVAL;
		if (!topo_more(l) || strcmp(topo_peek(l), "link"))
			break;
		l->pos++;
		if (!topo_more(l))
			return topo_error(l, l->n, "missing device name after \"link\"");
		if (topo_dev(l, l->pos++, &link))
			return -EINVAL;
	}
	if (!topo_more(l) || strcmp(topo_peek(l), "type"))
		return topo_error(l, l->pos, "expected \"type veth\" (or dummy, bridge, vlan)");
	l->pos++;
	type_at = l->pos;
	if (topo_need(l, "device type", &type))
		return -EINVAL;
	if (!strcmp(type, "veth")) {
		if (topo_more(l)) {
			if (strcmp(topo_peek(l), "peer"))
				return topo_error(l, l->pos, "expected \"peer\" after \"type veth\"");
			l->pos++;
			if (topo_more(l) && !strcmp(topo_peek(l), "name"))
				l->pos++;
			if (topo_need(l, "peer name", &v))
				return -EINVAL;
			if (strlen(v) >= IFNAMSIZ)
				return topo_error(l, l->pos - 1, "\"%s\" is too long for a device name", v);
			snprintf(peer, sizeof(peer), "%s", v);
			if (topo_link_opts(l, pmac, &has_pmac, &pmtu, true))
				return -EINVAL;
		}
	} else if (!strcmp(type, "vlan")) {
		if (topo_vlan_args(l, &vlan_id, &vlan_proto))
			return -EINVAL;
		if (!link)
			return topo_error(l, type_at, "Error: 8021q: link not specified.");
	} else if (!strcmp(type, "bridge")) {
		/* what nfemu's bridge is: no STP, no multicast snooping */
		while (topo_more(l)) {
			const char *o = topo_peek(l);
			int oat = l->pos++;

			if (strcmp(o, "stp_state") && strcmp(o, "mcast_snooping"))
				return topo_error(l, oat, "unsupported bridge option \"%s\" (stp_state 0, "
						  "mcast_snooping 0)", o);
			if (topo_need(l, "0", &v))
				return -EINVAL;
			if (strcmp(v, "0"))
				return topo_error(l, l->pos - 1, "%s %s is not emulated (the bridge has no "
						  "STP and no multicast snooping)", o, v);
		}
	} else if (!strcmp(type, "dummy")) {
		if (topo_more(l))
			return topo_error(l, l->pos, "unsupported %s option \"%s\"", type, topo_peek(l));
	} else {
		return topo_error(l, type_at, "unsupported device type \"%s\" (veth, dummy, bridge, vlan)", type);
	}
	if (link && strcmp(type, "vlan"))
		return topo_error(l, type_at, "\"link DEV\" is only emulated for type vlan");
	if (topo_more(l))
		return topo_error(l, l->pos, "unexpected \"%s\"", topo_peek(l));
	if (!strcmp(type, "vlan")) {
		if (!dev_valid_name(name))
			return topo_error(l, name_at, "\"%s\" is not a valid device name", name);
		if (dev_get_by_name(l->net, name))
			return topo_rtnl_error(l, name_at, -EEXIST, NULL);
		err = vlan_newlink(l->net, name, link, vlan_id, vlan_proto, has_mac ? mac : NULL, mtu,
				   &extack, &dev);
		if (err)
			return topo_rtnl_error(l, type_at, err, extack);
		return 0;
	}
	err = nfemu_dev_add(l->net, name, !strcmp(type, "veth") ? NFEMU_DEV_VETH :
			    !strcmp(type, "dummy") ? NFEMU_DEV_DUMMY : NFEMU_DEV_BRIDGE,
			    has_mac ? mac : NULL, mtu, &dev);
	if (err == -EEXIST)
		return topo_rtnl_error(l, name_at, err, NULL);
	if (err == -EADDRNOTAVAIL)
		return topo_rtnl_error(l, name_at, err, NULL);
	if (err)
		return topo_error(l, name_at, "cannot create \"%s\": %s", name, strerror(-err));
	snprintf(dev->emu_peer, sizeof(dev->emu_peer), "%s", peer);
	return 0;
}

static int topo_link_set(struct topo_line *l)
{
	struct net_device *dev;
	int at;

	if (topo_more(l) && !strcmp(topo_peek(l), "dev"))
		l->pos++;
	if (!topo_more(l))
		return topo_error(l, l->n, "missing device name");
	at = l->pos++;
	if (topo_dev(l, at, &dev))
		return -EINVAL;
	if (!topo_more(l))
		return topo_error(l, l->n, "missing what to set (up, down, address MAC, mtu N)");
	while (topo_more(l)) {
		const char *o = topo_peek(l), *v, *extack = NULL;
		int oat = l->pos++;
		int err = 0;

		if (!strcmp(o, "up")) {
			err = dev_change_flags(dev, dev->flags | IFF_UP);
		} else if (!strcmp(o, "down")) {
			err = dev_change_flags(dev, dev->flags & ~IFF_UP);
		} else if (!strcmp(o, "address") || !strcmp(o, "addr")) {
			u8 mac[ETH_ALEN];

			if (topo_need(l, "MAC address", &v))
				return -EINVAL;
			if (parse_mac(v, mac))
				return topo_error(l, l->pos - 1, "\"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)", v);
			err = dev_set_mac_address(dev, mac);
		} else if (!strcmp(o, "mtu")) {
			u32 mtu;

			if (topo_need(l, "MTU", &v))
				return -EINVAL;
			if (parse_u32(v, &mtu))
				return topo_error(l, l->pos - 1, "Invalid \"mtu\" value");
			err = dev_set_mtu(dev, mtu);
		} else if (!strcmp(o, "master")) {
			struct net_device *br;

			if (!topo_more(l))
				return topo_error(l, l->n, "missing the bridge's name");
			if (topo_dev(l, l->pos++, &br))
				return -EINVAL;
			err = br_add_if(br, dev, &extack);
			oat = l->pos - 1;
		} else if (!strcmp(o, "nomaster")) {
			err = br_del_if(dev);
		} else {
			return topo_error(l, oat, "unsupported \"ip link set\" argument \"%s\" (up, down, "
					  "address, mtu, master, nomaster)", o);
		}
		if (err)
			return topo_rtnl_error(l, oat, err, extack);
	}
	return 0;
}

static int topo_link(struct topo_line *l)
{
	const char *verb = NULL;
	int at = l->pos;

	if (topo_need(l, "\"add\" or \"set\"", &verb))
		return -EINVAL;
	if (matches(verb, "add"))
		return topo_link_add(l);
	if (matches(verb, "set"))
		return topo_link_set(l);
	return topo_error(l, at, "unsupported \"ip link %s\" (add, set)", verb);
}

/* ------------------------------------------------------------------------------------------
 * ip address
 */

static int topo_addr(struct topo_line *l)
{
	const char *verb = NULL, *v = NULL, *pfx = NULL;
	struct net_device *dev = NULL;
	__be32 local, brd = 0;
	int plen, scope = -1, at = l->pos, pfx_at = -1, err;
	bool brd_plus = false;
	u32 metric = 0;

	if (topo_need(l, "\"add\"", &verb))
		return -EINVAL;
	if (!matches(verb, "add"))
		return topo_error(l, at, "unsupported \"ip address %s\" (add)", verb);
	while (topo_more(l)) {
		const char *o = topo_peek(l);
		int oat = l->pos++;

		if (!strcmp(o, "dev")) {
			if (!topo_more(l))
				return topo_error(l, l->n, "missing device name");
			if (topo_dev(l, l->pos++, &dev))
				return -EINVAL;
		} else if (matches(o, "broadcast") || !strcmp(o, "brd")) {
			if (topo_need(l, "broadcast address", &v))
				return -EINVAL;
			if (!strcmp(v, "+"))
				brd_plus = true;
			else if (!strcmp(v, "-"))
				brd = 0;
			else if (parse_ipv4(v, &brd))
				return topo_error(l, l->pos - 1, "\"%s\" is not an IPv4 address", v);
		} else if (!strcmp(o, "scope")) {
			if (topo_need(l, "scope", &v))
				return -EINVAL;
			if (parse_scope(v, &scope))
				return topo_error(l, l->pos - 1, "invalid scope \"%s\"", v);
		} else if (!strcmp(o, "metric") || !strcmp(o, "priority") || !strcmp(o, "preference")) {
			if (topo_need(l, "metric", &v))
				return -EINVAL;
			if (parse_u32(v, &metric))
				return topo_error(l, l->pos - 1, "Invalid \"metric\" value");
		} else if (!strcmp(o, "label")) {
			if (topo_need(l, "label", &v))
				return -EINVAL;
		} else if (!strcmp(o, "local")) {
			if (topo_need(l, "address", &pfx))
				return -EINVAL;
			pfx_at = l->pos - 1;
		} else if (!pfx) {
			pfx = o;
			pfx_at = oat;
		} else {
			return topo_error(l, oat, "unexpected \"%s\" (dev, broadcast, scope, metric, label)", o);
		}
	}
	if (!pfx)
		return topo_error(l, l->n, "missing address (ip addr add A/N dev NAME)");
	if (parse_prefix(pfx, &local, &plen))
		return topo_error(l, pfx_at, "\"%s\" is not an IPv4 address with prefix length (A.B.C.D/N)", pfx);
	if (!dev)
		return topo_error(l, l->n, "Not enough information: \"dev\" argument is required.");
	if (scope < 0)  /* iproute2 default_scope(): 127/8 is host */
		scope = (ntohl(local) >> 24) == 127 ? RT_SCOPE_HOST : RT_SCOPE_UNIVERSE;
	if (brd_plus && plen < 31)
		brd = local | ~inet_make_mask(plen);
	err = nfemu_inet_addr_add(dev, local, (unsigned int)plen, brd, scope, metric);
	if (err == -EEXIST)
		return topo_error(l, pfx_at, "Error: ipv4: Address already assigned.");
	if (err == -EINVAL)
		return topo_error(l, pfx_at, "Error: ipv4: Invalid scope value.");
	if (err)
		return topo_rtnl_error(l, pfx_at, err, NULL);
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * ip route
 */

/* rtnl_rttable_a2n(): the names of /etc/iproute2/rt_tables as shipped, or a number. */
static int parse_table(const char *s, u32 *id)
{
	if (!strcmp(s, "main"))
		*id = RT_TABLE_MAIN;
	else if (!strcmp(s, "local"))
		*id = RT_TABLE_LOCAL;
	else if (!strcmp(s, "default"))
		*id = RT_TABLE_DEFAULT;
	else if (!strcmp(s, "unspec"))
		*id = RT_TABLE_UNSPEC;
	else if (parse_u32(s, id))
		return -EINVAL;
	return 0;
}

static int parse_route_type(const char *s)
{
	static const struct { const char *name; int type; } types[] = {
		{ "unicast", RTN_UNICAST }, { "local", RTN_LOCAL }, { "broadcast", RTN_BROADCAST },
		{ "blackhole", RTN_BLACKHOLE }, { "unreachable", RTN_UNREACHABLE },
		{ "prohibit", RTN_PROHIBIT }, { "throw", RTN_THROW }, { "anycast", RTN_ANYCAST },
	};

	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (!strcmp(s, types[i].name))
			return types[i].type;
	return -1;
}

static int topo_route(struct topo_line *l)
{
	struct fib_config cfg = { .fc_protocol = RTPROT_BOOT, .fc_type = RTN_UNICAST };
	const char *verb = NULL, *v = NULL;
	struct net_device *dev = NULL;
	bool have_dst = false, have_scope = false, have_table = false;
	int at = l->pos, dst_at = -1, err, type;

	if (topo_need(l, "\"add\"", &verb))
		return -EINVAL;
	if (matches(verb, "add"))
		cfg.fc_nlflags = NLM_F_CREATE | NLM_F_EXCL;
	else if (matches(verb, "append"))
		cfg.fc_nlflags = NLM_F_CREATE | NLM_F_APPEND;
	else if (matches(verb, "replace"))
		cfg.fc_nlflags = NLM_F_CREATE | NLM_F_REPLACE;
	else
		return topo_error(l, at, "unsupported \"ip route %s\" (add, append, replace)", verb);

	while (topo_more(l)) {
		const char *o = topo_peek(l);
		int oat = l->pos++;

		if (!strcmp(o, "via")) {
			if (topo_need(l, "gateway", &v))
				return -EINVAL;
			if (!strcmp(v, "inet") && topo_need(l, "gateway", &v))
				return -EINVAL;
			if (parse_ipv4(v, &cfg.fc_gw4))
				return topo_error(l, l->pos - 1, "\"%s\" is not an IPv4 address", v);
		} else if (!strcmp(o, "dev") || !strcmp(o, "oif")) {
			if (!topo_more(l))
				return topo_error(l, l->n, "missing device name");
			if (topo_dev(l, l->pos++, &dev))
				return -EINVAL;
			cfg.fc_oif = dev->ifindex;
		} else if (!strcmp(o, "src")) {
			if (topo_need(l, "source address", &v))
				return -EINVAL;
			if (parse_ipv4(v, &cfg.fc_prefsrc))
				return topo_error(l, l->pos - 1, "\"%s\" is not an IPv4 address", v);
		} else if (!strcmp(o, "metric") || !strcmp(o, "priority") || !strcmp(o, "preference")) {
			if (topo_need(l, "metric", &v))
				return -EINVAL;
			if (parse_u32(v, &cfg.fc_priority))
				return topo_error(l, l->pos - 1, "Invalid \"metric\" value");
		} else if (!strcmp(o, "proto") || !strcmp(o, "protocol")) {
			u32 p;

			if (topo_need(l, "protocol", &v))
				return -EINVAL;
			if (!strcmp(v, "boot"))
				p = RTPROT_BOOT;
			else if (!strcmp(v, "static"))
				p = RTPROT_STATIC;
			else if (!strcmp(v, "kernel"))
				p = RTPROT_KERNEL;
			else if (parse_u32(v, &p) || p > 255)
				return topo_error(l, l->pos - 1, "invalid protocol \"%s\"", v);
			cfg.fc_protocol = (u8)p;
		} else if (!strcmp(o, "scope")) {
			int s;

			if (topo_need(l, "scope", &v))
				return -EINVAL;
			if (parse_scope(v, &s))
				return topo_error(l, l->pos - 1, "invalid scope \"%s\"", v);
			cfg.fc_scope = (u8)s;
			have_scope = true;
		} else if (!strcmp(o, "table")) {
			if (topo_need(l, "table", &v))
				return -EINVAL;
			if (parse_table(v, &cfg.fc_table))
				return topo_error(l, l->pos - 1,
						  "Error: argument \"%s\" is wrong: \"table\" value is invalid", v);
			have_table = true;
		} else if (!have_dst && (type = parse_route_type(o)) >= 0) {
			cfg.fc_type = (u8)type;
		} else if (!have_dst) {
			int plen;

			if (!strcmp(o, "default") || !strcmp(o, "all") || !strcmp(o, "any")) {
				cfg.fc_dst = 0;
				plen = 0;
			} else if (parse_prefix(o, &cfg.fc_dst, &plen)) {
				return topo_error(l, oat, "\"%s\" is not a route prefix (A.B.C.D/N or default)", o);
			}
			cfg.fc_dst_len = (u8)plen;
			have_dst = true;
			dst_at = oat;
		} else {
			return topo_error(l, oat, "unexpected \"%s\" (via, dev, src, metric, proto, scope, table)", o);
		}
	}
	if (!have_dst)
		return topo_error(l, l->n, "missing the route's prefix (A.B.C.D/N or default)");
	/* iproute2's defaults: table local for local/broadcast/anycast/nat, else main; scope
	 * host for local, link for broadcast/anycast and gateway-less unicast, else global */
	if (!have_table)
		cfg.fc_table = (cfg.fc_type == RTN_LOCAL || cfg.fc_type == RTN_BROADCAST ||
				cfg.fc_type == RTN_ANYCAST) ? RT_TABLE_LOCAL : RT_TABLE_MAIN;
	if (!have_scope) {
		if (cfg.fc_type == RTN_LOCAL)
			cfg.fc_scope = RT_SCOPE_HOST;
		else if (cfg.fc_type == RTN_BROADCAST || cfg.fc_type == RTN_ANYCAST)
			cfg.fc_scope = RT_SCOPE_LINK;
		else if (cfg.fc_type == RTN_UNICAST && !cfg.fc_gw4)
			cfg.fc_scope = RT_SCOPE_LINK;
		else
			cfg.fc_scope = RT_SCOPE_UNIVERSE;
	}
	if (cfg.fc_type == RTN_UNICAST && !cfg.fc_gw4 && !cfg.fc_oif)
		return topo_error(l, dst_at, "Error: Nexthop device required.");
	err = fib_table_insert(l->net, &cfg);
	if (err)
		return topo_rtnl_error(l, dst_at, err, cfg.extack);
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * ip rule
 */

/* A rule's from/to: PREFIX, or all/any/default/0/0 for every address. */
static int parse_rule_prefix(const char *s, __be32 *addr, u8 *len)
{
	int plen;

	if (!strcmp(s, "all") || !strcmp(s, "any") || !strcmp(s, "default") || !strcmp(s, "0/0")) {
		*addr = 0;
		*len = 0;
		return 0;
	}
	if (parse_prefix(s, addr, &plen))
		return -EINVAL;
	*len = (u8)plen;
	return 0;
}

/*
 * ip rule add [not] [from P] [to P] [tos T] [fwmark M[/MASK]] [iif DEV] [oif DEV]
 *             [pref N] [table T | lookup T] [unreachable | prohibit | blackhole | nop | goto N]
 *             [suppress_prefixlength N] [suppress_ifgroup G]
 * as iproute2's iprule_modify builds the message: no table and no action means lookup main.
 */
static int topo_rule(struct topo_line *l)
{
	static const char *const unsupported[] = {
		"uidrange", "ipproto", "sport", "dport", "l3mdev", "realms", "nat", "map-to",
		"tun_id", "protocol", "proto", "flowlabel", "dscp",
	};
	struct fib_rule r = { .suppress_prefixlen = -1, .suppress_ifgroup = -1 };
	const char *verb = NULL, *v = NULL, *extack = NULL;
	bool has_pref = false, table_ok = false;
	int at = l->pos, err;

	if (topo_need(l, "\"add\"", &verb))
		return -EINVAL;
	if (!matches(verb, "add"))
		return topo_error(l, at, "unsupported \"ip rule %s\" (add)", verb);
	r.action = FR_ACT_UNSPEC;
	while (topo_more(l)) {
		const char *o = topo_peek(l);
		int oat = l->pos++;
		u32 n;

		if (!strcmp(o, "not")) {
			r.flags |= FIB_RULE_INVERT;
		} else if (!strcmp(o, "from") || !strcmp(o, "to")) {
			bool from = o[0] == 'f';

			if (topo_need(l, "prefix", &v))
				return -EINVAL;
			if (parse_rule_prefix(v, from ? &r.src : &r.dst, from ? &r.src_len : &r.dst_len))
				return topo_error(l, l->pos - 1, "\"%s\" is not an IPv4 prefix (A.B.C.D/N or all)", v);
		} else if (!strcmp(o, "tos") || !strcmp(o, "dsfield")) {
			if (topo_need(l, "tos", &v))
				return -EINVAL;
			if (parse_u32(v, &n) || n > 255)
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: TOS value is invalid", v);
			r.dscp = (u8)n;
		} else if (!strcmp(o, "fwmark")) {
			char mark[32], *slash;

			if (topo_need(l, "mark", &v))
				return -EINVAL;
			snprintf(mark, sizeof(mark), "%s", v);
			slash = strchr(mark, '/');
			if (slash)
				*slash++ = '\0';
			if (parse_u32(mark, &r.mark) || (slash && parse_u32(slash, &r.mark_mask)))
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: fwmark value is invalid", v);
			/* fib_nl2rule(): a non-zero mark without FRA_FWMASK compares every bit */
			if (!slash && r.mark)
				r.mark_mask = 0xFFFFFFFF;
		} else if (!strcmp(o, "dev") || !strcmp(o, "iif") || !strcmp(o, "oif")) {
			char *name = o[0] == 'o' ? r.oifname : r.iifname;

			if (topo_need(l, "device name", &v))
				return -EINVAL;
			if (strlen(v) >= IFNAMSIZ)
				return topo_error(l, l->pos - 1, "\"%s\" is too long for a device name", v);
			snprintf(name, IFNAMSIZ, "%s", v);
		} else if (matches(o, "preference") || matches(o, "priority") || !strcmp(o, "order")) {
			if (topo_need(l, "preference", &v))
				return -EINVAL;
			if (parse_u32(v, &r.pref))
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: preference value is invalid", v);
			has_pref = true;
		} else if (!strcmp(o, "table") || !strcmp(o, "lookup")) {
			if (topo_need(l, "table", &v))
				return -EINVAL;
			if (parse_table(v, &r.table))
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: invalid table ID", v);
			table_ok = true;
		} else if (!strcmp(o, "suppress_prefixlength") || !strcmp(o, "sup_pl")) {
			if (topo_need(l, "prefix length", &v))
				return -EINVAL;
			if (parse_u32(v, &n) || n > 32)
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: suppress_prefixlength value is invalid", v);
			r.suppress_prefixlen = (int)n;
		} else if (!strcmp(o, "suppress_ifgroup") || !strcmp(o, "sup_group")) {
			if (topo_need(l, "group", &v))
				return -EINVAL;
			if (parse_u32(v, &n) || n > INT32_MAX)
				return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: suppress_ifgroup value is invalid", v);
			r.suppress_ifgroup = (int)n;
		} else {
			bool bad = false;

			if (!strcmp(o, "type")) {
				if (topo_need(l, "rule type", &o))
					return -EINVAL;
				oat = l->pos - 1;
			}
			for (size_t i = 0; i < ARRAY_SIZE(unsupported); i++)
				if (!strcmp(o, unsupported[i]))
					bad = true;
			if (bad)
				return topo_error(l, oat, "\"%s\" in ip rule is not emulated (from, to, tos, "
						  "fwmark, iif, oif, pref, table, suppress_*, actions)", o);
			if (matches(o, "goto")) {
				if (topo_need(l, "preference to jump to", &v))
					return -EINVAL;
				if (parse_u32(v, &r.target))
					return topo_error(l, l->pos - 1, "Error: argument \"%s\" is wrong: invalid goto target", v);
				r.action = FR_ACT_GOTO;
			} else if (matches(o, "nop")) {
				r.action = FR_ACT_NOP;
			} else if (!strcmp(o, "unreachable")) {
				r.action = FR_ACT_UNREACHABLE;
			} else if (!strcmp(o, "prohibit")) {
				r.action = FR_ACT_PROHIBIT;
			} else if (!strcmp(o, "blackhole")) {
				r.action = FR_ACT_BLACKHOLE;
			} else if (!strcmp(o, "unicast")) {
				r.action = FR_ACT_TO_TBL;
			} else {
				return topo_error(l, oat, "unexpected \"%s\" (not, from, to, tos, fwmark, iif, "
						  "oif, pref, table, unreachable, prohibit, blackhole, nop, goto)", o);
			}
			table_ok = true;
		}
	}
	if (!table_ok)
		r.table = RT_TABLE_MAIN;
	if (r.action == FR_ACT_UNSPEC)
		r.action = FR_ACT_TO_TBL;
	err = fib_nl_newrule(l->net, &r, has_pref, &extack);
	if (err)
		return topo_rtnl_error(l, at, err, extack);
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * ip neigh
 */

static int topo_neigh(struct topo_line *l)
{
	const char *verb = NULL, *v = NULL, *addr_s = NULL;
	struct net_device *dev = NULL;
	u8 mac[ETH_ALEN];
	bool has_mac = false, replace;
	u8 nud = NUD_PERMANENT;
	int at = l->pos, addr_at = -1, err;
	__be32 addr;

	if (topo_need(l, "\"add\"", &verb))
		return -EINVAL;
	if (matches(verb, "add"))
		replace = false;
	else if (matches(verb, "replace") || matches(verb, "change"))
		replace = true;
	else
		return topo_error(l, at, "unsupported \"ip neigh %s\" (add, replace)", verb);
	while (topo_more(l)) {
		const char *o = topo_peek(l);
		int oat = l->pos++;

		if (!strcmp(o, "lladdr")) {
			if (topo_need(l, "MAC address", &v))
				return -EINVAL;
			if (parse_mac(v, mac))
				return topo_error(l, l->pos - 1, "\"%s\" is not a MAC address (xx:xx:xx:xx:xx:xx)", v);
			has_mac = true;
		} else if (!strcmp(o, "dev")) {
			if (!topo_more(l))
				return topo_error(l, l->n, "missing device name");
			if (topo_dev(l, l->pos++, &dev))
				return -EINVAL;
		} else if (!strcmp(o, "nud")) {
			if (topo_need(l, "state", &v))
				return -EINVAL;
			if (matches(v, "permanent"))
				nud = NUD_PERMANENT;
			else if (matches(v, "reachable"))
				nud = NUD_REACHABLE;
			else if (!strcmp(v, "stale"))
				nud = NUD_STALE;
			else if (!strcmp(v, "noarp"))
				nud = NUD_NOARP;
			else if (!strcmp(v, "delay"))
				nud = NUD_DELAY;
			else if (!strcmp(v, "probe"))
				nud = NUD_PROBE;
			else
				return topo_error(l, l->pos - 1, "unsupported nud state \"%s\"", v);
		} else if (!strcmp(o, "to") || !addr_s) {
			if (!strcmp(o, "to") && topo_need(l, "address", &o))
				return -EINVAL;
			addr_s = o;
			addr_at = !strcmp(l->tok[oat].s, "to") ? oat + 1 : oat;
		} else {
			return topo_error(l, oat, "unexpected \"%s\" (lladdr, dev, nud)", o);
		}
	}
	if (!addr_s)
		return topo_error(l, l->n, "missing the neighbour's address");
	if (parse_ipv4(addr_s, &addr))
		return topo_error(l, addr_at, "\"%s\" is not an IPv4 address", addr_s);
	if (!dev)
		return topo_error(l, l->n, "Device and destination are required arguments.");
	if (!has_mac && nud != NUD_NOARP)
		return topo_error(l, l->n, "missing \"lladdr MAC\" (nfemu does not ARP)");
	err = nfemu_neigh_add(dev, addr, has_mac ? mac : NULL, nud, replace);
	if (err)
		return topo_rtnl_error(l, addr_at, err, NULL);
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * listen: the host's sockets
 */

/*
 * listen tcp|udp ADDR:PORT [uid N] [gid N]: a socket an application of the host holds, bound
 * (and for TCP listening) as bind(2) allows: ADDR 0.0.0.0 or an address of the host (added
 * by an earlier line), unless net.ipv4.ip_nonlocal_bind is 1.  uid/gid are its file's
 * credentials (what -m owner matches, LOG --log-uid prints), 0 unless given.
 */
static int topo_listen(struct topo_line *l)
{
	const char *proto = NULL, *ep = NULL, *v = NULL;
	char addr[32];
	const char *colon;
	u32 port, uid = 0, gid = 0;
	int proto_at = l->pos, ep_at, err;
	__be32 a;

	if (topo_need(l, "tcp or udp", &proto))
		return -EINVAL;
	if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
		return topo_error(l, proto_at, "expected tcp or udp, not \"%s\"", proto);
	ep_at = l->pos;
	if (topo_need(l, "ADDR:PORT", &ep))
		return -EINVAL;
	colon = strrchr(ep, ':');
	if (!colon || (size_t)(colon - ep) >= sizeof(addr) || parse_u32(colon + 1, &port) ||
	    !port || port > 65535)
		return topo_error(l, ep_at, "\"%s\" is not ADDR:PORT (an IPv4 address, a port 1-65535)", ep);
	memcpy(addr, ep, (size_t)(colon - ep));
	addr[colon - ep] = '\0';
	if (parse_ipv4(addr, &a))
		return topo_error(l, ep_at, "\"%s\" is not ADDR:PORT (an IPv4 address, a port 1-65535)", ep);
	while (topo_more(l)) {
		const char *o = topo_peek(l);
		int oat = l->pos++;

		if (strcmp(o, "uid") && strcmp(o, "gid"))
			return topo_error(l, oat, "unexpected \"%s\" (uid N, gid N)", o);
		if (topo_need(l, "a number", &v))
			return -EINVAL;
		if (parse_u32(v, o[0] == 'u' ? &uid : &gid) || !strcmp(v, "4294967295"))
			return topo_error(l, l->pos - 1, "\"%s\" is not a %s", v, o);
	}
	/* inet_bind(): the address must be ours (or any) */
	if (a && !l->net->ipv4.sysctl_ip_nonlocal_bind && !nfemu_addr_is_local(l->net, a) &&
	    inet_addr_type(l->net, a) != RTN_BROADCAST && inet_addr_type(l->net, a) != RTN_MULTICAST)
		return topo_error(l, ep_at, "bind: Cannot assign requested address (%s is not an address "
				  "of the host: add it before this line)", addr);
	err = inet_listen_add(l->net, !strcmp(proto, "tcp") ? IPPROTO_TCP : IPPROTO_UDP, a,
			      (u16)port, uid, gid);
	if (err)
		return topo_error(l, ep_at, "listen: %s", strerror(-err));
	return 0;
}

/* ------------------------------------------------------------------------------------------
 * ip and sysctl
 */

static int topo_command(struct topo_line *l);

static int topo_ip(struct topo_line *l)
{
	const char *obj = NULL;
	int at;

	/* global options: -4, -n NS / -netns NS */
	while (topo_more(l) && topo_peek(l)[0] == '-') {
		const char *o = topo_peek(l), *v;
		int oat = l->pos++;

		if (!strcmp(o, "-4"))
			continue;
		if (!strcmp(o, "-6"))
			return topo_skip_ipv6(l, oat);
		if (!strcmp(o, "-f") || !strcmp(o, "-family")) {
			if (topo_need(l, "address family", &v))
				return -EINVAL;
			if (!strcmp(v, "inet6"))
				return topo_skip_ipv6(l, l->pos - 1);
			if (strcmp(v, "inet"))
				return topo_error(l, l->pos - 1, "unsupported address family \"%s\" (inet)", v);
			continue;
		}
		if (!strcmp(o, "-n") || !strcmp(o, "-netns") || !strcmp(o, "--netns")) {
			if (topo_need(l, "namespace name", &v))
				return -EINVAL;
			continue;
		}
		return topo_error(l, oat, "unsupported option \"%s\" (-4, -n NS)", o);
	}
	at = l->pos;
	if (topo_need(l, "an object (link, address, route, neigh)", &obj))
		return -EINVAL;
	/* ip addr/route/neigh/rule with an IPv6 address in it: iproute2 takes the family from it */
	if (!matches(obj, "link") && !matches(obj, "netns"))
		for (int i = l->pos; i < l->n; i++)
			if (topo_tok_is_ipv6(l->tok[i].s))
				return topo_skip_ipv6(l, i);
	/* iproute2 tries the objects in this order, so "n" is neigh and "a" address */
	if (matches(obj, "address"))
		return topo_addr(l);
	if (matches(obj, "route"))
		return topo_route(l);
	if (matches(obj, "rule"))
		return topo_rule(l);
	if (matches(obj, "neighbour") || matches(obj, "neighbor"))
		return topo_neigh(l);
	if (matches(obj, "link"))
		return topo_link(l);
	if (matches(obj, "netns")) {
		const char *verb, *ns;
		int vat = l->pos;

		if (topo_need(l, "\"exec\" or \"add\"", &verb))
			return -EINVAL;
		if (!strcmp(verb, "add")) {
			/* building the namespace itself: nothing to do for the emulated host */
			if (topo_need(l, "namespace name", &ns))
				return -EINVAL;
			return topo_more(l) ? topo_error(l, l->pos, "unexpected \"%s\"", topo_peek(l)) : 0;
		}
		if (!strcmp(verb, "exec")) {
			if (topo_need(l, "namespace name", &ns))
				return -EINVAL;
			return topo_command(l);
		}
		return topo_error(l, vat, "unsupported \"ip netns %s\" (exec, add)", verb);
	}
	return topo_error(l, at, "unsupported \"ip %s\" (link, address, route, neigh)", obj);
}

static int topo_sysctl(struct topo_line *l)
{
	bool any = false;

	while (topo_more(l)) {
		const char *o = topo_peek(l);
		int oat = l->pos++;
		char key[256], msg[512];
		const char *eq;
		int err;

		if (!strcmp(o, "-w") || !strcmp(o, "-q") || !strcmp(o, "-e"))
			continue;
		if (!strncmp(o, "net.ipv6.", 9) || !strncmp(o, "net/ipv6/", 9)) {
			/* the line's other keys are applied; this one is counted as skipped */
			int n = l->n, pos = l->pos;

			topo_skip_ipv6(l, oat);
			l->n = n;
			l->pos = pos;
			any = true;
			continue;
		}
		if (o[0] == '-')
			return topo_error(l, oat, "unsupported sysctl option \"%s\" (-w, -q, -e)", o);
		eq = strchr(o, '=');
		if (!eq)
			return topo_error(l, oat, "sysctl: \"%s\" must be of the form name=value", o);
		if ((size_t)(eq - o) >= sizeof(key))
			return topo_error(l, oat, "sysctl key too long");
		memcpy(key, o, (size_t)(eq - o));
		key[eq - o] = '\0';
		/* sysctl(8) trims blanks around the key and value */
		while (eq[1] == ' ')
			eq++;
		err = sysctl_set(l->net, key, eq + 1, msg, sizeof(msg));
		if (err)
			return topo_error_at(l, l->tok[oat].col, (int)strlen(key), "%s", msg);
		any = true;
	}
	if (!any)
		return topo_error(l, l->n, "missing KEY=VALUE");
	return 0;
}

/* ethtool -K DEV FEATURE on|off...: the checksum offload is the feature nfemu acts on (see
 * NETIF_F_HW_CSUM); the segmentation/receive offloads are accepted and change nothing, since
 * nfemu's packets are never segmented by a device. */
static int topo_ethtool(struct topo_line *l)
{
	static const char *const csum[] = { "tx", "tx-checksumming", "tx-checksum-ip-generic" };
	static const char *const noop[] = { "rx", "rx-checksumming", "sg", "scatter-gather", "tso",
					    "tcp-segmentation-offload", "gso",
					    "generic-segmentation-offload", "gro",
					    "generic-receive-offload", "lro", "large-receive-offload" };
	struct net_device *dev;
	const char *opt, *name;
	int oat = l->pos;
	u64 features;
	bool any = false;

	if (topo_need(l, "-K", &opt))
		return -EINVAL;
	if (strcmp(opt, "-K") && strcmp(opt, "--features") && strcmp(opt, "--offload"))
		return topo_error(l, oat, "unsupported ethtool option \"%s\" (-K DEV FEATURE on|off)", opt);
	if (topo_need(l, "device name", &name))
		return -EINVAL;
	if (topo_dev(l, l->pos - 1, &dev))
		return -EINVAL;
	features = dev->features;
	while (topo_more(l)) {
		const char *feat = topo_peek(l), *val;
		int fat = l->pos++;
		bool is_csum = false, known = false, on;

		for (size_t i = 0; i < ARRAY_SIZE(csum); i++)
			if (!strcmp(feat, csum[i]))
				is_csum = known = true;
		for (size_t i = 0; i < ARRAY_SIZE(noop); i++)
			if (!strcmp(feat, noop[i]))
				known = true;
		if (!known)
			return topo_error(l, fat, "unsupported feature \"%s\" (tx, rx, sg, tso, gso, gro, lro)",
					  feat);
		if (topo_need(l, "on or off", &val))
			return -EINVAL;
		if (strcmp(val, "on") && strcmp(val, "off"))
			return topo_error(l, l->pos - 1, "expected on or off, not \"%s\"", val);
		on = !strcmp(val, "on");
		if (is_csum)
			features = on ? features | NETIF_F_HW_CSUM : features & ~NETIF_F_HW_CSUM;
		any = true;
	}
	if (!any)
		return topo_error(l, l->n, "missing FEATURE on|off");
	netdev_set_features(dev, features);
	return 0;
}

/* modprobe [-q] [-a] NAME...: load a module (and what it depends on) as the kernel's
 * request_module would; e.g. nf_nat_ftp, which no rule loads on its own. */
static int topo_modprobe(struct topo_line *l)
{
	bool any = false;

	while (topo_more(l)) {
		const char *name = topo_peek(l);
		int at = l->pos++;
		int err;

		if (!strcmp(name, "-q") || !strcmp(name, "-a") || !strcmp(name, "--all"))
			continue;
		if (name[0] == '-')
			return topo_error(l, at, "unsupported modprobe option \"%s\" (-q, -a)", name);
		if (!module_info_find(name))
			return topo_error(l, at, "modprobe: FATAL: Module %s not found (nfemu emulates "
					  "the netfilter modules `nfemu lsmod` can list)", name);
		err = request_module(l->net, "%s", name);
		if (err)
			return topo_error(l, at, "modprobe %s: %s", name, strerror(-err));
		any = true;
	}
	if (!any)
		return topo_error(l, l->n, "missing module name");
	return 0;
}

static int topo_command(struct topo_line *l)
{
	const char *cmd = NULL;
	int at = l->pos;

	if (topo_need(l, "a command", &cmd))
		return -EINVAL;
	if (!strcmp(cmd, "ip"))
		return topo_ip(l);
	if (!strcmp(cmd, "sysctl"))
		return topo_sysctl(l);
	if (!strcmp(cmd, "ethtool"))
		return topo_ethtool(l);
	if (!strcmp(cmd, "modprobe"))
		return topo_modprobe(l);
	if (!strcmp(cmd, "listen"))
		return topo_listen(l);
	return topo_error(l, at, "unknown command \"%s\" (expected ip, sysctl, ethtool, modprobe or listen)", cmd);
}

int nfemu_topology_load_string(struct net *net, const char *name, const char *text, char *err,
			       size_t errlen)
{
	return nfemu_topology_load_string_warn(net, name, text, err, errlen, NULL, 0);
}

int nfemu_topology_load_string_warn(struct net *net, const char *name, const char *text,
				    char *err, size_t errlen, char *warn, size_t warnlen)
{
	struct topo_line *l = calloc(1, sizeof(*l));
	const char *p = text;
	char linebuf[4096];
	int ret = 0;

	if (!l)
		return -ENOMEM;
	ret = inet_net_init(net);
	if (ret)
		goto out;
	l->net = net;
	l->file = name;
	l->err = err;
	l->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		l->lineno++;
		if (n >= sizeof(linebuf)) {
			l->text = "";
			ret = topo_error_at(l, 1, 1, "line longer than %zu characters", sizeof(linebuf) - 1);
			goto out;
		}
		memcpy(linebuf, p, n);
		linebuf[n] = '\0';
		if (n && linebuf[n - 1] == '\r')
			linebuf[n - 1] = '\0';
		l->text = linebuf;
		ret = topo_tokenize(l);
		if (ret)
			goto out;
		if (l->n) {
			ret = topo_command(l);
			if (ret)
				goto out;
			if (topo_more(l)) {
				ret = topo_error(l, l->pos, "unexpected \"%s\"", topo_peek(l));
				goto out;
			}
		}
		p += n;
		if (*p == '\n')
			p++;
	}
	if (warn && warnlen) {
		warn[0] = '\0';
		if (l->ipv6_lines)
			snprintf(warn, warnlen, "%s\n  (%u IPv6 line%s skipped in all)", l->ipv6_first,
				 l->ipv6_lines, l->ipv6_lines == 1 ? "" : "s");
	}
out:
	free(l);
	return ret;
}

int nfemu_topology_load(struct net *net, const char *path, char *err, size_t errlen)
{
	return nfemu_topology_load_warn(net, path, err, errlen, NULL, 0);
}

int nfemu_topology_load_warn(struct net *net, const char *path, char *err, size_t errlen,
			     char *warn, size_t warnlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int ret;

	if (!f) {
		ret = -errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	for (;;) {
		if (len + 4096 + 1 > cap) {
			char *n = realloc(text, cap = cap ? cap * 2 : 8192);

			if (!n) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = n;
		}
		size_t got = fread(text + len, 1, cap - len - 1, f);

		len += got;
		if (got == 0)
			break;
	}
	fclose(f);
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		free(text);
		if (err && errlen)
			snprintf(err, errlen, "%s: not a text file", path);
		return -EINVAL;
	}
	ret = nfemu_topology_load_string_warn(net, path, text, err, errlen, warn, warnlen);
	free(text);
	return ret;
}
