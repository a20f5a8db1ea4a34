/* xtables/xt_rtstate.c - EMU: extensions' run-time state in the state file.
 *
 * No kernel counterpart (a real kernel keeps it in memory).  Payload (host byte order):
 *   u32 version (1)
 *   u8 flags (RTS_CLOCK, RTS_RANDOM); [u64 now_ns, u64 boot_ns]; [u64 rnd_state[4]]
 *   u32 nobj, nobj x { u8 n; char module[n]; u32 len; u8 data[len] }   (module_info.rt_save)
 *   u32 nrule, nrule x { u8 n; char table[n]; u32 entry offset; u8 kind (0 match, 1 target);
 *                        u8 index (of the match in its entry); u8 n; char name[n]; u8 revision;
 *                        u32 len; u8 data[len] }                       (xt_match.emu_rt_save)
 * A rule is found again by its table and the offset of its ipt_entry, which GET_ENTRIES and
 * SET_REPLACE keep (the rules were loaded from the same image), and checked by the name and
 * revision of its extension.  Records are loaded after the modules and tables, so every rule
 * has been made by its checkentry and every per-net object a rule names exists.
 */
#include <stdio.h>
#include <stdarg.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "kernel/rtstate.h"
#include "xtables/ip_tables.h"
#include "xtables/x_tables.h"
#include "xtables/xt_rtstate.h"

#define RTS_VERSION 1u
#define RTS_CLOCK 0x1u
#define RTS_RANDOM 0x2u

static void rts_put_name(struct rts_w *w, const char *name)
{
	u8 n = (u8)strlen(name);

	RTS_PUT(w, n);
	rts_put(w, name, n);
}

/* Frame one record: the caller's save appends the payload after a length filled in here. */
static size_t rts_begin(struct rts_w *w)
{
	u32 zero = 0;
	size_t at = w->len;

	RTS_PUT(w, zero);
	return at;
}

static void rts_end(struct rts_w *w, size_t at)
{
	u32 len;

	if (w->err)
		return;
	len = (u32)(w->len - at - sizeof(len));
	memcpy(w->buf + at, &len, sizeof(len));
}

/* Every match and target of every rule with run-time state; *count counts the records. */
static void rts_save_rules(struct net *net, struct rts_w *w, u32 *count)
{
	struct xt_table *t;

	list_for_each_entry_reverse(t, &net->xt.tables[NFPROTO_IPV4], list) {
		const struct xt_table_info *priv = t->private;
		unsigned int off;

		for (off = 0; off < priv->size;) {
			const struct ipt_entry *e = (const void *)(priv->entries + off);
			const struct xt_entry_match *m;
			const struct xt_entry_target *tg = ipt_get_target((struct ipt_entry *)e);
			unsigned int moff;
			u8 idx = 0;

			for (moff = sizeof(*e); moff < e->target_offset; moff += m->u.match_size, idx++) {
				const struct xt_match *mt;
				size_t at;
				u8 kind = 0, rev;

				m = (const void *)((const char *)e + moff);
				mt = m->u.kernel.match;
				if (!mt->emu_rt_save)
					continue;
				rts_put_name(w, t->name);
				RTS_PUT(w, off);
				RTS_PUT(w, kind);
				RTS_PUT(w, idx);
				rts_put_name(w, mt->name);
				rev = mt->revision;
				RTS_PUT(w, rev);
				at = rts_begin(w);
				mt->emu_rt_save(m->data, w);
				rts_end(w, at);
				(*count)++;
			}
			if (tg->u.kernel.target->emu_rt_save) {
				const struct xt_target *target = tg->u.kernel.target;
				size_t at;
				u8 kind = 1, rev = target->revision;

				idx = 0;
				rts_put_name(w, t->name);
				RTS_PUT(w, off);
				RTS_PUT(w, kind);
				RTS_PUT(w, idx);
				rts_put_name(w, target->name);
				RTS_PUT(w, rev);
				at = rts_begin(w);
				target->emu_rt_save(tg->data, w);
				rts_end(w, at);
				(*count)++;
			}
			off += e->next_offset;
		}
	}
}

int nfemu_rtstate_save(struct net *net, unsigned char **bufp, size_t *lenp)
{
	struct rts_w w = {};
	struct module *mod;
	u32 version = RTS_VERSION, count = 0;
	size_t count_at;
	u8 flags = 0;

	if (net->clock.boot_ns)
		flags |= RTS_CLOCK;
	if (net->rnd_in_use)
		flags |= RTS_RANDOM;
	RTS_PUT(&w, version);
	RTS_PUT(&w, flags);
	if (flags & RTS_CLOCK) {
		RTS_PUT(&w, net->clock.now_ns);
		RTS_PUT(&w, net->clock.boot_ns);
	}
	if (flags & RTS_RANDOM)
		RTS_PUT(&w, net->rnd_state);

	count_at = w.len;
	RTS_PUT(&w, count);
	/* oldest module first, as the module section loads them */
	list_for_each_entry_reverse(mod, &net->modules, list) {
		size_t at, start;

		if (mod->state != MODULE_STATE_LIVE || !mod->info->rt_save)
			continue;
		start = w.len;
		rts_put_name(&w, mod->name);
		at = rts_begin(&w);
		mod->info->rt_save(net, &w);
		if (!w.err && w.len == at + sizeof(u32)) {
			w.len = start;          /* nothing to keep */
			continue;
		}
		rts_end(&w, at);
		count++;
	}
	if (!w.err)
		memcpy(w.buf + count_at, &count, sizeof(count));

	count = 0;
	count_at = w.len;
	RTS_PUT(&w, count);
	rts_save_rules(net, &w, &count);
	if (w.err) {
		free(w.buf);
		return w.err;
	}
	memcpy(w.buf + count_at, &count, sizeof(count));
	*bufp = w.buf;
	*lenp = w.len;
	return 0;
}

/* ------------------------------------------------------------------------------------------ */

static int rts_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int rts_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool rts_get_name(struct rts_r *r, char *name, size_t size)
{
	u8 n;

	if (!RTS_GET(r, n))
		return false;
	if (n == 0 || n >= size) {
		rts_bad(r, "bad name length");
		return false;
	}
	if (!rts_get(r, name, n))
		return false;
	name[n] = '\0';
	if (strlen(name) != n) {
		rts_bad(r, "NUL in a name");
		return false;
	}
	return true;
}

/* The payload of a record: a reader over its len bytes, which the outer reader skips. */
static bool rts_get_payload(struct rts_r *r, struct rts_r *sub)
{
	u32 len;

	if (!RTS_GET(r, len))
		return false;
	if (r->len - r->off < len) {
		rts_bad(r, "record runs past the end");
		return false;
	}
	*sub = (struct rts_r){ .buf = r->buf + r->off, .len = len };
	r->off += len;
	return true;
}

/* The match (kind 0, index-th of the entry) or target (kind 1) of the entry at off. */
static void *rts_find_ext(struct xt_table *t, u32 off, u8 kind, u8 index, const char *name, u8 rev,
			  int (**load)(struct net *, void *, struct rts_r *), const char **why)
{
	const struct xt_table_info *priv = t->private;
	unsigned int pos;
	struct ipt_entry *e = NULL;

	for (pos = 0; pos < priv->size; pos += e->next_offset) {
		e = (void *)(priv->entries + pos);
		if (pos >= off)
			break;
	}
	if (pos != off || pos >= priv->size) {
		*why = "no rule at that offset";
		return NULL;
	}
	if (kind == 1) {
		struct xt_entry_target *tg = ipt_get_target(e);
		const struct xt_target *target = tg->u.kernel.target;

		if (strcmp(target->name, name) || target->revision != rev || !target->emu_rt_load) {
			*why = "the rule at that offset has another target";
			return NULL;
		}
		*load = target->emu_rt_load;
		return tg->data;
	}
	for (unsigned int moff = sizeof(*e), i = 0; moff < e->target_offset; i++) {
		struct xt_entry_match *m = (void *)((char *)e + moff);
		const struct xt_match *mt = m->u.kernel.match;

		if (i == index) {
			if (strcmp(mt->name, name) || mt->revision != rev || !mt->emu_rt_load)
				break;
			*load = mt->emu_rt_load;
			return m->data;
		}
		moff += m->u.match_size;
	}
	*why = "the rule at that offset has another match there";
	return NULL;
}

int nfemu_rtstate_load(struct net *net, const unsigned char *buf, size_t len, char *err,
		       size_t errlen)
{
	struct rts_r r = { .buf = buf, .len = len };
	u32 version, count;
	u8 flags;

	if (!RTS_GET(&r, version) || !RTS_GET(&r, flags))
		return rts_err(err, errlen, "byte %zu: truncated header", r.off);
	if (version != RTS_VERSION)
		return rts_err(err, errlen, "byte 0: format version %u, this nfemu reads version %u",
			       version, RTS_VERSION);
	if (flags & ~(RTS_CLOCK | RTS_RANDOM))
		return rts_err(err, errlen, "byte 4: unknown flags 0x%x", flags);
	if (flags & RTS_CLOCK) {
		u64 now_ns, boot_ns;

		if (!RTS_GET(&r, now_ns) || !RTS_GET(&r, boot_ns))
			return rts_err(err, errlen, "byte %zu: truncated clock", r.off);
		if (!boot_ns || boot_ns > now_ns)
			return rts_err(err, errlen, "byte %zu: clock: boot time after the current time",
				       r.off - 16);
		net->clock.now_ns = now_ns;
		net->clock.boot_ns = boot_ns;
	}
	if (flags & RTS_RANDOM) {
		if (!RTS_GET(&r, net->rnd_saved))
			return rts_err(err, errlen, "byte %zu: truncated random state", r.off);
		memcpy(net->rnd_state, net->rnd_saved, sizeof(net->rnd_state));
		net->rnd_saved_valid = true;
		net->rnd_in_use = true;
	}

	if (!RTS_GET(&r, count))
		return rts_err(err, errlen, "byte %zu: truncated object count", r.off);
	for (u32 i = 0; i < count; i++) {
		size_t at = r.off;
		char name[MODULE_NAME_LEN];
		struct rts_r sub;
		struct module *mod;
		int ret;

		if (!rts_get_name(&r, name, sizeof(name)) || !rts_get_payload(&r, &sub))
			return rts_err(err, errlen, "byte %zu: objects of module %u of %u: %s", at, i + 1,
				       count, r.why);
		mod = find_module(net, name);
		if (!mod || !mod->info->rt_load)
			return rts_err(err, errlen, "byte %zu: objects of module %s: %s", at, name,
				       mod ? "the module keeps none" : "the module is not loaded");
		ret = mod->info->rt_load(net, &sub);
		if (!ret && sub.off != sub.len)
			ret = rts_bad(&sub, "stray bytes at the end");
		if (ret)
			return rts_err(err, errlen, "byte %zu: objects of module %s: %s", at, name,
				       sub.why ? sub.why : "refused");
	}

	if (!RTS_GET(&r, count))
		return rts_err(err, errlen, "byte %zu: truncated rule count", r.off);
	for (u32 i = 0; i < count; i++) {
		int (*load)(struct net *, void *, struct rts_r *) = NULL;
		char table[XT_TABLE_MAXNAMELEN], name[XT_EXTENSION_MAXNAMELEN];
		size_t at = r.off;
		const char *why = NULL;
		struct rts_r sub;
		struct xt_table *t;
		u8 kind, index, rev;
		void *data;
		u32 off;
		int ret;

		if (!rts_get_name(&r, table, sizeof(table)) || !RTS_GET(&r, off) || !RTS_GET(&r, kind) ||
		    !RTS_GET(&r, index) || !rts_get_name(&r, name, sizeof(name)) || !RTS_GET(&r, rev) ||
		    !rts_get_payload(&r, &sub))
			return rts_err(err, errlen, "byte %zu: rule record %u of %u: %s", at, i + 1, count,
				       r.why);
		if (kind > 1)
			return rts_err(err, errlen, "byte %zu: rule record %u of %u: bad kind %u", at,
				       i + 1, count, kind);
		t = xt_find_table(net, NFPROTO_IPV4, table);
		if (!t)
			return rts_err(err, errlen, "byte %zu: %s of the %s table: no such table", at,
				       name, table);
		data = rts_find_ext(t, off, kind, index, name, rev, &load, &why);
		if (!data)
			return rts_err(err, errlen, "byte %zu: %s of the rule at offset %u of %s: %s", at,
				       name, off, table, why);
		ret = load(net, data, &sub);
		if (!ret && sub.off != sub.len)
			ret = rts_bad(&sub, "stray bytes at the end");
		if (ret)
			return rts_err(err, errlen, "byte %zu: %s of the rule at offset %u of %s: %s", at,
				       name, off, table, sub.why ? sub.why : "refused");
	}
	if (r.off != r.len)
		return rts_err(err, errlen, "byte %zu: %zu stray bytes at the end", r.off, r.len - r.off);
	return 0;
}
