/* emu/state.c - EMU: the state file that carries one emulated kernel from process to process.
 *
 * Nothing in Linux corresponds to this file: a real kernel simply stays up.  See emu/state.h
 * for the contract.  The image is replayed through the sockopt ABI (request_module,
 * IPT_SO_SET_REPLACE, IPT_SO_SET_ADD_COUNTERS), so it holds only what that ABI can read
 * back, plus one section (xtables/xt_rtstate.c) for what extensions keep in memory.
 *
 * Layout (host byte order; the file never leaves the machine that wrote it):
 *   0  "NFEMUST\0"   8  u32 version   12  u32 crc32 of the body   16  u64 body length
 *   24 body: sections, each { u32 type; u32 len; u8 payload[len]; }
 *      NFEMU_SEC_MODULES  u32 count, then count x { u8 len; char name[len]; }, oldest first
 *      NFEMU_SEC_TABLE    struct ipt_getinfo, then info.size bytes of IPT_SO_GET_ENTRIES data
 *                         (entries with their counters); one section per table, oldest first
 *      NFEMU_SEC_CONNTRACK the capture clock and the conntrack table (conntrack/nf_conntrack_state.c,
 *                         versioned on its own); only while nf_conntrack is loaded
 *      NFEMU_SEC_RUNTIME  what extensions keep in memory (recent lists, hashlimit buckets, the
 *                         limit/quota/statistic/connlimit state of each rule, IDLETIMER,
 *                         RATEEST), the clock and the randomness (xtables/xt_rtstate.c,
 *                         versioned on its own); last, loaded after the tables
 *      NFEMU_SEC_CONNTRACK_FILE instead of NFEMU_SEC_CONNTRACK when that payload is
 *                         NFEMU_STATE_CT_FILE_MIN bytes or more: struct state_ct_ref, naming
 *                         the conntrack file "<state>.ct-<id, 16 hex digits>" beside the state:
 *                         "NFEMUCT\0", u32 version, u32 crc32 of the payload, u64 its length,
 *                         the payload.  A conntrack file is never changed once written: a new
 *                         table goes to a new id, written (and fsync'ed) before the state that
 *                         names it, and the old one is removed after; so a command that leaves
 *                         conntrack alone neither reads nor writes it.
 * Loading creates the tables in saved order, then fills them, retrying a refused table after
 * the others (a rule may need an object a newer table's rule made).  Commit replays the new
 * image into a scratch kernel first and refuses to write one that would not load again.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "emu/refusal.h"
#include "lib/crc32.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "xtables/ip_tables.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_state.h"
#include "xtables/xt_rtstate.h"

#define NFEMU_STATE_MAGIC "NFEMUST"     /* with its NUL: 8 bytes */
#define NFEMU_STATE_VERSION 1u
#define NFEMU_STATE_HDRLEN 24u

enum nfemu_state_section {
	NFEMU_SEC_MODULES = 1,
	NFEMU_SEC_TABLE = 2,
	NFEMU_SEC_CONNTRACK = 3,
	NFEMU_SEC_RUNTIME = 4,
	NFEMU_SEC_CONNTRACK_FILE = 5,
};

/* A conntrack table this large (its section payload, ~107 bytes an entry) goes to a file of
 * its own: rewriting and checksumming it would dominate every command on the rules. */
#define NFEMU_STATE_CT_FILE_MIN (1u << 20)
#define NFEMU_CT_FILE_MAGIC "NFEMUCT"   /* with its NUL: 8 bytes */
#define NFEMU_CT_FILE_VERSION 1u
#define NFEMU_CT_FILE_HDRLEN 24u

/* The payload of NFEMU_SEC_CONNTRACK_FILE. */
struct state_ct_ref {
	u64 id;                 /* the file's name: "<state>.ct-%016llx" */
	u64 len;                /* the conntrack payload's length */
	u32 crc;                /* and its crc32 */
	u32 zero;
};

/* Refuse images larger than this: a corrupt length must not make us allocate gigabytes. */
#define NFEMU_STATE_MAX (1u << 30)

/* ------------------------------------------------------------------------------------------ */
/* Helpers: checksum, a growable buffer, error lines. */

/* CRC-32 (IEEE 802.3, as zlib's crc32): lib/crc32.h, eight bytes at a time. */
static u32 nfemu_crc32(const unsigned char *p, size_t len)
{
	return crc32_ieee(p, len);
}

struct nfemu_buf {
	unsigned char *data;
	size_t len, cap;
};

static int nfemu_buf_reserve(struct nfemu_buf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	unsigned char *p;

	if (more > NFEMU_STATE_MAX || b->len + more > NFEMU_STATE_MAX)
		return -EFBIG;
	while (cap < b->len + more)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

static int nfemu_buf_put(struct nfemu_buf *b, const void *p, size_t n)
{
	int ret = nfemu_buf_reserve(b, n);

	if (ret)
		return ret;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return 0;
}

static int nfemu_buf_put_u32(struct nfemu_buf *b, u32 v)
{
	return nfemu_buf_put(b, &v, sizeof(v));
}

/* Start a section; returns the offset of its length field for nfemu_buf_end_section. */
static int nfemu_buf_begin_section(struct nfemu_buf *b, u32 type, size_t *len_at)
{
	int ret = nfemu_buf_put_u32(b, type);

	*len_at = b->len;
	return ret ? ret : nfemu_buf_put_u32(b, 0);
}

static void nfemu_buf_end_section(struct nfemu_buf *b, size_t len_at)
{
	u32 len = (u32)(b->len - len_at - sizeof(u32));

	memcpy(b->data + len_at, &len, sizeof(len));
}

static void __attribute__((format(printf, 3, 4)))
nfemu_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* What the emulated kernel said about its last refusal, or strerror. */
static const char *nfemu_refusal(const struct net *net, int ret)
{
	const char *why = nfemu_last_error(net);

	return why[0] ? why : strerror(-ret);
}

/* ------------------------------------------------------------------------------------------ */
/* Serialize: read the kernel back through its own ABI. */

static int nfemu_serialize_modules(struct net *net, struct nfemu_buf *b)
{
	struct module *mod;
	size_t len_at;
	u32 count = 0;
	int ret;

	list_for_each_entry(mod, &net->modules, list)
		if (mod->state == MODULE_STATE_LIVE)
			count++;
	ret = nfemu_buf_begin_section(b, NFEMU_SEC_MODULES, &len_at);
	if (!ret)
		ret = nfemu_buf_put_u32(b, count);
	list_for_each_entry_reverse(mod, &net->modules, list) {
		size_t n = strlen(mod->name);
		u8 n8 = (u8)n;

		if (ret)
			return ret;
		if (mod->state != MODULE_STATE_LIVE)
			continue;
		if (n == 0 || n >= MODULE_NAME_LEN)
			return -ENAMETOOLONG;
		ret = nfemu_buf_put(b, &n8, 1);
		if (!ret)
			ret = nfemu_buf_put(b, mod->name, n);
	}
	if (ret)
		return ret;
	nfemu_buf_end_section(b, len_at);
	return 0;
}

static int nfemu_serialize_table(struct net *net, const char *name, struct nfemu_buf *b)
{
	struct ipt_getinfo info = {};
	struct ipt_get_entries *ent;
	int len = sizeof(info), ret;
	size_t len_at;

	snprintf(info.name, sizeof(info.name), "%s", name);
	ret = do_ipt_get_ctl(net, IPT_SO_GET_INFO, &info, &len);
	if (ret < 0)
		return ret;
	if (info.size > NFEMU_STATE_MAX)
		return -EFBIG;
	ent = calloc(1, sizeof(*ent) + info.size);
	if (!ent)
		return -ENOMEM;
	memcpy(ent->name, info.name, sizeof(ent->name));
	ent->size = info.size;
	len = (int)(sizeof(*ent) + info.size);
	ret = do_ipt_get_ctl(net, IPT_SO_GET_ENTRIES, ent, &len);
	if (ret >= 0)
		ret = nfemu_buf_begin_section(b, NFEMU_SEC_TABLE, &len_at);
	if (!ret)
		ret = nfemu_buf_put(b, &info, sizeof(info));
	if (!ret)
		ret = nfemu_buf_put(b, ent->entrytable, info.size);
	if (!ret)
		nfemu_buf_end_section(b, len_at);
	free(ent);
	return ret < 0 ? ret : 0;
}

/* One section holding len bytes of payload. */
static int nfemu_buf_put_section(struct nfemu_buf *b, u32 type, const void *payload, size_t len)
{
	size_t len_at;
	int ret;

	ret = nfemu_buf_begin_section(b, type, &len_at);
	if (!ret)
		ret = nfemu_buf_put(b, payload, len);
	if (!ret)
		nfemu_buf_end_section(b, len_at);
	return ret;
}

/* The conntrack table and the clock, when nf_conntrack is loaded: as given (a section of type
 * ct_type: the payload a lazy open left unloaded, or a reference to a conntrack file), else
 * read from the kernel. */
static int nfemu_serialize_conntrack(struct net *net, struct nfemu_buf *b, u32 ct_type,
				     const unsigned char *raw, size_t rawlen)
{
	unsigned char *payload;
	size_t len;
	int ret;

	if (ct_type) {
		if (!net->ct.ready)
			return 0;       /* nf_conntrack was unloaded: its table went with it */
		return nfemu_buf_put_section(b, ct_type, raw, rawlen);
	}
	ret = nf_conntrack_state_save(net, &payload, &len);
	if (ret || !len)
		return ret;
	ret = nfemu_buf_put_section(b, NFEMU_SEC_CONNTRACK, payload, len);
	free(payload);
	return ret;
}

/* Extensions' run-time state, the clock and the randomness. */
static int nfemu_serialize_runtime(struct net *net, struct nfemu_buf *b)
{
	unsigned char *payload;
	size_t len;
	int ret;

	ret = nfemu_rtstate_save(net, &payload, &len);
	if (ret)
		return ret;
	ret = nfemu_buf_put_section(b, NFEMU_SEC_RUNTIME, payload, len);
	free(payload);
	return ret;
}

static int state_serialize(struct net *net, u32 ct_type, const unsigned char *ct_raw,
			   size_t ct_rawlen, unsigned char **bufp, size_t *lenp)
{
	struct nfemu_refusal saved_refusal = net->refusal;
	struct nfemu_buf b = {};
	struct xt_table *t;
	u32 version = NFEMU_STATE_VERSION, crc;
	u64 body_len;
	int ret;

	/* Reading the tables back goes through the ABI, which resets the refusal; the caller may
	 * still want to print the one that came before. */

	ret = nfemu_buf_put(&b, NFEMU_STATE_MAGIC, 8);
	if (!ret)
		ret = nfemu_buf_put_u32(&b, version);
	if (!ret)
		ret = nfemu_buf_put_u32(&b, 0);         /* crc, filled in below */
	if (!ret)
		ret = nfemu_buf_put(&b, &(u64){ 0 }, sizeof(u64));
	if (!ret)
		ret = nfemu_serialize_modules(net, &b);
	list_for_each_entry_reverse(t, &net->xt.tables[NFPROTO_IPV4], list) {
		if (ret)
			break;
		ret = nfemu_serialize_table(net, t->name, &b);
	}
	if (!ret)
		ret = nfemu_serialize_conntrack(net, &b, ct_type, ct_raw, ct_rawlen);
	if (!ret)
		ret = nfemu_serialize_runtime(net, &b);
	net->refusal = saved_refusal;
	if (ret) {
		free(b.data);
		return ret;
	}
	body_len = b.len - NFEMU_STATE_HDRLEN;
	crc = nfemu_crc32(b.data + NFEMU_STATE_HDRLEN, body_len);
	memcpy(b.data + 12, &crc, sizeof(crc));
	memcpy(b.data + 16, &body_len, sizeof(body_len));
	*bufp = b.data;
	*lenp = b.len;
	return 0;
}

int nfemu_state_serialize(struct net *net, unsigned char **bufp, size_t *lenp)
{
	return state_serialize(net, 0, NULL, 0, bufp, lenp);
}

/* ------------------------------------------------------------------------------------------ */
/* Deserialize: replay the image through the ABI, as iptables-restore -c would. */

struct nfemu_reader {
	const unsigned char *buf;
	size_t len;
	char *err;
	size_t errlen;
};

static int nfemu_load_modules(struct net *net, const struct nfemu_reader *r, size_t off, size_t len)
{
	size_t end = off + len;
	u32 count;

	if (len < sizeof(count)) {
		nfemu_errf(r->err, r->errlen, "byte %zu: module section too short (%zu bytes)", off, len);
		return -EINVAL;
	}
	memcpy(&count, r->buf + off, sizeof(count));
	off += sizeof(count);
	for (u32 i = 0; i < count; i++) {
		char name[MODULE_NAME_LEN];
		u8 n;
		int ret;

		if (off >= end || (n = r->buf[off]) == 0 || n >= MODULE_NAME_LEN || end - off - 1 < n) {
			nfemu_errf(r->err, r->errlen, "byte %zu: module %u of %u: bad name length", off,
				   i + 1, count);
			return -EINVAL;
		}
		memcpy(name, r->buf + off + 1, n);
		name[n] = '\0';
		if (strlen(name) != n) {
			nfemu_errf(r->err, r->errlen, "byte %zu: module %u of %u: NUL in name", off,
				   i + 1, count);
			return -EINVAL;
		}
		memset(&net->refusal, 0, sizeof(net->refusal));
		ret = request_module(net, "%s", name);
		if (ret) {
			nfemu_errf(r->err, r->errlen, "byte %zu: module '%s': request_module refused: %s",
				   off, name, nfemu_refusal(net, ret));
			return ret;
		}
		off += 1 + n;
	}
	if (off != end) {
		nfemu_errf(r->err, r->errlen, "byte %zu: %zu stray bytes after %u module names", off,
			   end - off, count);
		return -EINVAL;
	}
	return 0;
}

/* The saved counters, in entry order, as IPT_SO_SET_ADD_COUNTERS takes them.  Read from the
 * image itself (which may be unaligned), not from what SET_REPLACE was handed. */
static struct xt_counters_info *nfemu_collect_counters(const struct ipt_getinfo *info,
						       const unsigned char *entries)
{
	struct xt_counters_info *ci;
	unsigned int off = 0, i = 0;

	ci = calloc(1, sizeof(*ci) + (size_t)info->num_entries * sizeof(struct xt_counters));
	if (!ci)
		return NULL;
	memcpy(ci->name, info->name, sizeof(ci->name));
	ci->num_counters = info->num_entries;
	/* SET_REPLACE has just accepted this blob, so every next_offset is sane; the bounds are
	 * checked anyway. */
	while (i < info->num_entries && info->size - off >= sizeof(struct ipt_entry)) {
		struct ipt_entry e;

		memcpy(&e, entries + off, sizeof(e));
		ci->counters[i++] = e.counters;
		if (e.next_offset < sizeof(e) || e.next_offset > info->size - off)
			break;
		off += e.next_offset;
	}
	return ci;
}

/* Check a table section and create the table by its first access (GET_INFO), as on Linux;
 * creating every table before filling any keeps /proc/net/ip_tables_names in saved order. */
static int nfemu_create_table(struct net *net, const struct nfemu_reader *r, size_t off, size_t len)
{
	struct ipt_getinfo info, cur = {};
	int ilen = sizeof(cur), ret;

	if (len < sizeof(info)) {
		nfemu_errf(r->err, r->errlen, "byte %zu: table section too short (%zu bytes)", off, len);
		return -EINVAL;
	}
	memcpy(&info, r->buf + off, sizeof(info));
	if (strnlen(info.name, sizeof(info.name)) == sizeof(info.name) || !info.name[0]) {
		nfemu_errf(r->err, r->errlen, "byte %zu: table name not NUL-terminated", off);
		return -EINVAL;
	}
	if (info.size != len - sizeof(info)) {
		nfemu_errf(r->err, r->errlen, "byte %zu: table '%s': %u bytes of entries announced, "
			   "section holds %zu", off, info.name, info.size, len - sizeof(info));
		return -EINVAL;
	}
	if (xt_find_table(net, NFPROTO_IPV4, info.name)) {
		nfemu_errf(r->err, r->errlen, "byte %zu: table '%s' saved twice", off, info.name);
		return -EINVAL;
	}
	memcpy(cur.name, info.name, sizeof(cur.name));
	memset(&net->refusal, 0, sizeof(net->refusal));
	ret = do_ipt_get_ctl(net, IPT_SO_GET_INFO, &cur, &ilen);
	if (ret < 0) {
		nfemu_errf(r->err, r->errlen, "byte %zu: table '%s': GET_INFO refused: %s", off,
			   info.name, nfemu_refusal(net, ret));
		return ret;
	}
	return 0;
}

/* Put the saved rules and counters into a created table: SET_REPLACE, SET_ADD_COUNTERS. */
static int nfemu_fill_table(struct net *net, const struct nfemu_reader *r, size_t off)
{
	struct ipt_getinfo info, cur = {};
	struct ipt_replace *repl = NULL;
	struct xt_counters *old = NULL;
	struct xt_counters_info *ci = NULL;
	int ilen = sizeof(cur), ret;
	const char *step;

	memcpy(&info, r->buf + off, sizeof(info));
	memcpy(cur.name, info.name, sizeof(cur.name));
	step = "GET_INFO";
	memset(&net->refusal, 0, sizeof(net->refusal));
	ret = do_ipt_get_ctl(net, IPT_SO_GET_INFO, &cur, &ilen);
	if (ret < 0)
		goto refused;

	step = "SET_REPLACE";
	ret = -ENOMEM;
	repl = calloc(1, sizeof(*repl) + info.size);
	old = calloc(cur.num_entries ? cur.num_entries : 1, sizeof(*old));
	if (!repl || !old)
		goto refused;
	memcpy(repl->name, info.name, sizeof(repl->name));
	repl->valid_hooks = info.valid_hooks;
	repl->num_entries = info.num_entries;
	repl->size = info.size;
	memcpy(repl->hook_entry, info.hook_entry, sizeof(repl->hook_entry));
	memcpy(repl->underflow, info.underflow, sizeof(repl->underflow));
	repl->num_counters = cur.num_entries;
	repl->counters = old;
	memcpy(repl->entries, r->buf + off + sizeof(info), info.size);
	memset(&net->refusal, 0, sizeof(net->refusal));
	ret = do_ipt_set_ctl(net, IPT_SO_SET_REPLACE, repl, sizeof(*repl) + info.size);
	if (ret < 0)
		goto refused;

	step = "SET_ADD_COUNTERS";
	ret = -ENOMEM;
	ci = nfemu_collect_counters(&info, r->buf + off + sizeof(info));
	if (!ci)
		goto refused;
	memset(&net->refusal, 0, sizeof(net->refusal));
	ret = do_ipt_set_ctl(net, IPT_SO_SET_ADD_COUNTERS, ci,
			     sizeof(*ci) + (size_t)ci->num_counters * sizeof(struct xt_counters));
	if (ret < 0)
		goto refused;
	ret = 0;
	goto out;

refused:
	nfemu_errf(r->err, r->errlen, "byte %zu: table '%s': %s refused: %s", off, info.name, step,
		   nfemu_refusal(net, ret));
out:
	free(ci);
	free(old);
	free(repl);
	return ret;
}

/* Fill the tables, oldest first.  A rule may need what a rule of a newer table made (the
 * rateest match needs the estimator a RATEEST target of another table created), so a table
 * that is refused is retried after the others until a pass makes no progress; then the
 * oldest table still refused is tried once more for its error line. */
static int nfemu_fill_tables(struct net *net, const struct nfemu_reader *r, size_t *offs,
			     unsigned int n)
{
	unsigned int left = n, done, i;
	int ret = 0;

	do {
		done = 0;
		for (i = 0; i < n; i++) {
			if (offs[i] == SIZE_MAX)
				continue;
			ret = nfemu_fill_table(net, r, offs[i]);
			if (!ret) {
				offs[i] = SIZE_MAX;
				done++;
			}
		}
		left -= done;
	} while (left && done);
	if (!left)
		return 0;
	for (i = 0; offs[i] == SIZE_MAX; i++)
		;
	return nfemu_fill_table(net, r, offs[i]) ?: ret;
}

/* A section loaded after the tables: where it is; refused when saved twice. */
static int state_note_section(size_t off, u32 slen, size_t *offp, u32 *lenp, const char *what,
			      char *err, size_t errlen)
{
	if (*offp) {
		nfemu_errf(err, errlen, "byte %zu: %s section saved twice", off, what);
		return -EINVAL;
	}
	*offp = off;
	*lenp = slen;
	return 0;
}

/* Where an image keeps its conntrack table. */
struct state_ct_loc {
	u32 type;                       /* 0 (none), NFEMU_SEC_CONNTRACK or NFEMU_SEC_CONNTRACK_FILE */
	size_t off;                     /* the section's payload in the image */
	u32 len;
	struct state_ct_ref ref;        /* NFEMU_SEC_CONNTRACK_FILE: the file */
};

/* Where a conntrack file is: beside path (through fd when it was opened already); trusted:
 * this process just wrote it (its checksum was computed as it was written). */
struct state_ct_feed {
	const char *path;
	int fd;
	bool trusted;
};

static char *state_ct_file_name(const char *path, u64 id)
{
	char *name;

	if (asprintf(&name, "%s.ct-%016llx", path, (unsigned long long)id) < 0)
		return NULL;
	return name;
}

/* A conntrack file being read: checked whole first (header, length, checksum, the table the
 * state names), then handed to the loader in windows, so that loading a large table does
 * not also hold its bytes. */
#define STATE_CT_WINDOW ((size_t)2 << 20)

struct ct_file_rd {
	struct nf_ct_state_src src;
	int fd;
	bool own_fd;
	char *name;
	unsigned char *win;
	size_t next;                    /* payload offset of the first byte not yet in win */
};

static int ct_file_pread(int fd, unsigned char *p, size_t n, u64 off)
{
	while (n) {
		ssize_t got = pread(fd, p, n, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		if (got == 0)
			return -EIO;    /* shorter than fstat said: changed under us */
		p += got;
		n -= (size_t)got;
		off += (u64)got;
	}
	return 0;
}

static int ct_file_more(struct nf_ct_state_src *src, size_t keep)
{
	struct ct_file_rd *f = src->ctx;
	size_t left = src->len - keep, n = STATE_CT_WINDOW - left;
	int ret;

	memmove(f->win, f->win + keep, left);
	if (n > src->total - f->next)
		n = src->total - f->next;
	ret = ct_file_pread(f->fd, f->win + left, n, NFEMU_CT_FILE_HDRLEN + f->next);
	if (ret)
		return ret;
	f->next += n;
	src->base += keep;
	src->buf = f->win;
	src->len = left + n;
	src->eof = f->next == src->total;
	return 0;
}

static void ct_file_close(struct ct_file_rd *f)
{
	if (f->own_fd && f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->name);
	f->name = NULL;
	free(f->win);
	f->win = NULL;
}

/* Open and check the conntrack file ref names (feed->fd if it is open already); on success
 * f->src is ready for nf_conntrack_state_load_src (close f after). */
static int ct_file_open(const struct state_ct_feed *feed, const struct state_ct_ref *ref,
			struct ct_file_rd *f, char *err, size_t errlen)
{
	unsigned char hdr[NFEMU_CT_FILE_HDRLEN];
	struct stat sb;
	u32 version, crc, sum = 0;
	u64 plen, size;
	int ret;

	memset(f, 0, sizeof(*f));
	f->fd = feed->fd;
	f->name = state_ct_file_name(feed->path, ref->id);
	if (!f->name) {
		nfemu_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (f->fd < 0) {
		f->fd = open(f->name, O_RDONLY | O_CLOEXEC);
		f->own_fd = true;
	}
	if (f->fd < 0) {
		ret = -errno;
		nfemu_errf(err, errlen, "its conntrack table is kept in %s, which cannot be opened: %s "
			   "(a state and its .ct-* file go together)", f->name, strerror(errno));
		goto fail;
	}
	ret = fstat(f->fd, &sb) < 0 ? -errno : 0;
	size = ret ? 0 : (u64)sb.st_size;
	if (!ret && size >= NFEMU_CT_FILE_HDRLEN)
		ret = ct_file_pread(f->fd, hdr, sizeof(hdr), 0);
	if (ret) {
		nfemu_errf(err, errlen, "%s: cannot read: %s", f->name, strerror(-ret));
		goto fail;
	}
	ret = -EINVAL;
	if (size < NFEMU_CT_FILE_HDRLEN) {
		nfemu_errf(err, errlen, "%s: byte %llu: truncated header (%llu of %u bytes)", f->name,
			   (unsigned long long)size, (unsigned long long)size, NFEMU_CT_FILE_HDRLEN);
		goto fail;
	}
	memcpy(&version, hdr + 8, sizeof(version));
	memcpy(&crc, hdr + 12, sizeof(crc));
	memcpy(&plen, hdr + 16, sizeof(plen));
	size -= NFEMU_CT_FILE_HDRLEN;
	if (memcmp(hdr, NFEMU_CT_FILE_MAGIC, 8)) {
		nfemu_errf(err, errlen, "%s: byte 0: not an nfemu conntrack file (bad magic)", f->name);
		goto fail;
	}
	if (version != NFEMU_CT_FILE_VERSION) {
		nfemu_errf(err, errlen, "%s: byte 8: format version %u, this nfemu reads version %u",
			   f->name, version, NFEMU_CT_FILE_VERSION);
		goto fail;
	}
	if (plen != size) {
		nfemu_errf(err, errlen, "%s: byte %llu: %s: header announces %llu bytes of table, file has %llu",
			   f->name, (unsigned long long)size + NFEMU_CT_FILE_HDRLEN,
			   plen > size ? "truncated" : "trailing bytes", (unsigned long long)plen,
			   (unsigned long long)size);
		goto fail;
	}
	if (plen != ref->len || crc != ref->crc) {
		nfemu_errf(err, errlen, "%s: byte 12: not the table the state names (%llu bytes, crc "
			   "%08x; the state names %llu bytes, crc %08x)", f->name, (unsigned long long)plen,
			   crc, (unsigned long long)ref->len, ref->crc);
		goto fail;
	}
	f->win = malloc(STATE_CT_WINDOW);
	if (!f->win) {
		ret = -ENOMEM;
		nfemu_errf(err, errlen, "out of memory");
		goto fail;
	}
	/* the checksum, a window at a time, before anything is loaded */
	for (u64 off = 0; off < plen && !feed->trusted; ) {
		size_t n = plen - off < STATE_CT_WINDOW ? (size_t)(plen - off) : STATE_CT_WINDOW;

		ret = ct_file_pread(f->fd, f->win, n, NFEMU_CT_FILE_HDRLEN + off);
		if (ret) {
			nfemu_errf(err, errlen, "%s: cannot read: %s", f->name, strerror(-ret));
			goto fail;
		}
		sum = crc32_ieee_update(sum, f->win, n);
		off += n;
	}
	if (!feed->trusted && sum != crc) {
		ret = -EINVAL;
		nfemu_errf(err, errlen, "%s: byte 12: checksum mismatch: the file is corrupt", f->name);
		goto fail;
	}
	f->src = (struct nf_ct_state_src){ .buf = f->win, .total = plen, .eof = plen == 0,
					   .more = ct_file_more, .ctx = f };
	return 0;
fail:
	ct_file_close(f);
	return ret;
}

/* Load the conntrack table of an image into net: from the image or from its conntrack file.
 * err gets "byte N: conntrack section: ..." or the file's own error. */
static int state_load_ct(struct net *net, const unsigned char *image, const struct state_ct_loc *loc,
			 const struct state_ct_feed *feed, char *err, size_t errlen)
{
	struct ct_file_rd f = { .fd = -1 };
	char sub[256] = "";
	int ret;

	if (loc->type != NFEMU_SEC_CONNTRACK_FILE) {
		ret = nf_conntrack_state_load(net, image + loc->off, loc->len, sub, sizeof(sub));
		if (ret)
			nfemu_errf(err, errlen, "byte %zu: conntrack section: %s", loc->off - 8, sub);
		return ret;
	}
	if (!feed || !feed->path) {
		nfemu_errf(err, errlen, "byte %zu: the conntrack table is in a file of its own, "
			   "and this image has none", loc->off - 8);
		return -EINVAL;
	}
	ret = ct_file_open(feed, &loc->ref, &f, err, errlen);
	if (ret)
		return ret;
	ret = nf_conntrack_state_load_src(net, &f.src, sub, sizeof(sub));
	if (ret)
		nfemu_errf(err, errlen, "%s: table at byte %u: %s", f.name, NFEMU_CT_FILE_HDRLEN, sub);
	ct_file_close(&f);
	return ret;
}

/* Load buf into net; with lazy_ct the conntrack table is only located (*locp: in the image, in
 * a conntrack file, or none), not loaded. */
#define DESER_LAZY_CT 0x1u     /* leave the conntrack section (NFEMU_STATE_LAZY_CT) */
#define DESER_TRUSTED 0x2u     /* an image this process just made: no checksum to verify */

static int state_deserialize(struct net *net, const unsigned char *buf, size_t len, unsigned int how,
			     const struct state_ct_feed *feed, struct state_ct_loc *locp,
			     char *err, size_t errlen)
{
	bool lazy_ct = how & DESER_LAZY_CT;

	const struct nfemu_reader r = { .buf = buf, .len = len, .err = err, .errlen = errlen };
	size_t off, *tables = NULL, *p, ct_off = 0, rt_off = 0;
	struct state_ct_loc loc = { 0 };
	unsigned int ntables = 0;
	u32 ct_len = 0, rt_len = 0;
	u32 version, crc, type, slen;
	u64 body_len;
	int ret;

	if (len < NFEMU_STATE_HDRLEN) {
		nfemu_errf(err, errlen, "byte %zu: truncated header (%zu of %u bytes)", len, len,
			   NFEMU_STATE_HDRLEN);
		return -EINVAL;
	}
	if (memcmp(buf, NFEMU_STATE_MAGIC, 8)) {
		nfemu_errf(err, errlen, "byte 0: not an nfemu state file (bad magic)");
		return -EINVAL;
	}
	memcpy(&version, buf + 8, sizeof(version));
	memcpy(&crc, buf + 12, sizeof(crc));
	memcpy(&body_len, buf + 16, sizeof(body_len));
	if (version != NFEMU_STATE_VERSION) {
		nfemu_errf(err, errlen, "byte 8: format version %u, this nfemu reads version %u",
			   version, NFEMU_STATE_VERSION);
		return -EINVAL;
	}
	if (body_len != len - NFEMU_STATE_HDRLEN) {
		nfemu_errf(err, errlen, "byte %zu: %s: header announces %llu bytes of body, file has %zu",
			   len, body_len > len - NFEMU_STATE_HDRLEN ? "truncated" : "trailing bytes",
			   (unsigned long long)body_len, len - NFEMU_STATE_HDRLEN);
		return -EINVAL;
	}
	if (!(how & DESER_TRUSTED) && nfemu_crc32(buf + NFEMU_STATE_HDRLEN, body_len) != crc) {
		nfemu_errf(err, errlen, "byte 12: checksum mismatch: the file is corrupt");
		return -EINVAL;
	}

	/* Modules as they come (they are saved first), tables created in saved order... */
	for (off = NFEMU_STATE_HDRLEN; off < len; off += 8 + slen) {
		ret = -EINVAL;
		if (len - off < 8) {
			nfemu_errf(err, errlen, "byte %zu: truncated section header", off);
			goto out;
		}
		memcpy(&type, buf + off, sizeof(type));
		memcpy(&slen, buf + off + 4, sizeof(slen));
		if (slen > len - off - 8) {
			nfemu_errf(err, errlen, "byte %zu: section of %u bytes runs past the end", off, slen);
			goto out;
		}
		switch (type) {
		case NFEMU_SEC_MODULES:
			ret = nfemu_load_modules(net, &r, off + 8, slen);
			break;
		case NFEMU_SEC_CONNTRACK:
			/* loaded once the rules are in: their checkentry registers conntrack's
			 * hooks, which must find the table as it was, not fix it up as if it had
			 * been made with the hooks off (nf_ct_tcp_fixup) */
			ret = state_note_section(off, slen, &ct_off, &ct_len, "conntrack", err, errlen);
			loc.type = type;
			break;
		case NFEMU_SEC_CONNTRACK_FILE:
			ret = state_note_section(off, slen, &ct_off, &ct_len, "conntrack", err, errlen);
			loc.type = type;
			if (!ret && slen != sizeof(loc.ref)) {
				nfemu_errf(err, errlen, "byte %zu: conntrack file reference of %u bytes, "
					   "not %zu", off, slen, sizeof(loc.ref));
				ret = -EINVAL;
			}
			if (!ret) {
				memcpy(&loc.ref, buf + off + 8, sizeof(loc.ref));
				if (loc.ref.len > NFEMU_STATE_MAX || loc.ref.zero) {
					nfemu_errf(err, errlen, "byte %zu: bad conntrack file reference", off);
					ret = -EINVAL;
				}
			}
			break;
		case NFEMU_SEC_RUNTIME:
			ret = state_note_section(off, slen, &rt_off, &rt_len, "run-time", err, errlen);
			break;
		case NFEMU_SEC_TABLE:
			ret = nfemu_create_table(net, &r, off + 8, slen);
			if (ret)
				break;
			p = realloc(tables, (ntables + 1) * sizeof(*tables));
			if (!p) {
				nfemu_errf(err, errlen, "byte %zu: out of memory", off);
				ret = -ENOMEM;
				break;
			}
			tables = p;
			tables[ntables++] = off + 8;
			break;
		default:
			nfemu_errf(err, errlen, "byte %zu: unknown section type %u", off, type);
		}
		if (ret)
			goto out;
	}
	/* ...then filled with their rules and counters. */
	ret = nfemu_fill_tables(net, &r, tables, ntables);
	if (ct_off) {
		loc.off = ct_off + 8;
		loc.len = ct_len;
	}
	if (locp)
		*locp = loc;
	if (!ret && ct_off && !lazy_ct)
		ret = state_load_ct(net, buf, &loc, feed, err, errlen);
	/* last: the rules (and the objects their checkentry made) must exist */
	if (!ret && rt_off) {
		char sub[256] = "";

		ret = nfemu_rtstate_load(net, buf + rt_off + 8, rt_len, sub, sizeof(sub));
		if (ret)
			nfemu_errf(err, errlen, "byte %zu: run-time section: %s", rt_off, sub);
	}
	if (!ret)
		memset(&net->refusal, 0, sizeof(net->refusal));
out:
	free(tables);
	return ret;
}

int nfemu_state_deserialize(struct net *net, const unsigned char *buf, size_t len,
			    char *err, size_t errlen)
{
	return state_deserialize(net, buf, len, 0, NULL, NULL, err, errlen);
}

/* ------------------------------------------------------------------------------------------ */
/* The file: locking, reading, atomic replacement. */

const char *nfemu_state_path(const char *explicit_path)
{
	const char *env;

	if (explicit_path && explicit_path[0])
		return explicit_path;
	env = getenv("NFEMU_STATE");
	if (env && env[0])
		return env;
	return "./nfemu.state";
}

static int nfemu_read_file(int fd, unsigned char **bufp, size_t *lenp)
{
	struct nfemu_buf b = {};
	ssize_t n;
	int ret;

	for (;;) {
		ret = nfemu_buf_reserve(&b, 65536);
		if (ret)
			goto fail;
		n = read(fd, b.data + b.len, b.cap - b.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		b.len += (size_t)n;
	}
	*bufp = b.data;
	*lenp = b.len;
	return 0;
fail:
	free(b.data);
	return ret;
}

static int nfemu_state_lock(struct nfemu_state *st, char *err, size_t errlen)
{
	char *lock_path;
	int fd;

	if (asprintf(&lock_path, "%s.lock", st->path) < 0)
		return -ENOMEM;
	fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
		fd = open(lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int e = errno;

		/* EMU: a state in a directory we may not write is still readable, unlocked: writers
		 * replace the file by rename, so a reader always sees a whole image.  Commit refuses. */
		if ((e == EACCES || e == EROFS || e == EPERM) && access(st->path, R_OK) == 0) {
			free(lock_path);
			st->lock_fd = -1;
			return 0;
		}
		nfemu_errf(err, errlen, "%s: cannot open lock file %s: %s", st->path, lock_path,
			   strerror(e));
		free(lock_path);
		return -e;
	}
	while (flock(fd, LOCK_EX) < 0) {
		int e = errno;

		if (e == EINTR)
			continue;
		nfemu_errf(err, errlen, "%s: cannot lock %s: %s", st->path, lock_path, strerror(e));
		close(fd);
		free(lock_path);
		return -e;
	}
	free(lock_path);
	st->lock_fd = fd;
	return 0;
}

/* Note the file's identity (after loading it, or writing it). */
static void state_note_identity(struct nfemu_state *st)
{
	struct stat sb;

	st->id_exists = stat(st->path, &sb) == 0;
	if (!st->id_exists)
		return;
	st->id_dev = sb.st_dev;
	st->id_ino = sb.st_ino;
	st->id_size = (unsigned long long)sb.st_size;
	st->id_mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec;
	st->id_ctime_ns = (long long)sb.st_ctim.tv_sec * 1000000000LL + sb.st_ctim.tv_nsec;
}

static bool state_same_identity(const struct nfemu_state *st)
{
	struct stat sb;

	if (stat(st->path, &sb) != 0)
		return !st->id_exists;
	return st->id_exists && st->id_dev == sb.st_dev && st->id_ino == sb.st_ino &&
	       st->id_size == (unsigned long long)sb.st_size &&
	       st->id_mtime_ns == (long long)sb.st_mtim.tv_sec * 1000000000LL + sb.st_mtim.tv_nsec &&
	       st->id_ctime_ns == (long long)sb.st_ctim.tv_sec * 1000000000LL + sb.st_ctim.tv_nsec;
}

void nfemu_state_unlock(struct nfemu_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);     /* drops the flock */
	st->lock_fd = -1;
}

/* Note where the image st holds keeps its conntrack table. */
static void state_note_ct(struct nfemu_state *st, const struct state_ct_loc *loc)
{
	st->ct_off = loc->type ? loc->off : 0;
	st->ct_len = loc->type ? loc->len : 0;
	st->ct_file = loc->type == NFEMU_SEC_CONNTRACK_FILE;
	st->ct_id = st->ct_file ? loc->ref.id : 0;
	st->ct_flen = st->ct_file ? loc->ref.len : 0;
	st->ct_crc = st->ct_file ? loc->ref.crc : 0;
}

int nfemu_state_reopen(struct nfemu_state *st, struct net **netp, char *err, size_t errlen)
{
	char *path;
	unsigned int flags = st->flags;
	int ret;

	ret = nfemu_state_lock(st, err, errlen);
	if (ret)
		return ret;
	if (*netp && state_same_identity(st))
		return 0;
	/* another process wrote it: load it again */
	path = st->path;
	st->path = NULL;
	net_free(*netp);
	*netp = NULL;
	nfemu_state_close(st);
	ret = nfemu_state_open_flags(st, path, flags, netp, err, errlen);
	free(path);
	return ret;
}

int nfemu_state_open(struct nfemu_state *st, const char *path, struct net **netp,
		     char *err, size_t errlen)
{
	return nfemu_state_open_flags(st, path, 0, netp, err, errlen);
}

int nfemu_state_open_flags(struct nfemu_state *st, const char *path, unsigned int flags,
			   struct net **netp, char *err, size_t errlen)
{
	unsigned char *buf = NULL;
	struct net *net = NULL;
	size_t len = 0;
	char sub[512];
	int fd, ret;

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	st->ct_fd = -1;
	st->flags = flags;
	*netp = NULL;
	st->path = strdup(nfemu_state_path(path));
	if (!st->path) {
		nfemu_errf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = nfemu_state_lock(st, err, errlen);
	if (ret)
		goto fail;

	fd = open(st->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT) {
		ret = -errno;
		nfemu_errf(err, errlen, "%s: cannot open: %s", st->path, strerror(errno));
		goto fail;
	}
	if (fd >= 0) {
		ret = nfemu_read_file(fd, &buf, &len);
		close(fd);
		if (ret) {
			nfemu_errf(err, errlen, "%s: cannot read: %s", st->path, strerror(-ret));
			goto fail;
		}
		st->existed = true;
	}

	net = net_alloc();
	if (!net) {
		ret = -ENOMEM;
		nfemu_errf(err, errlen, "%s: out of memory", st->path);
		goto fail;
	}
	if (st->existed) {
		const struct state_ct_feed feed = { .path = st->path, .fd = -1 };
		struct state_ct_loc loc;

		sub[0] = '\0';
		ret = state_deserialize(net, buf, len, flags & NFEMU_STATE_LAZY_CT ? DESER_LAZY_CT : 0,
					&feed, &loc, sub, sizeof(sub));
		if (ret) {
			nfemu_errf(err, errlen, "%s: %s", st->path, sub);
			goto fail;
		}
		state_note_ct(st, &loc);
		st->ct_lazy = (flags & NFEMU_STATE_LAZY_CT) && loc.type;
		/* a table left in its file: open the file now, so that it is the one this image
		 * names even if a writer replaces both before it is read */
		if (st->ct_lazy && st->ct_file) {
			char *name = state_ct_file_name(st->path, st->ct_id);

			st->ct_fd = name ? open(name, O_RDONLY | O_CLOEXEC) : -1;
			if (st->ct_fd < 0) {
				ret = name ? -errno : -ENOMEM;
				nfemu_errf(err, errlen, "%s: its conntrack table is kept in %s, which cannot "
					   "be opened: %s (a state and its .ct-* file go together)", st->path,
					   name ? name : "?", strerror(-ret));
				free(name);
				goto fail;
			}
			free(name);
		}
	} else {
		ret = net_boot(net);
		if (ret) {
			nfemu_errf(err, errlen, "%s: booting a fresh kernel: %s", st->path, strerror(-ret));
			goto fail;
		}
	}
	st->image = buf;
	st->image_len = len;
	st->gen = net->emu_gen;
	st->gen_rules = net->emu_gen_rules;
	state_note_identity(st);
	*netp = net;
	return 0;

fail:
	net_free(net);
	free(buf);
	nfemu_state_close(st);
	return ret;
}

static int nfemu_write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replace st->path by buf: temporary file, fsync, rename, fsync of the directory. */
static int nfemu_state_write(struct nfemu_state *st, const unsigned char *buf, size_t len,
			     char *err, size_t errlen)
{
	char *tmp = NULL, *dir = NULL, *slash;
	const char *what;
	int fd = -1, dfd, ret;

	if (asprintf(&tmp, "%s.tmp", st->path) < 0 || !(dir = strdup(st->path))) {
		free(tmp);
		nfemu_errf(err, errlen, "%s: out of memory", st->path);
		return -ENOMEM;
	}
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';

	/* The fixed temporary name is safe: only the holder of the exclusive lock writes, and a
	 * leftover from a writer killed mid-write is simply truncated. */
	what = "create";
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (fd < 0)
		goto fail_errno;
	what = "write";
	ret = nfemu_write_all(fd, buf, len);
	if (ret) {
		errno = -ret;
		goto fail_errno;
	}
	what = "fsync";
	if (fsync(fd) < 0)
		goto fail_errno;
	what = "close";
	if (close(fd) < 0) {
		fd = -1;
		goto fail_errno;
	}
	fd = -1;
	what = "rename";
	if (rename(tmp, st->path) < 0)
		goto fail_errno;
	/* The rename is only durable once the directory is. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(tmp);
	free(dir);
	return 0;

fail_errno:
	ret = -errno;
	nfemu_errf(err, errlen, "%s: cannot %s %s: %s", st->path, what,
		   strcmp(what, "rename") ? tmp : "it into place", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(dir);
	return ret;
}

/* Replay the new image into a scratch kernel before it replaces the old one: a state that
 * cannot be loaded again would make every later command fail, so the change that would
 * produce it is refused instead and the file keeps the last loadable kernel.  old_ct: the
 * image's connection table is the one loaded before (not loaded again); a new conntrack file
 * it names is read from disk, as the next load will read it. */
static int nfemu_state_verify(struct nfemu_state *st, const unsigned char *buf, size_t len,
			      bool old_ct, char *err, size_t errlen)
{
	unsigned int how = DESER_TRUSTED | (old_ct ? DESER_LAZY_CT : 0);
	const struct state_ct_feed feed = { .path = st->path, .fd = -1, .trusted = true };
	struct net *scratch = net_alloc();
	char sub[512];
	int ret;

	if (!scratch) {
		nfemu_errf(err, errlen, "%s: out of memory", st->path);
		return -ENOMEM;
	}
	sub[0] = '\0';
	ret = state_deserialize(scratch, buf, len, how, &feed, NULL, sub, sizeof(sub));
	net_free(scratch);
	if (ret)
		nfemu_errf(err, errlen, "%s: not saved, the new state would not load again: %s",
			   st->path, sub);
	return ret;
}

/* The payload of the section of this type in a well-formed image (one this process wrote). */
static void state_find_section(const unsigned char *buf, size_t len, u32 type, size_t *offp,
			       size_t *lenp)
{
	size_t off;
	u32 t, slen;

	*offp = *lenp = 0;
	for (off = NFEMU_STATE_HDRLEN; len - off >= 8; off += 8 + slen) {
		memcpy(&t, buf + off, sizeof(t));
		memcpy(&slen, buf + off + 4, sizeof(slen));
		if (slen > len - off - 8)
			return;
		if (t == type) {
			*offp = off + 8;
			*lenp = slen;
			return;
		}
	}
}

static void state_remove_ct_file(const struct nfemu_state *st, u64 id)
{
	char *name = state_ct_file_name(st->path, id);

	if (name)
		unlink(name);
	free(name);
}

/* Remove every conntrack file of this state but keep's (0: all of them): the one the state
 * named before, and any a writer killed between writing one and naming it, or between naming
 * a new one and removing the old, left behind.  Only the holder of the lock writes these
 * names, and a process still reading an older table holds it open. */
static void state_remove_other_ct_files(const struct nfemu_state *st, u64 keep)
{
	const char *slash = strrchr(st->path, '/');
	const char *base = slash ? slash + 1 : st->path;
	size_t blen = strlen(base);
	char *dir = slash ? strndup(st->path, (size_t)(slash - st->path) + 1) : strdup(".");
	struct dirent *de;
	DIR *d = dir ? opendir(dir) : NULL;

	while (d && (de = readdir(d))) {
		const char *p = de->d_name;
		unsigned long long id;
		char *end;

		if (strncmp(p, base, blen) || strncmp(p + blen, ".ct-", 4) || strlen(p + blen + 4) != 16)
			continue;
		errno = 0;
		id = strtoull(p + blen + 4, &end, 16);
		if (*end || errno || !id || id == keep || !isxdigit((unsigned char)p[blen + 4]))
			continue;
		state_remove_ct_file(st, id);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* A conntrack file being written, streamed from nf_conntrack_state_save_stream: opened at the
 * first megabyte (a smaller table stays in the state), header last. */
struct ct_file_wr {
	struct nfemu_state *st;
	u64 id;
	int fd;
	u64 len;
	u32 crc;
	const char *what;               /* what failed */
};

static int ct_file_flush(void *ctx, const unsigned char *p, size_t n)
{
	struct ct_file_wr *w = ctx;
	unsigned char hdr[NFEMU_CT_FILE_HDRLEN] = { 0 };
	char *name;
	int ret;

	if (w->fd < 0) {
		w->what = "create";
		name = state_ct_file_name(w->st->path, w->id);
		if (!name)
			return -ENOMEM;
		w->fd = open(name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
		free(name);
		if (w->fd < 0)
			return -errno;
		w->what = "write";
		ret = nfemu_write_all(w->fd, hdr, sizeof(hdr));     /* filled in at the end */
		if (ret)
			return ret;
	}
	w->what = "write";
	ret = nfemu_write_all(w->fd, p, n);
	if (ret)
		return ret;
	w->crc = crc32_ieee_update(w->crc, p, n);
	w->len += n;
	return 0;
}

/* The rest, the header, fsync. */
static int ct_file_finish(struct ct_file_wr *w, const unsigned char *rest, size_t n)
{
	unsigned char hdr[NFEMU_CT_FILE_HDRLEN];
	u32 version = NFEMU_CT_FILE_VERSION;
	int ret = n ? ct_file_flush(w, rest, n) : 0;

	if (ret)
		return ret;
	memcpy(hdr, NFEMU_CT_FILE_MAGIC, 8);
	memcpy(hdr + 8, &version, 4);
	memcpy(hdr + 12, &w->crc, 4);
	memcpy(hdr + 16, &w->len, 8);
	w->what = "write";
	if (pwrite(w->fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return errno ? -errno : -EIO;
	w->what = "fsync";
	if (fsync(w->fd) < 0)
		return -errno;
	w->what = "close";
	ret = close(w->fd) < 0 ? -errno : 0;
	w->fd = -1;
	return ret;
}

/* Do two conntrack files hold the same table?  Only asked when their lengths and checksums
 * agree. */
static bool state_ct_files_same(const struct nfemu_state *st, const struct state_ct_ref *a,
				const struct state_ct_ref *b)
{
	/* the bytes are compared: no checksum pass first */
	struct state_ct_feed fa = { .path = st->path, .fd = st->ct_fd, .trusted = true },
			     fb = { .path = st->path, .fd = -1, .trusted = true };
	struct ct_file_rd ra, rb;
	bool same = false;

	if (ct_file_open(&fa, a, &ra, NULL, 0))
		return false;
	if (!ct_file_open(&fb, b, &rb, NULL, 0)) {
		same = true;
		for (u64 off = 0; same && off < a->len; ) {
			size_t n = a->len - off < STATE_CT_WINDOW ? (size_t)(a->len - off) : STATE_CT_WINDOW;

			same = !ct_file_pread(ra.fd, ra.win, n, NFEMU_CT_FILE_HDRLEN + off) &&
			       !ct_file_pread(rb.fd, rb.win, n, NFEMU_CT_FILE_HDRLEN + off) &&
			       !memcmp(ra.win, rb.win, n);
			off += n;
		}
		ct_file_close(&rb);
	}
	ct_file_close(&ra);
	return same;
}

static int state_commit(struct nfemu_state *st, struct net *net, bool last, char *err, size_t errlen)
{
	struct ct_file_wr w = { .st = st, .fd = -1 };
	struct state_ct_ref ref = { 0 };
	unsigned char *buf = NULL, *ct_payload = NULL;
	const unsigned char *ct_sec = NULL;
	size_t len, ct_len = 0, ct_seclen = 0;
	bool new_file = false, had_file = st->ct_file;
	u64 old_id = st->ct_id;
	u32 ct_type = 0;
	int ret = 0;

	/* The conntrack table: left as it was read (lazy), else read from the kernel; a large one
	 * goes to a conntrack file of its own, a new one only when the table changed. */
	if (st->ct_lazy && st->ct_file) {
		ref = (struct state_ct_ref){ .id = st->ct_id, .len = st->ct_flen, .crc = st->ct_crc };
		ct_type = NFEMU_SEC_CONNTRACK_FILE;
	} else if (st->ct_lazy) {
		ct_type = NFEMU_SEC_CONNTRACK;
		ct_sec = st->image + st->ct_off;
		ct_seclen = st->ct_len;
	} else if (net->ct.ready) {
		w.id = had_file ? st->ct_id + 1 : 1;
		ret = nf_conntrack_state_save_stream(net, ct_file_flush, &w, &ct_payload, &ct_len);
		if (!ret && w.fd >= 0) {
			ret = ct_file_finish(&w, ct_payload, ct_len);
			free(ct_payload);
			ct_payload = NULL;
			ref = (struct state_ct_ref){ .id = w.id, .len = w.len, .crc = w.crc };
			ct_type = NFEMU_SEC_CONNTRACK_FILE;
			new_file = true;
			if (!ret && had_file && ref.len == st->ct_flen && ref.crc == st->ct_crc) {
				const struct state_ct_ref old = { .id = old_id, .len = st->ct_flen,
								  .crc = st->ct_crc };

				if (state_ct_files_same(st, &old, &ref)) {
					state_remove_ct_file(st, ref.id);
					ref.id = old_id;
					new_file = false;
				}
			}
		} else if (!ret && ct_len) {
			ct_type = NFEMU_SEC_CONNTRACK;
			ct_sec = ct_payload;
			ct_seclen = ct_len;
		}
		if (ret) {
			if (w.fd >= 0)
				close(w.fd);
			if (w.what) {
				char *name = state_ct_file_name(st->path, w.id);

				nfemu_errf(err, errlen, "%s: cannot %s its conntrack file %s: %s", st->path,
					   w.what, name ? name : "?", strerror(-ret));
				free(name);
				state_remove_ct_file(st, w.id);
				free(ct_payload);
				return ret;
			}
		}
	}
	if (ct_type == NFEMU_SEC_CONNTRACK_FILE) {
		ct_sec = (const unsigned char *)&ref;
		ct_seclen = sizeof(ref);
	}
	if (!ret)
		ret = state_serialize(net, ct_type, ct_sec, ct_seclen, &buf, &len);
	free(ct_payload);
	if (ret) {
		nfemu_errf(err, errlen, "%s: cannot serialize the kernel: %s", st->path,
			   strerror(-ret));
		goto fail;
	}
	/* Nothing changed (a listing, a revision query): leave the file alone. */
	if (st->existed && len == st->image_len && !memcmp(buf, st->image, len)) {
		free(buf);
		st->gen = net->emu_gen;
		return 0;
	}
	if (st->lock_fd < 0) {
		nfemu_errf(err, errlen, "%s: not locked (no write access to its lock file): "
			   "refusing to write", st->path);
		ret = -EACCES;
		goto fail;
	}
	/* The kernel's last commit: its table is in the new file now, and checking the file
	 * builds the table again; not two at once. */
	if (last && new_file)
		nf_conntrack_flush(net);
	/* Counters alone cannot make an image unloadable: verify what changed rules or modules,
	 * or a connection table this process loaded (and may have changed). */
	if (net->emu_gen_rules != st->gen_rules || !st->existed || new_file ||
	    (net->ct.ready && !st->ct_lazy && ct_type == NFEMU_SEC_CONNTRACK))
		ret = nfemu_state_verify(st, buf, len, st->ct_lazy ||
					 (ct_type == NFEMU_SEC_CONNTRACK_FILE && !new_file), err, errlen);
	if (!ret)
		ret = nfemu_state_write(st, buf, len, err, errlen);
	if (ret)
		goto fail;
	free(st->image);
	st->image = buf;
	st->image_len = len;
	st->existed = true;
	st->gen = net->emu_gen;
	st->gen_rules = net->emu_gen_rules;
	state_note_identity(st);
	/* the table's old file, once no state names it (and any a killed writer left) */
	if (new_file || (had_file && !(ct_type == NFEMU_SEC_CONNTRACK_FILE && ref.id == old_id))) {
		state_remove_other_ct_files(st, ct_type == NFEMU_SEC_CONNTRACK_FILE ? ref.id : 0);
		if (st->ct_fd >= 0 && ref.id != old_id)
			close(st->ct_fd);
		if (ref.id != old_id)
			st->ct_fd = -1;
	}
	st->ct_file = ct_type == NFEMU_SEC_CONNTRACK_FILE && net->ct.ready;
	st->ct_id = st->ct_file ? ref.id : 0;
	st->ct_flen = st->ct_file ? ref.len : 0;
	st->ct_crc = st->ct_file ? ref.crc : 0;
	if (st->ct_lazy && !st->ct_file) {      /* where the section landed in the new image */
		state_find_section(buf, len, NFEMU_SEC_CONNTRACK, &st->ct_off, &st->ct_len);
		st->ct_lazy = st->ct_off != 0;
	} else if (st->ct_lazy) {
		st->ct_lazy = st->ct_file;
	}
	return 0;
fail:
	if (new_file)
		state_remove_ct_file(st, ref.id);
	free(buf);
	return ret;
}

int nfemu_state_commit(struct nfemu_state *st, struct net *net, char *err, size_t errlen)
{
	return state_commit(st, net, false, err, errlen);
}

int nfemu_state_commit_last(struct nfemu_state *st, struct net *net, char *err, size_t errlen)
{
	return state_commit(st, net, true, err, errlen);
}

int nfemu_state_commit_if_changed(struct nfemu_state *st, struct net *net, char *err, size_t errlen)
{
	if (net->emu_gen == st->gen)
		return 0;
	return nfemu_state_commit(st, net, err, errlen);
}

int nfemu_state_load_conntrack(struct nfemu_state *st, struct net *net, char *err, size_t errlen)
{
	const struct state_ct_feed feed = { .path = st->path, .fd = st->ct_fd };
	struct state_ct_loc loc = { .off = st->ct_off, .len = (u32)st->ct_len };
	char sub[512] = "";
	int ret;

	if (!st->ct_lazy)
		return 0;
	st->ct_lazy = false;
	if (!net->ct.ready)
		return 0;
	loc.type = st->ct_file ? NFEMU_SEC_CONNTRACK_FILE : NFEMU_SEC_CONNTRACK;
	loc.ref = (struct state_ct_ref){ .id = st->ct_id, .len = st->ct_flen, .crc = st->ct_crc };
	ret = state_load_ct(net, st->image, &loc, &feed, sub, sizeof(sub));
	if (ret)
		nfemu_errf(err, errlen, "%s: %s", st->path, sub);
	return ret;
}

void nfemu_state_close(struct nfemu_state *st)
{
	if (st->lock_fd >= 0)
		close(st->lock_fd);     /* drops the flock */
	st->lock_fd = -1;
	if (st->ct_fd >= 0)
		close(st->ct_fd);
	st->ct_fd = -1;
	free(st->path);
	st->path = NULL;
	free(st->image);
	st->image = NULL;
	st->image_len = 0;
}
