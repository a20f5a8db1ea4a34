/* xtables/ext/xt_hashlimit.c - the "hashlimit" match (revs 1-3): a token bucket per hash key.
 *
 * Mirrors net/netfilter/xt_hashlimit.c: checks name, gc/expire, masks, mode and rate arithmetic,
 * then finds or creates the per-net table of that name (shared; the first rule's settings win).
 * Leaves out: the packet path (hashlimit_mt is NULL), the buckets, gc and /proc files.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_hashlimit.h>

#include "emu/module.h"
#include "emu/net.h"
#include "xtables/x_tables.h"

/* EMU: CONFIG_HZ of the reference kernel; the overflow checks depend on it. */
#ifndef HZ
#define HZ 250
#endif
#ifndef U32_MAX
#define U32_MAX ((u32)~0U)
#endif

/* From the kernel-side include/linux/netfilter/xt_hashlimit.h: every known mode bit. */
#define XT_HASHLIMIT_ALL (XT_HASHLIMIT_HASH_DIP | XT_HASHLIMIT_HASH_DPT | \
			  XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_SPT | \
			  XT_HASHLIMIT_INVERT | XT_HASHLIMIT_BYTES | \
			  XT_HASHLIMIT_RATE_MATCH)

/* Sizes above this are truncated in the rule itself (revision 3 passes its own cfg). */
#define HASHLIMIT_MAX_SIZE 1048576

/* A named table of buckets, shared by every rule naming it (per net and family). */
struct xt_hashlimit_htable {
	struct list_head node;		/* hashlimit_net.htables */
	int use;			/* rules holding it */
	u8 family;
	struct hashlimit_cfg3 cfg;	/* of the rule that created it, size/max filled in */
	char *name;
};

/* net_generic(net, NET_GENERIC_HASHLIMIT) */
struct hashlimit_net {
	struct list_head htables;
};

static struct hashlimit_net *hashlimit_pernet(struct net *net)
{
	return net_generic(net, NET_GENERIC_HASHLIMIT);
}

/* Rate arithmetic, as the kernel scales it: revision 1 in 32 bits with 1/10000 s units,
 * later revisions in 64 bits with 1/1000000 s units. */
#define MAX_CPJ_v1 (0xFFFFFFFFULL / (HZ * 60 * 60 * 24))
#define MAX_CPJ (0xFFFFFFFFFFFFFFFFULL / (HZ * 60 * 60 * 24))
#define POW2_BELOW2(x) ((x) | ((x) >> 1))
#define POW2_BELOW4(x) (POW2_BELOW2(x) | POW2_BELOW2((x) >> 2))
#define POW2_BELOW8(x) (POW2_BELOW4(x) | POW2_BELOW4((x) >> 4))
#define POW2_BELOW16(x) (POW2_BELOW8(x) | POW2_BELOW8((x) >> 8))
#define POW2_BELOW32_(x) (POW2_BELOW16(x) | POW2_BELOW16((x) >> 16))
#define POW2_BELOW64_(x) (POW2_BELOW32_(x) | POW2_BELOW32_((x) >> 32))
#define POW2_BELOW32(x) ((POW2_BELOW32_(x) >> 1) + 1)
#define POW2_BELOW64(x) ((POW2_BELOW64_(x) >> 1) + 1)
#define CREDITS_PER_JIFFY POW2_BELOW64(MAX_CPJ)
#define CREDITS_PER_JIFFY_v1 POW2_BELOW32(MAX_CPJ_v1)
#define MAX_CPJ_BYTES (0xFFFFFFFFULL / HZ)
#define CREDITS_PER_JIFFY_BYTES POW2_BELOW32(MAX_CPJ_BYTES)

static u64 user2credits(u64 user, int revision)
{
	u64 scale = (revision == 1) ? XT_HASHLIMIT_SCALE : XT_HASHLIMIT_SCALE_v2;
	u64 cpj = (revision == 1) ? CREDITS_PER_JIFFY_v1 : CREDITS_PER_JIFFY;

	/* Avoid overflow: divide the constant operands first */
	if (scale >= HZ * cpj)
		return user / (scale / (HZ * cpj));

	return user * ((HZ * cpj) / scale);
}

/* Takes a u32 as the kernel's does: a 64-bit avg is truncated here. */
static u32 user2credits_byte(u32 user)
{
	u64 us = user;

	us *= HZ * CREDITS_PER_JIFFY_BYTES;
	return (u32)(us >> 32);
}

/* Widen a revision 1 or 2 config to revision 3's layout (the kernel's cfg_copy). */
static int cfg_copy(struct hashlimit_cfg3 *to, const void *from, int revision)
{
	if (revision == 1) {
		const struct hashlimit_cfg1 *cfg = from;

		to->mode = cfg->mode;
		to->avg = cfg->avg;
		to->burst = cfg->burst;
		to->size = cfg->size;
		to->max = cfg->max;
		to->gc_interval = cfg->gc_interval;
		to->expire = cfg->expire;
		to->srcmask = cfg->srcmask;
		to->dstmask = cfg->dstmask;
	} else if (revision == 2) {
		const struct hashlimit_cfg2 *cfg = from;

		to->mode = cfg->mode;
		to->avg = cfg->avg;
		to->burst = cfg->burst;
		to->size = cfg->size;
		to->max = cfg->max;
		to->gc_interval = cfg->gc_interval;
		to->expire = cfg->expire;
		to->srcmask = cfg->srcmask;
		to->dstmask = cfg->dstmask;
	} else if (revision == 3) {
		memcpy(to, from, sizeof(struct hashlimit_cfg3));
	} else {
		return -EINVAL;
	}

	return 0;
}

/* EMU: xt_check_proc_name() of net/netfilter/x_tables.c, which x_tables.h does not
 * export: the table name becomes /proc/net/ipt_hashlimit/<name>. */
static int hashlimit_check_proc_name(const char *name, unsigned int size)
{
	if (name[0] == '\0')
		return -EINVAL;

	if (strnlen(name, size) == size)
		return -ENAMETOOLONG;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/'))
		return -EINVAL;

	return 0;
}

static int htable_create(struct net *net, struct hashlimit_cfg3 *cfg, const char *name,
			 u8 family, struct xt_hashlimit_htable **out_hinfo)
{
	struct hashlimit_net *hashlimit_net = hashlimit_pernet(net);
	struct xt_hashlimit_htable *hinfo;
	unsigned int size;

	if (cfg->size) {
		size = cfg->size;
	} else {
		/* EMU: the kernel sizes by RAM: 8192 buckets above 1 GiB, as on any test host. */
		size = 8192;
	}

	hinfo = calloc(1, sizeof(*hinfo));
	if (hinfo == NULL)
		return -ENOMEM;

	memcpy(&hinfo->cfg, cfg, sizeof(hinfo->cfg));
	hinfo->cfg.size = size;
	if (hinfo->cfg.max == 0)
		hinfo->cfg.max = 8 * hinfo->cfg.size;
	else if (hinfo->cfg.max < hinfo->cfg.size)
		hinfo->cfg.max = hinfo->cfg.size;

	hinfo->use = 1;
	hinfo->family = family;
	hinfo->name = strdup(name);
	if (hinfo->name == NULL) {
		free(hinfo);
		return -ENOMEM;
	}

	list_add(&hinfo->node, &hashlimit_net->htables);
	*out_hinfo = hinfo;
	return 0;
}

static void htable_destroy(struct xt_hashlimit_htable *hinfo)
{
	free(hinfo->name);
	free(hinfo);
}

static struct xt_hashlimit_htable *htable_find_get(struct net *net, const char *name, u8 family)
{
	struct hashlimit_net *hashlimit_net = hashlimit_pernet(net);
	struct xt_hashlimit_htable *hinfo;

	list_for_each_entry(hinfo, &hashlimit_net->htables, node) {
		if (!strcmp(name, hinfo->name) && hinfo->family == family) {
			hinfo->use++;
			return hinfo;
		}
	}
	return NULL;
}

static void htable_put(struct xt_hashlimit_htable *hinfo)
{
	if (--hinfo->use == 0) {
		list_del(&hinfo->node);
		htable_destroy(hinfo);
	}
}

static int hashlimit_mt_check_common(const struct xt_mtchk_param *par,
				     struct xt_hashlimit_htable **hinfo,
				     struct hashlimit_cfg3 *cfg,
				     const char *name, int revision)
{
	struct net *net = par->net;

	if (cfg->gc_interval == 0 || cfg->expire == 0) {
		/* EMU: the kernel refuses silently here and for the masks; the reasons are nfemu's. */
		pr_debug(net, "xt_hashlimit: gc interval and expire must be nonzero");
		return -EINVAL;
	}
	if (cfg->size > HASHLIMIT_MAX_SIZE) {
		cfg->size = HASHLIMIT_MAX_SIZE;
		pr_info_ratelimited(net, "xt_hashlimit: size too large, truncated to %u", cfg->size);
	}
	if (cfg->max > HASHLIMIT_MAX_SIZE) {
		cfg->max = HASHLIMIT_MAX_SIZE;
		pr_info_ratelimited(net, "xt_hashlimit: max too large, truncated to %u", cfg->max);
	}
	if (par->family == NFPROTO_IPV4) {
		if (cfg->srcmask > 32 || cfg->dstmask > 32) {
			pr_debug(net, "xt_hashlimit: mask longer than 32 bits");
			return -EINVAL;
		}
	} else {
		if (cfg->srcmask > 128 || cfg->dstmask > 128) {
			pr_debug(net, "xt_hashlimit: mask longer than 128 bits");
			return -EINVAL;
		}
	}

	if (cfg->mode & ~XT_HASHLIMIT_ALL) {
		pr_info_ratelimited(net, "xt_hashlimit: Unknown mode mask %X, kernel too old?",
				    cfg->mode);
		return -EINVAL;
	}

	/* Check for overflow. */
	if (revision >= 3 && cfg->mode & XT_HASHLIMIT_RATE_MATCH) {
		if (cfg->avg == 0 || cfg->avg > U32_MAX) {
			pr_info_ratelimited(net, "xt_hashlimit: invalid rate");
			return -ERANGE;
		}

		if (cfg->interval == 0) {
			pr_info_ratelimited(net, "xt_hashlimit: invalid interval");
			return -EINVAL;
		}
	} else if (cfg->mode & XT_HASHLIMIT_BYTES) {
		if (user2credits_byte((u32)cfg->avg) == 0) {
			pr_info_ratelimited(net, "xt_hashlimit: overflow, rate too high: %llu",
					    (unsigned long long)cfg->avg);
			return -EINVAL;
		}
	} else if (cfg->burst == 0 ||
		   user2credits(cfg->avg * cfg->burst, revision) <
		   user2credits(cfg->avg, revision)) {
		pr_info_ratelimited(net, "xt_hashlimit: overflow, try lower: %llu/%llu",
				    (unsigned long long)cfg->avg, (unsigned long long)cfg->burst);
		return -ERANGE;
	}

	*hinfo = htable_find_get(net, name, par->family);
	if (*hinfo == NULL)
		return htable_create(net, cfg, name, par->family, hinfo);

	return 0;
}

static int hashlimit_mt_check_v1(const struct xt_mtchk_param *par)
{
	struct xt_hashlimit_mtinfo1 *info = par->matchinfo;
	struct hashlimit_cfg3 cfg = {};
	int ret;

	ret = hashlimit_check_proc_name(info->name, sizeof(info->name));
	if (ret) {
		pr_debug(par->net, "xt_hashlimit: invalid table name");	/* EMU: silent in the kernel */
		return ret;
	}

	ret = cfg_copy(&cfg, &info->cfg, 1);
	if (ret)
		return ret;

	return hashlimit_mt_check_common(par, &info->hinfo, &cfg, info->name, 1);
}

static int hashlimit_mt_check_v2(const struct xt_mtchk_param *par)
{
	struct xt_hashlimit_mtinfo2 *info = par->matchinfo;
	struct hashlimit_cfg3 cfg = {};
	int ret;

	ret = hashlimit_check_proc_name(info->name, sizeof(info->name));
	if (ret) {
		pr_debug(par->net, "xt_hashlimit: invalid table name");	/* EMU: silent in the kernel */
		return ret;
	}

	ret = cfg_copy(&cfg, &info->cfg, 2);
	if (ret)
		return ret;

	return hashlimit_mt_check_common(par, &info->hinfo, &cfg, info->name, 2);
}

static int hashlimit_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_hashlimit_mtinfo3 *info = par->matchinfo;
	int ret;

	ret = hashlimit_check_proc_name(info->name, sizeof(info->name));
	if (ret) {
		pr_debug(par->net, "xt_hashlimit: invalid table name");	/* EMU: silent in the kernel */
		return ret;
	}

	/* Revision 3 checks its own cfg: a truncated size/max shows in GET_ENTRIES. */
	return hashlimit_mt_check_common(par, &info->hinfo, &info->cfg, info->name, 3);
}

static void hashlimit_mt_destroy_v1(const struct xt_mtdtor_param *par)
{
	const struct xt_hashlimit_mtinfo1 *info = par->matchinfo;

	htable_put(info->hinfo);
}

static void hashlimit_mt_destroy_v2(const struct xt_mtdtor_param *par)
{
	const struct xt_hashlimit_mtinfo2 *info = par->matchinfo;

	htable_put(info->hinfo);
}

static void hashlimit_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_hashlimit_mtinfo3 *info = par->matchinfo;

	htable_put(info->hinfo);
}

static const struct xt_match hashlimit_mt_reg[] = {
	{
		.name		= "hashlimit",
		.revision	= 1,
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_hashlimit_mtinfo1),
		.usersize	= offsetof(struct xt_hashlimit_mtinfo1, hinfo),
		.checkentry	= hashlimit_mt_check_v1,
		.destroy	= hashlimit_mt_destroy_v1,
	},
	{
		.name		= "hashlimit",
		.revision	= 2,
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_hashlimit_mtinfo2),
		.usersize	= offsetof(struct xt_hashlimit_mtinfo2, hinfo),
		.checkentry	= hashlimit_mt_check_v2,
		.destroy	= hashlimit_mt_destroy_v2,
	},
	{
		.name		= "hashlimit",
		.revision	= 3,
		.family		= NFPROTO_IPV4,
		.matchsize	= sizeof(struct xt_hashlimit_mtinfo3),
		.usersize	= offsetof(struct xt_hashlimit_mtinfo3, hinfo),
		.checkentry	= hashlimit_mt_check,
		.destroy	= hashlimit_mt_destroy,
	},
};

static int hashlimit_net_init(struct net *net)
{
	struct hashlimit_net *hashlimit_net = calloc(1, sizeof(*hashlimit_net));

	if (hashlimit_net == NULL)
		return -ENOMEM;
	INIT_LIST_HEAD(&hashlimit_net->htables);
	net->gen[NET_GENERIC_HASHLIMIT] = hashlimit_net;
	return 0;
}

static void hashlimit_net_exit(struct net *net)
{
	struct hashlimit_net *hashlimit_net = hashlimit_pernet(net);

	if (hashlimit_net == NULL)
		return;
	/* Rules hold the module, so no table is left here unless the net is torn down with
	 * rules in place: those rules still point at their tables, so keep them all. */
	if (!list_empty(&hashlimit_net->htables))
		return;
	free(hashlimit_net);
	net->gen[NET_GENERIC_HASHLIMIT] = NULL;
}

static int hashlimit_mt_init(struct net *net, struct module *mod)
{
	int err;

	err = hashlimit_net_init(net);
	if (err < 0)
		return err;
	err = xt_register_matches(net, mod, hashlimit_mt_reg, ARRAY_SIZE(hashlimit_mt_reg));
	if (err < 0)
		hashlimit_net_exit(net);
	return err;
}

static void hashlimit_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, hashlimit_mt_reg, ARRAY_SIZE(hashlimit_mt_reg));
	hashlimit_net_exit(net);
}

const struct module_info module_info_xt_hashlimit = {
	.name = "xt_hashlimit",
	.size = 24576,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_hashlimit", "ip6t_hashlimit"),
	.init = hashlimit_mt_init,
	.exit = hashlimit_mt_exit,
};
