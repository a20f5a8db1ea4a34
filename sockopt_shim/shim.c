/* sockopt_shim/shim.c - EMU: LD_PRELOAD glue that lets unmodified iptables-legacy talk to nfemu.
 *
 * Plays the parts of the kernel's socket layer (ip_getsockopt/ip_setsockopt handing IPT_SO_* to
 * nf_getsockopt/nf_setsockopt, as net/ipv4/ip_sockglue.c does) and of procfs
 * (/proc/net/ip_tables_{names,matches,targets}), backed by the state file (emu/state.h): each
 * call locks, loads, runs and writes back the emulated kernel.  Left out: real sockets (the
 * "raw socket" is a memfd), CAP_NET_ADMIN checks, and every sockopt netfilter does not own.
 * What nfemu does not emulate is refused with one line, never passed to the host: nfnetlink
 * sockets (iptables-nft, nft, conntrack-tools), ip6tables, arptables and ebtables sockopts.
 * (`nfemu exec` also runs the command in a network namespace of its own: emu/cmd_exec.c.)
 */
/* Interpose the plain and the 64-bit names separately: no header redirection of stat to stat64. */
#undef _FILE_OFFSET_BITS
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netlink.h>
#include "emu/refusal.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "hooks/nf_sockopt.h"
#include "sockopt_shim/sockopt_trace.h"
#include "xtables/x_tables.h"

#define SHIM_API __attribute__((visibility("default")))

#define PROC_SUPER_MAGIC 0x9fa0

/* ------------------------------------------------------------------------------------------ */
/* The real libc functions, resolved on first use (we may be called before any constructor). */

static void *shim_dlsym(const char *name)
{
	void *p = dlsym(RTLD_NEXT, name);

	if (!p) {
		static const char msg[] = "nfemu shim: cannot resolve a libc function\n";

		(void)!write(2, msg, sizeof(msg) - 1);
		abort();
	}
	return p;
}

#define REAL(fn)                                                                 \
	({                                                                       \
		static __typeof__(&fn) real_##fn;                                \
		if (!__atomic_load_n(&real_##fn, __ATOMIC_ACQUIRE))              \
			__atomic_store_n(&real_##fn, shim_dlsym(#fn), __ATOMIC_RELEASE); \
		real_##fn;                                                       \
	})

/* Same, for symbols the headers no longer declare (__xstat & co., glibc < 2.33 binaries). */
typedef int xstat_fn(int ver, const char *path, void *buf);

static xstat_fn *shim_real_xstat(const char *name)
{
	return (xstat_fn *)dlsym(RTLD_NEXT, name);
}

/* ------------------------------------------------------------------------------------------ */
/* Talking to the emulated kernel. */

/* The one-line complaints: the first state failure is reported once per process, not on
 * every one of the sockopts iptables then retries.  (Process state of the glue, like the
 * socket table below; the emulated kernel itself lives only in the state file.) */
static bool shim_state_error_reported;

static void shim_report_state_error(const char *err)
{
	if (shim_state_error_reported)
		return;
	shim_state_error_reported = true;
	fprintf(stderr, "nfemu: %s\n", err);
}

/* The kernel this process loaded, kept between its calls: a program makes several
 * (GET_INFO, GET_ENTRIES, revisions, SET_REPLACE, SET_ADD_COUNTERS, /proc reads), and each
 * takes the state's lock again but reloads only when another process replaced the file in
 * between.  The conntrack table stays in the file (the shim never needs its entries).
 * EMU: a SET_REPLACE is written back with the SET_ADD_COUNTERS libiptc sends right after it
 * (one write for the pair, the lock held in between); if none comes, at the next call or at
 * exit.  A process killed between the two leaves the state as before both.
 * (Process state of the glue, like the socket table below.) */
static struct shim_kernel {
	struct nfemu_state st;
	struct net *net;
	bool opened;
	bool held;              /* locked, with a change not written yet */
	bool atexit_set;
} shim_k;

static void shim_kernel_drop(void)
{
	net_free(shim_k.net);
	shim_k.net = NULL;
	nfemu_state_close(&shim_k.st);
	shim_k.opened = false;
	shim_k.held = false;
}

/* Lock and load the state; NULL (errno = EIO, one line on stderr) when it cannot be loaded.
 * EMU: a kernel has no such failure; EIO makes iptables stop with "Input/output error". */
static struct net *shim_kernel_get(void)
{
	char err[768];
	int ret;

	if (shim_k.held)
		return shim_k.net;
	err[0] = '\0';
	if (shim_k.opened)
		ret = nfemu_state_reopen(&shim_k.st, &shim_k.net, err, sizeof(err));
	else
		ret = nfemu_state_open_flags(&shim_k.st, NULL, NFEMU_STATE_LAZY_CT, &shim_k.net, err,
					     sizeof(err));
	if (ret < 0) {
		shim_k.opened = false;
		shim_k.net = NULL;
		shim_report_state_error(err);
		errno = EIO;
		return NULL;
	}
	shim_k.opened = true;
	return shim_k.net;
}

static int shim_kernel_write(void)
{
	char err[768];
	int ret = 0;

	err[0] = '\0';
	if (nfemu_state_commit_if_changed(&shim_k.st, shim_k.net, err, sizeof(err)) < 0) {
		shim_report_state_error(err);
		ret = -EIO;
	}
	shim_k.held = false;
	nfemu_state_unlock(&shim_k.st);
	if (ret)        /* the file keeps the kernel before the change: so does the next call */
		shim_kernel_drop();
	return ret;
}

/* At exit, a change still held is written; if it cannot be, the exit status says so. */
static void shim_kernel_atexit(void)
{
	if (shim_k.held && shim_kernel_write() < 0)
		_exit(1);
}

/* After a call: write back what changed and unlock, keeping the kernel for the next call;
 * defer: keep the lock and the change for the next call (a SET_REPLACE).  0 or -EIO (reported). */
static int shim_kernel_put(struct net *net, bool commit, bool defer)
{
	(void)net;
	if (commit && defer) {
		if (!shim_k.atexit_set)
			shim_k.atexit_set = atexit(shim_kernel_atexit) == 0;
		if (shim_k.atexit_set) {
			shim_k.held = true;
			return 0;
		}
	}
	if (commit)
		return shim_kernel_write();
	if (!shim_k.held)
		nfemu_state_unlock(&shim_k.st);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* The raw socket: a real fd (libiptc fcntl()s and close()s it) that stands for a socket.
 * EMU: socket(AF_INET, SOCK_RAW, IPPROTO_RAW) never reaches the host kernel, for root too, so
 * nfemu can never touch the host's real tables; and it needs no CAP_NET_RAW. */

#define SHIM_MAX_SOCKS 64

struct shim_sock {
	bool used;
	int fd;
	int family;             /* AF_INET or AF_INET6: the pf nf_sockopt dispatches on */
	dev_t dev;
	ino_t ino;
};

/* Process-wide like the fd table it shadows; iptables is single-threaded. */
static struct shim_sock shim_socks[SHIM_MAX_SOCKS];

/* The sockets the *tables programs talk to netfilter through.  EMU: IPv6 ones too, so that
 * ip6tables-legacy under nfemu meets a kernel without ip6_tables instead of the host's. */
static bool shim_is_nf_socket(int domain, int type, int protocol)
{
	return (domain == AF_INET || domain == AF_INET6) && (type & 0xf) == SOCK_RAW &&
	       protocol == IPPROTO_RAW;
}

static int shim_sock_open(int family, int type)
{
	struct shim_sock *s = NULL;
	struct stat sb;
	int fd;

	for (unsigned int i = 0; i < SHIM_MAX_SOCKS; i++)
		if (!shim_socks[i].used) {
			s = &shim_socks[i];
			break;
		}
	if (!s) {
		errno = EMFILE;
		return -1;
	}
	fd = memfd_create("nfemu-ipt-raw-socket", (type & SOCK_CLOEXEC) ? MFD_CLOEXEC : 0);
	if (fd < 0)
		fd = REAL(open)("/dev/null", O_RDWR | ((type & SOCK_CLOEXEC) ? O_CLOEXEC : 0));
	if (fd < 0)
		return -1;
	if ((type & SOCK_NONBLOCK) && fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		goto fail;
	if (fstat(fd, &sb) < 0)
		goto fail;
	*s = (struct shim_sock){ .used = true, .fd = fd, .family = family, .dev = sb.st_dev,
				 .ino = sb.st_ino };
	return fd;
fail:
	REAL(close)(fd);
	return -1;
}

/* Is fd still the placeholder we handed out (not closed behind our back and reused)? */
static struct shim_sock *shim_sock_find(int fd)
{
	struct stat sb;

	if (fd < 0)
		return NULL;
	for (unsigned int i = 0; i < SHIM_MAX_SOCKS; i++) {
		struct shim_sock *s = &shim_socks[i];

		if (!s->used || s->fd != fd)
			continue;
		if (fstat(fd, &sb) == 0 && sb.st_dev == s->dev && sb.st_ino == s->ino)
			return s;
		s->used = false;
		return NULL;
	}
	return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* What is not emulated: one line each (once per process), and the errno of a kernel without
 * it, instead of the host's (or the sealed namespace's) answer. */

enum shim_refused { SHIM_NFNETLINK, SHIM_IP6T, SHIM_ARPT, SHIM_EBT, SHIM_NREFUSED };

static void shim_refuse(enum shim_refused what)
{
	static bool said[SHIM_NREFUSED];
	const char *prog = program_invocation_short_name;

	if (said[what])
		return;
	said[what] = true;
	switch (what) {
	case SHIM_NFNETLINK:
		if (!strncmp(prog, "conntrack", 9))
			fprintf(stderr, "nfemu: conntrack-tools speak nfnetlink, which nfemu does not "
				"emulate; `nfemu conntrack -L` / `-F` work on the emulated table\n");
		else if (!strncmp(prog, "nft", 3))
			fprintf(stderr, "nfemu: nfemu emulates iptables-legacy for IPv4; nftables "
				"(nft) is not emulated\n");
		else
			fprintf(stderr, "nfemu: nfemu emulates iptables-legacy for IPv4; %s speaks "
				"nfnetlink (nf_tables), which is not emulated: use iptables-legacy\n", prog);
		break;
	case SHIM_IP6T:
		fprintf(stderr, "nfemu: nfemu emulates iptables-legacy for IPv4; ip6tables is not "
			"emulated yet\n");
		break;
	case SHIM_ARPT:
		fprintf(stderr, "nfemu: nfemu emulates iptables-legacy for IPv4; arptables is not "
			"emulated\n");
		break;
	case SHIM_EBT:
		fprintf(stderr, "nfemu: nfemu emulates iptables-legacy for IPv4; ebtables is not "
			"emulated\n");
		break;
	case SHIM_NREFUSED:
		break;
	}
}

/* The netfilter sockopts of the other families, on any socket: ip6_tables at SOL_IPV6,
 * arp_tables and ebtables at SOL_IP.  (The uapi headers that define these clash with the
 * libc's net/if_arp.h, hence the numbers here.) */
#define IP6T_BASE_CTL 64                /* linux/netfilter_ipv6/ip6_tables.h */
#define IP6T_SO_GET_MAX (IP6T_BASE_CTL + 3)
#define ARPT_BASE_CTL 96                /* linux/netfilter_arp/arp_tables.h */
#define ARPT_SO_GET_MAX (ARPT_BASE_CTL + 3)
#define EBT_BASE_CTL 128                /* linux/netfilter_bridge/ebtables.h */
#define EBT_SO_GET_MAX (EBT_BASE_CTL + 4)

static bool shim_refused_sockopt(int level, int optname)
{
	if (level == SOL_IPV6 && optname >= IP6T_BASE_CTL && optname <= IP6T_SO_GET_MAX) {
		shim_refuse(SHIM_IP6T);
		return true;
	}
	if (level == SOL_IP && optname >= ARPT_BASE_CTL && optname <= ARPT_SO_GET_MAX) {
		shim_refuse(SHIM_ARPT);
		return true;
	}
	if (level == SOL_IP && optname >= EBT_BASE_CTL && optname <= EBT_SO_GET_MAX) {
		shim_refuse(SHIM_EBT);
		return true;
	}
	return false;
}

SHIM_API int socket(int domain, int type, int protocol)
{
	if (shim_is_nf_socket(domain, type, protocol))
		return shim_sock_open(domain, type);
	if (domain == AF_NETLINK && protocol == NETLINK_NETFILTER) {
		/* a kernel built without nfnetlink answers this */
		shim_refuse(SHIM_NFNETLINK);
		errno = EPROTONOSUPPORT;
		return -1;
	}
	return REAL(socket)(domain, type, protocol);
}

SHIM_API int close(int fd)
{
	for (unsigned int i = 0; i < SHIM_MAX_SOCKS; i++)
		if (shim_socks[i].used && shim_socks[i].fd == fd)
			shim_socks[i].used = false;
	return REAL(close)(fd);
}

static bool shim_is_revision_query(int optname)
{
	return optname == IPT_SO_GET_REVISION_MATCH || optname == IPT_SO_GET_REVISION_TARGET;
}

/*
 * EMU: NFEMU_SHIM_RECORD=FILE appends every IPv4 request iptables makes to FILE, in the record
 * format of tests/fuzz/fuzz_sockopt.c (u8 op, u8 flags, u32 len LE, the buffer as passed):
 * how the fuzzer's seeds are captured from the real iptables programs.
 */
static void shim_record(bool get, int optname, const void *optval, unsigned int len)
{
	const char *path = getenv("NFEMU_SHIM_RECORD");
	unsigned char hdr[6];
	int fd;

	if (!path || !path[0] || !optval)
		return;
	if (get)
		hdr[0] = (unsigned char)(2 + optname - IPT_SO_GET_INFO);
	else
		hdr[0] = (unsigned char)(optname - IPT_SO_SET_REPLACE);
	hdr[1] = 0;
	for (int i = 0; i < 4; i++)
		hdr[2 + i] = (unsigned char)(len >> (8 * i));
	fd = REAL(open)(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, hdr, sizeof(hdr)) != sizeof(hdr) || write(fd, optval, len) != (ssize_t)len)
		fprintf(stderr, "nfemu shim: NFEMU_SHIM_RECORD %s: short write\n", path);
	REAL(close)(fd);
}

/* ip_getsockopt/ipv6_getsockopt (and the set side) on our socket: optnames netfilter owns for
 * the socket's family go to the emulated kernel; everything else gets what a kernel whose
 * netfilter does not own the optname answers. */
static int shim_sockopt(const struct shim_sock *sk, bool get, int level, int optname,
			void *optval, socklen_t *optlenp, socklen_t optlen)
{
	char refusal[512];
	int pf = sk->family == AF_INET6 ? PF_INET6 : PF_INET;
	struct net *net;
	int ret, len;

	if (level != (pf == PF_INET6 ? SOL_IPV6 : SOL_IP)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	net = shim_kernel_get();
	if (!net)
		return -1;
	/* Owned only while the owning module (ip_tables) is loaded, as on Linux. */
	if (!nf_sockopt_owned(net, pf, optname, get)) {
		shim_kernel_put(net, false, false);
		errno = ENOPROTOOPT;
		return -1;
	}
	if (!optval || (get && !optlenp)) {
		shim_kernel_put(net, false, false);
		errno = EFAULT;
		return -1;
	}

	memset(&net->refusal, 0, sizeof(net->refusal));
	if (pf == PF_INET)
		shim_record(get, optname, optval, get ? (unsigned int)*optlenp : optlen);
	sockopt_trace_before(net);                              /* sockopt trace, below */
	if (get) {
		len = (int)*optlenp;
		ret = nf_getsockopt(net, pf, optname, optval, &len);
		if (ret >= 0)
			*optlenp = (socklen_t)len;
	} else {
		ret = nf_setsockopt(net, pf, optname, optval, optlen);
	}
	nfemu_refusal_format(&net->refusal, refusal, sizeof(refusal));
	sockopt_trace_after(net, ret, get && ret >= 0 ? (unsigned int)*optlenp : 0, refusal);

	/* Even a refusal may have loaded modules (request_module in translate_table), and those
	 * stay loaded on Linux too: write back whatever changed. */
	if (shim_kernel_put(net, true, !get && ret >= 0 && optname == IPT_SO_SET_REPLACE) < 0) {
		errno = EIO;
		return -1;
	}
	if (ret < 0) {
		/* Never a silent EINVAL.  Revision probes fail by design, so they stay quiet. */
		if (refusal[0] && !shim_is_revision_query(optname))
			fprintf(stderr, "nfemu: %s\n", refusal);
		errno = -ret;
		return -1;
	}
	/* ip_getsockopt: a successful nf_getsockopt becomes put_user()'s 0, so the best revision
	 * the revision queries compute never reaches the caller (iptables only tests for < 0). */
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* sockopt trace (nfemu exec --sockopt-trace, sockopt_shim/sockopt_trace.c): every call on our
 * socket is recorded before it runs; shim_sockopt's before/after hooks print the ones the
 * kernel answered, and this prints the ones refused before they reached it. */

static int shim_sockopt_traced(const struct shim_sock *sk, bool get, int level, int optname,
			       void *optval, socklen_t *optlenp, socklen_t optlen)
{
	int ret, err;

	if (!sockopt_trace_enabled())
		return shim_sockopt(sk, get, level, optname, optval, optlenp, optlen);
	sockopt_trace_start(get, level, optname, optval, get && optlenp ? *optlenp : optlen);
	ret = shim_sockopt(sk, get, level, optname, optval, optlenp, optlen);
	err = errno;
	if (ret < 0)
		sockopt_trace_unanswered(err, err == ENOPROTOOPT ? "no netfilter owner for it "
					 "(nf_sockopt_find): ip_tables is not loaded" : NULL);
	errno = err;
	return ret;
}

/* ---------------------------------------------------------------- end of the sockopt trace */

SHIM_API int getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
	const struct shim_sock *sk = shim_sock_find(fd);

	if (shim_refused_sockopt(level, optname)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (!sk)
		return REAL(getsockopt)(fd, level, optname, optval, optlen);
	return shim_sockopt_traced(sk, true, level, optname, optval, optlen, 0);
}

SHIM_API int setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
	const struct shim_sock *sk = shim_sock_find(fd);

	if (shim_refused_sockopt(level, optname)) {
		errno = ENOPROTOOPT;
		return -1;
	}
	if (!sk)
		return REAL(setsockopt)(fd, level, optname, optval, optlen);
	return shim_sockopt_traced(sk, false, level, optname, (void *)optval, NULL, optlen);
}

/* ------------------------------------------------------------------------------------------ */
/* procfs: /proc/net/ip_tables_{names,matches,targets}, which ip_tables creates when it loads,
 * and /proc/sys/kernel/modprobe, which names the helper xtables_insmod() spawns. */

#define SHIM_MODPROBE "/sbin/modprobe"

static const char *shim_proc_file(const char *path)
{
	static const char *const prefixes[] = { "/proc/net/ip_tables_", "/proc/self/net/ip_tables_" };

	if (!path)
		return NULL;
	for (unsigned int i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);
		const char *what = path + n;

		if (strncmp(path, prefixes[i], n))
			continue;
		if (!strcmp(what, "names") || !strcmp(what, "matches") || !strcmp(what, "targets"))
			return what;
	}
	return NULL;
}

static bool shim_is_sysctl_modprobe(const char *path)
{
	return path && !strcmp(path, "/proc/sys/kernel/modprobe");
}

/* The file's contents now, as procfs generates them at open: malloc'd, or NULL with errno
 * (ENOENT while ip_tables is not loaded, as the proc entries do not exist then). */
static char *shim_proc_show(const char *what)
{
	struct net *net;
	char *text = NULL;
	int err = ENOENT;

	net = shim_kernel_get();
	if (!net)
		return NULL;
	if (find_module(net, "ip_tables")) {
		text = xt_proc_show(net, NFPROTO_IPV4, what);
		err = ENOMEM;
	}
	shim_kernel_put(net, false, false);
	if (!text)
		errno = err;
	return text;
}

/* A read-only fd holding text (a memfd, so fstat/lseek/read all work). */
static int shim_text_fd(const char *text, bool cloexec)
{
	size_t len = strlen(text), off = 0;
	int fd, e;

	fd = memfd_create("nfemu-proc", cloexec ? MFD_CLOEXEC : 0);
	if (fd < 0)
		return -1;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		goto fail;
	return fd;
fail:
	e = errno;
	REAL(close)(fd);
	errno = e;
	return -1;
}

/* open() of one of our proc files: what is the proc file ("names", ...) or NULL for the
 * modprobe sysctl. */
static int shim_proc_open(const char *what, int flags)
{
	char *text;
	int fd, e;

	if ((flags & O_ACCMODE) != O_RDONLY) {
		errno = EACCES;
		return -1;
	}
	if (!what)
		return shim_text_fd(SHIM_MODPROBE "\n", flags & O_CLOEXEC);
	text = shim_proc_show(what);
	if (!text)
		return -1;
	fd = shim_text_fd(text, flags & O_CLOEXEC);
	e = errno;
	free(text);
	errno = e;
	return fd;
}

static FILE *shim_proc_fopen(const char *what, const char *mode)
{
	FILE *f;
	int fd;

	if (strpbrk(mode, "wa+")) {
		errno = EACCES;
		return NULL;
	}
	fd = shim_proc_open(what, O_RDONLY | (strchr(mode, 'e') ? O_CLOEXEC : 0));
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f) {
		int e = errno;

		REAL(close)(fd);
		errno = e;
	}
	return f;
}

SHIM_API FILE *fopen(const char *path, const char *mode)
{
	const char *what = shim_proc_file(path);

	if (what || shim_is_sysctl_modprobe(path))
		return shim_proc_fopen(what, mode);
	return REAL(fopen)(path, mode);
}

SHIM_API FILE *fopen64(const char *path, const char *mode)
{
	const char *what = shim_proc_file(path);

	if (what || shim_is_sysctl_modprobe(path))
		return shim_proc_fopen(what, mode);
	return REAL(fopen64)(path, mode);
}

/* stat of a proc file: a regular file on procfs while ip_tables is loaded, else ENOENT; so
 * xtables_load_ko() runs "modprobe ip_tables" exactly when a real kernel would need it. */
static int shim_proc_exists(const char *what)
{
	char *text = shim_proc_show(what);

	free(text);
	return text ? 0 : -1;
}

static int shim_proc_stat(const char *what, void *buf)
{
	struct stat *sb = buf;

	if (shim_proc_exists(what) < 0)
		return -1;
	memset(sb, 0, sizeof(*sb));
	sb->st_mode = S_IFREG | 0444;
	sb->st_nlink = 1;
	sb->st_blksize = 1024;
	return 0;
}

static int shim_proc_statfs(const char *what, void *buf)
{
	struct statfs *sf = buf;

	if (shim_proc_exists(what) < 0)
		return -1;
	memset(sf, 0, sizeof(*sf));
	sf->f_type = PROC_SUPER_MAGIC;
	sf->f_bsize = 4096;
	sf->f_namelen = 255;
	sf->f_frsize = 4096;
	return 0;
}

/* On x86-64 (every 64-bit glibc) struct stat64 and statfs64 are the plain layouts, so
 * shim_proc_stat/shim_proc_statfs fill either. */
_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "stat64 layout");
_Static_assert(sizeof(struct statfs) == sizeof(struct statfs64), "statfs64 layout");

/* Each wrapper: our proc file, or the real call. */
#define SHIM_STAT_WRAPPER(fn, statbuf, fake)                                     \
	SHIM_API int fn(const char *restrict path, struct statbuf *restrict buf) \
	{                                                                        \
		const char *what = shim_proc_file(path);                         \
									         \
		return what ? fake(what, buf) : REAL(fn)(path, buf);             \
	}

SHIM_STAT_WRAPPER(stat, stat, shim_proc_stat)
SHIM_STAT_WRAPPER(stat64, stat64, shim_proc_stat)
SHIM_STAT_WRAPPER(lstat, stat, shim_proc_stat)
SHIM_STAT_WRAPPER(lstat64, stat64, shim_proc_stat)
SHIM_STAT_WRAPPER(statfs, statfs, shim_proc_statfs)
SHIM_STAT_WRAPPER(statfs64, statfs64, shim_proc_statfs)

/* The pre-2.33 glibc entry points, for binaries built against an older glibc: the real one if
 * this glibc still has it, else its modern equivalent. */
#define SHIM_XSTAT_WRAPPER(fn, statbuf, modern)                                  \
	SHIM_API int fn(int ver, const char *path, struct statbuf *buf)          \
	{                                                                        \
		const char *what = shim_proc_file(path);                         \
		xstat_fn *real;                                                  \
									         \
		if (what)                                                        \
			return shim_proc_stat(what, buf);                        \
		real = shim_real_xstat(#fn);                                     \
		return real ? real(ver, path, buf) : REAL(modern)(path, (void *)buf); \
	}

/* glibc's old stat entry points (called by binaries built against glibc < 2.33); glibc no
 * longer declares them */
int __xstat(int ver, const char *path, struct stat *buf);
int __xstat64(int ver, const char *path, struct stat64 *buf);
int __lxstat(int ver, const char *path, struct stat *buf);
int __lxstat64(int ver, const char *path, struct stat64 *buf);

SHIM_XSTAT_WRAPPER(__xstat, stat, stat)
SHIM_XSTAT_WRAPPER(__xstat64, stat64, stat)
SHIM_XSTAT_WRAPPER(__lxstat, stat, lstat)
SHIM_XSTAT_WRAPPER(__lxstat64, stat64, lstat)

/* ------------------------------------------------------------------------------------------ */
/* open(): the proc files, and the xtables lock moved next to the state so no root is needed. */

static bool shim_is_default_xtables_lock(const char *path)
{
	const char *env = getenv("XTABLES_LOCKFILE");

	if (env && env[0])
		return false;
	return path && (!strcmp(path, "/run/xtables.lock") || !strcmp(path, "/var/run/xtables.lock"));
}

static int shim_open(int (*real)(const char *, int, ...), const char *path, int flags,
		     mode_t mode)
{
	const char *what = shim_proc_file(path);
	char *lock;
	int fd, e;

	if (what || shim_is_sysctl_modprobe(path))
		return shim_proc_open(what, flags);
	if (!shim_is_default_xtables_lock(path))
		return real(path, flags, mode);
	if (asprintf(&lock, "%s.xtables.lock", nfemu_state_path(NULL)) < 0) {
		errno = ENOMEM;
		return -1;
	}
	fd = real(lock, flags, mode);
	e = errno;
	free(lock);
	errno = e;
	return fd;
}

static mode_t shim_open_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

SHIM_API int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = shim_open_mode(flags, ap);
	va_end(ap);
	return shim_open(REAL(open), path, flags, mode);
}

SHIM_API int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = shim_open_mode(flags, ap);
	va_end(ap);
	return shim_open(REAL(open64), path, flags, mode);
}

/* ------------------------------------------------------------------------------------------ */
/* modprobe: EMU: request_module in the emulated kernel instead of insmod in the real one. */

static bool shim_is_modprobe(const char *path)
{
	const char *base = path ? strrchr(path, '/') : NULL;

	base = base ? base + 1 : path;
	return base && !strcmp(base, "modprobe");
}

/* modprobe's exit status for argv: 0 if every module loaded, 1 otherwise. */
static int shim_modprobe(char *const argv[])
{
	bool quiet = false, ok = true;
	struct net *net;

	for (int i = 1; argv[i]; i++)
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = true;
	net = shim_kernel_get();
	if (!net)
		return 1;
	for (int i = 1; argv[i]; i++) {
		int ret;

		if (argv[i][0] == '-')
			continue;
		ret = request_module(net, "%s", argv[i]);
		if (ret < 0) {
			ok = false;
			if (!quiet)
				fprintf(stderr, "nfemu: modprobe: %s: %s\n", argv[i],
					nfemu_last_error(net)[0] ? nfemu_last_error(net) : strerror(-ret));
		}
	}
	if (shim_kernel_put(net, true, false) < 0)
		ok = false;
	return ok ? 0 : 1;
}

SHIM_API int posix_spawn(pid_t *restrict pid, const char *restrict path,
			 const posix_spawn_file_actions_t *file_actions,
			 const posix_spawnattr_t *restrict attrp, char *const argv[restrict],
			 char *const envp[restrict])
{
	char *const ok_argv[] = { "true", NULL }, *const fail_argv[] = { "false", NULL };
	int status;

	if (!shim_is_modprobe(path) || !argv[0])
		return REAL(posix_spawn)(pid, path, file_actions, attrp, argv, envp);
	/* A real child, so the caller's waitpid() sees the exit status modprobe would have had. */
	status = shim_modprobe(argv);
	if (sockopt_trace_enabled())                            /* sockopt trace */
		sockopt_trace_modprobe(argv, status);
	return REAL(posix_spawn)(pid, status ? "/bin/false" : "/bin/true", file_actions, attrp,
				 status ? fail_argv : ok_argv, envp);
}
