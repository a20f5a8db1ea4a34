/* tests/unit/blob.c - build struct ipt_replace blobs in tests (see blob.h).
 *
 * The layout is libiptc's (libiptc.c TC_COMMIT): what the real iptables sends with
 * IPT_SO_SET_REPLACE.  Allocation failures abort: this is test code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/unit/blob.h"

#define BLOB_MAX_CHAINS 32
#define BLOB_MAX_JUMPS 64

struct blob {
	unsigned char *buf;
	size_t size, cap;
	long cur;                       /* offset of the entry being built, -1 if none */
	long last;                      /* offset of the last entry */
	unsigned int num_entries;
	unsigned int valid_hooks;
	int open_hook;                  /* blob_open_hook's hook, -1 if none */
	unsigned int next_hook;         /* blob_open_hook: hooks below this are done */
	struct { char name[XT_FUNCTION_MAXNAMELEN]; size_t off; } chain[BLOB_MAX_CHAINS];
	unsigned int nchains;
	struct { char name[XT_FUNCTION_MAXNAMELEN]; size_t verdict_off; } jump[BLOB_MAX_JUMPS];
	unsigned int njumps;
	/* last: struct ipt_replace ends in the flexible entries[] (only its header is used) */
	struct ipt_replace head;
};

static void *xzalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (!p)
		abort();
	return p;
}

static void *grow(struct blob *b, size_t n)
{
	void *p;

	if (b->size + n > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;

		while (cap < b->size + n)
			cap *= 2;
		b->buf = realloc(b->buf, cap);
		if (!b->buf)
			abort();
		b->cap = cap;
	}
	p = b->buf + b->size;
	memset(p, 0, n);
	b->size += n;
	return p;
}

static void need_rule(struct blob *b)
{
	if (b->cur < 0) {
		fprintf(stderr, "blob: no open rule\n");
		abort();
	}
}

/* Entry header fields through memcpy: after blob_pad() an entry may sit misaligned. */
static unsigned int entry_u16(struct blob *b, long off, size_t field)
{
	uint16_t v;

	memcpy(&v, b->buf + off + field, sizeof(v));
	return v;
}

static void entry_add_u16(struct blob *b, long off, size_t field, unsigned int add)
{
	uint16_t v = entry_u16(b, off, field) + add;

	memcpy(b->buf + off + field, &v, sizeof(v));
}

struct blob *blob_begin(const char *table, unsigned int valid_hooks)
{
	struct blob *b = xzalloc(sizeof(*b));

	b->cur = -1;
	b->last = -1;
	b->open_hook = -1;
	b->valid_hooks = valid_hooks;
	snprintf(b->head.name, sizeof(b->head.name), "%s", table);
	b->head.valid_hooks = valid_hooks;
	return b;
}

unsigned int blob_rule(struct blob *b, const struct ipt_ip *ip)
{
	struct ipt_entry e = { .target_offset = sizeof(e), .next_offset = sizeof(e) };

	if (b->cur >= 0) {
		fprintf(stderr, "blob: rule without a target\n");
		abort();
	}
	if (ip)
		e.ip = *ip;
	b->cur = b->size;
	memcpy(grow(b, sizeof(e)), &e, sizeof(e));
	return b->num_entries;
}

void blob_match(struct blob *b, const char *name, uint8_t rev, const void *data, size_t size)
{
	size_t msize = XT_ALIGN(sizeof(struct xt_entry_match) + size);
	struct xt_entry_match m = { .u.user.match_size = msize, .u.user.revision = rev };
	unsigned char *p;

	need_rule(b);
	snprintf(m.u.user.name, sizeof(m.u.user.name), "%s", name);
	p = grow(b, msize);
	memcpy(p, &m, sizeof(m));
	if (size)
		memcpy(p + sizeof(m), data, size);
	entry_add_u16(b, b->cur, offsetof(struct ipt_entry, target_offset), msize);
	entry_add_u16(b, b->cur, offsetof(struct ipt_entry, next_offset), msize);
}

void blob_target(struct blob *b, const char *name, uint8_t rev, const void *data, size_t size)
{
	size_t tsize = XT_ALIGN(sizeof(struct xt_entry_target) + size);
	struct xt_entry_target t = { .u.user.target_size = tsize, .u.user.revision = rev };
	unsigned char *p;

	need_rule(b);
	snprintf(t.u.user.name, sizeof(t.u.user.name), "%s", name);
	p = grow(b, tsize);
	memcpy(p, &t, sizeof(t));
	if (size)
		memcpy(p + sizeof(t), data, size);
	entry_add_u16(b, b->cur, offsetof(struct ipt_entry, next_offset), tsize);
	b->last = b->cur;
	b->cur = -1;
	b->num_entries++;
}

void blob_verdict(struct blob *b, int verdict)
{
	blob_target(b, XT_STANDARD_TARGET, 0, &verdict, sizeof(verdict));
}

void blob_jump(struct blob *b, const char *chain)
{
	size_t verdict_off;

	if (b->njumps == BLOB_MAX_JUMPS)
		abort();
	need_rule(b);
	verdict_off = b->cur + entry_u16(b, b->cur, offsetof(struct ipt_entry, target_offset)) +
		      offsetof(struct xt_standard_target, verdict);
	snprintf(b->jump[b->njumps].name, sizeof(b->jump[0].name), "%s", chain);
	b->jump[b->njumps++].verdict_off = verdict_off;
	blob_verdict(b, 0);
}

void blob_fallthrough(struct blob *b)
{
	need_rule(b);
	blob_verdict(b, b->cur + entry_u16(b, b->cur, offsetof(struct ipt_entry, target_offset)) +
		     XT_ALIGN(sizeof(struct xt_standard_target)));
}

void blob_pad(struct blob *b, unsigned int n)
{
	if (b->last < 0)
		abort();
	grow(b, n);
	entry_add_u16(b, b->last, offsetof(struct ipt_entry, next_offset), n);
}

void blob_hook(struct blob *b, unsigned int hook)
{
	b->head.hook_entry[hook] = b->size;
	if (b->next_hook < hook + 1)
		b->next_hook = hook + 1;        /* blob_open_hook/close_hooks skip it */
}

void blob_policy(struct blob *b, unsigned int hook, int nf_verdict)
{
	b->head.underflow[hook] = b->size;
	blob_rule(b, NULL);
	blob_verdict(b, -nf_verdict - 1);
}

void blob_open_hook(struct blob *b, unsigned int hook)
{
	for (unsigned int h = b->next_hook; h < hook; h++) {
		if (!(b->valid_hooks & (1u << h)))
			continue;
		blob_hook(b, h);
		blob_policy(b, h, NF_ACCEPT);
	}
	blob_hook(b, hook);
	b->open_hook = hook;
	b->next_hook = hook + 1;
}

void blob_close_hooks(struct blob *b)
{
	if (b->open_hook >= 0)
		blob_policy(b, b->open_hook, NF_ACCEPT);
	b->open_hook = -1;
	for (unsigned int h = b->next_hook; h < NF_INET_NUMHOOKS; h++) {
		if (!(b->valid_hooks & (1u << h)))
			continue;
		blob_hook(b, h);
		blob_policy(b, h, NF_ACCEPT);
	}
	b->next_hook = NF_INET_NUMHOOKS;
}

static void error_entry(struct blob *b, const char *name)
{
	char errorname[XT_FUNCTION_MAXNAMELEN] = "";

	snprintf(errorname, sizeof(errorname), "%s", name);
	blob_rule(b, NULL);
	blob_target(b, XT_ERROR_TARGET, 0, errorname, sizeof(errorname));
}

void blob_chain(struct blob *b, const char *name)
{
	if (b->nchains == BLOB_MAX_CHAINS)
		abort();
	snprintf(b->chain[b->nchains].name, sizeof(b->chain[0].name), "%s", name);
	b->chain[b->nchains++].off = b->size;
	error_entry(b, name);
}

void blob_return(struct blob *b)
{
	blob_rule(b, NULL);
	blob_verdict(b, XT_RETURN);
}

struct ipt_replace *blob_end(struct blob *b, unsigned int *len)
{
	struct ipt_replace *r;

	for (unsigned int j = 0; j < b->njumps; j++) {
		unsigned int c;
		int verdict;

		for (c = 0; c < b->nchains; c++)
			if (strcmp(b->chain[c].name, b->jump[j].name) == 0)
				break;
		if (c == b->nchains) {
			fprintf(stderr, "blob: jump to unknown chain %s\n", b->jump[j].name);
			abort();
		}
		/* The first rule of the chain: right after its ERROR head entry. */
		verdict = b->chain[c].off + entry_u16(b, b->chain[c].off, offsetof(struct ipt_entry, next_offset));
		memcpy(b->buf + b->jump[j].verdict_off, &verdict, sizeof(verdict));
	}
	b->head.num_entries = b->num_entries;
	b->head.size = b->size;
	r = xzalloc(sizeof(*r) + b->size);
	*r = b->head;
	if (b->size)
		memcpy(r->entries, b->buf, b->size);
	*len = sizeof(*r) + b->size;
	free(b->buf);
	free(b);
	return r;
}

struct ipt_replace *blob_error_end(struct blob *b, unsigned int *len)
{
	error_entry(b, "ERROR");
	return blob_end(b, len);
}

struct ipt_replace *blob_initial(const char *table, unsigned int valid_hooks, unsigned int *len)
{
	struct blob *b = blob_begin(table, valid_hooks);

	blob_close_hooks(b);
	return blob_error_end(b, len);
}

unsigned int blob_offset(void *entries, unsigned int size, unsigned int idx)
{
	unsigned int off = 0;

	while (idx-- > 0) {
		off += ((struct ipt_entry *)((char *)entries + off))->next_offset;
		if (off >= size) {
			fprintf(stderr, "blob: no such entry\n");
			abort();
		}
	}
	return off;
}

struct ipt_entry *blob_entry(void *entries, unsigned int size, unsigned int idx)
{
	return (struct ipt_entry *)((char *)entries + blob_offset(entries, size, idx));
}

unsigned int blob_count(void *entries, unsigned int size)
{
	unsigned int off = 0, n = 0;

	while (off < size) {
		unsigned int next = ((struct ipt_entry *)((char *)entries + off))->next_offset;

		if (next == 0)
			break;
		off += next;
		n++;
	}
	return n;
}

struct xt_entry_match *blob_entry_match(struct ipt_entry *e, unsigned int n)
{
	unsigned int off = sizeof(*e);

	while (n-- > 0)
		off += ((struct xt_entry_match *)((char *)e + off))->u.match_size;
	return (struct xt_entry_match *)((char *)e + off);
}

struct xt_entry_target *blob_entry_target(struct ipt_entry *e)
{
	return (struct xt_entry_target *)((char *)e + e->target_offset);
}
