/* emu/output_int.h - EMU: inside `nfemu replay`'s outputs: the fate model and its writers.
 * No kernel counterpart.  The parts, one file each:
 *   output.c       the API (emu/output.h): hooks into the kernel's observer and log sink
 *   fate.c         the fate model: the kernel's binary events folded into one fate per packet
 *                  (a captured one and those the host generated), groups, late fates
 *   pkt_facts.c    a packet's facts (binary) and their text
 *   ct_text.c      conntrack's events (binary) in words
 *   names.c        interned names: rules (from a verdict's table, hook and offset), devices
 *   write_trace.c  the trace: kernel log lines, "#N ..." fate lines, "#   ct:"/"nat:" lines
 *   write_jsonl.c  JSON Lines
 *   write_pcap.c   DIR/IFACE.pcap and DIR/dropped.pcap
 *   summary.c      the counts and the closing summary
 * Nothing is formatted unless a writer that prints it is open.
 */
#ifndef NFEMU_EMU_OUTPUT_INT_H
#define NFEMU_EMU_OUTPUT_INT_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <linux/if.h>
#include "kernel/kernel.h"
#include "kernel/observe.h"
#include "emu/obuf.h"
#include "emu/output.h"
#include "emu/pkt_facts.h"

/* A generated packet's number is "N.k"; more than this many per capture packet share the last. */
#define OUT_MAX_CHILDREN 64
#define OUT_MAX_EGRESS 4

/* ---------------------------------------------------------------- names (names.c) */

struct out_names;
int out_names_new(struct out_names **np);
void out_names_free(struct out_names *n);
/* The one copy of s (n bytes): equal strings, equal pointers.  NULL: out of memory. */
const char *out_intern(struct out_names *n, const char *s, size_t len);
/* What decided a drop, as the fate line names it: "filter:INPUT:rule:3", "nf_nat_ipv4_local_fn";
 * NULL when nothing did. */
const char *out_verdict_name(struct out_names *n, const struct nfemu_verdict *v);
/* A rule verdict by REJECT: its --reject-with word ("tcp-reset"), else NULL. */
const char *out_verdict_reject(const struct nfemu_verdict *v);
/* A stack drop as the summary counts it: "NO_ROUTE (ip_route_input_noref)" */
const char *out_stack_drop_name(struct out_names *n, const char *reason, const char *where);
const char *out_dev_name(struct out_names *n, const void *dev, const char *name);
/* The socket a packet was delivered to, as the fate line says it: "to tcp 0.0.0.0:22" (a
 * request or connection socket by its listener). */
struct sock;
const char *out_sock_name(struct out_names *n, const struct sock *sk);

/* ---------------------------------------------------------------- rules' text (rules_text.c) */

struct rules_text;
struct nfemu_output;
/* The verdict's rule as iptables-legacy-save prints it ("-A FORWARD -i eth1 -j DROP"; a
 * policy as iptables -S says it, "-P INPUT DROP"), NULL when there is none or
 * iptables-legacy-save could not be run (said once on stderr).  Valid until rules_text_free. */
const char *rules_text_of(struct nfemu_output *o, const struct nfemu_verdict *v);
void rules_text_free(struct rules_text *rt);

/* ---------------------------------------------------------------- tallies (summary.c) */

/* A count per key (rule, interface, reason): few distinct keys, so a plain array, in the
 * order they first came.  Keys are interned (pointer equality) or copied. */
struct tally_ent {
	const char *key;
	char *owned;                    /* key, when it was copied */
	u64 n;
};

struct tally {
	struct tally_ent *v;
	size_t n, cap;
};

void tally_add(struct tally *t, const char *key, u64 by);      /* any string: compared, copied */
void tally_add_interned(struct tally *t, const char *key, u64 by);
void tally_free(struct tally *t);

/* ---------------------------------------------------------------- fates */

/* What happened to one packet: a captured one (kid 0) or one the host generated ("N.k"). */
struct fate {
	u64 n;                          /* the capture packet it belongs to */
	u32 kid;                        /* 0: that packet; k: its k-th generated packet */
	const struct sk_buff *skb;      /* a generated packet's skb while it lives */
	bool generated;
	bool reached_prerouting;
	bool xlat_seen, xlat;           /* NAT changed the headers it left with (out) */
	bool pending;                   /* waiting in the stack at its packet's end */
	bool late;                      /* a fate reported again, when its timer fired */
	u8 ingress_by;                  /* enum nfemu_ingress_by */
	const char *by;                 /* generated: what built it (a kernel constant) */
	u64 ts_ns;
	unsigned int wire_len;
	/* outcomes (a packet can have several: fragments, a bypassed queue, ...) */
	unsigned int nxmit, negress;
	const char *egress[OUT_MAX_EGRESS];     /* interned device names */
	unsigned int egress_n[OUT_MAX_EGRESS];
	unsigned int ndeliver;
	const char *deliver_where;
	unsigned int ndrop;
	enum skb_drop_reason reason;
	const char *drop_where;         /* the rule or function (interned / a constant), NULL */
	const char *reject_with;        /* the drop was a REJECT rule's: "tcp-reset", ... */
	const char *accept_where;       /* the rule that accepted it (interned): the filter
					 * table's last, else any table's last; NULL */
	bool accept_filter;             /* accept_where is the filter table's */
	const char *queue_where;        /* the rule whose NF_QUEUE verdict queued it (interned),
					 * NULL; the last one when a bypass let it go on */
	unsigned int queue_num;         /* the queue it chose */
	bool queue_bypass;              /* the verdict had NF_VERDICT_FLAG_QUEUE_BYPASS */
	bool queue_first;               /* queue_where came before accept_where's accept */
	bool queue_open;                /* nf_queue has it: a drop now is nf_queue's */
	bool queue_dropped;             /* nf_queue freed it (no listener, no bypass) */
	/* --rules-text: those rules as iptables-save shows them (rules_text.c), NULL */
	const char *accept_text, *drop_text, *queue_text;
	unsigned int nstolen;
	const char *stolen_where;
	unsigned int nqueued;
	struct pkt_facts facts;
	struct pkt_facts out;           /* the headers as it left (or was delivered): xlat_seen */
	/* the text fields last: fate_init clears what is above and empties these */
	char ingress[IFNAMSIZ];         /* "" = sent by the host */
	char notes[256];
	char pending_for[96];
};

void fate_init(struct fate *f);
/* What became of a packet, in the order the fate is judged: dropped (and not sent or
 * delivered anyway), sent (forwarded, when it came in and was not generated), delivered,
 * stolen, queued, waiting for a neighbour, nothing yet. */
enum fate_kind {
	FATE_NONE,
	FATE_DROP,
	FATE_FORWARD,
	FATE_OUT,
	FATE_DELIVER,
	FATE_STOLEN,
	FATE_QUEUED,
	FATE_PENDING,
};
enum fate_kind fate_kind(const struct fate *f);
/* The verdict word for JSON and the summary: "drop", "forward", ... ("reject" for a drop by
 * REJECT). */
const char *fate_verdict(const struct fate *f);
/* A drop by a rule or hook (the fate line says "DROP by ..."). */
bool fate_netfilter_drop(const struct fate *f);
/* "FORWARD out wan0 as 198.51.100.1:40000 > ...", notes included unless notes is false;
 * at most len bytes with the terminator. */
size_t fate_outcome(const struct fate *f, char *buf, size_t len, bool notes);
/* "3", "3.1" */
char *fate_id(char *p, const struct fate *f);
/* The rules the fate line names, in its order (at most FATE_MAX_RULES), with their
 * iptables-save text when --rules-text found it (else NULL). */
#define FATE_MAX_RULES 3
unsigned int fate_rules(const struct fate *f, const char **names, const char **texts);
/* The rule that decided, as JSON's "rule" names it: the rule that dropped it, the one that
 * queued it when the queue dropped it, the one that accepted it, a bypassed queue's; NULL.
 * *text: its iptables-save text (--rules-text) or NULL. */
const char *fate_decider(const struct fate *f, const char **text);

/* A fate left open at its packet's end: the skb waits in the stack and its outcome comes
 * when a timer fires, during a later packet.  Looked up by skb (alive while it waits). */
struct pending_fate {
	const struct sk_buff *skb;
	u64 n;                          /* the capture packet it belongs to */
	unsigned int nkids;             /* children numbered so far for packet n */
	struct fate f;
};

struct egress_file {
	struct egress_file *next;
	struct net_device *dev;
	struct nfemu_pcap_writer *w;
};

struct out_waiting {
	const struct sk_buff *skb;
	int idx;                        /* -1: the group's parent, else a child */
};

struct nfemu_output {
	struct net *net;
	struct nfemu_output_opts opts;
	struct obuf trace, jsonl;       /* inactive (f NULL) when not asked for */
	struct out_names *names;
	struct report *report;          /* --report (write_report.c), NULL */
	char *egress_dir;
	struct egress_file *egress;     /* one per interface frames left by */
	struct nfemu_pcap_writer *dropped;
	int write_error;                /* -errno of the first failed pcap write */
	char write_error_msg[256];

	/* the capture packet being processed */
	bool in_packet;
	u64 n;
	u64 first_ts, last_ts;
	bool have_first_ts;
	struct fate parent;
	struct fate *children;          /* OUT_MAX_CHILDREN */
	unsigned int nchildren;
	unsigned int next_kid;          /* the k of the next "N.k" */
	unsigned long printk_seq;

	/* Fates still waiting in the stack, and the late group: while a timer finishes earlier
	 * packets' fates, n/parent/children above describe that packet and the current one's
	 * are kept here. */
	struct pending_fate *pend;
	size_t npend, pend_cap;
	struct out_waiting *wait;       /* this group's fates whose skbs wait */
	size_t nwait, wait_cap;
	struct out_waiting *saved_wait;
	size_t saved_nwait, saved_wait_cap;
	bool late;
	bool late_parent;               /* the late group's parent is a resumed fate */
	u64 saved_n;
	struct fate saved_parent;
	struct fate *saved_children, *late_children;
	unsigned int saved_nchildren, saved_next_kid;

	/* summary */
	u64 records, replayed, local_in, generated;
	struct tally forwarded, sent, gen_fates, dropped_rule, dropped_stack, ip_rcv_fail, skipped;
	u64 delivered, stolen, queued, nofate;
	u64 pending_end;                /* capture packets still waiting at the end */

	/* JSON's "time": the date and time of the last second written */
	u64 json_sec;
	char json_date[24];
	bool json_date_valid;

	/* reply_copy.c: the frames the host's generated packets left by, lately */
	struct out_sent_ring *gen_sent;
	/* --rules-text: iptables-legacy-save's text of the loaded rules (rules_text.c), NULL */
	struct rules_text *rtext;
	/* --explain: how deep in hook functions the packet is (explain_text.c) */
	unsigned int xdepth;
	/* --explain: a target is running at this walk level + 1 (0: none; explain_text.c) */
	unsigned int xwalk;

	/* progress */
	struct timespec start, last_draw;
	bool drawn;
};

/* fate.c */
void out_event(void *ctx, const struct nfemu_event *ev);
void out_group_end(struct nfemu_output *o);
void out_late_end(struct nfemu_output *o);
struct fate *out_fate_of(struct nfemu_output *o, const struct sk_buff *skb);
void out_printk_lines(struct nfemu_output *o);

/* reply_copy.c */
void out_sent_remember(struct nfemu_output *o, const struct fate *f, const unsigned char *frame,
		       unsigned int len);
void out_sent_free(struct nfemu_output *o);

/* write_trace.c */
void trace_log_line(struct nfemu_output *o, int level, const char *line, size_t len);
void trace_fate(struct nfemu_output *o, const struct fate *f);
void trace_ct(struct nfemu_output *o, const struct nfemu_event *ev);
void trace_nat(struct nfemu_output *o, const struct nfemu_event *ev);
void trace_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress, const char *desc,
		size_t desclen, const char *detail);
void trace_note(struct nfemu_output *o, const char *text);
/* explain_text.c: NFEMU_EV_HOOK_CALL, NFEMU_EV_HOOK and NFEMU_EV_WALK as "#   ..." lines, and
 * the indentation the ct/nat lines take inside a hook function */
void trace_explain(struct nfemu_output *o, const struct nfemu_event *ev);
unsigned int trace_explain_indent(const struct nfemu_output *o);
/* A hook function's verdict as the kernel's constants name it: "NF_ACCEPT", "NF_DROP", ... */
const char *out_verdict_word(unsigned int v);

/* write_jsonl.c */
void jsonl_log_line(struct nfemu_output *o, int level, const char *line, size_t len);
void jsonl_fate(struct nfemu_output *o, const struct fate *f);
void jsonl_ct(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f);
void jsonl_nat(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f);
void jsonl_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress, const char *desc,
		size_t desclen, const char *kind, const char *detail);
void jsonl_note(struct nfemu_output *o, const char *text);

/* conntrack's events in words (ct_text.c): the entry, and what happened to it.  Written at
 * buf (CT_WHERE_MAX / CT_TEXT_MAX bytes of room), no terminator; the length returned. */
#define CT_WHERE_MAX 128
#define CT_TEXT_MAX 256
size_t ct_event_where(const struct nfemu_ct_event *ce, char *buf);
size_t ct_event_text(const struct nfemu_ct_event *ce, char *buf);

/* the words NAT events are told in (write_trace.c, shared with write_jsonl.c) */
const char *out_hook_name(unsigned int hook);
const char *out_nat_how_name(enum nfemu_nat_how how);
size_t out_tuple_str(const struct nf_conntrack_tuple *t, char *buf, size_t len);
size_t out_range_str(const struct nf_nat_range2 *r, char *buf, size_t len);

/* write_pcap.c */
int pcap_out_open(struct nfemu_output *o, char *err, size_t errlen);
void pcap_out_egress(struct nfemu_output *o, struct net_device *dev, const unsigned char *frame,
		     unsigned int len);
void pcap_out_dropped(struct nfemu_output *o, const struct sk_buff *skb);
struct egress_file *pcap_out_egress_file(struct nfemu_output *o, struct net_device *dev);
void pcap_out_close(struct nfemu_output *o);
void out_write_error(struct nfemu_output *o, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* summary.c */
void summary_count(struct nfemu_output *o, const struct fate *f);
void summary_finish(struct nfemu_output *o);
void summary_print(struct nfemu_output *o);
void summary_free(struct nfemu_output *o);

/* The IPv4 bytes of an skb (from its network header, else its data, to its tail). */
struct sk_buff;
void out_skb_l3(const struct sk_buff *skb, const unsigned char **p, unsigned int *len);

#endif
