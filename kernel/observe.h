/* kernel/observe.h - EMU: how the emulated kernel tells nfemu's outputs what happened.
 *
 * Linux has tracepoints (skb:kfree_skb, net:net_dev_xmit, ...) and the kernel log; nfemu's
 * kernel calls the observer installed in struct net at the same places, and `nfemu replay`
 * turns the events into fate lines, JSON Lines, egress pcaps and the closing summary.
 * With no observer installed every call is a no-op.
 */
#ifndef NFEMU_EMU_OBSERVE_H
#define NFEMU_EMU_OBSERVE_H

#include "kernel/kernel.h"
#include "netstack/dropreason.h"

struct sk_buff;
struct net_device;
struct sock;

enum nfemu_event_type {
	NFEMU_EV_DROP,          /* kfree_skb_reason(): reason, and for netfilter the rule */
	NFEMU_EV_STOLEN,        /* a hook took the packet (NF_STOLEN) */
	NFEMU_EV_QUEUED,        /* handed to nf_queue (NFQUEUE with a listener) */
	NFEMU_EV_XMIT,          /* a frame left by dev: frame/frame_len are the bytes on the wire */
	NFEMU_EV_DELIVER,       /* reached the local host (a protocol handler or socket) */
	NFEMU_EV_GENERATED,     /* the host built a packet (RST, ICMP, echo reply): skb->emu_parent */
	NFEMU_EV_NOTE,          /* anything else worth a line (e.g. "ARP unresolved for ...") */
	NFEMU_EV_PENDING,       /* held by the stack to finish later (queued on a neighbour being
				 * resolved): its fate comes when a timer fires, maybe during a
				 * later packet; text = what it waits for */
	NFEMU_EV_TIMERS_DONE,   /* the stack's timers due before this packet have run */
	NFEMU_EV_CT,            /* conntrack: a list move, an event, an expectation: ct = what
				 * happened to which entry; skb may be NULL */
	NFEMU_EV_NAT,           /* nf_nat_setup_info bound a connection: nat = the decision */
	NFEMU_EV_HOOK,          /* nf_hook_slow called a hook function: hook (observer.walk) */
	NFEMU_EV_WALK,          /* a step of ipt_do_table's walk: walk (observer.walk) */
	NFEMU_EV_ACCEPT,        /* ipt_do_table's walk ended in NF_ACCEPT: verdict = the entry */
	NFEMU_EV_HOOK_CALL,     /* nf_hook_slow is about to call a hook function: hook, its
				 * verdict not known yet (observer.walk); NFEMU_EV_HOOK follows */
	NFEMU_EV_MODULE,        /* a module loaded or unloaded, a reference taken or dropped:
				 * module (observer.walk; with no observer, net->modlog keeps it) */
	NFEMU_EV_NF_QUEUE,      /* nf_queue() was handed a packet: queue (observer.walk) */
	NFEMU_EV_NF_LOG,        /* nf_log_packet() was called: log (observer.walk) */
	NFEMU_EV_QUEUE_VERDICT, /* ipt_do_table's walk ended in NF_QUEUE: verdict = the entry,
				 * nf_verdict = what it returned (queue number, bypass flag) */
};

struct nf_conntrack_tuple;
struct nf_nat_range2;
struct xt_table_info;

/* What decided a drop, in binary (skb->emu_verdict; the observer names it).  A rule: the
 * table's rules at the time, the hook being walked and the entry's offset in them (the tool
 * finds chain and rule number as TRACE does); else the kernel function or hook that freed
 * the packet (a string constant). */
enum nfemu_verdict_kind {
	NFEMU_VERDICT_NONE,
	NFEMU_VERDICT_RULE,             /* ipt_do_table: an entry's verdict */
	NFEMU_VERDICT_FUNC,             /* func: "ip_rcv_core", "nf_nat_ipv4_local_fn", ... */
};

enum nfemu_verdict_why {
	NFEMU_VERDICT_BY_TARGET,        /* the entry's target said so */
	NFEMU_VERDICT_HOTDROP,          /* a match set hotdrop */
	NFEMU_VERDICT_JUMPSTACK,        /* the jump stack overflowed at this entry */
};

struct nfemu_verdict {
	u8 kind;                        /* enum nfemu_verdict_kind */
	u8 hook;                        /* RULE: NF_INET_* */
	u8 why;                         /* RULE: enum nfemu_verdict_why */
	u32 offset;                     /* RULE: the entry, from private->entries */
	const char *table;              /* RULE: xt_table->name */
	const struct xt_table_info *private;    /* RULE */
	const char *func;               /* FUNC */
};

/* How get_unique_tuple found the tuple it returned (NFEMU_EV_NAT). */
enum nfemu_nat_how {
	NFEMU_NAT_KEPT,         /* the packet's own tuple: in the range and not in use */
	NFEMU_NAT_BYSOURCE,     /* the mapping an earlier connection from this source has */
	NFEMU_NAT_RANGE,        /* the address taken from the range; ports as they were */
	NFEMU_NAT_SEARCH,       /* the port (ICMP id) searched for in the range */
	NFEMU_NAT_EXHAUSTED,    /* no free tuple in the range: confirm will drop the packet */
};

/* One binding, in binary: the observer formats it (emu/output.c). */
struct nfemu_nat_event {
	u8 hook;                        /* NF_INET_* of the decision */
	u8 manip;                       /* NF_NAT_MANIP_SRC / _DST */
	u8 how;                         /* enum nfemu_nat_how */
	bool null_binding;              /* no rule chose: nf_nat_alloc_null_binding */
	bool bysource_hit;              /* the bysource hash had this source (used or not) */
	bool clash;                     /* a candidate in the range was in use by another entry */
	u32 tried;                      /* tuples the port search looked at */
	const struct nf_conntrack_tuple *from;  /* the tuple before (curr_tuple) */
	const struct nf_conntrack_tuple *to;    /* the tuple chosen */
	const struct nf_nat_range2 *range;
};

/* What conntrack did (NFEMU_EV_CT), in binary: the observer words it (emu/ct_text.c). */
enum nfemu_ct_what {
	NFEMU_CT_UNCONFIRMED,   /* allocated, on the unconfirmed list (master: it was expected) */
	NFEMU_CT_CONFIRMED,     /* [NEW]: confirmed into the hash; events, state, master */
	NFEMU_CT_UPDATE,        /* [UPDATE]: events (IPCT_*), state */
	NFEMU_CT_NOT_CONFIRMED, /* confirm failed: the packet is dropped */
	NFEMU_CT_DESTROY,       /* [DESTROY] str (why), out of the hash */
	NFEMU_CT_DESTROY_DYING, /* [DESTROY] str: the event was not delivered, on the dying list */
	NFEMU_CT_REDELIVERED,   /* the destroy event went out later: off the dying list */
	NFEMU_CT_FREED,         /* freed; flag: it had been confirmed */
	NFEMU_CT_HELPER_DROP,   /* helper str dropped the packet */
	NFEMU_CT_FTP_PARTIAL,   /* ftp: a partial str command, a bytes at seq b: dropped */
	NFEMU_CT_FTP_OTHER_ADDR,        /* ftp: str announces another address: not expected */
	NFEMU_CT_EXP_GONE,      /* an expectation out of the table; flag: it expired */
	NFEMU_CT_EXP_MATCHED,   /* an expectation matched by a new connection */
	NFEMU_CT_EXP_REFUSED,   /* an expectation refused: a = the errno (positive) */
	NFEMU_CT_EXP_CREATED,   /* an expectation created, a = its timeout in seconds */
	NFEMU_CT_INVALID,       /* a tracker judged the packet (what nf_conntrack_log_invalid
				 * logs, and the INVALID verdicts Linux does not log): inv, a, b, c
				 * (enum nfemu_ct_invalid), protonum; ct = the entry or NULL, pkt */
};

/* NFEMU_CT_INVALID: why.  The first ones are the kernel's nf_l4proto_log_invalid() and
 * nf_ct_l4proto_log_invalid() messages, one per call site (the tool words them as Linux
 * does); the NOLOG ones are INVALID verdicts Linux gives without a log line. */
enum nfemu_ct_invalid {
	NFEMU_CTINV_TCP_TRUNCATED,      /* tcp_error: "truncated packet" */
	NFEMU_CTINV_TCP_CHECKSUM,       /* "bad checksum" */
	NFEMU_CTINV_TCP_FLAGS,          /* "invalid tcp flag combination" */
	NFEMU_CTINV_TCP_NEW,            /* tcp_new: "invalid new" */
	NFEMU_CTINV_TCP_IGNORED,        /* "packet (index a) in dir b ignored, state c" */
	NFEMU_CTINV_TCP_STATE,          /* "packet (index a) in dir b invalid, state c" */
	NFEMU_CTINV_TCP_CHALLENGE_ACK,  /* "challenge-ack ignored" */
	NFEMU_CTINV_TCP_RST,            /* "invalid rst" */
	NFEMU_CTINV_TCP_OVERSHOT,       /* "a bytes more than expected" */
	NFEMU_CTINV_TCP_SEQ_OVER,       /* tcp_in_window, a = the bound */
	NFEMU_CTINV_TCP_ACK_OVER,
	NFEMU_CTINV_TCP_SEQ_UNDER,
	NFEMU_CTINV_TCP_ACK_UNDER,
	NFEMU_CTINV_TCP_LOWERED_TIMEOUT,        /* "lowered timeout to UNACK" */
	NFEMU_CTINV_UDP_SHORT,          /* udp_error: "short packet" */
	NFEMU_CTINV_UDP_TRUNCATED,      /* "truncated/malformed packet" */
	NFEMU_CTINV_UDP_CHECKSUM,       /* "bad checksum" */
	NFEMU_CTINV_ICMP_SHORT,         /* nf_conntrack_icmpv4_error: "short packet" */
	NFEMU_CTINV_ICMP_CHECKSUM,      /* "bad hw icmp checksum" */
	NFEMU_CTINV_ICMP_TYPE,          /* "invalid icmp type" */
	NFEMU_CTINV_OUTER_DADDR,        /* nf_conntrack_inet_error: "outer daddr a != inner b"
					 * (a, b: addresses, network order) */
	NFEMU_CTINV_NOLOG_TCP_NO_SYN,   /* tcp_new, nf_conntrack_tcp_loose 0: not a SYN */
	NFEMU_CTINV_NOLOG_ICMP_NEW,     /* icmp_packet: type a cannot start a connection */
	NFEMU_CTINV_NOLOG_ICMP_INNER,   /* an ICMP error whose inner header gives no tuple */
	NFEMU_CTINV_NOLOG_ICMP_NO_CT,   /* an ICMP error about no tracked connection */
	NFEMU_CTINV_NOLOG_NO_TUPLE,     /* resolve_normal_ct: no tuple from the packet */
	NFEMU_CTINV_NOLOG_TCP_SHORT,    /* nf_conntrack_tcp_packet: less than a TCP header */
};

struct nf_conn;
struct nf_conntrack_expect;
struct nf_hook_ops;

/* A hook function nf_hook_slow called, and what it returned (NFEMU_EV_HOOK). */
struct nfemu_hook_event {
	const struct nf_hook_ops *ops;  /* pf, hooknum, priority, name, module, priv */
	unsigned int verdict;           /* NF_ACCEPT, NF_DROP (| errno << 16), NF_QUEUE | num << 16 ... */
	u8 index, count;                /* its place among the hook's entries */
};

/* A step of ipt_do_table's walk (NFEMU_EV_WALK).  Entries are offsets into private->entries;
 * the tool names them as TRACE does (ipt_verdict_location). */
enum nfemu_walk_what {
	NFEMU_WALK_ENTER,       /* the table is walked from the hook's entry point (offset) */
	NFEMU_WALK_MATCH,       /* the entry at offset matched: its target runs */
	NFEMU_WALK_JUMP,        /* a jump: the entry is pushed (depth after), to = the chain */
	NFEMU_WALK_GOTO,        /* a goto: to = the chain, nothing pushed */
	NFEMU_WALK_RETURN,      /* RETURN or a user chain's end: to = where the walk goes on,
				 * popped (depth after) or, on an empty stack, the hook's policy */
	NFEMU_WALK_CONTINUE,    /* the target returned XT_CONTINUE: on to the next entry */
	NFEMU_WALK_VERDICT,     /* the walk ends with verdict at the entry at offset */
};

struct nfemu_walk_event {
	u8 what;                        /* enum nfemu_walk_what */
	u8 hook;
	u8 depth;                       /* the jump stack's depth after the step */
	bool hotdrop;                   /* VERDICT: a match set hotdrop */
	const char *table;
	const struct xt_table_info *private;
	u32 offset;
	u32 to;
	unsigned int verdict;           /* VERDICT */
};

/* A module event (NFEMU_EV_MODULE), from kernel/module.c. */
enum nfemu_module_what {
	NFEMU_MODULE_LOAD,      /* request_module/load_module ran its init; user: the module
				 * that depends on it (loaded first for it), or NULL */
	NFEMU_MODULE_UNLOAD,    /* delete_module ran its exit */
	NFEMU_MODULE_GET,       /* try_module_get: refcount before -> after */
	NFEMU_MODULE_GET_FAILED,        /* try_module_get refused: the module is going */
	NFEMU_MODULE_PUT,       /* module_put */
	NFEMU_MODULE_REF,       /* ref_module: user uses name (holds it while loaded) */
	NFEMU_MODULE_UNREF,     /* module_unload_free: user, unloading, lets go of name */
};

struct nfemu_module_event {
	u8 what;                        /* enum nfemu_module_what */
	int before, after;              /* GET, PUT, REF, UNREF: the refcount */
	const char *name;               /* the module (a constant: its module_info's name) */
	const char *user;               /* LOAD, REF, UNREF (a constant), or NULL */
};

/* EMU: module events that happened while no observer was installed (a kernel being rebuilt
 * from its state file, before the replay installs its outputs), the first NFEMU_MODLOG_MAX
 * of them; the observer's owner reads them and empties the log (emu/output.c). */
#define NFEMU_MODLOG_MAX 512
struct nfemu_modlog {
	unsigned int n;                 /* kept */
	unsigned long lost;             /* not kept: the log was full */
	struct nfemu_module_event ev[NFEMU_MODLOG_MAX];
};

/* nf_queue() (NFEMU_EV_NF_QUEUE): where the packet was to go and what became of it. */
struct nfemu_queue_event {
	u8 hook;                        /* NF_INET_* */
	bool bypass;                    /* NF_VERDICT_FLAG_QUEUE_BYPASS (--queue-bypass) */
	bool listener;                  /* a program is bound to the queue */
	u16 queuenum;
	int err;                        /* __nf_queue's answer: 0, or -ESRCH (no listener) */
	unsigned int verdict;           /* what nf_hook_slow goes on with: NF_ACCEPT (bypass:
					 * the next hook function), NF_DROP (freed), or
					 * NF_STOLEN (queued: the listener's verdict re-injects it) */
};

/* nf_log_packet() (NFEMU_EV_NF_LOG): the logger it chose and what it was asked to log. */
struct nfemu_log_event {
	u8 hook;                        /* NF_INET_* */
	u8 pf;                          /* NFPROTO_* */
	bool has_loginfo;               /* else the logger bound to pf (net.netfilter.nf_log.2) */
	u8 type;                        /* loginfo's NF_LOG_TYPE_LOG / NF_LOG_TYPE_ULOG */
	u8 level;                       /* LOG: the printk level */
	u8 logflags;                    /* LOG: NF_LOG_* */
	u16 group;                      /* ULOG (NFLOG): the nfnetlink_log group */
	const char *logger;             /* the logger's name, NULL: none registered or bound */
	const char *prefix;             /* as formatted (valid during the call) */
};

struct nfemu_ct_event {
	u8 what;                        /* enum nfemu_ct_what */
	bool flag;
	unsigned int events;            /* CONFIRMED, UPDATE: the IPCT_* bits */
	const char *state;              /* CONFIRMED, UPDATE: the tracker's state name, or NULL */
	const char *str;                /* a constant or the helper's name (see above) */
	u32 a, b;
	const struct nf_conn *ct;       /* the entry (the EXP_* events: NULL) */
	const struct nf_conn *master;   /* UNCONFIRMED, CONFIRMED: the entry that expected it */
	const struct nf_conntrack_expect *exp;  /* EXP_* */
	/* INVALID: the reason (enum nfemu_ct_invalid), the protocol its log line names
	 * (nf_ct_proto_N), a third number, and the packet (to name it when ct is NULL) */
	u8 inv, protonum;
	u32 c;
	const struct sk_buff *pkt;
};

struct nfemu_event {
	enum nfemu_event_type type;
	const struct sk_buff *skb;
	const struct net_device *dev;
	enum skb_drop_reason reason;
	const char *where;              /* a kernel function or hook ("icmp_rcv"): a constant */
	const struct nfemu_verdict *verdict;    /* NFEMU_EV_DROP: what decided it */
	const unsigned char *frame;
	unsigned int frame_len;
	const char *text;
	const struct nfemu_nat_event *nat;      /* NFEMU_EV_NAT */
	const struct nfemu_ct_event *ct;        /* NFEMU_EV_CT */
	const struct nfemu_hook_event *hook;    /* NFEMU_EV_HOOK */
	const struct sock *sk;                  /* NFEMU_EV_DELIVER: the socket that took it */
	const struct nfemu_walk_event *walk;    /* NFEMU_EV_WALK */
	const struct nfemu_module_event *module;        /* NFEMU_EV_MODULE */
	const struct nfemu_queue_event *queue;  /* NFEMU_EV_NF_QUEUE */
	const struct nfemu_log_event *log;      /* NFEMU_EV_NF_LOG */
	unsigned int nf_verdict;                /* NFEMU_EV_QUEUE_VERDICT */
};

/* Why the ABI refused the last sockopt, in binary (net->refusal; the tool words it:
 * emu/refusal.c).  The kernel's answer is only the errno; this says which check failed, on
 * which entry, with the numbers it compared. */
enum nfemu_refusal_reason {
	NFEMU_REFUSE_NONE,
	/* check_entry_size_and_hooks, on the entry at entry_off */
	NFEMU_REFUSE_ALIGN,             /* a0: the alignment */
	NFEMU_REFUSE_HEADER_PAST_END,   /* a0: the blob's size */
	NFEMU_REFUSE_NEXT_PAST_END,     /* a0: next_offset, a1: size */
	NFEMU_REFUSE_NEXT_TOO_SMALL,    /* a0: next_offset, a1: the least it can be */
	NFEMU_REFUSE_IP_FLAGS,          /* a0: flags, a1: invflags */
	NFEMU_REFUSE_TARGET_OFFSET,     /* a0: target_offset, a1: next_offset */
	NFEMU_REFUSE_TARGET_SIZE,       /* a0: target_size, a1: target_offset, a2: next_offset */
	NFEMU_REFUSE_STD_TARGET_END,    /* a0: target_offset, a1: the target's size, a2: next_offset */
	NFEMU_REFUSE_STD_VERDICT,       /* a0: the verdict (signed) */
	NFEMU_REFUSE_ERROR_TARGET,      /* a0: target_size */
	NFEMU_REFUSE_MATCHES_TILE,
	NFEMU_REFUSE_UNDERFLOW_POLICY,  /* a0: the hook */
	/* an extension refused (not found, revision, checkentry): ext, rev, klog; a0: its errno */
	NFEMU_REFUSE_MATCH,
	NFEMU_REFUSE_TARGET,
	/* translate_table */
	NFEMU_REFUSE_NUM_ENTRIES_LARGE, /* a0: num_entries */
	NFEMU_REFUSE_NUM_ENTRIES,       /* a0: num_entries, a1: entries in the blob */
	NFEMU_REFUSE_HOOKS,             /* str: what xt_check_table_hooks found, a0: hook,
					 * a1: hook_entry, a2: underflow */
	NFEMU_REFUSE_LOOP,              /* mark_source_chains (ELOOP) */
	/* the sockopt handlers: their lengths and counts */
	NFEMU_REFUSE_GET_INFO_LEN,      /* a0: optlen, a1: the size wanted */
	NFEMU_REFUSE_GET_ENTRIES_SHORT, /* a0: optlen, a1: sizeof(struct ipt_get_entries) */
	NFEMU_REFUSE_GET_ENTRIES_LEN,   /* a0: optlen, a1: the header, a2: size */
	NFEMU_REFUSE_GET_ENTRIES_SIZE,  /* a0: size asked, a1: the table's */
	NFEMU_REFUSE_NO_TABLE,
	NFEMU_REFUSE_VALID_HOOKS,       /* a0: valid_hooks, a1: the table's */
	NFEMU_REFUSE_NUM_COUNTERS,      /* a0: num_counters, a1: the table's entries */
	NFEMU_REFUSE_REPLACE_SHORT,     /* a0: optlen, a1: sizeof(struct ipt_replace) */
	NFEMU_REFUSE_REPLACE_COUNTERS_LARGE,    /* a0: num_counters */
	NFEMU_REFUSE_REPLACE_COUNTERS_ZERO,
	NFEMU_REFUSE_REPLACE_LEN,       /* a0: optlen, a1: size */
	NFEMU_REFUSE_REPLACE_NOMEM,     /* a0: size */
	NFEMU_REFUSE_ADD_COUNTERS_SHORT,        /* a0: optlen, a1: sizeof(struct xt_counters_info) */
	NFEMU_REFUSE_ADD_COUNTERS_LEN,  /* a0: num_counters, a1: optlen needed, a2: optlen */
	NFEMU_REFUSE_ADD_COUNTERS_NO_TABLE,
	NFEMU_REFUSE_ADD_COUNTERS_NUM,  /* a0: num_counters, a1: the table's entries */
	NFEMU_REFUSE_GET_REVISION_LEN,  /* a0: optlen, a1: sizeof(struct xt_get_revision) */
	NFEMU_REFUSE_UNKNOWN_OPT,       /* a0: the optname */
};

struct nfemu_refusal {
	u16 reason;                     /* enum nfemu_refusal_reason */
	bool get;                       /* getsockopt (else setsockopt) */
	int optname;                    /* IPT_SO_* */
	int err;                        /* the errno returned (negative) */
	char table[32];                 /* XT_TABLE_MAXNAMELEN: the table named in the call */
	/* the entry: its number in the blob (1-based), offset, and where (if a sound prefix of
	 * the blob leads to it) chain and rule in the chain */
	bool at_entry, in_chain;
	u32 entry_idx, entry_off, chain_rule;
	char chain[32];                 /* XT_FUNCTION_MAXNAMELEN */
	/* an extension (MATCH, TARGET): its name and revision, and the line its checkentry put
	 * in the kernel log, if it printed one */
	char ext[29];                   /* XT_EXTENSION_MAXNAMELEN */
	u8 rev;
	char klog[160];
	const char *str;                /* a kernel constant the reason names */
	long long a[3];
};

struct nfemu_observer {
	void (*event)(void *ctx, const struct nfemu_event *ev);
	void *ctx;
	/* NFEMU_EV_CT events are wanted (conntrack only reports them then: four per new flow) */
	bool ct_events;
	/* NFEMU_EV_HOOK and NFEMU_EV_WALK are wanted (a few per rule matched: off by default) */
	bool walk;
};

#endif
