/* conntrack/nf_conntrack.h - connection tracking: struct nf_conn and what the rest calls.
 *
 * Mirrors include/net/netfilter/nf_conntrack.h (struct nf_conn, nf_ct_get/put, expiry),
 * nf_conntrack_core.h (nf_conntrack_in, confirm), nf_conntrack_extend.h (extensions) and
 * the refcounted per-net enable of nf_conntrack_proto.c (nf_ct_netns_get/put: Linux
 * registers the conntrack hooks in a netns on the first reference and removes them on the
 * last).  EMU: extensions are one lazily allocated struct with a slot per kind instead of
 * the kernel's offset table; ct->timeout is in jiffies of the capture clock (kernel/clock.h).
 */
#ifndef NFEMU_CONNTRACK_NF_CONNTRACK_H
#define NFEMU_CONNTRACK_NF_CONNTRACK_H

#include <linux/netfilter/nf_conntrack_tcp.h>
#include <linux/netfilter/xt_connlabel.h>
#include "kernel/kernel.h"
#include "kernel/list.h"
#include "kernel/clock.h"
#include "conntrack/nf_conntrack_common.h"
#include "conntrack/nf_conntrack_tuple.h"
#include "conntrack/netns_conntrack.h"
#include "hooks/netfilter.h"

struct net;
struct sk_buff;

/* ---------------------------------------------------------------- protocol private data */

/* include/linux/netfilter/nf_conntrack_tcp.h */
struct ip_ct_tcp_state {
	u32 td_end;                     /* max of seq + len */
	u32 td_maxend;                  /* max of ack + max(win, 1) */
	u32 td_maxwin;                  /* max(win) */
	u32 td_maxack;                  /* max of ack */
	u8 td_scale;                    /* window scale factor */
	u8 flags;                       /* per direction options */
};

struct ip_ct_tcp {
	struct ip_ct_tcp_state seen[2]; /* connection parameters per direction */
	u8 state;                       /* state of the connection (enum tcp_conntrack) */
	u8 last_dir;                    /* direction of the last packet (enum ip_conntrack_dir) */
	u8 retrans;                     /* number of retransmitted packets */
	u8 last_index;                  /* index of the last packet */
	u32 last_seq;                   /* last sequence number seen in dir */
	u32 last_ack;                   /* last sequence number seen in opposite dir */
	u32 last_end;                   /* last seq + len */
	u16 last_win;                   /* last window advertisement seen in dir */
	u8 last_wscale;                 /* last window scaling factor seen */
	u8 last_flags;                  /* last flags set */
};

struct nf_ct_udp {
	unsigned long stream_ts;
};

union nf_conntrack_proto {
	struct ip_ct_tcp tcp;
	struct nf_ct_udp udp;
	unsigned int tmpl_padto;
};

/* ---------------------------------------------------------------- extensions */

enum nf_ct_ext_id {
	NF_CT_EXT_HELPER,
	NF_CT_EXT_NAT,
	NF_CT_EXT_SEQADJ,
	NF_CT_EXT_ACCT,
	NF_CT_EXT_ECACHE,
	NF_CT_EXT_TSTAMP,
	NF_CT_EXT_TIMEOUT,
	NF_CT_EXT_LABELS,
	NF_CT_EXT_SYNPROXY,
	NF_CT_EXT_NUM,
};

struct nf_conn_counter {
	u64 packets;
	u64 bytes;
};

struct nf_conn_acct {
	struct nf_conn_counter counter[IP_CT_DIR_MAX];
};

struct nf_conn_tstamp {
	u64 start;
	u64 stop;
};

struct nf_conntrack_ecache {
	unsigned long cache;            /* bitops want long */
	u16 ctmask;                     /* bitmask of ct events to be delivered */
	u16 expmask;                    /* bitmask of expect events to be delivered */
	u32 missed;                     /* missed events */
	u32 portid;                     /* netlink portid of destroyer */
};

#define NF_CT_LABELS_MAX_SIZE ((XT_CONNLABEL_MAXBIT + 1) / 8)
struct nf_conn_labels {
	unsigned long bits[(XT_CONNLABEL_MAXBIT + 1) / (8 * sizeof(long))];
};

struct nf_conntrack_helper;
/* nf_conn feature for connections that have a helper (nf_conntrack_helper.h). */
struct nf_conn_help {
	const struct nf_conntrack_helper *helper;       /* helper, if any */
	/* the expectations this connection made (struct nf_conntrack_expect.lnode).
	 * EMU: a list_head where Linux has an hlist_head */
	struct list_head expectations;
	u8 expecting[4];                /* current number per class (NF_CT_MAX_EXPECT_CLASSES) */
	/* private helper information (FTP: struct nf_ct_ftp_master) */
	u8 data[32] __attribute__((aligned(8)));
};

struct nf_conn_timeout {
	const unsigned int *timeouts;   /* a timeout policy's per-state values (jiffies) */
};

/* NAT's per-connection data (include/net/netfilter/nf_nat.h struct nf_conn_nat: defined here
 * so that the extension area can hold it; nat/ owns it).  masq_index: the device MASQUERADE
 * chose the source of (CONFIG_NF_NAT_MASQUERADE), 0 for other bindings. */
struct nf_conn_nat {
	int masq_index;
};

/* TCP sequence adjustment after a helper changed a payload's length
 * (include/net/netfilter/nf_conntrack_seqadj.h). */
struct nf_ct_seqadj {
	u32 correction_pos;
	s32 offset_before;
	s32 offset_after;
};

struct nf_conn_seqadj {
	struct nf_ct_seqadj seq[IP_CT_DIR_MAX];
};

/* The extensions of an entry, as the kernel lays them out: a header of offsets, then the
 * area of each extension added, in the order added, each 8-aligned; nf_ct_ext_add grows it
 * (krealloc), so an entry pays only for what it uses. */
struct nf_ct_ext {
	u8 offset[NF_CT_EXT_NUM];       /* from the start of the ext; 0: not added */
	u16 len;                        /* bytes in use */
	char data[] __attribute__((aligned(8)));
};

/* ---------------------------------------------------------------- the connection */

struct nf_conn {
	/* Usage count: 1 for the hash table, 1 per skb, 1 per connection we are master of. */
	struct nf_conntrack ct_general;
	/* jiffies32 when this ct is considered dead (relative, until confirmed) */
	u32 timeout;
	struct nf_conntrack_zone zone;
	/* the tuples: original and reply */
	struct nf_conntrack_tuple_hash tuplehash[IP_CT_DIR_MAX];
	unsigned long status;           /* IPS_* */
	struct net *ct_net;
	/* EMU: on net->ct.unconfirmed or net->ct.dying (Linux: the ecache list reuses hnnode) */
	struct list_head emu_list;
	u32 emu_hash;                   /* Linux saves it in tuplehash[REPLY].hnnode.pprev */
	u16 emu_events;                 /* EMU: events not reported to the observer yet */
	/* NAT (CONFIG_NF_NAT): in the bysource hash once a source binding is set up
	 * (IPS_SRC_NAT_DONE), so a later connection from the same source finds its mapping */
	struct hlist_node nat_bysource;
	/* all members below are zeroed at allocation (__nfct_init_offset) */
	struct nf_conn *master;         /* if we were expected by an expectation */
	u32 mark;
	u32 secmark;                    /* CONFIG_NF_CONNTRACK_SECMARK (EMU: no LSM sets one) */
	struct nf_ct_ext *ext;
	union nf_conntrack_proto proto;
};

static inline struct nf_conn *nf_ct_to_nf_conn(const struct nf_conntrack *nfct)
{
	return container_of(nfct, struct nf_conn, ct_general);
}

static inline struct nf_conn *nf_ct_tuplehash_to_ctrack(const struct nf_conntrack_tuple_hash *hash)
{
	return container_of(hash, struct nf_conn, tuplehash[hash->tuple.dst.dir]);
}

static inline u16 nf_ct_l3num(const struct nf_conn *ct)
{
	return ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.l3num;
}

static inline u8 nf_ct_protonum(const struct nf_conn *ct)
{
	return ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.dst.protonum;
}

#define nf_ct_tuple(ct, dir) (&(ct)->tuplehash[dir].tuple)
#define master_ct(conntr) ((conntr)->master)

static inline struct net *nf_ct_net(const struct nf_conn *ct)
{
	return ct->ct_net;
}

static inline const struct nf_conntrack_zone *nf_ct_zone(const struct nf_conn *ct)
{
	return &ct->zone;
}

static inline void nf_ct_zone_add(struct nf_conn *ct, const struct nf_conntrack_zone *zone)
{
	ct->zone = *zone;
}

static inline bool nf_ct_zone_equal(const struct nf_conn *a, const struct nf_conntrack_zone *b,
				    enum ip_conntrack_dir dir)
{
	return nf_ct_zone_id(nf_ct_zone(a), dir) == nf_ct_zone_id(b, dir);
}

/* The zone of a template, or the skb's mark when the template says so. */
static inline const struct nf_conntrack_zone *
nf_ct_zone_tmpl(const struct nf_conn *tmpl, const struct sk_buff *skb, struct nf_conntrack_zone *tmp)
{
	if (!tmpl)
		return &nf_ct_zone_dflt;
	if (tmpl->zone.flags & NF_CT_FLAG_MARK)
		return nf_ct_zone_init(tmp, (u16)skb->mark, tmpl->zone.dir, 0);
	return nf_ct_zone(tmpl);
}

/* The conntrack and its ctinfo from skb->_nfct (no reference taken). */
static inline struct nf_conn *nf_ct_get(const struct sk_buff *skb, enum ip_conntrack_info *ctinfo)
{
	unsigned long nfct = skb_get_nfct(skb);

	*ctinfo = (enum ip_conntrack_info)(nfct & NFCT_INFOMASK);
	return (struct nf_conn *)(nfct & NFCT_PTRMASK);
}

static inline void nf_ct_set(struct sk_buff *skb, struct nf_conn *ct, enum ip_conntrack_info info)
{
	skb_set_nfct(skb, (unsigned long)ct | info);
}

void nf_ct_destroy(struct nf_conntrack *nfct);

static inline void nf_ct_put(struct nf_conn *ct)
{
	if (ct && --ct->ct_general.use == 0)
		nf_ct_destroy(&ct->ct_general);
}

static inline bool nf_ct_shared(const struct nf_conn *ct)
{
	return ct->ct_general.use > 1;
}

static inline bool nf_ct_is_template(const struct nf_conn *ct)
{
	return ct->status & IPS_TEMPLATE;
}

/* It's confirmed if it is, or has been, in the hash table. */
static inline bool nf_ct_is_confirmed(const struct nf_conn *ct)
{
	return ct->status & IPS_CONFIRMED;
}

static inline bool nf_ct_is_dying(const struct nf_conn *ct)
{
	return ct->status & IPS_DYING;
}

/* jiffies32 on the capture clock.  EMU: takes the net (the kernel's is a global). */
#define nfct_time_stamp(net) ((u32)nfemu_jiffies(net))

/* jiffies until ct expires, 0 if already expired */
static inline unsigned long nf_ct_expires(const struct nf_conn *ct)
{
	s32 timeout = (s32)(ct->timeout - nfct_time_stamp(nf_ct_net(ct)));

	return timeout > 0 ? (unsigned long)timeout : 0;
}

static inline bool nf_ct_is_expired(const struct nf_conn *ct)
{
	return (s32)(ct->timeout - nfct_time_stamp(nf_ct_net(ct))) <= 0;
}

/* use after obtaining a reference count */
static inline bool nf_ct_should_gc(const struct nf_conn *ct)
{
	return nf_ct_is_confirmed(ct) && nf_ct_is_expired(ct) && !nf_ct_is_dying(ct);
}

#define NF_CT_DAY (86400 * HZ)

/* ---------------------------------------------------------------- extensions */

static inline bool nf_ct_ext_exist(const struct nf_conn *ct, enum nf_ct_ext_id id)
{
	return ct->ext && ct->ext->offset[id];
}

/* EMU: give the entry cache's free objects back to malloc (with a kernel's teardown). */
void nf_conntrack_cache_shrink(void);

/* The extension's slot, or NULL when it was not added. */
void *nf_ct_ext_find(const struct nf_conn *ct, enum nf_ct_ext_id id);
/* Add (zeroed) and return the slot; NULL on allocation failure or a confirmed ct. */
void *nf_ct_ext_add(struct nf_conn *ct, enum nf_ct_ext_id id);

static inline struct nf_conn_help *nfct_help(const struct nf_conn *ct)
{
	return nf_ct_ext_find(ct, NF_CT_EXT_HELPER);
}

static inline struct nf_conn_acct *nf_conn_acct_find(const struct nf_conn *ct)
{
	return nf_ct_ext_find(ct, NF_CT_EXT_ACCT);
}

static inline struct nf_conn_tstamp *nf_conn_tstamp_find(const struct nf_conn *ct)
{
	return nf_ct_ext_find(ct, NF_CT_EXT_TSTAMP);
}

static inline struct nf_conntrack_ecache *nf_ct_ecache_find(const struct nf_conn *ct)
{
	return nf_ct_ext_find(ct, NF_CT_EXT_ECACHE);
}

static inline struct nf_conn_labels *nf_ct_labels_find(const struct nf_conn *ct)
{
	return nf_ct_ext_find(ct, NF_CT_EXT_LABELS);
}

/* The timeout policy attached by a CT --timeout template, or NULL for the sysctl values. */
static inline struct nf_conn_seqadj *nfct_seqadj(const struct nf_conn *ct)
{
	return nf_ct_ext_find(ct, NF_CT_EXT_SEQADJ);
}

static inline struct nf_conn_seqadj *nfct_seqadj_ext_add(struct nf_conn *ct)
{
	return nf_ct_ext_add(ct, NF_CT_EXT_SEQADJ);
}

static inline const unsigned int *nf_ct_timeout_lookup(const struct nf_conn *ct)
{
	const struct nf_conn_timeout *t = nf_ct_ext_find(ct, NF_CT_EXT_TIMEOUT);

	return t ? t->timeouts : NULL;
}

/* ---------------------------------------------------------------- the core */

/* nf_conntrack_core.c */
unsigned int nf_conntrack_in(struct sk_buff *skb, const struct nf_hook_state *state);
int __nf_conntrack_confirm(struct sk_buff *skb);
bool nf_ct_get_tuplepr(const struct sk_buff *skb, unsigned int nhoff, u16 l3num, struct net *net,
		       struct nf_conntrack_tuple *tuple);
bool nf_ct_invert_tuple(struct nf_conntrack_tuple *inverse, const struct nf_conntrack_tuple *orig);
struct nf_conntrack_tuple_hash *nf_conntrack_find_get(struct net *net,
						      const struct nf_conntrack_zone *zone,
						      const struct nf_conntrack_tuple *tuple);
int nf_conntrack_tuple_taken(const struct nf_conntrack_tuple *tuple,
			     const struct nf_conn *ignored_conntrack);
struct nf_conn *nf_conntrack_alloc(struct net *net, const struct nf_conntrack_zone *zone,
				   const struct nf_conntrack_tuple *orig,
				   const struct nf_conntrack_tuple *repl);
void nf_conntrack_free(struct nf_conn *ct);
int nf_conntrack_hash_check_insert(struct nf_conn *ct);
/* NAT changed where replies come from: give the (unconfirmed) entry its new reply tuple. */
void nf_conntrack_alter_reply(struct nf_conn *ct, const struct nf_conntrack_tuple *newreply);
bool nf_ct_delete(struct nf_conn *ct, u32 portid, int report);
void __nf_ct_refresh_acct(struct nf_conn *ct, enum ip_conntrack_info ctinfo, u32 extra_jiffies,
			  unsigned int bytes);
bool nf_ct_kill_acct(struct nf_conn *ct, enum ip_conntrack_info ctinfo, const struct sk_buff *skb);
/* nf_conntrack_acct.h: is accounting on (the sysctl nf_conntrack_acct, or forced by
 * connbytes), and turn it on as connbytes' checkentry does. */
bool nf_ct_acct_enabled(const struct net *net);
void nf_ct_set_acct(struct net *net, bool enable);
struct nf_conn *nf_ct_tmpl_alloc(struct net *net, const struct nf_conntrack_zone *zone);
void nf_ct_tmpl_free(struct nf_conn *tmpl);
/* nf_ct_attach() and nf_ct_set_closing() are in nf_conntrack_common.h (the stack calls them). */
u32 nf_conntrack_count(const struct net *net);
/* EMU, for tests: the bucket of net->ct.hash a tuple (in zone zoneid) lives in. */
u32 nfemu_ct_hash_bucket(const struct net *net, const struct nf_conntrack_tuple *tuple, u16 zoneid);

struct nf_ct_iter_data {
	struct net *net;
	void *data;
	u32 portid;
	int report;
};
/* Iterate over all conntracks: if iter returns true, it's deleted. */
void nf_ct_iterate_cleanup_net(int (*iter)(struct nf_conn *i, void *data),
			       const struct nf_ct_iter_data *iter_data);

/* The module's per-net init/exit (nf_conntrack_init_net / nf_conntrack_cleanup_net). */
int nf_conntrack_init_net(struct net *net);
void nf_conntrack_cleanup_net(struct net *net);

/* EMU: the delayed works (gc_worker, the ecache redelivery) whose deadline has passed on the
 * capture clock.  nf_conntrack_in runs them; `nfemu replay` may call it after a capture. */
void nf_conntrack_run_timers(struct net *net);
/* EMU: one gc_worker pass now, whatever its deadline (tests, the end of a replay). */
void nf_conntrack_gc(struct net *net);

static inline void nf_ct_refresh_acct(struct nf_conn *ct, enum ip_conntrack_info ctinfo,
				      const struct sk_buff *skb, u32 extra_jiffies)
{
	__nf_ct_refresh_acct(ct, ctinfo, extra_jiffies, skb->len);
}

static inline void nf_ct_refresh(struct nf_conn *ct, u32 extra_jiffies)
{
	__nf_ct_refresh_acct(ct, 0, extra_jiffies, 0);
}

/* kill conntrack without accounting */
static inline bool nf_ct_kill(struct nf_conn *ct)
{
	return nf_ct_delete(ct, 0, 0);
}

/* Confirm a connection: returns NF_DROP if the packet must be dropped. */
int nf_conntrack_confirm(struct sk_buff *skb);

/* nf_conntrack_proto.c: enable/disable conntrack in this namespace (load on first get). */
int nf_ct_netns_get(struct net *net, u8 nfproto);
void nf_ct_netns_put(struct net *net, u8 nfproto);
unsigned int nf_confirm(void *priv, struct sk_buff *skb, const struct nf_hook_state *state);

/* nf_defrag_ipv4.c */
int nf_defrag_ipv4_enable(struct net *net);
void nf_defrag_ipv4_disable(struct net *net);

/* nf_conntrack_standalone.c: /proc/net/nf_conntrack and conntrack-tools' `conntrack -L`. */
enum nf_ct_print_style {
	NF_CT_PRINT_PROC,               /* "ipv4     2 tcp      6 117 SYN_SENT src=... use=2" */
	NF_CT_PRINT_CONNTRACK_TOOL,     /* "tcp      6 117 SYN_SENT src=... mark=0 use=1" */
};
/* One entry as a line (no newline); returns snprintf's length. */
int nf_conntrack_print(const struct nf_conn *ct, enum nf_ct_print_style style, char *buf, size_t len);
/* Every confirmed, unexpired entry in hash order, one line each (malloc'd, NUL-terminated);
 * *nentries gets the count.  NULL on allocation failure. */
char *nf_conntrack_show(struct net *net, enum nf_ct_print_style style, unsigned int *nentries);
/* The same, only the entries keep(ct, arg) is true for (keep NULL: all). */
char *nf_conntrack_show_filter(struct net *net, enum nf_ct_print_style style,
			       bool (*keep)(const struct nf_conn *ct, void *arg), void *arg,
			       unsigned int *nentries);
/* `conntrack -F`: delete every entry in the hash. */
void nf_conntrack_flush(struct net *net);

#endif
