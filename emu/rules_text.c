/* emu/rules_text.c - EMU: the deciding rule as iptables-save shows it (replay --rules-text).
 * No kernel counterpart.  Rules enter and leave nfemu only through the ABI, so their text is
 * what the real iptables-legacy-save prints: the loaded kernel is written to a temporary
 * state and `nfemu exec --state TMP -- iptables-legacy-save` (the shim) reads it back, once;
 * again only when the tables change (net->emu_gen_rules).  A verdict (table, hook, entry
 * offset) is then mapped as TRACE numbers it: table:chain:rule:N is the Nth "-A chain" line
 * of that table's section, a built-in chain's policy its ":CHAIN POLICY [p:b]" line, said as
 * `iptables -S` says it: "-P CHAIN POLICY".  The user chain's closing RETURN, which
 * iptables-save does not print, has no text.
 * Cost: nothing unless asked for; then one child process per ruleset, and per rule that
 * decides, one chain walk the first time (kept per table generation, hook and offset).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "emu/cli.h"
#include "emu/output_int.h"
#include "emu/state.h"
#include "kernel/net.h"
#include "xtables/ip_tables.h"
#include "xtables/x_tables.h"

struct rt_chain {
	const char *name;
	char *policy;                   /* "-P INPUT DROP"; NULL for a user chain ("-") */
	const char **rule;              /* the "-A name ..." lines, in order */
	unsigned int nrule, caprule;
};

struct rt_table {
	const char *name;
	struct rt_chain *chain;
	unsigned int nchain, capchain;
};

/* One iptables-legacy-save output, parsed; kept until the end (fates may still point in). */
struct rt_snap {
	struct rt_snap *older;
	char *text;                     /* the output, its lines cut in place */
	struct rt_table *table;
	unsigned int ntable;
};

struct rt_key {
	const void *private;            /* NULL: an empty slot */
	u32 offset;
	u8 hook;
	const char *text;
};

struct rules_text {
	struct rt_snap *snap;           /* the current one, NULL before the first */
	u64 gen;                        /* net->emu_gen_rules it was taken at */
	bool failed;                    /* and it could not be taken (said once) */
	struct rt_key *key;
	size_t nkey, capkey;
};

/* ---------------------------------------------------------------- parsing the output */

static struct rt_table *rt_table_add(struct rt_snap *s, const char *name)
{
	struct rt_table *v = realloc(s->table, (s->ntable + 1) * sizeof(*v));

	if (!v)
		return NULL;
	s->table = v;
	v = &s->table[s->ntable++];
	memset(v, 0, sizeof(*v));
	v->name = name;
	return v;
}

static struct rt_chain *rt_chain_find(struct rt_table *t, const char *name, size_t len, bool add)
{
	struct rt_chain *c;

	for (unsigned int i = 0; i < t->nchain; i++)
		if (!strncmp(t->chain[i].name, name, len) && !t->chain[i].name[len])
			return &t->chain[i];
	if (!add)
		return NULL;
	if (t->nchain == t->capchain) {
		unsigned int cap = t->capchain ? 2 * t->capchain : 8;

		c = realloc(t->chain, cap * sizeof(*c));
		if (!c)
			return NULL;
		t->chain = c;
		t->capchain = cap;
	}
	c = &t->chain[t->nchain];
	memset(c, 0, sizeof(*c));
	c->name = strndup(name, len);
	if (!c->name)
		return NULL;
	t->nchain++;
	return c;
}

/* ":INPUT DROP [0:0]" (name .. sp, then the policy) as "-P INPUT DROP" */
static char *rt_policy_line(const char *name, const char *sp)
{
	size_t pol = strcspn(sp + 1, " ");
	char *s;

	if (asprintf(&s, "-P %.*s %.*s", (int)(sp - name), name, (int)pol, sp + 1) < 0)
		return NULL;
	return s;
}

/* Cut the output into lines and file them under their table and chain.  0 or -errno. */
static int rt_parse(struct rt_snap *s)
{
	struct rt_table *t = NULL;
	char *line = s->text, *next;

	for (; *line; line = next) {
		char *nl = strchr(line, '\n'), *sp;
		struct rt_chain *c;

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		if (line[0] == '*') {
			if (!(t = rt_table_add(s, line + 1)))
				return -ENOMEM;
		} else if (line[0] == ':' && t) {
			/* ":INPUT DROP [0:0]": the policy as the line says it, counters cut off */
			sp = strchr(line + 1, ' ');
			if (!sp)
				continue;
			if (!(c = rt_chain_find(t, line + 1, (size_t)(sp - line - 1), true)))
				return -ENOMEM;
			if (!strncmp(sp + 1, "- ", 2) || !strcmp(sp + 1, "-"))
				continue;       /* a user chain */
			/* as `iptables -S` says it: "-P INPUT DROP" (the counters cut off) */
			if ((c->policy = rt_policy_line(line + 1, sp)) == NULL)
				return -ENOMEM;
		} else if (!strncmp(line, "-A ", 3) && t) {
			sp = strchr(line + 3, ' ');
			c = rt_chain_find(t, line + 3, sp ? (size_t)(sp - line - 3) : strlen(line + 3), true);
			if (!c)
				return -ENOMEM;
			if (c->nrule == c->caprule) {
				unsigned int cap = c->caprule ? 2 * c->caprule : 8;
				const char **v = realloc(c->rule, cap * sizeof(*v));

				if (!v)
					return -ENOMEM;
				c->rule = v;
				c->caprule = cap;
			}
			c->rule[c->nrule++] = line;
		}
	}
	return 0;
}

static void rt_snap_free(struct rt_snap *s)
{
	while (s) {
		struct rt_snap *older = s->older;

		for (unsigned int i = 0; i < s->ntable; i++) {
			for (unsigned int j = 0; j < s->table[i].nchain; j++) {
				struct rt_chain *c = &s->table[i].chain[j];

				free((char *)c->name);
				free(c->policy);
				free(c->rule);
			}
			free(s->table[i].chain);
		}
		free(s->table);
		free(s->text);
		free(s);
		s = older;
	}
}

/* ---------------------------------------------------------------- running iptables-legacy-save */

static int rt_write_file(const char *path, const unsigned char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? -errno : -EIO;

			close(fd);
			return e;
		}
		buf += n;
		len -= (size_t)n;
	}
	return close(fd) ? -errno : 0;
}

/* What `nfemu exec --state STATE -- iptables-legacy-save` prints (its stderr is ours), in
 * *out.  0, or -1 with why in err. */
static int rt_run_save(const char *state, char **out, char *err, size_t errlen)
{
	struct exec_capture res;
	char how[32];

	/* a 20,000-rule table saves to about 1.5 MB */
	if (nfemu_exec_capture(state, "iptables-legacy-save", -1, false, (size_t)256 << 20, &res,
			       err, errlen))
		return -1;
	if (!exec_capture_ok(&res)) {
		snprintf(err, errlen, "iptables-legacy-save failed (%s)",
			 exec_capture_how(&res, how, sizeof(how)));
		free(res.out);
		return -1;
	}
	*out = res.out;
	return 0;
}

/* The loaded tables as iptables-legacy-save prints them: written to a temporary state, read
 * back by the real program.  NULL with why in err. */
static struct rt_snap *rt_snapshot(struct net *net, char *err, size_t errlen)
{
	static const char *const files[] = { "state", "state.lock", "state.xtables.lock" };
	const char *tmp = getenv("TMPDIR");
	char dir[4096], path[4096 + 32];
	struct rt_snap *s = NULL;
	unsigned char *img = NULL;
	size_t len;
	int ret;
	char *text = NULL;

	{
		/* the tool reading its own kernel (GET_ENTRIES takes and drops the tables'
		 * module references): not the packet's doing, so not in --explain */
		bool walk = net->observer.walk;

		net->observer.walk = false;
		ret = nfemu_state_serialize(net, &img, &len);
		net->observer.walk = walk;
	}
	if (ret) {
		snprintf(err, errlen, "cannot write the tables out: %s", strerror(-ret));
		return NULL;
	}
	snprintf(dir, sizeof(dir), "%s/nfemu-rules.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(img);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/state", dir);
	ret = rt_write_file(path, img, len);
	free(img);
	if (ret)
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	else if (!rt_run_save(path, &text, err, errlen) && (s = calloc(1, sizeof(*s)))) {
		s->text = text;
		text = NULL;
		if (rt_parse(s)) {
			snprintf(err, errlen, "out of memory");
			rt_snap_free(s);
			s = NULL;
		}
	} else if (text) {
		snprintf(err, errlen, "out of memory");
	}
	free(text);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	return s;
}

/* ---------------------------------------------------------------- a verdict's text */

static u32 rt_hash(const void *private, u32 offset, u8 hook)
{
	u64 x = (u64)(uintptr_t)private ^ ((u64)offset << 8 | hook) * 0x9e3779b97f4a7c15ULL;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return (u32)(x ^ (x >> 32));
}

static struct rt_key *rt_slot(struct rules_text *rt, const struct nfemu_verdict *v, bool *fresh)
{
	size_t j;

	if (2 * (rt->nkey + 1) > rt->capkey) {
		size_t cap = rt->capkey ? 2 * rt->capkey : 64;
		struct rt_key *k = calloc(cap, sizeof(*k));

		if (!k)
			return NULL;
		for (size_t i = 0; i < rt->capkey; i++) {
			const struct rt_key *o = &rt->key[i];

			if (!o->private)
				continue;
			for (j = rt_hash(o->private, o->offset, o->hook) & (cap - 1); k[j].private;
			     j = (j + 1) & (cap - 1))
				;
			k[j] = *o;
		}
		free(rt->key);
		rt->key = k;
		rt->capkey = cap;
	}
	for (j = rt_hash(v->private, v->offset, v->hook) & (rt->capkey - 1); rt->key[j].private;
	     j = (j + 1) & (rt->capkey - 1))
		if (rt->key[j].private == v->private && rt->key[j].offset == v->offset &&
		    rt->key[j].hook == v->hook) {
			*fresh = false;
			return &rt->key[j];
		}
	rt->key[j].private = v->private;
	rt->key[j].offset = v->offset;
	rt->key[j].hook = v->hook;
	rt->key[j].text = NULL;
	rt->nkey++;
	*fresh = true;
	return &rt->key[j];
}

/* Where the entry is in the snapshot: its chain's policy line or its Nth "-A" line. */
static const char *rt_find(const struct rt_snap *s, const struct nfemu_verdict *v)
{
	const char *chain, *comment, *target;
	const void *info;
	unsigned int rulenum;
	bool policy, chain_end;
	struct rt_chain *c = NULL;

	ipt_verdict_location(v->private, v->hook, v->offset, &chain, &comment, &rulenum);
	ipt_verdict_entry(v->private, v->hook, v->offset, &policy, &chain_end, &target, &info);
	for (unsigned int i = 0; i < s->ntable && !c; i++)
		if (!strcmp(s->table[i].name, v->table))
			c = rt_chain_find(&s->table[i], chain, strlen(chain), false);
	if (!c)
		return NULL;
	if (policy)
		return c->policy;
	if (chain_end || !rulenum || rulenum > c->nrule)
		return NULL;    /* a user chain's closing RETURN: iptables-save has no line */
	return c->rule[rulenum - 1];
}

const char *rules_text_of(struct nfemu_output *o, const struct nfemu_verdict *v)
{
	struct rules_text *rt = o->rtext;
	struct rt_key *k;
	bool fresh;

	if (!v || v->kind != NFEMU_VERDICT_RULE || !v->private)
		return NULL;
	if (!rt) {
		rt = o->rtext = calloc(1, sizeof(*rt));
		if (!rt)
			return NULL;
		rt->gen = o->net->emu_gen_rules + 1;    /* not taken yet */
	}
	if (rt->gen != o->net->emu_gen_rules) {
		char err[2 * 4096 + 256];
		struct rt_snap *s = rt_snapshot(o->net, err, sizeof(err));

		rt->gen = o->net->emu_gen_rules;
		rt->nkey = 0;
		if (rt->key)
			memset(rt->key, 0, rt->capkey * sizeof(*rt->key));
		if (s) {
			s->older = rt->snap;
			rt->snap = s;
			rt->failed = false;
		} else if (!rt->failed) {
			fprintf(stderr, "nfemu: --rules-text: %s; the rules are shown by name only\n", err);
			rt->failed = true;
		}
	}
	if (rt->failed || !rt->snap)
		return NULL;
	k = rt_slot(rt, v, &fresh);
	if (!k)
		return NULL;
	if (fresh)
		k->text = rt_find(rt->snap, v);
	return k->text;
}

void rules_text_free(struct rules_text *rt)
{
	if (!rt)
		return;
	rt_snap_free(rt->snap);
	free(rt->key);
	free(rt);
}
