/*
 * ipt_dump: asks the (real or emulated) kernel for a table through the iptables sockopt
 * ABI (IPT_SO_GET_INFO, IPT_SO_GET_ENTRIES) and prints the answer decoded and as a hex
 * dump, so two runs can be compared byte for byte; also probes IPT_SO_GET_REVISION_*.
 * Test helper for tests/kernel/get-entries.py; mirrors what libiptc's iptc_init sends.
 * Leaves out: IPv6 (ip6t_*), the SET side of the ABI.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>

static const char *errno_name(int err)
{
	switch (err) {
	case 0: return "0";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case ERANGE: return "ERANGE";
	case ELOOP: return "ELOOP";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "E?";
	}
}

static void hexdump(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	for (size_t off = 0; off < len; off += 16) {
		printf("  %06zx ", off);
		for (size_t i = off; i < off + 16 && i < len; i++)
			printf(" %02x", p[i]);
		printf("\n");
	}
}

static void print_iface(const char *what, const char *name, const unsigned char *mask)
{
	char n[IFNAMSIZ + 1];
	int m = 0;

	memcpy(n, name, IFNAMSIZ);
	n[IFNAMSIZ] = '\0';
	for (int i = 0; i < IFNAMSIZ; i++)
		m += mask[i] != 0;
	if (n[0] || m)
		printf(" %s=\"%s\"/%d", what, n, m);
}

static void print_ip(const struct ipt_ip *ip)
{
	char s[INET_ADDRSTRLEN], sm[INET_ADDRSTRLEN], d[INET_ADDRSTRLEN], dm[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &ip->src, s, sizeof(s));
	inet_ntop(AF_INET, &ip->smsk, sm, sizeof(sm));
	inet_ntop(AF_INET, &ip->dst, d, sizeof(d));
	inet_ntop(AF_INET, &ip->dmsk, dm, sizeof(dm));
	printf("    ip: src=%s/%s dst=%s/%s proto=%u flags=0x%02x invflags=0x%02x",
	       s, sm, d, dm, ip->proto, ip->flags, ip->invflags);
	print_iface("in", ip->iniface, ip->iniface_mask);
	print_iface("out", ip->outiface, ip->outiface_mask);
	printf("\n");
}

/* One xt_entry_match or xt_entry_target header: both start with u16 size, name, revision. */
static int print_ext(const char *kind, const unsigned char *p, size_t avail)
{
	const struct xt_entry_match *m = (const void *)p;
	char name[XT_EXTENSION_MAXNAMELEN + 1];
	size_t size;

	if (avail < sizeof(*m)) {
		printf("    %s: truncated (%zu bytes left)\n", kind, avail);
		return -1;
	}
	size = m->u.user.match_size;
	memcpy(name, m->u.user.name, XT_EXTENSION_MAXNAMELEN);
	name[XT_EXTENSION_MAXNAMELEN] = '\0';
	printf("    %s \"%s\" rev %u size %zu", kind, name, m->u.user.revision, size);
	if (size < sizeof(*m) || size > avail) {
		printf(" (bad size, %zu available)\n", avail);
		return -1;
	}
	if (strcmp(kind, "target") == 0 && name[0] == '\0' &&
	    size >= sizeof(struct xt_standard_target))
		printf(" verdict=%d", ((const struct xt_standard_target *)p)->verdict);
	if (strcmp(kind, "target") == 0 && strcmp(name, XT_ERROR_TARGET) == 0 &&
	    size >= sizeof(struct xt_error_target)) {
		char err[XT_FUNCTION_MAXNAMELEN + 1];

		memcpy(err, ((const struct xt_error_target *)p)->errorname, XT_FUNCTION_MAXNAMELEN);
		err[XT_FUNCTION_MAXNAMELEN] = '\0';
		printf(" error=\"%s\"", err);
	}
	printf("\n");
	return (int)size;
}

/* Walk the entries like libiptc does; stop at the first inconsistency. */
static void print_entries(const unsigned char *base, size_t len)
{
	size_t off = 0;

	while (off < len) {
		const struct ipt_entry *e = (const void *)(base + off);
		size_t m;

		if (len - off < sizeof(*e)) {
			printf("  entry @%zu: truncated\n", off);
			return;
		}
		printf("  entry @%zu: target_offset=%u next_offset=%u comefrom=0x%x nfcache=0x%x"
		       " counters=%llu:%llu\n", off, e->target_offset, e->next_offset, e->comefrom,
		       e->nfcache, (unsigned long long)e->counters.pcnt,
		       (unsigned long long)e->counters.bcnt);
		print_ip(&e->ip);
		if (e->next_offset < sizeof(*e) || e->next_offset > len - off ||
		    e->target_offset < sizeof(*e) || e->target_offset > e->next_offset) {
			printf("    bad offsets\n");
			return;
		}
		for (m = sizeof(*e); m < e->target_offset;) {
			int sz = print_ext("match", base + off + m, e->target_offset - m);

			if (sz <= 0)
				return;
			m += (size_t)sz;
		}
		if (print_ext("target", base + off + e->target_offset,
			      e->next_offset - e->target_offset) <= 0)
			return;
		off += e->next_offset;
	}
}

static int dump_table(int fd, const char *table)
{
	struct ipt_getinfo info;
	struct ipt_get_entries *ent;
	socklen_t len = sizeof(info);
	int ret = 0;

	memset(&info, 0, sizeof(info));
	snprintf(info.name, sizeof(info.name), "%s", table);
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len) < 0) {
		printf("GET_INFO %s: errno=%s\n", table, errno_name(errno));
		return 1;
	}
	printf("GET_INFO %s: len=%u valid_hooks=0x%x num_entries=%u size=%u\n", table,
	       (unsigned)len, info.valid_hooks, info.num_entries, info.size);
	printf("  hook_entry:");
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		printf(" %u", info.hook_entry[h]);
	printf("\n  underflow: ");
	for (int h = 0; h < NF_INET_NUMHOOKS; h++)
		printf(" %u", info.underflow[h]);
	printf("\n");
	hexdump(&info, len);

	len = sizeof(*ent) + info.size;
	ent = calloc(1, len);
	if (!ent) {
		perror("calloc");
		return 1;
	}
	snprintf(ent->name, sizeof(ent->name), "%s", table);
	ent->size = info.size;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_ENTRIES, ent, &len) < 0) {
		printf("GET_ENTRIES %s: errno=%s\n", table, errno_name(errno));
		ret = 1;
	} else {
		printf("GET_ENTRIES %s: len=%u size=%u\n", table, (unsigned)len, ent->size);
		print_entries((const unsigned char *)ent->entrytable, ent->size);
		hexdump(ent, len);
	}

	/* ABI edges: a size that does not match the table must be refused. */
	ent->size = info.size + 4;
	len = sizeof(*ent) + info.size;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_ENTRIES, ent, &len) < 0)
		printf("GET_ENTRIES size+4: errno=%s\n", errno_name(errno));
	else
		printf("GET_ENTRIES size+4: accepted\n");
	len = sizeof(info) - 1;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len) < 0)
		printf("GET_INFO len-1: errno=%s\n", errno_name(errno));
	else
		printf("GET_INFO len-1: accepted\n");
	free(ent);
	return ret;
}

/* Lines "match|target NAME REVISION" on stdin; one result line each. */
static int probe_revisions(int fd)
{
	char line[256], kind[16], name[64];
	unsigned rev;

	while (fgets(line, sizeof(line), stdin)) {
		struct xt_get_revision r;
		socklen_t len = sizeof(r);
		int opt, rc;

		if (line[0] == '#' || sscanf(line, "%15s %63s %u", kind, name, &rev) != 3)
			continue;
		opt = strcmp(kind, "target") == 0 ? IPT_SO_GET_REVISION_TARGET
						   : IPT_SO_GET_REVISION_MATCH;
		memset(&r, 0, sizeof(r));
		memcpy(r.name, name, strnlen(name, sizeof(r.name) - 1));
		r.revision = (uint8_t)rev;
		errno = 0;
		rc = getsockopt(fd, IPPROTO_IP, opt, &r, &len);
		printf("%s %s %u: rc=%d errno=%s\n", kind, name, rev, rc,
		       rc < 0 ? errno_name(errno) : "0");
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd, ret = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s TABLE... | %s --revisions < LIST\n", argv[0], argv[0]);
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (strcmp(argv[1], "--revisions") == 0)
		ret = probe_revisions(fd);
	else
		for (int i = 1; i < argc; i++)
			ret |= dump_table(fd, argv[i]);
	close(fd);
	return ret;
}
