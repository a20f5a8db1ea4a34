/* sockopt_shim/sockopt_trace.c - EMU: decode the iptables sockopt conversation, like strace, deeper.
 *
 * What passes between libiptc (iptc_init, iptc_commit) and do_ipt_get_ctl/do_ipt_set_ctl.
 * One call at a time (iptables is single-threaded); the before/after hooks run inside the shim
 * with the kernel loaded, so "before" and "after" are read under the call's own state lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/ipt_blob.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "sockopt_shim/sockopt_trace.h"
#include "xtables/x_tables.h"

#define TRACE_MAX_MODULES 128
#define TRACE_LIST_ZEROES 32    /* list zero counters too when there are at most this many */

/* The call in progress (process state of the glue, as the shim's socket table). */
static struct sockopt_trace {
	bool active, printed;
	bool get;
	int level, optname;
	const void *optval;
	unsigned int len;
	struct ipt_blob before;         /* the table before the call, when it matters */
	bool have_before;
	const char *modules[TRACE_MAX_MODULES];
	unsigned int nmodules;
} tr;

/* The counters the last GET_ENTRIES read (X), per libiptc's iptc_init. */
static struct {
	char table[XT_TABLE_MAXNAMELEN];
	struct xt_counters *counters;
	unsigned int n;
} last_read;

/* The last SET_REPLACE's copied-back counters, to say where SET_ADD_COUNTERS' come from. */
static struct {
	char table[XT_TABLE_MAXNAMELEN];
	struct ipt_blob old;            /* the replaced table's index (labels) */
	struct xt_counters *counters;   /* what the kernel wrote to ipt_replace.counters */
	unsigned int n;
} last_replace;

static FILE *trace_file(void)
{
	static FILE *f;
	const char *path;

	if (f)
		return f;
	path = getenv("NFEMU_SOCKOPT_TRACE");
	if (!path || !path[0] || !strcmp(path, "-"))
		return f = stderr;
	f = fopen(path, "ae");
	if (!f) {
		fprintf(stderr, "nfemu: --sockopt-trace %s: %s; tracing to stderr\n", path, strerror(errno));
		f = stderr;
	}
	return f;
}

bool sockopt_trace_enabled(void)
{
	static int on = -1;

	if (on < 0)
		on = getenv("NFEMU_SOCKOPT_TRACE") != NULL;
	return on;
}

static const char *trace_errname(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case ERANGE: return "ERANGE";
	case ELOOP: return "ELOOP";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case EPROTOTYPE: return "EPROTOTYPE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EOVERFLOW: return "EOVERFLOW";
	default: return "E?";
	}
}

static const char *trace_optname(bool get, int optname)
{
	if (get) {
		switch (optname) {
		case IPT_SO_GET_INFO: return "IPT_SO_GET_INFO";
		case IPT_SO_GET_ENTRIES: return "IPT_SO_GET_ENTRIES";
		case IPT_SO_GET_REVISION_MATCH: return "IPT_SO_GET_REVISION_MATCH";
		case IPT_SO_GET_REVISION_TARGET: return "IPT_SO_GET_REVISION_TARGET";
		}
	} else {
		switch (optname) {
		case IPT_SO_SET_REPLACE: return "IPT_SO_SET_REPLACE";
		case IPT_SO_SET_ADD_COUNTERS: return "IPT_SO_SET_ADD_COUNTERS";
		}
	}
	return NULL;
}

/* A fixed-size name field of the request, NUL-terminated for printing. */
static const char *trace_name(const void *p, size_t size, char *buf)
{
	memcpy(buf, p, size);
	buf[size] = '\0';
	return buf;
}

/* "getsockopt(SOL_IP, IPT_SO_GET_INFO, {name="filter"}, 84)": the request as the caller made it. */
static void trace_print_call(FILE *f)
{
	const char *opt = trace_optname(tr.get, tr.optname);
	char name[64];

	fprintf(f, "%s(%s, ", tr.get ? "getsockopt" : "setsockopt",
		tr.level == 0 ? "SOL_IP" : tr.level == 41 ? "SOL_IPV6" : "?");
	if (opt)
		fprintf(f, "%s, ", opt);
	else
		fprintf(f, "%d, ", tr.optname);
	if (!opt || !tr.optval) {
		fprintf(f, "%p, %u)", tr.optval, tr.len);
		return;
	}
	switch (tr.optname + (tr.get ? 0 : 1000)) {
	case IPT_SO_GET_INFO:
		if (tr.len >= XT_TABLE_MAXNAMELEN)
			fprintf(f, "{name=\"%s\"}", trace_name(tr.optval, XT_TABLE_MAXNAMELEN - 1, name));
		break;
	case IPT_SO_GET_ENTRIES:
		if (tr.len >= sizeof(struct ipt_get_entries)) {
			const struct ipt_get_entries *g = tr.optval;

			fprintf(f, "{name=\"%s\", size=%u}", trace_name(g->name, XT_TABLE_MAXNAMELEN - 1, name),
				g->size);
		}
		break;
	case IPT_SO_GET_REVISION_MATCH:
	case IPT_SO_GET_REVISION_TARGET:
		if (tr.len >= sizeof(struct xt_get_revision)) {
			const struct xt_get_revision *r = tr.optval;

			fprintf(f, "{name=\"%s\", revision=%u}",
				trace_name(r->name, XT_EXTENSION_MAXNAMELEN - 1, name), r->revision);
		}
		break;
	case 1000 + IPT_SO_SET_REPLACE:
		if (tr.len >= sizeof(struct ipt_replace)) {
			const struct ipt_replace *r = tr.optval;

			fprintf(f, "{name=\"%s\", valid_hooks=0x%x, num_entries=%u, size=%u, num_counters=%u}",
				trace_name(r->name, XT_TABLE_MAXNAMELEN - 1, name), r->valid_hooks,
				r->num_entries, r->size, r->num_counters);
		}
		break;
	case 1000 + IPT_SO_SET_ADD_COUNTERS:
		if (tr.len >= sizeof(struct xt_counters_info)) {
			const struct xt_counters_info *c = tr.optval;

			fprintf(f, "{name=\"%s\", num_counters=%u}",
				trace_name(c->name, XT_TABLE_MAXNAMELEN - 1, name), c->num_counters);
		}
		break;
	}
	fprintf(f, ", %u)", tr.len);
}

void sockopt_trace_start(bool get, int level, int optname, const void *optval, unsigned int len)
{
	ipt_blob_free(&tr.before);
	tr = (struct sockopt_trace){ .active = true, .get = get, .level = level, .optname = optname,
				     .optval = optval, .len = len };
}

void sockopt_trace_unanswered(int err, const char *why)
{
	FILE *f;

	if (!tr.active || tr.printed)
		return;
	f = trace_file();
	trace_print_call(f);
	fprintf(f, " = -1 %s", trace_errname(err));
	if (why)
		fprintf(f, " (%s)", why);
	fputc('\n', f);
	fflush(f);
	tr.active = false;
}

/* ---------------------------------------------------------------- before the call */

static const char *trace_table_name(char *buf)
{
	if (!tr.optval)
		return NULL;
	if (!tr.get && tr.optname == IPT_SO_SET_REPLACE && tr.len >= sizeof(struct ipt_replace))
		return trace_name(((const struct ipt_replace *)tr.optval)->name, XT_TABLE_MAXNAMELEN - 1, buf);
	if (!tr.get && tr.optname == IPT_SO_SET_ADD_COUNTERS && tr.len >= sizeof(struct xt_counters_info))
		return trace_name(((const struct xt_counters_info *)tr.optval)->name, XT_TABLE_MAXNAMELEN - 1, buf);
	return NULL;
}

void sockopt_trace_before(struct net *net)
{
	char name[64];
	const char *table = trace_table_name(name);
	struct module *mod;

	if (!tr.active)
		return;
	tr.nmodules = 0;
	list_for_each_entry(mod, &net->modules, list)
		if (tr.nmodules < TRACE_MAX_MODULES)
			tr.modules[tr.nmodules++] = mod->name;
	/* the table being replaced or added to: its counters and layout now */
	if (table && ipt_blob_get(net, table, &tr.before) == 0)
		tr.have_before = true;
}

/* ---------------------------------------------------------------- after the call */

static void trace_hooks(FILE *f, unsigned int valid_hooks, const unsigned int *hook_entry,
			const unsigned int *underflow)
{
	const char *sep = "";

	fprintf(f, "    hook_entry:");
	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++)
		if (valid_hooks & (1u << h)) {
			fprintf(f, "%s %s %u", sep, ipt_blob_hooknames[h], hook_entry[h]);
			sep = ",";
		}
	fprintf(f, "\n    underflow: ");
	sep = "";
	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++)
		if (valid_hooks & (1u << h)) {
			fprintf(f, "%s %s %u", sep, ipt_blob_hooknames[h], underflow[h]);
			sep = ",";
		}
	fputc('\n', f);
}

static void trace_valid_hooks(FILE *f, unsigned int valid_hooks)
{
	const char *sep = "";

	fprintf(f, "valid_hooks 0x%x (", valid_hooks);
	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++)
		if (valid_hooks & (1u << h)) {
			fprintf(f, "%s%s", sep, ipt_blob_hooknames[h]);
			sep = " ";
		}
	fprintf(f, ")");
}

/* "[3] INPUT rule 2" for entry i of an indexed table. */
static void trace_label(FILE *f, const struct ipt_blob *b, unsigned int i)
{
	char where[96];

	fprintf(f, "      [%u]", i);
	if (b && i < b->n) {
		ipt_blob_where(&b->idx[i], where, sizeof(where));
		fprintf(f, " %s", where);
	}
	fprintf(f, ": ");
}

/* One counter a line; zero ones only in small tables, else summed up in one line. */
static void trace_counters(FILE *f, const struct ipt_blob *labels, const struct xt_counters *c,
			   unsigned int n)
{
	unsigned int zero = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct xt_counters v;

		memcpy(&v, &c[i], sizeof(v));
		if (!v.pcnt && !v.bcnt && n > TRACE_LIST_ZEROES) {
			zero++;
			continue;
		}
		trace_label(f, labels, i);
		fprintf(f, "pcnt %" PRIu64 ", bcnt %" PRIu64 "\n", (uint64_t)v.pcnt, (uint64_t)v.bcnt);
	}
	if (zero)
		fprintf(f, "      (%u more, all pcnt 0, bcnt 0)\n", zero);
}

static void trace_get_info(FILE *f, int ret)
{
	const struct ipt_getinfo *info = tr.optval;

	if (ret < 0)
		return;
	fprintf(f, "    ");
	trace_valid_hooks(f, info->valid_hooks);
	fprintf(f, ", num_entries %u, size %u\n", info->num_entries, info->size);
	trace_hooks(f, info->valid_hooks, info->hook_entry, info->underflow);
}

static void trace_get_entries(FILE *f, struct net *net, int ret)
{
	const struct ipt_get_entries *g = tr.optval;
	struct ipt_blob b = { 0 };
	struct xt_table *t;

	if (ret < 0)
		return;
	t = xt_find_table(net, NFPROTO_IPV4, g->name);
	if (!t)
		return;
	/* index the caller's copy, with the hooks the kernel holds */
	b.info.valid_hooks = t->valid_hooks;
	memcpy(b.info.hook_entry, t->private->hook_entry, sizeof(b.info.hook_entry));
	memcpy(b.info.underflow, t->private->underflow, sizeof(b.info.underflow));
	b.info.size = g->size;
	b.entries = (unsigned char *)g->entrytable;
	if (ipt_blob_index(&b) == 0) {
		struct xt_counters *c = calloc(b.n ? b.n : 1, sizeof(*c));

		fprintf(f, "    %u entries in %u bytes (nfemu dump %s decodes them); the counters read (X):\n",
			b.n, g->size, g->name);
		if (c) {
			for (unsigned int i = 0; i < b.n; i++)
				c[i] = b.idx[i].e->counters;
			trace_counters(f, &b, c, b.n);
			free(last_read.counters);
			memset(last_read.table, 0, sizeof(last_read.table));
			memcpy(last_read.table, g->name, sizeof(last_read.table) - 1);
			last_read.counters = c;
			last_read.n = b.n;
		}
	}
	free(b.idx);
}

static void trace_get_revision(FILE *f, struct net *net, int ret)
{
	const struct xt_get_revision *r = tr.optval;
	char name[64];
	int best;

	trace_name(r->name, XT_EXTENSION_MAXNAMELEN - 1, name);
	if (ret >= 0) {
		fprintf(f, "    %s %s revision %u is there; the best is %d (do_ipt_get_ctl returns it, "
			"ip_getsockopt turns it into 0)\n", tr.optname == IPT_SO_GET_REVISION_TARGET ? "target" : "match",
			name, r->revision, ret);
		return;
	}
	if (ret == -EPROTONOSUPPORT &&
	    xt_find_revision(net, NFPROTO_IPV4, name, 0, tr.optname == IPT_SO_GET_REVISION_TARGET, &best))
		fprintf(f, "    no revision %u of %s; the best the kernel has is %d\n", r->revision, name, best);
}

static void trace_set_replace(FILE *f, int ret)
{
	const struct ipt_replace *r = tr.optval;
	struct xt_counters *old;

	trace_hooks(f, r->valid_hooks, r->hook_entry, r->underflow);
	if (ret < 0)
		return;
	fprintf(f, "    the old table's counters, copied back to ipt_replace.counters (X+Y):\n");
	trace_counters(f, tr.have_before ? &tr.before : NULL, r->counters, r->num_counters);
	/* keep them: SET_ADD_COUNTERS will say which of its counters are these */
	ipt_blob_free(&last_replace.old);
	free(last_replace.counters);
	memset(&last_replace, 0, sizeof(last_replace));
	old = malloc((r->num_counters ? r->num_counters : 1) * sizeof(*old));
	if (!old)
		return;
	memcpy(old, r->counters, r->num_counters * sizeof(*old));
	memcpy(last_replace.table, r->name, sizeof(last_replace.table) - 1);
	last_replace.counters = old;
	last_replace.n = r->num_counters;
	if (tr.have_before) {
		last_replace.old = tr.before;
		memset(&tr.before, 0, sizeof(tr.before));
		tr.have_before = false;
	}
}

/* Is old entry o the same rule as new entry x?  Chain heads by name, policies by hook, other
 * rules by chain and bytes (counters and comefrom aside; a jump by where it lands, since
 * offsets move when rules are added). */
static bool trace_same_rule(const struct ipt_blob *ob, const struct ipt_blob_entry *o,
			    const struct ipt_blob *nb, const struct ipt_blob_entry *x)
{
	const struct ipt_entry *a = o->e, *b = x->e;
	const struct xt_standard_target *ta, *tb;

	if (o->head || x->head || o->end || x->end)
		return o->head == x->head && o->end == x->end && !strcmp(o->chain, x->chain);
	if (o->underflow || x->underflow)
		return o->underflow == x->underflow;
	if (strcmp(o->chain, x->chain) || a->next_offset != b->next_offset ||
	    a->target_offset != b->target_offset || memcmp(&a->ip, &b->ip, sizeof(a->ip)) ||
	    memcmp(a->elems, b->elems, a->target_offset - sizeof(*a)))
		return false;
	ta = (const void *)((const char *)a + a->target_offset);
	tb = (const void *)((const char *)b + b->target_offset);
	if (!ta->target.u.user.name[0] && !tb->target.u.user.name[0] && ta->verdict >= 0 && tb->verdict >= 0) {
		const struct ipt_blob_entry *la = ipt_blob_at(ob, (unsigned int)ta->verdict);
		const struct ipt_blob_entry *lb = ipt_blob_at(nb, (unsigned int)tb->verdict);

		return la && lb && !strcmp(la->chain, lb->chain) && la->rule == lb->rule &&
		       (a->ip.flags & IPT_F_GOTO) == (b->ip.flags & IPT_F_GOTO);
	}
	return !memcmp((const char *)a + a->target_offset, (const char *)b + b->target_offset,
		       a->next_offset - a->target_offset);
}

/*
 * What the rule that new entry i is had before, if it was there: X (GET_ENTRIES read it) and
 * X+Y (SET_REPLACE returned it).  libiptc (TC_COMMIT) adds X+Y for a rule it kept
 * (COUNTER_MAP_NORMAL_MAP), (X+Y) - X = Y for one it zeroed (COUNTER_MAP_ZEROED; iptables
 * 1.8.9 maps the built-in chains' policies so, __iptcc_p_del_policy), and the caller's own
 * value for a rule it set (COUNTER_MAP_SET: a new rule, iptables-restore --counters).
 */
static void trace_old_note(FILE *f, const struct ipt_blob *now, unsigned int i,
			   const struct xt_counters *add, bool *used, const char *table)
{
	const struct ipt_blob *old = &last_replace.old;

	for (unsigned int j = 0; j < old->n && j < last_replace.n; j++) {
		const struct xt_counters *xy = &last_replace.counters[j], *x = NULL;

		if (used[j] || !trace_same_rule(old, &old->idx[j], now, &now->idx[i]))
			continue;
		used[j] = true;
		if (!strcmp(last_read.table, table) && j < last_read.n)
			x = &last_read.counters[j];
		if (!xy->pcnt && !xy->bcnt)
			return;
		if (xy->pcnt == add->pcnt && xy->bcnt == add->bcnt)
			fprintf(f, " (added = X+Y of old [%u])", j);
		else if (x && xy->pcnt - x->pcnt == add->pcnt && xy->bcnt - x->bcnt == add->bcnt)
			fprintf(f, " (added = (X+Y) - X of old [%u]: %" PRIu64 "/%" PRIu64 " - %" PRIu64
				"/%" PRIu64 ")", j, (uint64_t)xy->pcnt, (uint64_t)xy->bcnt,
				(uint64_t)x->pcnt, (uint64_t)x->bcnt);
		else
			fprintf(f, " (old [%u] had X+Y %" PRIu64 "/%" PRIu64 ": added is the caller's own)", j,
				(uint64_t)xy->pcnt, (uint64_t)xy->bcnt);
		return;
	}
}

static void trace_add_counters(FILE *f, struct net *net, int ret)
{
	const struct xt_counters_info *ci = tr.optval;
	const struct xt_counters *add = (const void *)((const char *)tr.optval + sizeof(*ci));
	char name[64];
	struct ipt_blob after;
	unsigned int n = ci->num_counters;
	bool *used;

	if (ret < 0 || !tr.have_before || ipt_blob_get(net, trace_name(ci->name, XT_TABLE_MAXNAMELEN - 1, name),
						      &after) < 0)
		return;
	if (n > tr.before.n || n > after.n)
		n = tr.before.n < after.n ? tr.before.n : after.n;
	used = calloc(last_replace.n + 1, sizeof(*used));
	fprintf(f, "    each counter: the kernel's now (Z) + added = the kernel's after; X: what GET_ENTRIES\n"
		   "    read, X+Y: what SET_REPLACE returned for the same rule of the old table\n");
	for (unsigned int i = 0; i < n; i++) {
		const struct xt_counters *b = &tr.before.idx[i].e->counters, *a = &after.idx[i].e->counters;
		struct xt_counters v;

		memcpy(&v, &add[i], sizeof(v));
		if (n > TRACE_LIST_ZEROES && !v.pcnt && !v.bcnt)
			continue;
		trace_label(f, &after, i);
		fprintf(f, "pcnt %" PRIu64 " + %" PRIu64 " = %" PRIu64 ", bcnt %" PRIu64 " + %" PRIu64
			" = %" PRIu64, (uint64_t)b->pcnt, (uint64_t)v.pcnt, (uint64_t)a->pcnt,
			(uint64_t)b->bcnt, (uint64_t)v.bcnt, (uint64_t)a->bcnt);
		if (used && !strcmp(last_replace.table, name))
			trace_old_note(f, &after, i, &v, used, name);
		fputc('\n', f);
	}
	if (n > TRACE_LIST_ZEROES)
		fprintf(f, "      (the counters not listed added 0)\n");
	ipt_blob_free(&after);
	free(used);
}

static void trace_modules_loaded(FILE *f, struct net *net)
{
	const char *sep = "    modules loaded (request_module):";
	struct module *mod;

	list_for_each_entry_reverse(mod, &net->modules, list) {
		bool known = false;

		for (unsigned int i = 0; i < tr.nmodules && !known; i++)
			known = tr.modules[i] == mod->name || !strcmp(tr.modules[i], mod->name);
		if (known)
			continue;
		fprintf(f, "%s %s", sep, mod->name);
		sep = "";
	}
	if (!*sep)
		fputc('\n', f);
}

void sockopt_trace_after(struct net *net, int ret, unsigned int outlen, const char *refusal)
{
	FILE *f;

	if (!tr.active)
		return;
	f = trace_file();
	trace_print_call(f);
	if (ret >= 0 && tr.get && tr.optname != IPT_SO_GET_REVISION_MATCH &&
	    tr.optname != IPT_SO_GET_REVISION_TARGET)
		fprintf(f, " = 0 (optlen %u)\n", outlen);
	else if (ret >= 0)
		fprintf(f, " = 0\n");
	else if (refusal && refusal[0])
		fprintf(f, " = -1 %s (nfemu: %s)\n", trace_errname(-ret), refusal);
	else
		fprintf(f, " = -1 %s\n", trace_errname(-ret));
	if (tr.get) {
		switch (tr.optname) {
		case IPT_SO_GET_INFO: trace_get_info(f, ret); break;
		case IPT_SO_GET_ENTRIES: trace_get_entries(f, net, ret); break;
		case IPT_SO_GET_REVISION_MATCH:
		case IPT_SO_GET_REVISION_TARGET: trace_get_revision(f, net, ret); break;
		}
	} else if (tr.optname == IPT_SO_SET_REPLACE) {
		trace_set_replace(f, ret);
	} else if (tr.optname == IPT_SO_SET_ADD_COUNTERS) {
		trace_add_counters(f, net, ret);
	}
	trace_modules_loaded(f, net);
	fflush(f);
	ipt_blob_free(&tr.before);
	tr.have_before = false;
	tr.printed = true;
	tr.active = false;
}

void sockopt_trace_modprobe(char *const argv[], int status)
{
	FILE *f = trace_file();

	fprintf(f, "modprobe");
	for (int i = 1; argv[i]; i++)
		fprintf(f, " %s", argv[i]);
	fprintf(f, " = %d (xtables_insmod; nfemu's request_module answered it)\n", status);
	fflush(f);
}
