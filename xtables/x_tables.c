/* xtables/x_tables.c - the x_tables core shared by every family's tables.
 *
 * Mirrors net/netfilter/x_tables.c: match/target registries with revisions, the entry
 * layout checks every family uses (xt_check_entry_offsets, xt_check_table_hooks), the
 * central checks before an extension's checkentry (xt_check_match/xt_check_target), the
 * copy back to user space (xt_*_to_user), and table registration and replacement.
 * EMU: no mutexes or RCU (one thread owns a struct net); no per-CPU counters; the
 * registries live per net (see x_tables.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include "kernel/net.h"
#include "xtables/x_tables.h"
#include "netstack/ip.h"

#define XT_MAX_TABLE_SIZE (512 * 1024 * 1024)

static const char *const xt_prefix[NFPROTO_NUMPROTO] = {
	[NFPROTO_UNSPEC] = "x",
	[NFPROTO_IPV4] = "ip",
	[NFPROTO_ARP] = "arp",
	[NFPROTO_BRIDGE] = "eb",
	[NFPROTO_IPV6] = "ip6",
};

void xt_net_init(struct net *net)
{
	for (int af = 0; af < NFPROTO_NUMPROTO; af++) {
		INIT_LIST_HEAD(&net->xt.tables[af]);
		INIT_LIST_HEAD(&net->xt.match[af]);
		INIT_LIST_HEAD(&net->xt.target[af]);
	}
	INIT_LIST_HEAD(&net->xt.templates);
}

/* ---------------------------------------------------------------- registries */

int xt_register_target(struct net *net, struct module *me, const struct xt_target *tmpl)
{
	struct xt_target *target = malloc(sizeof(*target));

	if (!target)
		return -ENOMEM;
	*target = *tmpl;
	target->me = me;
	list_add(&target->list, &net->xt.target[target->family]);
	return 0;
}

void xt_unregister_target(struct net *net, const struct xt_target *tmpl)
{
	struct xt_target *t;

	list_for_each_entry(t, &net->xt.target[tmpl->family], list) {
		if (strcmp(t->name, tmpl->name) == 0 && t->revision == tmpl->revision &&
		    t->checkentry == tmpl->checkentry && t->targetsize == tmpl->targetsize) {
			list_del(&t->list);
			free(t);
			return;
		}
	}
}

int xt_register_targets(struct net *net, struct module *me, const struct xt_target *target, unsigned int n)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = xt_register_target(net, me, &target[i]);
		if (err)
			goto err;
	}
	return 0;
err:
	if (i > 0)
		xt_unregister_targets(net, target, i);
	return err;
}

void xt_unregister_targets(struct net *net, const struct xt_target *target, unsigned int n)
{
	while (n-- > 0)
		xt_unregister_target(net, &target[n]);
}

int xt_register_match(struct net *net, struct module *me, const struct xt_match *tmpl)
{
	struct xt_match *match = malloc(sizeof(*match));

	if (!match)
		return -ENOMEM;
	*match = *tmpl;
	match->me = me;
	list_add(&match->list, &net->xt.match[match->family]);
	return 0;
}

void xt_unregister_match(struct net *net, const struct xt_match *tmpl)
{
	struct xt_match *m;

	list_for_each_entry(m, &net->xt.match[tmpl->family], list) {
		if (strcmp(m->name, tmpl->name) == 0 && m->revision == tmpl->revision &&
		    m->checkentry == tmpl->checkentry && m->matchsize == tmpl->matchsize) {
			list_del(&m->list);
			free(m);
			return;
		}
	}
}

int xt_register_matches(struct net *net, struct module *me, const struct xt_match *match, unsigned int n)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		err = xt_register_match(net, me, &match[i]);
		if (err)
			goto err;
	}
	return 0;
err:
	if (i > 0)
		xt_unregister_matches(net, match, i);
	return err;
}

void xt_unregister_matches(struct net *net, const struct xt_match *match, unsigned int n)
{
	while (n-- > 0)
		xt_unregister_match(net, &match[n]);
}

/*
 * Find a match by name and revision and take a reference on its module.  A name found
 * only with other revisions answers -EPROTOTYPE; nothing at all, -ENOENT.  The family's own
 * list is searched first, then the family-independent one, and the latter's answer wins.
 */
struct xt_match *xt_find_match(struct net *net, u8 af, const char *name, u8 revision)
{
	struct xt_match *m;
	int err = -ENOENT;

	if (strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN)
		return ERR_PTR(-EINVAL);

	list_for_each_entry(m, &net->xt.match[af], list) {
		if (strcmp(m->name, name) == 0) {
			if (m->revision == revision) {
				if (try_module_get(m->me))
					return m;
			} else {
				err = -EPROTOTYPE;      /* Found something. */
			}
		}
	}
	if (af != NFPROTO_UNSPEC)
		return xt_find_match(net, NFPROTO_UNSPEC, name, revision);
	return ERR_PTR(err);
}

struct xt_match *xt_request_find_match(struct net *net, u8 nfproto, const char *name, u8 revision)
{
	struct xt_match *match;

	if (strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN)
		return ERR_PTR(-EINVAL);

	match = xt_find_match(net, nfproto, name, revision);
	if (IS_ERR(match)) {
		request_module(net, "%st_%s", xt_prefix[nfproto], name);
		match = xt_find_match(net, nfproto, name, revision);
	}
	return match;
}

struct xt_target *xt_find_target(struct net *net, u8 af, const char *name, u8 revision)
{
	struct xt_target *t;
	int err = -ENOENT;

	if (strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN)
		return ERR_PTR(-EINVAL);

	list_for_each_entry(t, &net->xt.target[af], list) {
		if (strcmp(t->name, name) == 0) {
			if (t->revision == revision) {
				if (try_module_get(t->me))
					return t;
			} else {
				err = -EPROTOTYPE;
			}
		}
	}
	if (af != NFPROTO_UNSPEC)
		return xt_find_target(net, NFPROTO_UNSPEC, name, revision);
	return ERR_PTR(err);
}

struct xt_target *xt_request_find_target(struct net *net, u8 af, const char *name, u8 revision)
{
	struct xt_target *target;

	if (strnlen(name, XT_EXTENSION_MAXNAMELEN) == XT_EXTENSION_MAXNAMELEN)
		return ERR_PTR(-EINVAL);

	target = xt_find_target(net, af, name, revision);
	if (IS_ERR(target)) {
		request_module(net, "%st_%s", xt_prefix[af], name);
		target = xt_find_target(net, af, name, revision);
	}
	return target;
}

static int match_revfn(struct net *net, u8 af, const char *name, u8 revision, int *bestp)
{
	const struct xt_match *m;
	int have_rev = 0;

	list_for_each_entry(m, &net->xt.match[af], list) {
		if (strcmp(m->name, name) == 0) {
			if (m->revision > *bestp)
				*bestp = m->revision;
			if (m->revision == revision)
				have_rev = 1;
		}
	}
	if (af != NFPROTO_UNSPEC && !have_rev)
		return match_revfn(net, NFPROTO_UNSPEC, name, revision, bestp);
	return have_rev;
}

static int target_revfn(struct net *net, u8 af, const char *name, u8 revision, int *bestp)
{
	const struct xt_target *t;
	int have_rev = 0;

	list_for_each_entry(t, &net->xt.target[af], list) {
		if (strcmp(t->name, name) == 0) {
			if (t->revision > *bestp)
				*bestp = t->revision;
			if (t->revision == revision)
				have_rev = 1;
		}
	}
	if (af != NFPROTO_UNSPEC && !have_rev)
		return target_revfn(net, NFPROTO_UNSPEC, name, revision, bestp);
	return have_rev;
}

/*
 * Returns 1 with *err = best revision (or -EPROTONOSUPPORT when the asked one is missing)
 * if the name is known, and 0 with *err = -ENOENT if not: the caller then loads the module
 * and asks again (try_then_request_module).
 */
int xt_find_revision(struct net *net, u8 af, const char *name, u8 revision, int target, int *err)
{
	int have_rev, best = -1;

	if (target == 1)
		have_rev = target_revfn(net, af, name, revision, &best);
	else
		have_rev = match_revfn(net, af, name, revision, &best);

	if (best == -1) {
		*err = -ENOENT;
		return 0;
	}
	*err = best;
	if (!have_rev)
		*err = -EPROTONOSUPPORT;
	return 1;
}

/* ------------------------------------------------------- checks on rule layout */

static char *textify_hooks(char *buf, size_t size, unsigned int mask, u8 nfproto)
{
	static const char *const inetbr_names[] = {
		"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING", "BROUTING",
	};
	char *p = buf;
	bool np = false;
	int res;

	(void)nfproto;
	*p = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(inetbr_names); i++) {
		if (!(mask & (1 << i)))
			continue;
		res = snprintf(p, size, "%s%s", np ? "/" : "", inetbr_names[i]);
		if (res > 0 && (size_t)res < size) {
			size -= res;
			p += res;
		}
		np = true;
	}
	return buf;
}

int xt_check_match(struct xt_mtchk_param *par, unsigned int size, u16 proto, bool inv_proto)
{
	int ret;

	if (XT_ALIGN(par->match->matchsize) != size && par->match->matchsize != (unsigned int)-1) {
		pr_err_ratelimited(par->net, "x_tables: %s_tables: %s.%u match: invalid size %u (kernel) != (user) %u",
				   xt_prefix[par->family], par->match->name, par->match->revision,
				   (unsigned int)XT_ALIGN(par->match->matchsize), size);
		return -EINVAL;
	}
	if (par->match->table && strcmp(par->match->table, par->table) != 0) {
		pr_info_ratelimited(par->net, "x_tables: %s_tables: %s match: only valid in %s table, not %s",
				    xt_prefix[par->family], par->match->name, par->match->table, par->table);
		return -EINVAL;
	}
	if (par->match->hooks && (par->hook_mask & ~par->match->hooks) != 0) {
		char used[64], allow[64];

		pr_info_ratelimited(par->net, "x_tables: %s_tables: %s match: used from hooks %s, but only valid from %s",
				    xt_prefix[par->family], par->match->name,
				    textify_hooks(used, sizeof(used), par->hook_mask, par->family),
				    textify_hooks(allow, sizeof(allow), par->match->hooks, par->family));
		return -EINVAL;
	}
	if (par->match->proto && (par->match->proto != proto || inv_proto)) {
		pr_info_ratelimited(par->net, "x_tables: %s_tables: %s match: only valid for protocol %u",
				    xt_prefix[par->family], par->match->name, par->match->proto);
		return -EINVAL;
	}
	if (par->match->checkentry) {
		ret = par->match->checkentry(par);
		if (ret < 0)
			return ret;
		else if (ret > 0)
			return -EIO;    /* Flag up potential errors. */
	}
	return 0;
}

int xt_check_target(struct xt_tgchk_param *par, unsigned int size, u16 proto, bool inv_proto)
{
	int ret;

	if (XT_ALIGN(par->target->targetsize) != size) {
		pr_err_ratelimited(par->net, "x_tables: %s_tables: %s.%u target: invalid size %u (kernel) != (user) %u",
				   xt_prefix[par->family], par->target->name, par->target->revision,
				   (unsigned int)XT_ALIGN(par->target->targetsize), size);
		return -EINVAL;
	}
	if (par->target->table && strcmp(par->target->table, par->table) != 0) {
		pr_info_ratelimited(par->net, "x_tables: %s_tables: %s target: only valid in %s table, not %s",
				    xt_prefix[par->family], par->target->name, par->target->table, par->table);
		return -EINVAL;
	}
	if (par->target->hooks && (par->hook_mask & ~par->target->hooks) != 0) {
		char used[64], allow[64];

		pr_info_ratelimited(par->net, "x_tables: %s_tables: %s target: used from hooks %s, but only usable from %s",
				    xt_prefix[par->family], par->target->name,
				    textify_hooks(used, sizeof(used), par->hook_mask, par->family),
				    textify_hooks(allow, sizeof(allow), par->target->hooks, par->family));
		return -EINVAL;
	}
	if (par->target->proto && (par->target->proto != proto || inv_proto)) {
		pr_info_ratelimited(par->net, "x_tables: %s_tables: %s target: only valid for protocol %u",
				    xt_prefix[par->family], par->target->name, par->target->proto);
		return -EINVAL;
	}
	if (par->target->checkentry) {
		ret = par->target->checkentry(par);
		if (ret < 0)
			return ret;
		else if (ret > 0)
			return -EIO;
	}
	return 0;
}

bool verdict_ok(int verdict)
{
	if (verdict > 0)
		return true;
	if (verdict < 0) {
		/* EMU: Linux writes int v = -verdict - 1 and builds with -fno-strict-overflow, so
		 * INT_MIN wraps; in unsigned arithmetic the wrap is defined C (INT_MIN gives
		 * 0x7fffffff, which is no verdict either). */
		unsigned int v = -(unsigned int)verdict - 1;

		if (verdict == XT_RETURN)
			return true;
		switch (v) {
		case NF_ACCEPT:
		case NF_DROP:
		case NF_QUEUE:
			return true;
		default:
			break;
		}
		return false;
	}
	return false;
}

static bool error_tg_ok(unsigned int usersize, unsigned int kernsize, const char *msg, unsigned int msglen)
{
	return usersize == kernsize && strnlen(msg, msglen) < msglen;
}

/* The matches between the entry header and the target tile that space exactly. */
static int xt_check_entry_match(const char *match, const char *target, const size_t alignment)
{
	const struct xt_entry_match *pos;
	int length = target - match;

	if (length == 0)        /* no matches */
		return 0;

	pos = (const struct xt_entry_match *)match;
	do {
		if ((unsigned long)pos % alignment)
			return -EINVAL;
		if (length < (int)sizeof(struct xt_entry_match))
			return -EINVAL;
		if (pos->u.match_size < sizeof(struct xt_entry_match))
			return -EINVAL;
		if (pos->u.match_size > length)
			return -EINVAL;
		length -= pos->u.match_size;
		pos = (const struct xt_entry_match *)((const char *)pos + pos->u.match_size);
	} while (length > 0);
	return 0;
}

/* Names in the blob are compared like the kernel's strcmp, but never read past the field. */
static bool xt_name_is(const char *field, const char *name)
{
	return strncmp(field, name, XT_EXTENSION_MAXNAMELEN) == 0;
}

/*
 * Validate one entry's target_offset and next_offset (the caller has checked that
 * next_offset keeps the entry inside the blob): the target lies after the base struct and
 * inside the entry, the standard target has exactly its size and a valid verdict, the error
 * target a terminated name, and the matches fill the space before the target.
 */
int xt_check_entry_offsets(const void *base, const char *elems, unsigned int target_offset,
			   unsigned int next_offset)
{
	long size_of_base_struct = elems - (const char *)base;
	const struct xt_entry_target *t;
	const char *e = base;

	if (target_offset < size_of_base_struct)
		return -EINVAL;
	if (target_offset + sizeof(*t) > next_offset)
		return -EINVAL;

	t = (const void *)(e + target_offset);
	if (t->u.target_size < sizeof(*t))
		return -EINVAL;
	if (target_offset + t->u.target_size > next_offset)
		return -EINVAL;

	if (xt_name_is(t->u.user.name, XT_STANDARD_TARGET)) {
		const struct xt_standard_target *st = (const void *)t;

		if (XT_ALIGN(target_offset + sizeof(*st)) != next_offset)
			return -EINVAL;
		if (!verdict_ok(st->verdict))
			return -EINVAL;
	} else if (xt_name_is(t->u.user.name, XT_ERROR_TARGET)) {
		const struct xt_error_target *et = (const void *)t;

		if (!error_tg_ok(t->u.target_size, sizeof(*et), et->errorname, sizeof(et->errorname)))
			return -EINVAL;
	}
	return xt_check_entry_match(elems, e + target_offset, __alignof__(struct xt_entry_match));
}

/*
 * Hook entries and underflows must exist for every valid hook and be strictly increasing.
 * EMU: Linux prints "%s at hook %d" itself; with no net here, the words and the hook go back
 * to the caller (*why, *hookp), which has the net and the blob to report them.
 */
int xt_check_table_hooks(const struct xt_table_info *info, unsigned int valid_hooks,
			 const char **why, unsigned int *hookp)
{
	const char *err = "unsorted underflow";
	unsigned int i, max_uflow = 0, max_entry = 0;
	bool check_hooks = false;

	for (i = 0; i < ARRAY_SIZE(info->hook_entry); i++) {
		if (!(valid_hooks & (1 << i)))
			continue;
		if (info->hook_entry[i] == 0xFFFFFFFF) {
			err = "hook_entry does not start an entry";
			goto error;
		}
		if (info->underflow[i] == 0xFFFFFFFF) {
			err = "underflow does not start an entry";
			goto error;
		}
		if (check_hooks) {
			if (max_uflow > info->underflow[i])
				goto error;
			if (max_uflow == info->underflow[i]) {
				err = "duplicate underflow";
				goto error;
			}
			if (max_entry > info->hook_entry[i]) {
				err = "unsorted entry";
				goto error;
			}
			if (max_entry == info->hook_entry[i]) {
				err = "duplicate entry";
				goto error;
			}
		}
		max_entry = info->hook_entry[i];
		max_uflow = info->underflow[i];
		check_hooks = true;
	}
	return 0;
error:
	*why = err;
	*hookp = i;
	return -EINVAL;
}

unsigned int *xt_alloc_entry_offsets(unsigned int size)
{
	if (size > XT_MAX_TABLE_SIZE / sizeof(unsigned int))
		return NULL;
	return calloc(size ? size : 1, sizeof(unsigned int));
}

/* Is target the start of an entry?  offsets[] is sorted: binary search. */
bool xt_find_jump_offset(const unsigned int *offsets, unsigned int target, unsigned int size)
{
	int m, low = 0, hi = size;

	while (hi > low) {
		m = (low + hi) / 2u;
		if (offsets[m] > target)
			hi = m;
		else if (offsets[m] < target)
			low = m + 1;
		else
			return true;
	}
	return false;
}

/* A name that becomes a /proc file (hashlimit, recent, IDLETIMER): not empty, terminated
 * within size, and not ".", ".." or containing '/'. */
int xt_check_proc_name(const char *name, unsigned int size)
{
	if (name[0] == '\0')
		return -EINVAL;
	if (strnlen(name, size) == size)
		return -ENAMETOOLONG;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/'))
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------- back to user */

/* Name up to and including its NUL, the revision, and the size: the rest of the header is
 * left as the caller's buffer had it, as copy_to_user leaves it on Linux. */
static void xt_obj_to_user(u16 *dstsize, u16 size, char *dstname, const char *name, u8 *dstrev, int rev)
{
	memcpy(dstsize, &size, sizeof(size));
	memcpy(dstname, name, strlen(name) + 1);
	*dstrev = rev;
}

int xt_data_to_user(void *dst, const void *src, int usersize, int size, int aligned_size)
{
	usersize = usersize ? usersize : size;
	memcpy(dst, src, usersize);
	if (usersize != aligned_size)
		memset((char *)dst + usersize, 0, aligned_size - usersize);
	return 0;
}

int xt_match_to_user(const struct xt_entry_match *m, struct xt_entry_match *u)
{
	const struct xt_match *match = m->u.kernel.match;

	xt_obj_to_user(&u->u.user.match_size, m->u.match_size, u->u.user.name, match->name,
		       &u->u.user.revision, match->revision);
	return xt_data_to_user(u->data, m->data, match->usersize, match->matchsize,
			       XT_ALIGN(match->matchsize));
}

int xt_target_to_user(const struct xt_entry_target *t, struct xt_entry_target *u)
{
	const struct xt_target *target = t->u.kernel.target;

	xt_obj_to_user(&u->u.user.target_size, t->u.target_size, u->u.user.name, target->name,
		       &u->u.user.revision, target->revision);
	return xt_data_to_user(u->data, t->data, target->usersize, target->targetsize,
			       XT_ALIGN(target->targetsize));
}

/* ------------------------------------------------------------------- tables */

struct xt_table_info *xt_alloc_table_info(unsigned int size)
{
	struct xt_table_info *info;
	size_t sz = sizeof(*info) + size;

	if (sz < sizeof(*info) || sz >= XT_MAX_TABLE_SIZE)
		return NULL;
	info = calloc(1, sz);
	if (!info)
		return NULL;
	info->size = size;
	return info;
}

void xt_free_table_info(struct xt_table_info *info)
{
	if (!info)
		return;
	free(info->jumpstack);
	free(info);
}

/*
 * Room for two full call chains: the first walk of the rule set plus one re-entry into the
 * table (-j TEE) without clobbering the chain that led to TEE.
 */
int xt_jumpstack_alloc(struct xt_table_info *i)
{
	if (i->stacksize == 0)
		return 0;
	if (i->stacksize > XT_MAX_TABLE_SIZE / sizeof(void *) / 2)
		return -ENOMEM;
	i->jumpstack = calloc(i->stacksize * 2u, sizeof(void *));
	return i->jumpstack ? 0 : -ENOMEM;
}

int xt_register_template(struct net *net, struct module *me, const char *name, int (*table_init)(struct net *net))
{
	struct xt_template *t;

	list_for_each_entry(t, &net->xt.templates, list)
		if (strcmp(t->name, name) == 0)
			return -EEXIST;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->table_init = table_init;
	t->me = me;
	list_add(&t->list, &net->xt.templates);
	return 0;
}

void xt_unregister_template(struct net *net, const char *name)
{
	struct xt_template *t;

	list_for_each_entry(t, &net->xt.templates, list) {
		if (strcmp(t->name, name) == 0) {
			list_del(&t->list);
			free(t);
			return;
		}
	}
}

struct xt_table *xt_find_table(struct net *net, u8 af, const char *name)
{
	struct xt_table *t;

	list_for_each_entry(t, &net->xt.tables[af], list)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/*
 * Find a table and take a reference on its module.  A table whose module is loaded but
 * which this net has not used yet is created now from its template: tables appear on first
 * access, as in Linux since 5.x.
 */
struct xt_table *xt_find_table_lock(struct net *net, u8 af, const char *name)
{
	struct module *owner = NULL;
	struct xt_template *tmpl;
	struct xt_table *t;

	list_for_each_entry(t, &net->xt.tables[af], list)
		if (strcmp(t->name, name) == 0 && try_module_get(t->me))
			return t;

	if (af == NFPROTO_IPV4) {       /* EMU: only IPv4 has templates so far */
		list_for_each_entry(tmpl, &net->xt.templates, list) {
			int err;

			if (strcmp(tmpl->name, name))
				continue;
			if (!try_module_get(tmpl->me))
				return ERR_PTR(-ENOENT);
			owner = tmpl->me;
			err = tmpl->table_init(net);
			if (err < 0) {
				module_put(owner);
				return ERR_PTR(err);
			}
			break;
		}
	}
	t = xt_find_table(net, af, name);
	if (t)
		return t;
	module_put(owner);
	return ERR_PTR(-ENOENT);
}

struct xt_table *xt_request_find_table_lock(struct net *net, u8 af, const char *name)
{
	struct xt_table *t = xt_find_table_lock(net, af, name);

	if (IS_ERR(t)) {
		/* EMU: modprobe's failure is not an errno; like Linux, look again and say ENOENT. */
		request_module(net, "%stable_%s", xt_prefix[af], name);
		t = xt_find_table_lock(net, af, name);
	}
	return t;
}

struct xt_table_info *xt_replace_table(struct xt_table *table, unsigned int num_counters,
				       struct xt_table_info *newinfo, int *error)
{
	struct xt_table_info *private;
	int ret;

	ret = xt_jumpstack_alloc(newinfo);
	if (ret < 0) {
		*error = ret;
		return NULL;
	}

	private = table->private;
	/* Is the old number correct?  Someone may have replaced the table since the caller read it. */
	if (num_counters != private->number) {
		*error = -EAGAIN;
		return NULL;
	}
	newinfo->initial_entries = private->initial_entries;
	table->private = newinfo;
	return private;
}

struct xt_table *xt_register_table(struct net *net, const struct xt_table *input_table,
				   struct xt_table_info *bootstrap, struct xt_table_info *newinfo)
{
	struct xt_table_info *private;
	struct xt_table *table;
	int ret;

	table = malloc(sizeof(*table));
	if (!table)
		return ERR_PTR(-ENOMEM);
	*table = *input_table;

	if (xt_find_table(net, table->af, table->name)) {
		ret = -EEXIST;
		goto out;
	}
	table->private = bootstrap;
	if (!xt_replace_table(table, 0, newinfo, &ret))
		goto out;
	private = table->private;
	private->initial_entries = private->number;
	list_add(&table->list, &net->xt.tables[table->af]);
	net->emu_gen++;
	net->emu_gen_rules++;
	return table;
out:
	free(table);
	return ERR_PTR(ret);
}

void *xt_unregister_table(struct xt_table *table)
{
	struct xt_table_info *private = table->private;

	list_del(&table->list);
	free(table->ops);
	free(table);
	return private;
}

/* --------------------------------------------------------------------- /proc */

char *xt_proc_show(struct net *net, u8 af, const char *what)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (strcmp(what, "names") == 0) {
		struct xt_table *t;

		list_for_each_entry(t, &net->xt.tables[af], list)
			fprintf(f, "%s\n", t->name);
	} else if (strcmp(what, "matches") == 0) {
		/* The family-independent list first, then the family's, as xt_mttg_seq_next walks. */
		struct xt_match *m;

		list_for_each_entry(m, &net->xt.match[NFPROTO_UNSPEC], list)
			if (*m->name)
				fprintf(f, "%s\n", m->name);
		list_for_each_entry(m, &net->xt.match[af], list)
			if (*m->name)
				fprintf(f, "%s\n", m->name);
	} else if (strcmp(what, "targets") == 0) {
		struct xt_target *t;

		list_for_each_entry(t, &net->xt.target[NFPROTO_UNSPEC], list)
			if (*t->name)
				fprintf(f, "%s\n", t->name);
		list_for_each_entry(t, &net->xt.target[af], list)
			if (*t->name)
				fprintf(f, "%s\n", t->name);
	}
	fclose(f);
	return buf;
}

/* ------------------------------------------------------------------ module */

const struct module_info module_info_x_tables = {
	.name = "x_tables",
	.size = 65536,
};

/* ------------------------------------------------------------ checked-only extensions */

bool xt_unemulated_match(const struct sk_buff *skb, struct xt_action_param *par)
{
	nfemu_note(xt_net(par), skb, NULL, "match '%s' is not emulated at run time: packet dropped",
		   par->match->name);
	par->hotdrop = true;
	return false;
}

unsigned int xt_unemulated_target(struct sk_buff *skb, const struct xt_action_param *par)
{
	nfemu_note(xt_net(par), skb, NULL, "target '%s' is not emulated at run time: packet dropped",
		   par->target->name);
	return NF_DROP;
}
