/* emu/names.c - EMU: the names the replay's outputs print, made once and kept.
 * No kernel counterpart.  The kernel reports a drop's rule in binary (table, hook, entry
 * offset: skb->emu_verdict); the first time a rule decides, its name is worked out as TRACE
 * does (ipt_verdict_location) and kept, so a capture of a million drops by one rule formats
 * one name.  Every name is interned: equal names are one pointer, which is what the summary's
 * counts compare.  Two open-addressing tables (linear probing, grown at half full): strings
 * by content, and binary keys to their names.  A rule's name is kept per xt_table_info (the
 * rules do not change while a capture is replayed).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "emu/output_int.h"
#include "lib/fmt.h"
#include "xtables/ip_tables.h"
#include "netstack/skbuff.h"

struct name_key {
	const void *a;                  /* NULL: an empty slot */
	u64 b;
	const char *name;
};

struct out_names {
	const char **str;               /* interned strings */
	size_t nstr, capstr;
	struct name_key *key;
	size_t nkey, capkey;
};

static u32 hash_bytes(const char *s, size_t n)       /* FNV-1a */
{
	u32 h = 2166136261u;

	while (n--)
		h = (h ^ (u8)*s++) * 16777619u;
	return h;
}

static u32 hash_key(const void *a, u64 b)
{
	u64 x = (u64)(uintptr_t)a ^ (b * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (u32)(x ^ (x >> 32));
}

int out_names_new(struct out_names **np)
{
	struct out_names *n = calloc(1, sizeof(*n));

	if (!n || !(n->str = calloc(64, sizeof(*n->str))) || !(n->key = calloc(64, sizeof(*n->key)))) {
		if (n)
			free(n->str);
		free(n);
		return -ENOMEM;
	}
	n->capstr = n->capkey = 64;
	*np = n;
	return 0;
}

void out_names_free(struct out_names *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->capstr; i++)
		free((char *)n->str[i]);
	free(n->str);
	free(n->key);
	free(n);
}

static int str_grow(struct out_names *n)
{
	size_t cap = n->capstr * 2;
	const char **v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n->capstr; i++) {
		const char *s = n->str[i];
		size_t j;

		if (!s)
			continue;
		for (j = hash_bytes(s, strlen(s)) & (cap - 1); v[j]; j = (j + 1) & (cap - 1))
			;
		v[j] = s;
	}
	free(n->str);
	n->str = v;
	n->capstr = cap;
	return 0;
}

const char *out_intern(struct out_names *n, const char *s, size_t len)
{
	size_t j;
	char *c;

	if (2 * (n->nstr + 1) > n->capstr && str_grow(n))
		return NULL;
	for (j = hash_bytes(s, len) & (n->capstr - 1); n->str[j]; j = (j + 1) & (n->capstr - 1))
		if (!strncmp(n->str[j], s, len) && n->str[j][len] == '\0')
			return n->str[j];
	c = malloc(len + 1);
	if (!c)
		return NULL;
	memcpy(c, s, len);
	c[len] = '\0';
	n->str[j] = c;
	n->nstr++;
	return c;
}

static const char **key_slot(struct out_names *n, const void *a, u64 b)
{
	size_t j;

	if (2 * (n->nkey + 1) > n->capkey) {
		size_t cap = n->capkey * 2;
		struct name_key *v = calloc(cap, sizeof(*v));

		if (!v)
			return NULL;
		for (size_t i = 0; i < n->capkey; i++) {
			if (!n->key[i].a)
				continue;
			for (j = hash_key(n->key[i].a, n->key[i].b) & (cap - 1); v[j].a; j = (j + 1) & (cap - 1))
				;
			v[j] = n->key[i];
		}
		free(n->key);
		n->key = v;
		n->capkey = cap;
	}
	for (j = hash_key(a, b) & (n->capkey - 1); n->key[j].a; j = (j + 1) & (n->capkey - 1))
		if (n->key[j].a == a && n->key[j].b == b)
			return &n->key[j].name;
	n->key[j].a = a;
	n->key[j].b = b;
	n->key[j].name = NULL;
	n->nkey++;
	return &n->key[j].name;
}

/* TRACE says "policy" for any unconditional ACCEPT/DROP/RETURN in a built-in chain and
 * "return" for one in a user chain; nfemu's own text keeps those words for the chain's
 * policy and the RETURN closing a user chain, and calls every other entry a rule (numbered
 * as TRACE numbers it). */
static const char *rule_word(const struct nfemu_verdict *v, const char *comment)
{
	bool policy, chain_end;
	const char *target;
	const void *info;

	if (strcmp(comment, "policy") && strcmp(comment, "return"))
		return comment;
	ipt_verdict_entry(v->private, v->hook, v->offset, &policy, &chain_end, &target, &info);
	if (!strcmp(comment, "policy"))
		return policy ? comment : "rule";
	return chain_end ? comment : "rule";
}

const char *out_verdict_reject(const struct nfemu_verdict *v)
{
	static const char *const with[] = {    /* enum ipt_reject_with, as iptables words it */
		"icmp-net-unreachable", "icmp-host-unreachable", "icmp-proto-unreachable",
		"icmp-port-unreachable", "echo-reply", "icmp-net-prohibited",
		"icmp-host-prohibited", "tcp-reset", "icmp-admin-prohibited",
	};
	bool policy, chain_end;
	const char *target;
	const void *info;
	unsigned int w;

	if (!v || v->kind != NFEMU_VERDICT_RULE || v->why != NFEMU_VERDICT_BY_TARGET)
		return NULL;
	ipt_verdict_entry(v->private, v->hook, v->offset, &policy, &chain_end, &target, &info);
	if (strcmp(target, "REJECT"))
		return NULL;
	memcpy(&w, info, sizeof(w));   /* struct ipt_reject_info: .with first */
	return w < ARRAY_SIZE(with) ? with[w] : "reject";
}

/* "%s:%s:%s:%u", and why: " (hotdrop)", " (jumpstack overflow)" */
static const char *rule_name(struct out_names *n, const struct nfemu_verdict *v)
{
	const char *chain, *comment;
	unsigned int rulenum;
	char buf[XT_TABLE_MAXNAMELEN * 2 + 64], *p;

	ipt_verdict_location(v->private, v->hook, v->offset, &chain, &comment, &rulenum);
	comment = rule_word(v, comment);
	p = fmt_str(buf, v->table);
	*p++ = ':';
	p = fmt_str(p, chain);
	*p++ = ':';
	p = fmt_str(p, comment);
	*p++ = ':';
	p = fmt_u32(p, rulenum);
	if (v->why == NFEMU_VERDICT_HOTDROP)
		p = fmt_lit(p, " (hotdrop)");
	else if (v->why == NFEMU_VERDICT_JUMPSTACK)
		p = fmt_lit(p, " (jumpstack overflow)");
	return out_intern(n, buf, (size_t)(p - buf));
}

const char *out_verdict_name(struct out_names *n, const struct nfemu_verdict *v)
{
	const char **slot;

	if (!v)
		return NULL;
	switch (v->kind) {
	case NFEMU_VERDICT_RULE:
		/* cost: one lookup; the chain walk once per rule, table generation and hook */
		slot = key_slot(n, v->private, (u64)v->offset << 16 | (u64)v->hook << 8 | v->why);
		if (!slot)
			return NULL;
		if (!*slot)
			*slot = rule_name(n, v);
		return *slot;
	case NFEMU_VERDICT_FUNC:
		if (!v->func)
			return NULL;
		slot = key_slot(n, v->func, 0x66756e63);
		if (slot && !*slot)
			*slot = out_intern(n, v->func, strlen(v->func));
		return slot ? *slot : NULL;
	default:
		return NULL;
	}
}

const char *out_stack_drop_name(struct out_names *n, const char *reason, const char *where)
{
	const char **slot = key_slot(n, reason, (u64)(uintptr_t)where);
	char buf[256], *p;

	if (!slot)
		return NULL;
	if (*slot)
		return *slot;
	p = fmt_str(buf, reason);
	if (where) {
		p = fmt_lit(p, " (");
		p = fmt_str(p, where);
		*p++ = ')';
	}
	return *slot = out_intern(n, buf, (size_t)(p - buf));
}

const char *out_dev_name(struct out_names *n, const void *dev, const char *name)
{
	const char **slot = key_slot(n, dev, 0x64657600);

	if (!slot)
		return NULL;
	if (!*slot || strcmp(*slot, name))      /* a device renamed, or another at its address */
		*slot = out_intern(n, name, strlen(name));
	return *slot;
}

const char *out_sock_name(struct out_names *n, const struct sock *sk)
{
	const struct sock *l = sk->rsk_listener ? sk->rsk_listener : sk;
	char buf[64], *p = fmt_lit(buf, "to ");

	p = fmt_str(p, l->sk_protocol == IPPROTO_TCP ? "tcp " : "udp ");
	p = fmt_ip4(p, &l->sk_rcv_saddr);
	*p++ = ':';
	p = fmt_u32(p, l->sk_num);
	return out_intern(n, buf, (size_t)(p - buf));
}
