/* netstack/sysctl.c - the IPv4 and netfilter sysctls (net/ipv4/sysctl_net_ipv4.c,
 * net/ipv4/devinet.c devinet_sysctl, net/netfilter/nf_conntrack_standalone.c).
 *
 * sysctl_set()/sysctl_get() name the files under /proc/sys with dots or slashes and parse values
 * as the kernel's proc handlers do (proc_dointvec, _minmax, _ms_jiffies, _jiffies, u8 0..1).
 * net.ipv4.conf.{all,default,DEV}.X follow devinet: writing a device or default value marks it
 * as set for that device; a default value is copied to the devices that never had theirs set;
 * `forwarding` (and net.ipv4.ip_forward, the same variable as conf.all.forwarding) runs
 * inet_forward_change: every device and conf.default follow, conf.all.accept_redirects flips.
 * EMU: net.netfilter.nf_conntrack_* are kept in net->ipv4.nf_ct (timeouts in seconds); only the
 * keys nfemu knows exist: others are "cannot stat", as for a module that is not loaded.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "kernel/clock.h"
#include "netstack/inet.h"
#include "netstack/netdevice.h"
#include "netstack/route.h"
#include "conntrack/nf_conntrack.h"

enum sysctl_kind {
	SK_INT,         /* proc_dointvec */
	SK_MINMAX,      /* proc_dointvec_minmax */
	SK_MS_JIFFIES,  /* proc_dointvec_ms_jiffies: ms in, jiffies stored */
	SK_JIFFIES,     /* proc_dointvec_jiffies: seconds in, jiffies stored */
	SK_RANGE,       /* ip_local_port_range: two ints */
	SK_RO,          /* read-only here: writes are EINVAL */
};

struct nfemu_sysctl {
	const char *name;               /* without "net." */
	enum sysctl_kind kind;
	size_t off;                     /* offset in struct netns_ipv4 */
	int min, max;
};

#define NS(field) offsetof(struct netns_ipv4, field)
#define CT(field) (offsetof(struct netns_ipv4, nf_ct) + offsetof(struct netns_nf_ct_sysctl, field))

static const struct nfemu_sysctl ipv4_table[] = {
	{ "ipv4.icmp_echo_ignore_all", SK_MINMAX, NS(sysctl_icmp_echo_ignore_all), 0, 1 },
	{ "ipv4.icmp_echo_enable_probe", SK_MINMAX, NS(sysctl_icmp_echo_enable_probe), 0, 1 },
	{ "ipv4.icmp_echo_ignore_broadcasts", SK_MINMAX, NS(sysctl_icmp_echo_ignore_broadcasts), 0, 1 },
	{ "ipv4.icmp_ignore_bogus_error_responses", SK_MINMAX,
	  NS(sysctl_icmp_ignore_bogus_error_responses), 0, 1 },
	{ "ipv4.icmp_errors_use_inbound_ifaddr", SK_MINMAX,
	  NS(sysctl_icmp_errors_use_inbound_ifaddr), 0, 1 },
	{ "ipv4.icmp_ratelimit", SK_MS_JIFFIES, NS(sysctl_icmp_ratelimit), 0, 0 },
	{ "ipv4.icmp_ratemask", SK_INT, NS(sysctl_icmp_ratemask), 0, 0 },
	{ "ipv4.icmp_msgs_per_sec", SK_MINMAX, NS(sysctl_icmp_msgs_per_sec), 0, INT_MAX },
	{ "ipv4.icmp_msgs_burst", SK_MINMAX, NS(sysctl_icmp_msgs_burst), 0, INT_MAX },
	{ "ipv4.ip_default_ttl", SK_MINMAX, NS(sysctl_ip_default_ttl), 1, 255 },
	{ "ipv4.ip_no_pmtu_disc", SK_INT, NS(sysctl_ip_no_pmtu_disc), 0, 0 },
	{ "ipv4.ip_forward_use_pmtu", SK_MINMAX, NS(sysctl_ip_fwd_use_pmtu), 0, 1 },
	{ "ipv4.ip_forward_update_priority", SK_MINMAX, NS(sysctl_ip_fwd_update_priority), 0, 1 },
	{ "ipv4.ip_nonlocal_bind", SK_MINMAX, NS(sysctl_ip_nonlocal_bind), 0, 1 },
	{ "ipv4.ip_early_demux", SK_MINMAX, NS(sysctl_ip_early_demux), 0, 1 },
	{ "ipv4.tcp_early_demux", SK_MINMAX, NS(sysctl_tcp_early_demux), 0, 1 },
	{ "ipv4.udp_early_demux", SK_MINMAX, NS(sysctl_udp_early_demux), 0, 1 },
	{ "ipv4.ip_dynaddr", SK_INT, NS(sysctl_ip_dynaddr), 0, 0 },
	{ "ipv4.fwmark_reflect", SK_MINMAX, NS(sysctl_fwmark_reflect), 0, 1 },
	{ "ipv4.tcp_fwmark_accept", SK_MINMAX, NS(sysctl_tcp_fwmark_accept), 0, 1 },
	{ "ipv4.ip_local_port_range", SK_RANGE, NS(ip_local_ports_range), 1, 65535 },
	{ "ipv4.ipfrag_high_thresh", SK_MINMAX, NS(sysctl_ipfrag_high_thresh), 0, INT_MAX },
	{ "ipv4.ipfrag_low_thresh", SK_MINMAX, NS(sysctl_ipfrag_low_thresh), 0, INT_MAX },
	{ "ipv4.ipfrag_time", SK_JIFFIES, NS(sysctl_ipfrag_time), 0, 0 },
	{ "ipv4.ipfrag_max_dist", SK_MINMAX, NS(sysctl_ipfrag_max_dist), 0, INT_MAX },

	{ "netfilter.nf_conntrack_acct", SK_MINMAX, CT(acct), 0, 1 },
	{ "netfilter.nf_conntrack_buckets", SK_RO, CT(buckets), 0, 0 },
	{ "netfilter.nf_conntrack_checksum", SK_MINMAX, CT(checksum), 0, 1 },
	{ "netfilter.nf_conntrack_count", SK_RO, 0, 0, 0 },
	{ "netfilter.nf_conntrack_events", SK_MINMAX, CT(events), 0, 2 },
	{ "netfilter.nf_conntrack_expect_max", SK_MINMAX, CT(expect_max), 1, INT_MAX },
	{ "netfilter.nf_conntrack_log_invalid", SK_MINMAX, CT(log_invalid), 0, 255 },
	{ "netfilter.nf_conntrack_max", SK_RO, CT(max), 0, 0 },
	{ "netfilter.nf_conntrack_timestamp", SK_MINMAX, CT(timestamp), 0, 1 },
	{ "netfilter.nf_conntrack_frag6_high_thresh", SK_INT, CT(frag6_high_thresh), 0, 0 },
	{ "netfilter.nf_conntrack_frag6_low_thresh", SK_INT, CT(frag6_low_thresh), 0, 0 },
	{ "netfilter.nf_conntrack_frag6_timeout", SK_INT, CT(frag6_timeout), 0, 0 },
	{ "netfilter.nf_conntrack_generic_timeout", SK_INT, CT(generic_timeout), 0, 0 },
	{ "netfilter.nf_conntrack_icmp_timeout", SK_INT, CT(icmp_timeout), 0, 0 },
	{ "netfilter.nf_conntrack_icmpv6_timeout", SK_INT, CT(icmpv6_timeout), 0, 0 },
	{ "netfilter.nf_conntrack_gre_timeout", SK_INT, CT(gre_timeout), 0, 0 },
	{ "netfilter.nf_conntrack_gre_timeout_stream", SK_INT, CT(gre_timeout_stream), 0, 0 },
	{ "netfilter.nf_conntrack_udp_timeout", SK_INT, CT(udp_timeout), 0, 0 },
	{ "netfilter.nf_conntrack_udp_timeout_stream", SK_INT, CT(udp_timeout_stream), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_be_liberal", SK_MINMAX, CT(tcp_be_liberal), 0, 1 },
	{ "netfilter.nf_conntrack_tcp_ignore_invalid_rst", SK_MINMAX, CT(tcp_ignore_invalid_rst), 0, 1 },
	{ "netfilter.nf_conntrack_tcp_loose", SK_MINMAX, CT(tcp_loose), 0, 1 },
	{ "netfilter.nf_conntrack_tcp_max_retrans", SK_INT, CT(tcp_max_retrans), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_close", SK_INT, CT(tcp_timeout_close), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_close_wait", SK_INT, CT(tcp_timeout_close_wait), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_established", SK_INT, CT(tcp_timeout_established), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_fin_wait", SK_INT, CT(tcp_timeout_fin_wait), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_last_ack", SK_INT, CT(tcp_timeout_last_ack), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_max_retrans", SK_INT, CT(tcp_timeout_max_retrans), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_syn_recv", SK_INT, CT(tcp_timeout_syn_recv), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_syn_sent", SK_INT, CT(tcp_timeout_syn_sent), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_time_wait", SK_INT, CT(tcp_timeout_time_wait), 0, 0 },
	{ "netfilter.nf_conntrack_tcp_timeout_unacknowledged", SK_INT,
	  CT(tcp_timeout_unacknowledged), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_closed", SK_INT, CT(sctp_timeout_closed), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_cookie_echoed", SK_INT,
	  CT(sctp_timeout_cookie_echoed), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_cookie_wait", SK_INT, CT(sctp_timeout_cookie_wait), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_established", SK_INT,
	  CT(sctp_timeout_established), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_heartbeat_sent", SK_INT,
	  CT(sctp_timeout_heartbeat_sent), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_shutdown_ack_sent", SK_INT,
	  CT(sctp_timeout_shutdown_ack_sent), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_shutdown_recd", SK_INT,
	  CT(sctp_timeout_shutdown_recd), 0, 0 },
	{ "netfilter.nf_conntrack_sctp_timeout_shutdown_sent", SK_INT,
	  CT(sctp_timeout_shutdown_sent), 0, 0 },
};

/* The names of net.ipv4.conf.X.* in IPV4_DEVCONF_* order (devinet_sysctl_table). */
static const char *const devconf_names[IPV4_DEVCONF_MAX] = {
	[IPV4_DEVCONF_FORWARDING - 1] = "forwarding",
	[IPV4_DEVCONF_MC_FORWARDING - 1] = "mc_forwarding",
	[IPV4_DEVCONF_PROXY_ARP - 1] = "proxy_arp",
	[IPV4_DEVCONF_ACCEPT_REDIRECTS - 1] = "accept_redirects",
	[IPV4_DEVCONF_SECURE_REDIRECTS - 1] = "secure_redirects",
	[IPV4_DEVCONF_SEND_REDIRECTS - 1] = "send_redirects",
	[IPV4_DEVCONF_SHARED_MEDIA - 1] = "shared_media",
	[IPV4_DEVCONF_RP_FILTER - 1] = "rp_filter",
	[IPV4_DEVCONF_ACCEPT_SOURCE_ROUTE - 1] = "accept_source_route",
	[IPV4_DEVCONF_BOOTP_RELAY - 1] = "bootp_relay",
	[IPV4_DEVCONF_LOG_MARTIANS - 1] = "log_martians",
	[IPV4_DEVCONF_TAG - 1] = "tag",
	[IPV4_DEVCONF_ARPFILTER - 1] = "arp_filter",
	[IPV4_DEVCONF_MEDIUM_ID - 1] = "medium_id",
	[IPV4_DEVCONF_NOXFRM - 1] = "disable_xfrm",
	[IPV4_DEVCONF_NOPOLICY - 1] = "disable_policy",
	[IPV4_DEVCONF_FORCE_IGMP_VERSION - 1] = "force_igmp_version",
	[IPV4_DEVCONF_ARP_ANNOUNCE - 1] = "arp_announce",
	[IPV4_DEVCONF_ARP_IGNORE - 1] = "arp_ignore",
	[IPV4_DEVCONF_PROMOTE_SECONDARIES - 1] = "promote_secondaries",
	[IPV4_DEVCONF_ARP_ACCEPT - 1] = "arp_accept",
	[IPV4_DEVCONF_ARP_NOTIFY - 1] = "arp_notify",
	[IPV4_DEVCONF_ACCEPT_LOCAL - 1] = "accept_local",
	[IPV4_DEVCONF_SRC_VMARK - 1] = "src_valid_mark",
	[IPV4_DEVCONF_PROXY_ARP_PVLAN - 1] = "proxy_arp_pvlan",
	[IPV4_DEVCONF_ROUTE_LOCALNET - 1] = "route_localnet",
	[IPV4_DEVCONF_IGMPV2_UNSOLICITED_REPORT_INTERVAL - 1] = "igmpv2_unsolicited_report_interval",
	[IPV4_DEVCONF_IGMPV3_UNSOLICITED_REPORT_INTERVAL - 1] = "igmpv3_unsolicited_report_interval",
	[IPV4_DEVCONF_IGNORE_ROUTES_WITH_LINKDOWN - 1] = "ignore_routes_with_linkdown",
	[IPV4_DEVCONF_DROP_UNICAST_IN_L2_MULTICAST - 1] = "drop_unicast_in_l2_multicast",
	[IPV4_DEVCONF_DROP_GRATUITOUS_ARP - 1] = "drop_gratuitous_arp",
	[IPV4_DEVCONF_BC_FORWARDING - 1] = "bc_forwarding",
	[IPV4_DEVCONF_ARP_EVICT_NOCARRIER - 1] = "arp_evict_nocarrier",
};

static void sysctl_err(char *err, size_t errlen, const char *fmt, const char *key)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, key);
}

/* proc_dointvec's parse: optional sign, decimal digits, surrounding blanks. */
static int parse_int(const char *s, long *out)
{
	char *end;
	long v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	while (*end == ' ' || *end == '\t' || *end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	if (v < INT_MIN || v > INT_MAX)
		return -EINVAL;
	*out = v;
	return 0;
}

/* inet_forward_change(): ip_forward / conf.all.forwarding written. */
static void inet_forward_change(struct net *net)
{
	int on = IPV4_DEVCONF_ALL(net, FORWARDING);
	struct net_device *dev;

	IPV4_DEVCONF_ALL(net, ACCEPT_REDIRECTS) = !on;
	IPV4_DEVCONF_DFLT(net, FORWARDING) = on;
	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list) {
		struct in_device *in_dev = dev->ip_ptr;

		if (in_dev) {
			IN_DEV_CONF_GET(in_dev, FORWARDING) = on;
			in_dev->cnf.state |= 1ULL << (IPV4_DEVCONF_FORWARDING - 1);
		}
	}
	rt_cache_flush(net);
}

/* devinet_copy_dflt_conf(): devices that never set attribute i follow the default. */
static void devinet_copy_dflt_conf(struct net *net, int i)
{
	struct net_device *dev;

	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list) {
		struct in_device *in_dev = dev->ip_ptr;

		if (in_dev && !(in_dev->cnf.state & (1ULL << i)))
			in_dev->cnf.data[i] = net->ipv4.devconf_dflt->data[i];
	}
}

/* net.ipv4.conf.WHO.NAME (rest = "WHO.NAME" or "WHO/NAME"). */
static int devconf_lookup(struct net *net, const char *rest, struct ipv4_devconf **cnfp, int *ip,
			  bool *is_all, bool *is_dflt)
{
	char who[IFNAMSIZ + 1];
	bool slashes = strchr(rest, '/') != NULL;
	const char *sep;
	size_t n;

	/* The attribute follows the last separator.  In the dotted form sysctl(8) writes a dot in
	 * a device name as '/' (eth0/10 for eth0.10); in the path form the name is as it is. */
	sep = strrchr(rest, slashes ? '/' : '.');
	if (!sep)
		return -ENOENT;
	n = (size_t)(sep - rest);
	if (n == 0 || n > IFNAMSIZ)
		return -ENOENT;
	memcpy(who, rest, n);
	who[n] = '\0';
	if (!slashes)
		for (char *p = who; *p; p++)
			if (*p == '/')
				*p = '.';
	*is_all = !strcmp(who, "all");
	*is_dflt = !strcmp(who, "default");
	if (*is_all) {
		*cnfp = net->ipv4.devconf_all;
	} else if (*is_dflt) {
		*cnfp = net->ipv4.devconf_dflt;
	} else {
		struct net_device *dev = dev_get_by_name(net, who);

		if (!dev || !dev->ip_ptr)
			return -ENOENT;
		*cnfp = &dev->ip_ptr->cnf;
	}
	for (int i = 0; i < IPV4_DEVCONF_MAX; i++) {
		if (devconf_names[i] && !strcmp(devconf_names[i], sep + 1)) {
			*ip = i;
			return 0;
		}
	}
	return -ENOENT;
}

/* Normalise "net/ipv4/ip_forward" or "net.ipv4.ip_forward" to the part after "net.". */
static const char *sysctl_key_body(const char *key, char *buf, size_t len)
{
	size_t i;

	while (*key == '/')
		key++;
	if (strncmp(key, "net.", 4) && strncmp(key, "net/", 4))
		return NULL;
	key += 4;
	for (i = 0; key[i] && i + 1 < len; i++)
		buf[i] = key[i];
	buf[i] = '\0';
	/* slashes separate components: turn them into dots except inside "conf/<dev>/" where a
	 * dot in a device name is written as '/' by sysctl(8) -- handled by devconf_lookup */
	return buf;
}

static int devconf_set(struct net *net, const char *body, const char *value, char *err,
		       size_t errlen, const char *key)
{
	struct ipv4_devconf *cnf;
	bool is_all, is_dflt;
	long v;
	int i, old;

	if (devconf_lookup(net, body + strlen("ipv4.conf."), &cnf, &i, &is_all, &is_dflt)) {
		sysctl_err(err, errlen, "sysctl: cannot stat /proc/sys/net/%s: No such file or directory", body);
		return -ENOENT;
	}
	if (parse_int(value, &v) || i == IPV4_DEVCONF_MC_FORWARDING - 1) {
		sysctl_err(err, errlen, "sysctl: setting key \"%s\": Invalid argument", key);
		return -EINVAL;
	}
	old = cnf->data[i];
	cnf->data[i] = (int)v;
	if (i == IPV4_DEVCONF_FORWARDING - 1) {
		/* devinet_sysctl_forward(): no state bit, no default copy */
		if (old != (int)v && is_all)
			inet_forward_change(net);
		rt_cache_flush(net);
		return 0;
	}
	/* devinet_conf_proc() */
	cnf->state |= 1ULL << i;
	if (is_dflt)
		devinet_copy_dflt_conf(net, i);
	rt_cache_flush(net);
	return 0;
}

static const struct nfemu_sysctl *sysctl_find(const char *body)
{
	for (size_t i = 0; i < ARRAY_SIZE(ipv4_table); i++)
		if (!strcmp(ipv4_table[i].name, body))
			return &ipv4_table[i];
	return NULL;
}

static void dots(char *s)
{
	for (; *s; s++)
		if (*s == '/')
			*s = '.';
}

int sysctl_set(struct net *net, const char *key, const char *value, char *err, size_t errlen)
{
	const struct nfemu_sysctl *sc;
	char body[256], shown[300];
	int *p;
	long v;
	int err2;

	err2 = inet_net_init(net);
	if (err2)
		return err2;
	snprintf(shown, sizeof(shown), "%s", key);
	dots(shown);
	if (!sysctl_key_body(key, body, sizeof(body))) {
		sysctl_err(err, errlen, "sysctl: cannot stat /proc/sys/%s: No such file or directory", key);
		return -ENOENT;
	}
	if (!strncmp(body, "ipv4.conf.", 10) || !strncmp(body, "ipv4/conf/", 10)) {
		body[4] = '.';
		body[9] = '.';
		return devconf_set(net, body, value, err, errlen, shown);
	}
	dots(body);
	/* net.bridge.bridge-nf-*: br_netfilter's, on kernels that have it built in (the
	 * differential harness's).  EMU: nfemu has no br_netfilter, which is what 0 means; 1
	 * would send bridged frames through iptables. */
	if (!strncmp(body, "bridge.bridge-nf-", 17)) {
		if (parse_int(value, &v) || v < 0 || v > 1) {
			sysctl_err(err, errlen, "sysctl: setting key \"%s\": Invalid argument", shown);
			return -EINVAL;
		}
		if (v && (!strcmp(body, "bridge.bridge-nf-call-iptables") ||
			  !strcmp(body, "bridge.bridge-nf-call-arptables") ||
			  !strcmp(body, "bridge.bridge-nf-call-ip6tables"))) {
			sysctl_err(err, errlen, "sysctl: %s=1: br_netfilter (bridged frames through "
				   "iptables) is not emulated; nfemu behaves as with 0", shown);
			return -EOPNOTSUPP;
		}
		return 0;
	}
	if (!strcmp(body, "ipv4.ip_forward")) {
		int old = IPV4_DEVCONF_ALL(net, FORWARDING);

		if (parse_int(value, &v)) {
			sysctl_err(err, errlen, "sysctl: setting key \"%s\": Invalid argument", shown);
			return -EINVAL;
		}
		IPV4_DEVCONF_ALL(net, FORWARDING) = (int)v;
		if (old != (int)v)
			inet_forward_change(net);
		return 0;
	}
	sc = sysctl_find(body);
	if (!sc) {
		char path[300];

		snprintf(path, sizeof(path), "%s", body);
		for (char *c = path; *c; c++)
			if (*c == '.')
				*c = '/';
		if (err && errlen)
			snprintf(err, errlen, "sysctl: cannot stat /proc/sys/net/%s: No such file or directory",
				 path);
		return -ENOENT;
	}
	p = (int *)((char *)&net->ipv4 + sc->off);
	if (sc->kind == SK_RANGE) {
		int lo, hi;
		char extra;

		if (sscanf(value, " %d %d %c", &lo, &hi, &extra) != 2 || lo < sc->min || hi > sc->max ||
		    hi < lo) {
			sysctl_err(err, errlen, "sysctl: setting key \"%s\": Invalid argument", shown);
			return -EINVAL;
		}
		p[0] = lo;
		p[1] = hi;
		return 0;
	}
	if (sc->kind == SK_RO || parse_int(value, &v) ||
	    (sc->kind == SK_MINMAX && (v < sc->min || v > sc->max)) ||
	    ((sc->kind == SK_MS_JIFFIES || sc->kind == SK_JIFFIES) && v < 0)) {
		sysctl_err(err, errlen, "sysctl: setting key \"%s\": Invalid argument", shown);
		return -EINVAL;
	}
	switch (sc->kind) {
	case SK_MS_JIFFIES:
		*p = (int)msecs_to_jiffies((unsigned int)v);
		break;
	case SK_JIFFIES:
		*p = (int)(v * HZ);
		break;
	default:
		*p = (int)v;
		break;
	}
	return 0;
}

int sysctl_get(struct net *net, const char *key, char *buf, size_t len)
{
	const struct nfemu_sysctl *sc;
	char body[256];
	int *p;

	if (inet_net_init(net))
		return -ENOMEM;
	if (!sysctl_key_body(key, body, sizeof(body)))
		return -ENOENT;
	if (!strncmp(body, "ipv4.conf.", 10) || !strncmp(body, "ipv4/conf/", 10)) {
		struct ipv4_devconf *cnf;
		bool is_all, is_dflt;
		int i;

		body[4] = '.';
		body[9] = '.';
		if (devconf_lookup(net, body + strlen("ipv4.conf."), &cnf, &i, &is_all, &is_dflt))
			return -ENOENT;
		snprintf(buf, len, "%d", cnf->data[i]);
		return 0;
	}
	dots(body);
	if (!strncmp(body, "bridge.bridge-nf-", 17)) {
		snprintf(buf, len, "0");        /* no br_netfilter: see sysctl_set */
		return 0;
	}
	if (!strcmp(body, "ipv4.ip_forward")) {
		snprintf(buf, len, "%d", IPV4_DEVCONF_ALL(net, FORWARDING));
		return 0;
	}
	sc = sysctl_find(body);
	if (!sc)
		return -ENOENT;
	p = (int *)((char *)&net->ipv4 + sc->off);
	switch (sc->kind) {
	case SK_RANGE:
		snprintf(buf, len, "%d\t%d", p[0], p[1]);
		break;
	case SK_MS_JIFFIES:
		snprintf(buf, len, "%u", jiffies_to_msecs((unsigned long)*p));
		break;
	case SK_JIFFIES:
		snprintf(buf, len, "%d", *p / HZ);
		break;
	default:
		if (!sc->off)   /* nf_conntrack_count */
			snprintf(buf, len, "%u", nf_conntrack_count(net));
		else
			snprintf(buf, len, "%d", *p);
		break;
	}
	return 0;
}
