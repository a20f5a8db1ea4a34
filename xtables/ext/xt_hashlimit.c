/* xtables/ext/xt_hashlimit.c - the "hashlimit" match (revs 1-3): a token bucket per hash key.
 *
 * Mirrors net/netfilter/xt_hashlimit.c: checkentry (name, gc/expire, masks, modes, rates, the
 * shared per-net table) and hashlimit_mt (keys, packet/byte buckets, rev 3 rate windows, expiry
 * and the collector on the capture clock).  Leaves out: /proc/net/ipt_hashlimit, IPv6.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_hashlimit.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "kernel/random.h"
#include "kernel/rtstate.h"
#include "lib/jhash.h"
#include "netstack/skbuff.h"
#include "xtables/x_tables.h"

/* From the kernel-side include/linux/netfilter/xt_hashlimit.h: every known mode bit. */
#define XT_HASHLIMIT_ALL (XT_HASHLIMIT_HASH_DIP | XT_HASHLIMIT_HASH_DPT | \
			  XT_HASHLIMIT_HASH_SIP | XT_HASHLIMIT_HASH_SPT | \
			  XT_HASHLIMIT_INVERT | XT_HASHLIMIT_BYTES | \
			  XT_HASHLIMIT_RATE_MATCH)

/* Sizes above this are truncated in the rule itself (revision 3 passes its own cfg). */
#define HASHLIMIT_MAX_SIZE 1048576

/* The hash key.  The IPv6 half of the union is kept so the key has the kernel's size. */
struct dsthash_dst {
	union {
		struct {
			__be32 src;
			__be32 dst;
		} ip;
		struct {
			__be32 src[4];
			__be32 dst[4];
		} ip6;
	};
	__be16 src_port;
	__be16 dst_port;
};

/* One bucket. */
struct dsthash_ent {
	struct list_head node;		/* the hash chain */
	struct list_head all;		/* EMU: every entry of the table, for the collector */
	struct dsthash_dst dst;
	unsigned long expires;		/* precalculated expiry time */
	struct {
		unsigned long prev;	/* last modification */
		union {
			struct {
				u64 credit;
				u64 credit_cap;
				u64 cost;
			};
			struct {
				u32 interval, prev_window;
				u64 current_rate;
				u64 rate;
				s64 burst;
			};
		};
	} rateinfo;
};

/* A named table of buckets, shared by every rule naming it (per net and family). */
struct xt_hashlimit_htable {
	struct list_head node;		/* hashlimit_net.htables */
	int use;			/* rules holding it */
	u8 family;
	bool rnd_initialized;
	bool ratematch;
	struct hashlimit_cfg3 cfg;	/* of the rule that created it, size/max filled in */
	u32 rnd;			/* random seed for hash */
	unsigned int count;		/* number entries in table */
	unsigned long gc_next;		/* EMU: jiffies when the collector runs next */
	struct list_head entries;	/* EMU: struct dsthash_ent.all */
	char *name;
	struct list_head *hash;		/* cfg.size chains */
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
	hinfo->hash = calloc(size, sizeof(*hinfo->hash));
	if (hinfo->hash == NULL) {
		free(hinfo);
		return -ENOMEM;
	}

	/* copy match config into hashtable config */
	memcpy(&hinfo->cfg, cfg, sizeof(hinfo->cfg));
	hinfo->cfg.size = size;
	if (hinfo->cfg.max == 0)
		hinfo->cfg.max = 8 * hinfo->cfg.size;
	else if (hinfo->cfg.max < hinfo->cfg.size)
		hinfo->cfg.max = hinfo->cfg.size;

	for (unsigned int i = 0; i < hinfo->cfg.size; i++)
		INIT_LIST_HEAD(&hinfo->hash[i]);
	INIT_LIST_HEAD(&hinfo->entries);

	hinfo->use = 1;
	hinfo->count = 0;
	hinfo->family = family;
	hinfo->rnd_initialized = false;
	hinfo->name = strdup(name);
	if (hinfo->name == NULL) {
		free(hinfo->hash);
		free(hinfo);
		return -ENOMEM;
	}
	hinfo->ratematch = !!(cfg->mode & XT_HASHLIMIT_RATE_MATCH);
	/* queue_delayed_work(..., msecs_to_jiffies(gc_interval)) */
	hinfo->gc_next = nfemu_jiffies(net) + msecs_to_jiffies(hinfo->cfg.gc_interval);

	list_add(&hinfo->node, &hashlimit_net->htables);
	*out_hinfo = hinfo;
	return 0;
}

static void dsthash_free(struct xt_hashlimit_htable *ht, struct dsthash_ent *ent)
{
	list_del(&ent->node);
	list_del(&ent->all);
	free(ent);
	ht->count--;
}

/* Free the buckets that have expired by `now` (all of them with select_all). */
static void htable_selective_cleanup(struct xt_hashlimit_htable *ht, unsigned long now,
				     bool select_all)
{
	struct dsthash_ent *dh, *n;

	list_for_each_entry_safe(dh, n, &ht->entries, all) {
		if (time_after_eq(now, dh->expires) || select_all)
			dsthash_free(ht, dh);
	}
}

/* htable_gc(): the collector frees expired buckets every gc_interval ms from the table's
 * creation.  EMU: it runs when the next packet reaches the table, for every period that ended
 * by then, before that packet (Linux runs it from a deferrable work item, whose moment on a
 * real host varies); nothing changes between two periods, so the last one decides. */
static void htable_gc_run(struct xt_hashlimit_htable *ht, unsigned long now)
{
	unsigned long period = msecs_to_jiffies(ht->cfg.gc_interval);
	unsigned long last, k;

	if (!time_after_eq(now, ht->gc_next))
		return;
	if (period == 0)
		period = 1;
	k = (now - ht->gc_next) / period;
	last = ht->gc_next + k * period;
	ht->gc_next = last + period;
	htable_selective_cleanup(ht, last, false);
}

static void htable_destroy(struct xt_hashlimit_htable *hinfo)
{
	htable_selective_cleanup(hinfo, 0, true);
	free(hinfo->hash);
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

static u32 hash_dst(const struct xt_hashlimit_htable *ht, const struct dsthash_dst *dst)
{
	u32 hash = jhash2((const u32 *)dst, sizeof(*dst) / sizeof(u32), ht->rnd);

	/* The high 32 bits of hash * size: a bucket in [0, size) without a division. */
	return reciprocal_scale(hash, ht->cfg.size);
}

static struct dsthash_ent *dsthash_find(const struct xt_hashlimit_htable *ht,
					const struct dsthash_dst *dst)
{
	struct dsthash_ent *ent;
	u32 hash = hash_dst(ht, dst);

	list_for_each_entry(ent, &ht->hash[hash], node)
		if (!memcmp(&ent->dst, dst, sizeof(ent->dst)))
			return ent;
	return NULL;
}

/* allocate dsthash_ent, initialize dst, put in htable */
static struct dsthash_ent *dsthash_alloc_init(struct net *net, struct xt_hashlimit_htable *ht,
					      const struct dsthash_dst *dst)
{
	struct dsthash_ent *ent;

	/* initialize hash with random val at the time we allocate the first hashtable entry */
	if (!ht->rnd_initialized) {
		ht->rnd = get_random_u32(net);
		ht->rnd_initialized = true;
	}

	if (ht->cfg.max && ht->count >= ht->cfg.max) {
		/* FIXME: do something. question is what.. */
		pr_err_ratelimited(net, "xt_hashlimit: max count of %u reached", ht->cfg.max);
		return NULL;
	}
	ent = calloc(1, sizeof(*ent));
	if (ent == NULL)
		return NULL;
	memcpy(&ent->dst, dst, sizeof(ent->dst));
	list_add(&ent->node, &ht->hash[hash_dst(ht, dst)]);
	list_add_tail(&ent->all, &ht->entries);
	ht->count++;
	return ent;
}

/* in byte mode, the lowest possible rate is one packet/second: credit_cap counts how many
 * times the "credits available" counter may be refilled when it runs dry. */
static u32 xt_hashlimit_len_to_chunks(u32 len)
{
	return (len >> XT_HASHLIMIT_BYTE_SHIFT) + 1;
}

static u64 user2rate(struct net *net, u64 user)
{
	if (user != 0)
		return XT_HASHLIMIT_SCALE_v2 / user;
	pr_info_ratelimited(net, "xt_hashlimit: invalid rate from userspace: %llu",
			    (unsigned long long)user);
	return 0;
}

static u64 user2rate_bytes(u32 user)
{
	u64 r;

	r = user ? U32_MAX / user : U32_MAX;
	return (r - 1) << XT_HASHLIMIT_BYTE_SHIFT;
}

/* Bring a bucket up to date at `now`: refill credits (capped), or start a new rate window. */
static void rateinfo_recalc(struct dsthash_ent *dh, unsigned long now, u32 mode, int revision)
{
	unsigned long delta = now - dh->rateinfo.prev;
	u64 cap, cpj;

	if (delta == 0)
		return;

	if (revision >= 3 && mode & XT_HASHLIMIT_RATE_MATCH) {
		u64 interval = dh->rateinfo.interval * HZ;      /* 32-bit product, as the kernel's */

		if (delta < interval)
			return;

		dh->rateinfo.prev = now;
		dh->rateinfo.prev_window =
			((dh->rateinfo.current_rate * interval) > (delta * dh->rateinfo.rate));
		dh->rateinfo.current_rate = 0;
		return;
	}

	dh->rateinfo.prev = now;

	if (mode & XT_HASHLIMIT_BYTES) {
		u64 tmp = dh->rateinfo.credit;

		dh->rateinfo.credit += CREDITS_PER_JIFFY_BYTES * delta;
		cap = CREDITS_PER_JIFFY_BYTES * HZ;
		if (tmp >= dh->rateinfo.credit) {	/* overflow */
			dh->rateinfo.credit = cap;
			return;
		}
	} else {
		cpj = (revision == 1) ? CREDITS_PER_JIFFY_v1 : CREDITS_PER_JIFFY;
		dh->rateinfo.credit += delta * cpj;
		cap = dh->rateinfo.credit_cap;
	}
	if (dh->rateinfo.credit > cap)
		dh->rateinfo.credit = cap;
}

/* A new bucket starts full (from the table's configuration, whichever rule made it). */
static void rateinfo_init(struct net *net, struct dsthash_ent *dh,
			  struct xt_hashlimit_htable *hinfo, int revision)
{
	dh->rateinfo.prev = nfemu_jiffies(net);
	if (revision >= 3 && hinfo->cfg.mode & XT_HASHLIMIT_RATE_MATCH) {
		dh->rateinfo.prev_window = 0;
		dh->rateinfo.current_rate = 0;
		if (hinfo->cfg.mode & XT_HASHLIMIT_BYTES) {
			dh->rateinfo.rate = user2rate_bytes((u32)hinfo->cfg.avg);
			if (hinfo->cfg.burst)
				dh->rateinfo.burst = hinfo->cfg.burst * dh->rateinfo.rate;
			else
				dh->rateinfo.burst = dh->rateinfo.rate;
		} else {
			dh->rateinfo.rate = user2rate(net, hinfo->cfg.avg);
			dh->rateinfo.burst = hinfo->cfg.burst + dh->rateinfo.rate;
		}
		dh->rateinfo.interval = hinfo->cfg.interval;
	} else if (hinfo->cfg.mode & XT_HASHLIMIT_BYTES) {
		dh->rateinfo.credit = CREDITS_PER_JIFFY_BYTES * HZ;
		dh->rateinfo.cost = user2credits_byte((u32)hinfo->cfg.avg);
		dh->rateinfo.credit_cap = hinfo->cfg.burst;
	} else {
		dh->rateinfo.credit = user2credits(hinfo->cfg.avg * hinfo->cfg.burst, revision);
		dh->rateinfo.cost = user2credits(hinfo->cfg.avg, revision);
		dh->rateinfo.credit_cap = dh->rateinfo.credit;
	}
}

static __be32 maskl(__be32 a, unsigned int l)
{
	return l ? htonl(ntohl(a) & ~0U << (32 - l)) : 0;
}

/* Where the ports (or SPI) sit in a transport header (proto_ports_offset), or -EINVAL. */
static int proto_ports_offset(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_DCCP:
	case IPPROTO_ESP:	/* SPI */
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		return 0;
	case IPPROTO_AH:	/* SPI */
		return 4;
	default:
		return -EINVAL;
	}
}

/* The bucket key of a packet: masked addresses and ports as the table's mode names them.
 * As in the kernel, fragments are not special: a later fragment's "ports" are its data. */
static int hashlimit_init_dst(const struct xt_hashlimit_htable *hinfo, struct dsthash_dst *dst,
			      const struct sk_buff *skb, unsigned int protoff)
{
	__be16 _ports[2], *ports;
	u8 nexthdr;
	int poff;

	memset(dst, 0, sizeof(*dst));

	if (hinfo->cfg.mode & XT_HASHLIMIT_HASH_DIP)
		dst->ip.dst = maskl(ip_hdr(skb)->daddr, hinfo->cfg.dstmask);
	if (hinfo->cfg.mode & XT_HASHLIMIT_HASH_SIP)
		dst->ip.src = maskl(ip_hdr(skb)->saddr, hinfo->cfg.srcmask);

	if (!(hinfo->cfg.mode & (XT_HASHLIMIT_HASH_DPT | XT_HASHLIMIT_HASH_SPT)))
		return 0;
	nexthdr = ip_hdr(skb)->protocol;

	poff = proto_ports_offset(nexthdr);
	if (poff >= 0) {
		ports = skb_header_pointer(skb, protoff + poff, sizeof(_ports), &_ports);
	} else {
		_ports[0] = _ports[1] = 0;
		ports = _ports;
	}
	if (!ports)
		return -1;
	if (hinfo->cfg.mode & XT_HASHLIMIT_HASH_SPT)
		memcpy(&dst->src_port, &ports[0], sizeof(dst->src_port));
	if (hinfo->cfg.mode & XT_HASHLIMIT_HASH_DPT)
		memcpy(&dst->dst_port, &ports[1], sizeof(dst->dst_port));
	return 0;
}

static u32 hashlimit_byte_cost(unsigned int len, struct dsthash_ent *dh)
{
	u64 tmp = xt_hashlimit_len_to_chunks(len);

	tmp = tmp * dh->rateinfo.cost;
	if (tmp > CREDITS_PER_JIFFY_BYTES * HZ)
		tmp = CREDITS_PER_JIFFY_BYTES * HZ;

	if (dh->rateinfo.credit < tmp && dh->rateinfo.credit_cap) {
		dh->rateinfo.credit_cap--;
		dh->rateinfo.credit = CREDITS_PER_JIFFY_BYTES * HZ;
	}
	return (u32)tmp;
}

static bool hashlimit_mt_common(const struct sk_buff *skb, struct xt_action_param *par,
				struct xt_hashlimit_htable *hinfo,
				const struct hashlimit_cfg3 *cfg, int revision)
{
	struct net *net = xt_net(par);
	unsigned long now = nfemu_jiffies(net);
	struct dsthash_ent *dh;
	struct dsthash_dst dst;
	u64 cost;

	htable_gc_run(hinfo, now);

	if (hashlimit_init_dst(hinfo, &dst, skb, par->thoff) < 0)
		goto hotdrop;

	dh = dsthash_find(hinfo, &dst);
	if (dh == NULL) {
		dh = dsthash_alloc_init(net, hinfo, &dst);
		if (dh == NULL)
			goto hotdrop;
		dh->expires = now + msecs_to_jiffies(hinfo->cfg.expire);
		rateinfo_init(net, dh, hinfo, revision);
	} else {
		/* update expiration timeout */
		dh->expires = now + msecs_to_jiffies(hinfo->cfg.expire);
		rateinfo_recalc(dh, now, hinfo->cfg.mode, revision);
	}

	if (cfg->mode & XT_HASHLIMIT_RATE_MATCH) {
		cost = (cfg->mode & XT_HASHLIMIT_BYTES) ? skb->len : 1;
		dh->rateinfo.current_rate += cost;

		if (!dh->rateinfo.prev_window &&
		    (dh->rateinfo.current_rate <= (u64)dh->rateinfo.burst))
			return !(cfg->mode & XT_HASHLIMIT_INVERT);
		goto overlimit;
	}

	if (cfg->mode & XT_HASHLIMIT_BYTES)
		cost = hashlimit_byte_cost(skb->len, dh);
	else
		cost = dh->rateinfo.cost;

	if (dh->rateinfo.credit >= cost) {
		/* below the limit */
		dh->rateinfo.credit -= cost;
		return !(cfg->mode & XT_HASHLIMIT_INVERT);
	}

overlimit:
	/* default match is underlimit - so over the limit, we need to invert */
	return cfg->mode & XT_HASHLIMIT_INVERT;

hotdrop:
	par->hotdrop = true;
	return false;
}

static bool hashlimit_mt_v1(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_hashlimit_mtinfo1 *info = par->matchinfo;
	struct hashlimit_cfg3 cfg = {};

	cfg_copy(&cfg, &info->cfg, 1);
	return hashlimit_mt_common(skb, par, info->hinfo, &cfg, 1);
}

static bool hashlimit_mt_v2(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_hashlimit_mtinfo2 *info = par->matchinfo;
	struct hashlimit_cfg3 cfg = {};

	cfg_copy(&cfg, &info->cfg, 2);
	return hashlimit_mt_common(skb, par, info->hinfo, &cfg, 2);
}

static bool hashlimit_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_hashlimit_mtinfo3 *info = par->matchinfo;

	return hashlimit_mt_common(skb, par, info->hinfo, &info->cfg, 3);
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
	if (cfg->mode & XT_HASHLIMIT_RATE_MATCH) {
		if (revision < 3) {
			pr_debug(net, "xt_hashlimit: rate match needs revision 3");	/* EMU: silent */
			return -EINVAL;
		}

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

	/* A table is either rate-match or token bucket, whoever created it. */
	if (!!(cfg->mode & XT_HASHLIMIT_RATE_MATCH) != (*hinfo)->ratematch) {
		pr_debug(net, "xt_hashlimit: table %s exists in the other rate mode", name);	/* EMU: silent */
		htable_put(*hinfo);
		return -EINVAL;
	}

	return 0;
}

static int hashlimit_mt_check_v1(const struct xt_mtchk_param *par)
{
	struct xt_hashlimit_mtinfo1 *info = par->matchinfo;
	struct hashlimit_cfg3 cfg = {};
	int ret;

	ret = xt_check_proc_name(info->name, sizeof(info->name));
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

	ret = xt_check_proc_name(info->name, sizeof(info->name));
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

	ret = xt_check_proc_name(info->name, sizeof(info->name));
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
		.match		= hashlimit_mt_v1,
		.matchsize	= sizeof(struct xt_hashlimit_mtinfo1),
		.usersize	= offsetof(struct xt_hashlimit_mtinfo1, hinfo),
		.checkentry	= hashlimit_mt_check_v1,
		.destroy	= hashlimit_mt_destroy_v1,
	},
	{
		.name		= "hashlimit",
		.revision	= 2,
		.family		= NFPROTO_IPV4,
		.match		= hashlimit_mt_v2,
		.matchsize	= sizeof(struct xt_hashlimit_mtinfo2),
		.usersize	= offsetof(struct xt_hashlimit_mtinfo2, hinfo),
		.checkentry	= hashlimit_mt_check_v2,
		.destroy	= hashlimit_mt_destroy_v2,
	},
	{
		.name		= "hashlimit",
		.revision	= 3,
		.family		= NFPROTO_IPV4,
		.match		= hashlimit_mt,
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

/* EMU: the state file keeps the buckets (kernel/rtstate.h): per table its name, family, hash
 * seed and collector time, then its entries in the collector's order. */
static void hashlimit_rt_save(struct net *net, struct rts_w *w)
{
	struct hashlimit_net *hn = hashlimit_pernet(net);
	struct xt_hashlimit_htable *ht;
	u32 ntables = 0;

	if (!hn || list_empty(&hn->htables))
		return;
	list_for_each_entry(ht, &hn->htables, node)
		ntables++;
	RTS_PUT(w, ntables);
	list_for_each_entry(ht, &hn->htables, node) {
		struct dsthash_ent *ent;
		u8 n = (u8)strlen(ht->name);
		u64 gc_next = ht->gc_next;

		RTS_PUT(w, n);
		rts_put(w, ht->name, n);
		RTS_PUT(w, ht->family);
		RTS_PUT(w, ht->rnd_initialized);
		RTS_PUT(w, ht->rnd);
		RTS_PUT(w, gc_next);
		RTS_PUT(w, ht->count);
		list_for_each_entry(ent, &ht->entries, all) {
			u64 expires = ent->expires, prev = ent->rateinfo.prev;

			RTS_PUT(w, ent->dst);
			RTS_PUT(w, expires);
			RTS_PUT(w, prev);
			/* the union: credit/credit_cap/cost or the rate-match fields, as bytes */
			rts_put(w, &ent->rateinfo.credit, sizeof(ent->rateinfo) -
				offsetof(typeof(ent->rateinfo), credit));
		}
	}
}

static int hashlimit_rt_load(struct net *net, struct rts_r *r)
{
	struct hashlimit_net *hn = hashlimit_pernet(net);
	u32 ntables;

	if (!RTS_GET(r, ntables))
		return -EINVAL;
	for (u32 i = 0; i < ntables; i++) {
		struct xt_hashlimit_htable *ht = NULL, *it;
		char name[NAME_MAX];
		unsigned int count;
		u64 gc_next;
		u8 n, family;

		if (!RTS_GET(r, n) || n == 0 || n >= sizeof(name) || !rts_get(r, name, n))
			return rts_bad(r, "bad table name");
		name[n] = '\0';
		if (!RTS_GET(r, family))
			return -EINVAL;
		list_for_each_entry(it, &hn->htables, node)
			if (!strcmp(it->name, name) && it->family == family)
				ht = it;
		if (!ht)
			return rts_bad(r, "a table no rule names");
		if (ht->count)
			return rts_bad(r, "a table saved twice");
		if (!RTS_GET(r, ht->rnd_initialized) || !RTS_GET(r, ht->rnd) || !RTS_GET(r, gc_next) ||
		    !RTS_GET(r, count))
			return -EINVAL;
		ht->gc_next = (unsigned long)gc_next;
		if (count > ht->cfg.max)
			return rts_bad(r, "a table with more entries than its --hashlimit-htable-max");
		for (unsigned int j = 0; j < count; j++) {
			struct dsthash_ent *ent = calloc(1, sizeof(*ent));
			u64 expires, prev;

			if (!ent)
				return rts_bad(r, "out of memory");
			if (!RTS_GET(r, ent->dst) || !RTS_GET(r, expires) || !RTS_GET(r, prev) ||
			    !rts_get(r, &ent->rateinfo.credit, sizeof(ent->rateinfo) -
				     offsetof(typeof(ent->rateinfo), credit))) {
				free(ent);
				return -EINVAL;
			}
			if (dsthash_find(ht, &ent->dst)) {
				free(ent);
				return rts_bad(r, "a key saved twice");
			}
			ent->expires = (unsigned long)expires;
			ent->rateinfo.prev = (unsigned long)prev;
			list_add(&ent->node, &ht->hash[hash_dst(ht, &ent->dst)]);
			list_add_tail(&ent->all, &ht->entries);
			ht->count++;
		}
	}
	return 0;
}

const struct module_info module_info_xt_hashlimit = {
	.name = "xt_hashlimit",
	.size = 24576,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_hashlimit", "ip6t_hashlimit"),
	.init = hashlimit_mt_init,
	.exit = hashlimit_mt_exit,
	.rt_save = hashlimit_rt_save,
	.rt_load = hashlimit_rt_load,
};
