/* xtables/ip_tables.c - IPv4 tables: translate_table, the sockopt ABI, built-in extensions.
 *
 * Mirrors net/ipv4/netfilter/ip_tables.c.  A table's rules are one blob of struct ipt_entry
 * records (ip header match, then xt_entry_match records, then one xt_entry_target), chains
 * delimited by ERROR entries, jumps expressed as byte offsets.  translate_table() refuses
 * any blob the kernel refuses, for the same reason and with the same errno.
 * EMU: no per-CPU copies or counters (e->counters is the counter); no compat (32-bit) ABI;
 * copy_from_user/copy_to_user are plain copies of the caller's buffer, except for the
 * counters pointer inside ipt_replace, which is checked like user memory (uaccess.h).
 * EMU: each refusal also records in net->refusal which check failed, on which entry, with which
 * numbers (binary; the tool words it).
 */
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "kernel/net.h"
#include "kernel/module.h"
#include "kernel/uaccess.h"
#include "lib/fmt.h"
#include "xtables/ip_tables.h"
#include "hooks/nf_log.h"
#include "netstack/netdevice.h"
#include "netstack/skbuff.h"

#define xt_entry_foreach(pos, ehead, esize) \
	for ((pos) = (typeof(pos))(ehead); \
	     (pos) < (typeof(pos))((char *)(ehead) + (esize)); \
	     (pos) = (typeof(pos))((char *)(pos) + (pos)->next_offset))

#define xt_ematch_foreach(pos, entry) \
	for ((pos) = (struct xt_entry_match *)entry->elems; \
	     (pos) < (struct xt_entry_match *)((char *)(entry) + (entry)->target_offset); \
	     (pos) = (struct xt_entry_match *)((char *)(pos) + (pos)->u.match_size))

static inline const struct xt_entry_target *ipt_get_target_c(const struct ipt_entry *e)
{
	return ipt_get_target((struct ipt_entry *)e);
}

static const char *const hooknames[NF_INET_NUMHOOKS] = {
	"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING",
};

/* ---------------------------------------------------------------- the walk */

static inline struct ipt_entry *get_entry(const void *base, unsigned int offset)
{
	return (struct ipt_entry *)((char *)base + offset);
}

static inline struct ipt_entry *ipt_next_entry(const struct ipt_entry *entry)
{
	return (struct ipt_entry *)((char *)entry + entry->next_offset);
}

/* All zeroes == unconditional rule. */
static bool unconditional(const struct ipt_entry *e)
{
	static const struct ipt_ip uncond;

	return e->target_offset == sizeof(struct ipt_entry) &&
	       memcmp(&e->ip, &uncond, sizeof(uncond)) == 0;
}

#define NF_INVF(ptr, flag, boolean) ((boolean) ^ !!((ptr)->invflags & (flag)))

/* Compare IFNAMSIZ bytes of a device name with a rule's name under its mask ('+' wildcard),
 * a word at a time as x_tables.h does (EMU: memcpy'd words, no alignment assumed). */
static unsigned long ifname_compare_aligned(const char *_a, const char *_b, const char *_mask)
{
	unsigned long a[IFNAMSIZ / sizeof(unsigned long)], b[IFNAMSIZ / sizeof(unsigned long)];
	unsigned long mask[IFNAMSIZ / sizeof(unsigned long)], ret = 0;

	memcpy(a, _a, IFNAMSIZ);
	memcpy(b, _b, IFNAMSIZ);
	memcpy(mask, _mask, IFNAMSIZ);
	for (unsigned int i = 0; i < IFNAMSIZ / sizeof(unsigned long); i++)
		ret |= (a[i] ^ b[i]) & mask[i];
	return ret;
}

/* Does the packet match the rule's ipt_ip part?  Fragment rules (-f) only match fragments. */
static bool ip_packet_match(const struct iphdr *ip, const char *indev, const char *outdev,
			    const struct ipt_ip *ipinfo, int isfrag)
{
	unsigned long ret;

	if (NF_INVF(ipinfo, IPT_INV_SRCIP, (ip->saddr & ipinfo->smsk.s_addr) != ipinfo->src.s_addr) ||
	    NF_INVF(ipinfo, IPT_INV_DSTIP, (ip->daddr & ipinfo->dmsk.s_addr) != ipinfo->dst.s_addr))
		return false;

	ret = ifname_compare_aligned(indev, ipinfo->iniface, (const char *)ipinfo->iniface_mask);
	if (NF_INVF(ipinfo, IPT_INV_VIA_IN, ret != 0))
		return false;

	ret = ifname_compare_aligned(outdev, ipinfo->outiface, (const char *)ipinfo->outiface_mask);
	if (NF_INVF(ipinfo, IPT_INV_VIA_OUT, ret != 0))
		return false;

	/* Check specific protocol */
	if (ipinfo->proto && NF_INVF(ipinfo, IPT_INV_PROTO, ip->protocol != ipinfo->proto))
		return false;

	/* If we have a fragment rule but the packet is not a fragment then we return zero */
	if (NF_INVF(ipinfo, IPT_INV_FRAG, (ipinfo->flags & IPT_F_FRAG) && !isfrag))
		return false;

	return true;
}

static const char *const trace_comments[] = { "rule", "return", "policy" };

/*
 * Where is e, as TRACE says it: chain name and rule number counted from the chain's head,
 * with "policy"/"return" for an unconditional standard verdict at the chain's end (note: as
 * in Linux, an unconditional `-j DROP` in the middle of a chain is reported as policy/return
 * too).  Walks from the hook's entry point like get_chainname_rulenum().
 */
static void ipt_entry_location(const struct xt_table_info *private, unsigned int hook,
			       const struct ipt_entry *e, const char **chainname,
			       const char **comment, unsigned int *rulenum)
{
	const struct ipt_entry *root = get_entry(private->entries, private->hook_entry[hook]);
	const char *hookname = hooknames[hook];
	const struct ipt_entry *s;

	*chainname = hookname;
	*comment = trace_comments[0];
	*rulenum = 0;
	xt_entry_foreach(s, root, private->size - private->hook_entry[hook]) {
		const struct xt_standard_target *t = (const void *)ipt_get_target_c(s);

		if (strcmp(t->target.u.kernel.target->name, XT_ERROR_TARGET) == 0) {
			/* Head of user chain: ERROR target with chainname */
			*chainname = (const char *)t->target.data;
			*rulenum = 0;
		} else if (s == e) {
			(*rulenum)++;
			if (unconditional(s) && strcmp(t->target.u.kernel.target->name, XT_STANDARD_TARGET) == 0 &&
			    t->verdict < 0) {
				/* Tail of chains: STANDARD target (return/policy) */
				*comment = *chainname == hookname ? trace_comments[2] : trace_comments[1];
			}
			return;
		} else {
			(*rulenum)++;
		}
	}
}

static const struct nf_loginfo trace_loginfo = {
	.type = NF_LOG_TYPE_LOG,
	.u = { .log = { .level = 4, .logflags = NF_LOG_DEFAULT_MASK } },
};

/* The packet is traced: log "TRACE: table:chain:rule|return|policy:N " and the packet. */
static void trace_packet(struct net *net, const struct sk_buff *skb, unsigned int hook,
			 const struct net_device *in, const struct net_device *out, const char *tablename,
			 const struct xt_table_info *private, const struct ipt_entry *e)
{
	const char *chainname, *comment;
	unsigned int rulenum;

	char prefix[NF_LOG_PREFIXLEN + 2 * XT_TABLE_MAXNAMELEN + FMT_U32_MAX], *p;

	ipt_entry_location(private, hook, e, &chainname, &comment, &rulenum);
	/* "TRACE: %s:%s:%s:%u ", cut at NF_LOG_PREFIXLEN as nf_log_trace's vsnprintf would */
	p = fmt_lit(prefix, "TRACE: ");
	p = fmt_str(p, tablename);
	*p++ = ':';
	p = fmt_str(p, chainname);
	*p++ = ':';
	p = fmt_str(p, comment);
	*p++ = ':';
	p = fmt_u32(p, rulenum);
	*p++ = ' ';
	*p = '\0';
	prefix[NF_LOG_PREFIXLEN - 1] = '\0';
	nf_log_trace_prefix(net, AF_INET, hook, skb, in, out, &trace_loginfo, prefix);
}

/* EMU: remember which rule decided a verdict, in binary (the observer names it, as TRACE
 * would: "filter:INPUT:rule:3"). */
static void ipt_note_verdict(struct sk_buff *skb, const struct xt_table *table,
			     const struct xt_table_info *private, unsigned int hook,
			     const struct ipt_entry *e, enum nfemu_verdict_why why)
{
	skb->emu_verdict.kind = NFEMU_VERDICT_RULE;
	skb->emu_verdict.hook = (u8)hook;
	skb->emu_verdict.why = (u8)why;
	skb->emu_verdict.offset = (u32)((const char *)e - (const char *)private->entries);
	skb->emu_verdict.table = table->name;
	skb->emu_verdict.private = private;
}

void ipt_verdict_location(const struct xt_table_info *private, unsigned int hook, unsigned int offset,
			  const char **chainname, const char **comment, unsigned int *rulenum)
{
	ipt_entry_location(private, hook, get_entry(private->entries, offset), chainname, comment,
			   rulenum);
}

/* EMU: what the tool needs to word the entry at offset (binary facts, no text): whether it
 * is the hook's underflow (the chain's policy) or the RETURN that closes a user chain (the
 * next entry heads a chain), and its target's name and data. */
void ipt_verdict_entry(const struct xt_table_info *private, unsigned int hook, unsigned int offset,
		       bool *policy, bool *chain_end, const char **target, const void **targinfo)
{
	const struct ipt_entry *e = get_entry(private->entries, offset);
	const struct xt_entry_target *t = ipt_get_target_c(e);

	*policy = offset == private->underflow[hook];
	*chain_end = false;
	if (offset + e->next_offset < private->size) {
		const struct ipt_entry *n = get_entry(private->entries, offset + e->next_offset);

		*chain_end = strcmp(ipt_get_target_c(n)->u.kernel.target->name, XT_ERROR_TARGET) == 0;
	}
	*target = t->u.kernel.target->name;
	*targinfo = t->data;
}

/* EMU: report that the walk ended in ACCEPT (NFEMU_EV_ACCEPT) or QUEUE (NFEMU_EV_QUEUE_VERDICT)
 * at entry e, so the tool can name the rule that accepted or queued the packet (as DROP's rule
 * is named from skb->emu_verdict). */
static void ipt_report_verdict(const struct nf_hook_state *state, struct sk_buff *skb,
			       const struct xt_table *table, const struct xt_table_info *private,
			       const struct ipt_entry *e, unsigned int verdict)
{
	struct nfemu_verdict v = {
		.kind = NFEMU_VERDICT_RULE,
		.hook = (u8)state->hook,
		.why = NFEMU_VERDICT_BY_TARGET,
		.offset = (u32)((const char *)e - (const char *)private->entries),
		.table = table->name,
		.private = private,
	};
	struct nfemu_event ev = { .type = NFEMU_EV_ACCEPT, .skb = skb, .verdict = &v,
				  .nf_verdict = verdict };

	if ((verdict & NF_VERDICT_MASK) == NF_QUEUE)
		ev.type = NFEMU_EV_QUEUE_VERDICT;
	else if (verdict != NF_ACCEPT)
		return;
	nfemu_observe(state->net, &ev);
}

/* EMU: a step of the walk for the observer (NFEMU_EV_WALK), when it asked for them. */
static void ipt_walk_event(const struct nf_hook_state *state, const struct sk_buff *skb,
			   const struct xt_table *table, const struct xt_table_info *private,
			   enum nfemu_walk_what what, const struct ipt_entry *e, const void *to,
			   unsigned int depth, unsigned int verdict, bool hotdrop)
{
	struct nfemu_walk_event we = {
		.what = (u8)what,
		.hook = (u8)state->hook,
		.depth = (u8)depth,
		.hotdrop = hotdrop,
		.table = table->name,
		.private = private,
		.offset = (u32)((const char *)e - (const char *)private->entries),
		.to = to ? (u32)((const char *)to - (const char *)private->entries) : 0,
		.verdict = verdict,
	};
	struct nfemu_event ev = { .type = NFEMU_EV_WALK, .skb = skb, .walk = &we };

	nfemu_observe(state->net, &ev);
}

/*
 * Returns one of the generic firewall policies, like NF_ACCEPT.  The hot path: for each entry
 * from the hook's entry point, match the ipt_ip part, then each match in order; on a match
 * count the packet, then either follow a standard verdict (accept/drop/queue, RETURN, a jump
 * with the return address pushed on the jumpstack, or a goto without) or call the target,
 * whose XT_CONTINUE goes on with the next entry.
 * EMU: one CPU, no xt_recseq; no second jumpstack for TEE re-entry (TEE is not emulated).
 */
unsigned int ipt_do_table(void *priv, struct sk_buff *skb, const struct nf_hook_state *state)
{
	const struct xt_table *table = priv;
	unsigned int hook = state->hook;
	static const char nulldevname[IFNAMSIZ] __attribute__((aligned(sizeof(long))));
	const struct iphdr *ip;
	/* Initializing verdict to NF_DROP keeps gcc happy. */
	unsigned int verdict = NF_DROP;
	const char *indev, *outdev;
	const void *table_base;
	struct ipt_entry *e, **jumpstack;
	unsigned int stackidx;
	const struct xt_table_info *private;
	struct xt_action_param acpar;
	const bool walk = state->net->observer.walk;    /* EMU: report the walk's steps */

	/* Initialization */
	stackidx = 0;
	ip = ip_hdr(skb);
	indev = state->in ? state->in->name : nulldevname;
	outdev = state->out ? state->out->name : nulldevname;
	/* We handle fragments by dealing with the first fragment as if it was a normal packet.
	 * All other fragments are treated normally, except that they will NEVER match rules that
	 * ask things we don't know, ie. tcp syn flag or ports).  If the rule is also a
	 * fragment-specific rule, non-fragments won't match it. */
	acpar.fragoff = ntohs(ip->frag_off) & IP_OFFSET;
	acpar.thoff = ip_hdrlen(skb);
	acpar.hotdrop = false;
	acpar.state = state;

	private = table->private;
	table_base = private->entries;
	jumpstack = (struct ipt_entry **)private->jumpstack;

	e = get_entry(table_base, private->hook_entry[hook]);
	if (walk)
		ipt_walk_event(state, skb, table, private, NFEMU_WALK_ENTER, e, NULL, 0, 0, false);

	do {
		const struct xt_entry_target *t;
		const struct xt_entry_match *ematch;

		if (!ip_packet_match(ip, indev, outdev, &e->ip, acpar.fragoff)) {
 no_match:
			e = ipt_next_entry(e);
			continue;
		}

		xt_ematch_foreach(ematch, e) {
			acpar.match = ematch->u.kernel.match;
			acpar.matchinfo = ematch->data;
			if (!acpar.match->match(skb, &acpar))
				goto no_match;
		}

		e->counters.bcnt += skb->len;   /* ADD_COUNTER(*counter, skb->len, 1) */
		e->counters.pcnt += 1;

		t = ipt_get_target_c(e);
		if (walk)
			ipt_walk_event(state, skb, table, private, NFEMU_WALK_MATCH, e, NULL, stackidx, 0,
				       false);

		/* The packet is traced: log it */
		if (skb->nf_trace)
			trace_packet(state->net, skb, hook, state->in, state->out, table->name, private, e);

		/* Standard target? */
		if (!t->u.kernel.target->target) {
			int v = ((const struct xt_standard_target *)t)->verdict;

			if (v < 0) {
				/* Pop from stack? */
				if (v != XT_RETURN) {
					verdict = (unsigned int)(-v) - 1;
					if (verdict == NF_DROP)
						ipt_note_verdict(skb, table, private, hook, e, NFEMU_VERDICT_BY_TARGET);
					else    /* EMU: ACCEPT, QUEUE */
						ipt_report_verdict(state, skb, table, private, e, verdict);
					if (walk)
						ipt_walk_event(state, skb, table, private, NFEMU_WALK_VERDICT, e,
							       NULL, stackidx, verdict, false);
					break;
				}
				{
					struct ipt_entry *from = e;

					if (stackidx == 0) {
						e = get_entry(table_base, private->underflow[hook]);
					} else {
						e = jumpstack[--stackidx];
						e = ipt_next_entry(e);
					}
					if (walk)
						ipt_walk_event(state, skb, table, private, NFEMU_WALK_RETURN, from,
							       e, stackidx, 0, false);
				}
				continue;
			}
			if ((const char *)table_base + v != (const char *)ipt_next_entry(e) &&
			    !(e->ip.flags & IPT_F_GOTO)) {
				if (stackidx >= private->stacksize) {
					verdict = NF_DROP;
					ipt_note_verdict(skb, table, private, hook, e, NFEMU_VERDICT_JUMPSTACK);
					if (walk)
						ipt_walk_event(state, skb, table, private, NFEMU_WALK_VERDICT, e,
							       NULL, stackidx, verdict, false);
					break;
				}
				jumpstack[stackidx++] = e;
				if (walk)
					ipt_walk_event(state, skb, table, private, NFEMU_WALK_JUMP, e,
						       get_entry(table_base, v), stackidx, 0, false);
			} else if (walk) {
				ipt_walk_event(state, skb, table, private,
					       e->ip.flags & IPT_F_GOTO ? NFEMU_WALK_GOTO : NFEMU_WALK_JUMP, e,
					       get_entry(table_base, v), stackidx, 0, false);
			}

			e = get_entry(table_base, v);
			continue;
		}

		acpar.target = t->u.kernel.target;
		acpar.targinfo = t->data;

		verdict = t->u.kernel.target->target(skb, &acpar);
		if (verdict == XT_CONTINUE) {
			if (walk)
				ipt_walk_event(state, skb, table, private, NFEMU_WALK_CONTINUE, e, NULL,
					       stackidx, 0, false);
			/* Target might have changed stuff. */
			ip = ip_hdr(skb);
			e = ipt_next_entry(e);
		} else {
			/* Verdict */
			if ((verdict & NF_VERDICT_MASK) == NF_DROP)
				ipt_note_verdict(skb, table, private, hook, e, NFEMU_VERDICT_BY_TARGET);
			else    /* EMU: ACCEPT, QUEUE */
				ipt_report_verdict(state, skb, table, private, e, verdict);
			if (walk)
				ipt_walk_event(state, skb, table, private, NFEMU_WALK_VERDICT, e, NULL,
					       stackidx, verdict, false);
			break;
		}
	} while (!acpar.hotdrop);

	if (acpar.hotdrop) {
		ipt_note_verdict(skb, table, private, hook, e, NFEMU_VERDICT_HOTDROP);
		if (walk)
			ipt_walk_event(state, skb, table, private, NFEMU_WALK_VERDICT, e, NULL, stackidx,
				       NF_DROP, true);
		return NF_DROP;
	}
	return verdict;
}

/* ------------------------------------------------------------ refusal lines */

/*
 * EMU: say which entry was refused: its index in the blob, its byte offset, and where
 * iptables users know it (chain name and rule number) when the blob up to it is sound.
 */
struct translate_where {        /* EMU: what refusal lines need to know of the blob */
	const void *entry0;
	unsigned int size;
	const unsigned int *hook_entry;
	unsigned int valid_hooks;
};

/* EMU: record why the entry at bad was refused (net->refusal), and where it is: its number
 * in the blob and, walking the sound prefix of the blob, its chain and rule. */
static void ipt_refuse(struct net *net, const struct translate_where *w, const struct ipt_entry *bad,
		       enum nfemu_refusal_reason reason, long long a0, long long a1, long long a2)
{
	struct nfemu_refusal *r = &net->refusal;
	const void *entry0 = w->entry0;
	unsigned int size = w->size;
	unsigned int off = (const char *)bad - (const char *)entry0, pos = 0, idx = 1, rule = 0;
	bool in_chain = false;

	nfemu_refuse(net, reason, a0, a1, a2);
	r->chain[0] = '\0';
	while (pos < off && pos + sizeof(struct ipt_entry) <= size) {
		const struct ipt_entry *e = (const void *)((const char *)entry0 + pos);
		const struct xt_entry_target *t;

		for (int h = 0; h < NF_INET_NUMHOOKS; h++)
			if ((w->valid_hooks & (1 << h)) && w->hook_entry[h] == pos) {
				snprintf(r->chain, sizeof(r->chain), "%s", hooknames[h]);
				rule = 0;
			}
		if (e->next_offset < sizeof(*e) || e->target_offset + sizeof(*t) > e->next_offset ||
		    pos + e->next_offset > size)
			break;
		t = ipt_get_target_c(e);
		if (strncmp(t->u.user.name, XT_ERROR_TARGET, XT_EXTENSION_MAXNAMELEN) == 0) {
			const struct xt_error_target *et = (const void *)t;

			snprintf(r->chain, sizeof(r->chain), "%.*s", (int)sizeof(et->errorname), et->errorname);
			rule = 0;
		} else {
			rule++;
		}
		pos += e->next_offset;
		idx++;
	}
	if (pos == off)
		for (int h = 0; h < NF_INET_NUMHOOKS; h++)
			if ((w->valid_hooks & (1 << h)) && w->hook_entry[h] == pos) {
				snprintf(r->chain, sizeof(r->chain), "%s", hooknames[h]);
				rule = 0;
			}
	in_chain = pos == off && r->chain[0];
	r->at_entry = true;
	r->in_chain = in_chain;
	r->entry_idx = idx;
	r->entry_off = off;
	r->chain_rule = rule + 1;
}

/* ------------------------------------------------------- built-in extensions */

static unsigned int ipt_error(struct sk_buff *skb, const struct xt_action_param *par)
{
	(void)skb;
	pr_info_ratelimited(xt_net(par), "error: `%s'", (const char *)par->targinfo);
	return NF_DROP;
}

static const struct xt_target ipt_builtin_tg[] = {
	{
		.name = XT_STANDARD_TARGET,
		.targetsize = sizeof(int),
		.family = NFPROTO_IPV4,
	},
	{
		.name = XT_ERROR_TARGET,
		.target = ipt_error,
		.targetsize = XT_FUNCTION_MAXNAMELEN,
		.family = NFPROTO_IPV4,
	},
};

/* ----------------------------------------------------------- translate_table */

static bool ip_checkentry(const struct ipt_ip *ip)
{
	if (ip->flags & ~IPT_F_MASK)
		return false;
	if (ip->invflags & ~IPT_INV_MASK)
		return false;
	return true;
}

static bool is_standard(const struct xt_entry_target *t)
{
	return strncmp(t->u.user.name, XT_STANDARD_TARGET, XT_EXTENSION_MAXNAMELEN) == 0;
}

/* Built-in chain policies must be unconditional ACCEPT or DROP. */
static bool check_underflow(const struct ipt_entry *e)
{
	const struct xt_entry_target *t;
	unsigned int verdict;

	if (!unconditional(e))
		return false;
	t = ipt_get_target_c(e);
	if (!is_standard(t))
		return false;
	verdict = ((const struct xt_standard_target *)t)->verdict;
	verdict = -verdict - 1;
	return verdict == NF_DROP || verdict == NF_ACCEPT;
}

/*
 * Figures out from what hook each rule can be called: returns 0 if there are loops or a
 * chain that falls off the end of the blob.  No recursion: the packet counter holds the
 * back pointer (reset to 0 on the way back) and comefrom the source hook bitmask, with bit
 * NF_INET_NUMHOOKS marking "on the current path".
 */
static int mark_source_chains(const struct xt_table_info *newinfo, unsigned int valid_hooks,
			      void *entry0, unsigned int *offsets, const struct ipt_entry **badp)
{
	unsigned int hook;

	for (hook = 0; hook < NF_INET_NUMHOOKS; hook++) {
		unsigned int pos = newinfo->hook_entry[hook];
		struct ipt_entry *e = (struct ipt_entry *)((char *)entry0 + pos);

		if (!(valid_hooks & (1 << hook)))
			continue;

		/* Set initial back pointer. */
		e->counters.pcnt = pos;

		for (;;) {
			const struct xt_standard_target *t = (const void *)ipt_get_target_c(e);
			int visited = e->comefrom & (1 << hook);

			*badp = e;
			if (e->comefrom & (1 << NF_INET_NUMHOOKS))
				return 0;

			e->comefrom |= ((1 << hook) | (1 << NF_INET_NUMHOOKS));

			/* Unconditional return/END. */
			if ((unconditional(e) && is_standard(&t->target) && t->verdict < 0) || visited) {
				unsigned int oldpos, size;

				/* Return: backtrack through the last big jump. */
				do {
					e->comefrom ^= (1 << NF_INET_NUMHOOKS);
					oldpos = pos;
					pos = e->counters.pcnt;
					e->counters.pcnt = 0;

					/* We're at the start. */
					if (pos == oldpos)
						goto next;

					e = (struct ipt_entry *)((char *)entry0 + pos);
				} while (oldpos == pos + e->next_offset);

				/* Move along one */
				size = e->next_offset;
				*badp = e;
				if (pos + size >= newinfo->size)
					return 0;
				e = (struct ipt_entry *)((char *)entry0 + pos + size);
				e->counters.pcnt = pos;
				pos += size;
			} else {
				int newpos = t->verdict;

				if (is_standard(&t->target) && newpos >= 0) {
					/* This a jump; chase it. */
					if (!xt_find_jump_offset(offsets, newpos, newinfo->number))
						return 0;
				} else {
					/* ... this is a fallthru */
					newpos = pos + e->next_offset;
					if ((unsigned int)newpos >= newinfo->size)
						return 0;
				}
				e = (struct ipt_entry *)((char *)entry0 + newpos);
				e->counters.pcnt = pos;
				pos = newpos;
			}
		}
next:		;
	}
	return 1;
}

static void cleanup_match(struct xt_entry_match *m, struct net *net)
{
	struct xt_mtdtor_param par;

	par.net = net;
	par.match = m->u.kernel.match;
	par.matchinfo = m->data;
	par.family = NFPROTO_IPV4;
	if (par.match->destroy)
		par.match->destroy(&par);
	module_put(par.match->me);
}

static int check_match(struct xt_entry_match *m, struct xt_mtchk_param *par)
{
	const struct ipt_ip *ip = par->entryinfo;

	par->match = m->u.kernel.match;
	par->matchinfo = m->data;
	return xt_check_match(par, m->u.match_size - sizeof(*m), ip->proto, ip->invflags & IPT_INV_PROTO);
}

/* Say why an extension was refused: which one, and its own printk line if it printed one. */
static void refuse_ext(struct net *net, const struct translate_where *w, const struct ipt_entry *e,
		       bool target, const char *name, u8 rev, int err, unsigned long mark)
{
	const char *why = nfemu_printk_since(net, mark);

	ipt_refuse(net, w, e, target ? NFEMU_REFUSE_TARGET : NFEMU_REFUSE_MATCH, err, 0, 0);
	snprintf(net->refusal.ext, sizeof(net->refusal.ext), "%.*s", XT_EXTENSION_MAXNAMELEN - 1, name);
	net->refusal.rev = rev;
	snprintf(net->refusal.klog, sizeof(net->refusal.klog), "%s", why ? why : "");
}

static int find_check_match(struct xt_entry_match *m, struct xt_mtchk_param *par)
{
	struct xt_match *match;
	int ret;

	match = xt_request_find_match(par->net, NFPROTO_IPV4, m->u.user.name, m->u.user.revision);
	if (IS_ERR(match))
		return PTR_ERR(match);
	m->u.kernel.match = match;

	ret = check_match(m, par);
	if (ret)
		goto err;
	return 0;
err:
	module_put(m->u.kernel.match->me);
	return ret;
}

static int check_target(struct ipt_entry *e, struct net *net, const char *name)
{
	struct xt_entry_target *t = ipt_get_target(e);
	struct xt_tgchk_param par = {
		.net = net,
		.table = name,
		.entryinfo = e,
		.target = t->u.kernel.target,
		.targinfo = t->data,
		.hook_mask = e->comefrom,
		.family = NFPROTO_IPV4,
	};

	return xt_check_target(&par, t->u.target_size - sizeof(*t), e->ip.proto, e->ip.invflags & IPT_INV_PROTO);
}

static int find_check_entry(struct ipt_entry *e, struct net *net, const char *name,
			    const struct translate_where *w)
{
	struct xt_entry_target *t;
	struct xt_target *target;
	struct xt_mtchk_param mtpar;
	struct xt_entry_match *ematch;
	unsigned long mark;
	unsigned int j = 0;
	int ret;

	memset(&mtpar, 0, sizeof(mtpar));
	mtpar.net = net;
	mtpar.table = name;
	mtpar.entryinfo = &e->ip;
	mtpar.hook_mask = e->comefrom;
	mtpar.family = NFPROTO_IPV4;
	xt_ematch_foreach(ematch, e) {
		/* EMU: keep the name for the refusal line; the lookup overwrites it with a pointer */
		char mname[XT_EXTENSION_MAXNAMELEN];
		u8 mrev = ematch->u.user.revision;

		memcpy(mname, ematch->u.user.name, sizeof(mname));
		mark = net->printk.seq;
		ret = find_check_match(ematch, &mtpar);
		if (ret != 0) {
			refuse_ext(net, w, e, false, mname, mrev, ret, mark);
			goto cleanup_matches;
		}
		++j;
	}

	t = ipt_get_target(e);
	mark = net->printk.seq;
	target = xt_request_find_target(net, NFPROTO_IPV4, t->u.user.name, t->u.user.revision);
	if (IS_ERR(target)) {
		ret = PTR_ERR(target);
		refuse_ext(net, w, e, true, t->u.user.name, t->u.user.revision, ret, mark);
		goto cleanup_matches;
	}
	t->u.kernel.target = target;

	ret = check_target(e, net, name);
	if (ret) {
		refuse_ext(net, w, e, true, target->name, target->revision, ret, mark);
		goto err;
	}
	return 0;
err:
	module_put(t->u.kernel.target->me);
cleanup_matches:
	xt_ematch_foreach(ematch, e) {
		if (j-- == 0)
			break;
		cleanup_match(ematch, net);
	}
	return ret;
}

static int check_entry_size_and_hooks(struct net *net, const struct translate_where *w,
				      struct ipt_entry *e, struct xt_table_info *newinfo,
				      const unsigned char *base, const unsigned char *limit,
				      const unsigned int *hook_entries, const unsigned int *underflows,
				      unsigned int valid_hooks)
{
	unsigned int size = limit - base;
	unsigned int h;
	int err;

#define REFUSE(reason, a0, a1, a2) ipt_refuse(net, w, e, NFEMU_REFUSE_##reason, a0, a1, a2)
	if ((unsigned long)((unsigned char *)e - base) % __alignof__(struct ipt_entry) != 0) {
		REFUSE(ALIGN, __alignof__(struct ipt_entry), 0, 0);
		return -EINVAL;
	}
	if ((unsigned char *)e + sizeof(struct ipt_entry) >= limit) {
		REFUSE(HEADER_PAST_END, size, 0, 0);
		return -EINVAL;
	}
	if ((unsigned char *)e + e->next_offset > limit) {
		REFUSE(NEXT_PAST_END, e->next_offset, size, 0);
		return -EINVAL;
	}
	if (e->next_offset < sizeof(struct ipt_entry) + sizeof(struct xt_entry_target)) {
		REFUSE(NEXT_TOO_SMALL, e->next_offset, sizeof(struct ipt_entry) + sizeof(struct xt_entry_target), 0);
		return -EINVAL;
	}
	if (!ip_checkentry(&e->ip)) {
		REFUSE(IP_FLAGS, e->ip.flags, e->ip.invflags, 0);
		return -EINVAL;
	}
	err = xt_check_entry_offsets(e, (const char *)e->elems, e->target_offset, e->next_offset);
	if (err) {
		const struct xt_entry_target *t = ipt_get_target_c(e);

		if (e->target_offset < sizeof(*e) || e->target_offset + sizeof(*t) > e->next_offset)
			REFUSE(TARGET_OFFSET, e->target_offset, e->next_offset, 0);
		else if (t->u.target_size < sizeof(*t) || e->target_offset + t->u.target_size > e->next_offset)
			REFUSE(TARGET_SIZE, t->u.target_size, e->target_offset, e->next_offset);
		else if (is_standard(t) &&
			 XT_ALIGN(e->target_offset + sizeof(struct xt_standard_target)) != e->next_offset)
			REFUSE(STD_TARGET_END, e->target_offset, sizeof(struct xt_standard_target), e->next_offset);
		else if (is_standard(t) && !verdict_ok(((const struct xt_standard_target *)t)->verdict))
			REFUSE(STD_VERDICT, ((const struct xt_standard_target *)t)->verdict, 0, 0);
		else if (strncmp(t->u.user.name, XT_ERROR_TARGET, XT_EXTENSION_MAXNAMELEN) == 0 &&
			 (t->u.target_size != sizeof(struct xt_error_target) ||
			  strnlen(((const struct xt_error_target *)t)->errorname, XT_FUNCTION_MAXNAMELEN) >= XT_FUNCTION_MAXNAMELEN))
			REFUSE(ERROR_TARGET, t->u.target_size, 0, 0);
		else
			REFUSE(MATCHES_TILE, 0, 0, 0);
		return err;
	}

	/* Check hooks & underflows */
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (!(valid_hooks & (1 << h)))
			continue;
		if ((unsigned char *)e - base == hook_entries[h])
			newinfo->hook_entry[h] = hook_entries[h];
		if ((unsigned char *)e - base == underflows[h]) {
			if (!check_underflow(e)) {
				REFUSE(UNDERFLOW_POLICY, h, 0, 0);
				return -EINVAL;
			}
			newinfo->underflow[h] = underflows[h];
		}
	}
#undef REFUSE

	/* Clear counters and comefrom */
	e->counters = ((struct xt_counters){ 0, 0 });
	e->comefrom = 0;
	return 0;
}

static void cleanup_entry(struct ipt_entry *e, struct net *net)
{
	struct xt_tgdtor_param par;
	struct xt_entry_target *t;
	struct xt_entry_match *ematch;

	xt_ematch_foreach(ematch, e)
		cleanup_match(ematch, net);
	t = ipt_get_target(e);

	par.net = net;
	par.target = t->u.kernel.target;
	par.targinfo = t->data;
	par.family = NFPROTO_IPV4;
	if (par.target->destroy)
		par.target->destroy(&par);
	module_put(par.target->me);
}

/* Checks and translates the user-supplied table segment (held in newinfo). */
static int translate_table(struct net *net, struct xt_table_info *newinfo, void *entry0,
			   const struct ipt_replace *repl)
{
	const struct translate_where w = { entry0, repl->size, repl->hook_entry, repl->valid_hooks };
	const struct ipt_entry *bad = entry0;
	const char *why = NULL;
	unsigned int h = 0;
	struct ipt_entry *iter;
	unsigned int *offsets;
	unsigned int i;
	int ret = 0;

	newinfo->size = repl->size;
	newinfo->number = repl->num_entries;

	/* Init all hooks to impossible value. */
	for (i = 0; i < NF_INET_NUMHOOKS; i++) {
		newinfo->hook_entry[i] = 0xFFFFFFFF;
		newinfo->underflow[i] = 0xFFFFFFFF;
	}

	offsets = xt_alloc_entry_offsets(newinfo->number);
	if (!offsets) {
		nfemu_refuse(net, NFEMU_REFUSE_NUM_ENTRIES_LARGE, repl->num_entries, 0, 0);
		return -ENOMEM;
	}
	i = 0;
	/* Walk through entries, checking offsets. */
	xt_entry_foreach(iter, entry0, newinfo->size) {
		ret = check_entry_size_and_hooks(net, &w, iter, newinfo, entry0,
						 (unsigned char *)entry0 + repl->size,
						 repl->hook_entry, repl->underflow, repl->valid_hooks);
		if (ret != 0)
			goto out_free;
		if (i < repl->num_entries)
			offsets[i] = (char *)iter - (char *)entry0;
		++i;
		if (strncmp(ipt_get_target(iter)->u.user.name, XT_ERROR_TARGET, XT_EXTENSION_MAXNAMELEN) == 0)
			++newinfo->stacksize;
	}

	ret = -EINVAL;
	if (i != repl->num_entries) {
		nfemu_refuse(net, NFEMU_REFUSE_NUM_ENTRIES, repl->num_entries, i, 0);
		goto out_free;
	}

	ret = xt_check_table_hooks(newinfo, repl->valid_hooks, &why, &h);
	if (ret) {
		nfemu_refuse(net, NFEMU_REFUSE_HOOKS, h, repl->hook_entry[h], repl->underflow[h]);
		net->refusal.str = why;
		goto out_free;
	}

	if (!mark_source_chains(newinfo, repl->valid_hooks, entry0, offsets, &bad)) {
		ret = -ELOOP;
		ipt_refuse(net, &w, bad, NFEMU_REFUSE_LOOP, 0, 0, 0);
		goto out_free;
	}
	free(offsets);

	/* Finally, each sanity check must pass */
	i = 0;
	xt_entry_foreach(iter, entry0, newinfo->size) {
		ret = find_check_entry(iter, net, repl->name, &w);
		if (ret != 0)
			break;
		++i;
	}

	if (ret != 0) {
		xt_entry_foreach(iter, entry0, newinfo->size) {
			if (i-- == 0)
				break;
			cleanup_entry(iter, net);
		}
		return ret;
	}
	return ret;
out_free:
	free(offsets);
	return ret;
}

/* -------------------------------------------------------------- counters */

static void get_counters(const struct xt_table_info *t, struct xt_counters counters[])
{
	const struct ipt_entry *iter;
	unsigned int i = 0;

	xt_entry_foreach(iter, t->entries, t->size) {
		counters[i] = iter->counters;
		++i;
	}
}

static struct xt_counters *alloc_counters(const struct xt_table *table)
{
	const struct xt_table_info *private = table->private;
	struct xt_counters *counters = calloc(private->number ? private->number : 1, sizeof(*counters));

	if (!counters)
		return ERR_PTR(-ENOMEM);
	get_counters(private, counters);
	return counters;
}

/* ------------------------------------------------------------- get ops */

static int copy_entries_to_user(unsigned int total_size, const struct xt_table *table, void *userptr)
{
	const struct xt_table_info *private = table->private;
	const void *loc_cpu_entry = private->entries;
	struct xt_counters *counters;
	const struct ipt_entry *e;
	unsigned int off, num;

	counters = alloc_counters(table);
	if (IS_ERR(counters))
		return PTR_ERR(counters);

	for (off = 0, num = 0; off < total_size; off += e->next_offset, num++) {
		const struct xt_entry_match *m;
		const struct xt_entry_target *t;
		unsigned int i;

		e = (const void *)((const char *)loc_cpu_entry + off);
		memcpy((char *)userptr + off, e, sizeof(*e));
		memcpy((char *)userptr + off + offsetof(struct ipt_entry, counters), &counters[num],
		       sizeof(counters[num]));

		for (i = sizeof(struct ipt_entry); i < e->target_offset; i += m->u.match_size) {
			m = (const void *)((const char *)e + i);
			xt_match_to_user(m, (void *)((char *)userptr + off + i));
		}
		t = ipt_get_target_c(e);
		xt_target_to_user(t, (void *)((char *)userptr + off + e->target_offset));
	}
	free(counters);
	return 0;
}

static int get_info(struct net *net, void *user, const int *len)
{
	char name[XT_TABLE_MAXNAMELEN];
	struct xt_table *t;
	int ret;

	if (*len != sizeof(struct ipt_getinfo)) {
		nfemu_refuse(net, NFEMU_REFUSE_GET_INFO_LEN, *len, sizeof(struct ipt_getinfo), 0);
		return -EINVAL;
	}
	memcpy(name, user, sizeof(name));
	name[XT_TABLE_MAXNAMELEN - 1] = '\0';

	t = xt_request_find_table_lock(net, AF_INET, name);
	if (!IS_ERR(t)) {
		struct ipt_getinfo info;
		const struct xt_table_info *private = t->private;

		memset(&info, 0, sizeof(info));
		info.valid_hooks = t->valid_hooks;
		memcpy(info.hook_entry, private->hook_entry, sizeof(info.hook_entry));
		memcpy(info.underflow, private->underflow, sizeof(info.underflow));
		info.num_entries = private->number;
		info.size = private->size;
		strcpy(info.name, name);
		memcpy(user, &info, *len);
		ret = 0;
		module_put(t->me);
	} else {
		ret = PTR_ERR(t);
	}
	return ret;
}

static int get_entries(struct net *net, struct ipt_get_entries *uptr, const int *len)
{
	struct ipt_get_entries get;
	struct xt_table *t;
	int ret;

	if (*len < (int)sizeof(get)) {
		nfemu_refuse(net, NFEMU_REFUSE_GET_ENTRIES_SHORT, *len, sizeof(get), 0);
		return -EINVAL;
	}
	memcpy(&get, uptr, sizeof(get));
	if ((unsigned int)*len != sizeof(struct ipt_get_entries) + get.size) {
		nfemu_refuse(net, NFEMU_REFUSE_GET_ENTRIES_LEN, *len, sizeof(struct ipt_get_entries), get.size);
		return -EINVAL;
	}
	get.name[sizeof(get.name) - 1] = '\0';

	t = xt_find_table_lock(net, AF_INET, get.name);
	if (!IS_ERR(t)) {
		const struct xt_table_info *private = t->private;

		if (get.size == private->size) {
			ret = copy_entries_to_user(private->size, t, uptr->entrytable);
		} else {
			nfemu_refuse(net, NFEMU_REFUSE_GET_ENTRIES_SIZE, get.size, private->size, 0);
			memcpy(net->refusal.table, get.name, sizeof(net->refusal.table));
			ret = -EAGAIN;
		}
		module_put(t->me);
	} else {
		ret = PTR_ERR(t);
	}
	return ret;
}

/* --------------------------------------------------------------- set ops */

static int __do_replace(struct net *net, const char *name, unsigned int valid_hooks,
			struct xt_table_info *newinfo, unsigned int num_counters, void *counters_ptr)
{
	struct xt_table_info *oldinfo;
	struct xt_counters *counters;
	struct ipt_entry *iter;
	struct xt_table *t;
	int ret;

	counters = calloc(num_counters, sizeof(*counters));
	if (!counters) {
		ret = -ENOMEM;
		goto out;
	}

	t = xt_request_find_table_lock(net, AF_INET, name);
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		nfemu_refuse(net, NFEMU_REFUSE_NO_TABLE, 0, 0, 0);
		goto free_newinfo_counters_untrans;
	}

	/* You lied! */
	if (valid_hooks != t->valid_hooks) {
		ret = -EINVAL;
		nfemu_refuse(net, NFEMU_REFUSE_VALID_HOOKS, valid_hooks, t->valid_hooks, 0);
		goto put_module;
	}

	oldinfo = xt_replace_table(t, num_counters, newinfo, &ret);
	if (!oldinfo) {
		if (ret == -EAGAIN)
			nfemu_refuse(net, NFEMU_REFUSE_NUM_COUNTERS, num_counters, t->private->number, 0);
		goto put_module;
	}
	net->emu_gen++;
	net->emu_gen_rules++;

	/* Update module usage count based on number of rules: a table holds its module while
	 * it has more than its initial entries. */
	if ((oldinfo->number > oldinfo->initial_entries) || (newinfo->number <= oldinfo->initial_entries))
		module_put(t->me);
	if ((oldinfo->number > oldinfo->initial_entries) && (newinfo->number <= oldinfo->initial_entries))
		module_put(t->me);

	get_counters(oldinfo, counters);

	/* Decrease module usage counts and free resource */
	xt_entry_foreach(iter, oldinfo->entries, oldinfo->size)
		cleanup_entry(iter, net);

	xt_free_table_info(oldinfo);
	if (copy_to_user(counters_ptr, counters, sizeof(struct xt_counters) * num_counters) != 0) {
		/* Silent error, can't fail, new table is already in place */
		pr_warn(net, "iptables: counters copy to user failed while replacing table");
	}
	free(counters);
	return 0;

put_module:
	module_put(t->me);
free_newinfo_counters_untrans:
	free(counters);
out:
	return ret;
}

static int do_replace(struct net *net, const void *arg, unsigned int len)
{
	struct ipt_replace tmp;
	struct xt_table_info *newinfo;
	struct ipt_entry *iter;
	void *loc_cpu_entry;
	int ret;

	if (len < sizeof(tmp)) {
		nfemu_refuse(net, NFEMU_REFUSE_REPLACE_SHORT, len, sizeof(tmp), 0);
		return -EINVAL;
	}
	memcpy(&tmp, arg, sizeof(tmp));

	/* overflow check */
	if (tmp.num_counters >= INT_MAX / sizeof(struct xt_counters)) {
		nfemu_refuse(net, NFEMU_REFUSE_REPLACE_COUNTERS_LARGE, tmp.num_counters, 0, 0);
		return -ENOMEM;
	}
	if (tmp.num_counters == 0) {
		nfemu_refuse(net, NFEMU_REFUSE_REPLACE_COUNTERS_ZERO, 0, 0, 0);
		return -EINVAL;
	}
	if ((u64)len < (u64)tmp.size + sizeof(tmp)) {
		nfemu_refuse(net, NFEMU_REFUSE_REPLACE_LEN, len, tmp.size, 0);
		return -EINVAL;
	}
	tmp.name[sizeof(tmp.name) - 1] = 0;

	newinfo = xt_alloc_table_info(tmp.size);
	if (!newinfo) {
		nfemu_refuse(net, NFEMU_REFUSE_REPLACE_NOMEM, tmp.size, 0, 0);
		return -ENOMEM;
	}
	loc_cpu_entry = newinfo->entries;
	memcpy(loc_cpu_entry, (const char *)arg + sizeof(tmp), tmp.size);

	ret = translate_table(net, newinfo, loc_cpu_entry, &tmp);
	if (ret != 0)
		goto free_newinfo;

	ret = __do_replace(net, tmp.name, tmp.valid_hooks, newinfo, tmp.num_counters, tmp.counters);
	if (ret)
		goto free_newinfo_untrans;
	return 0;

free_newinfo_untrans:
	xt_entry_foreach(iter, loc_cpu_entry, newinfo->size)
		cleanup_entry(iter, net);
free_newinfo:
	xt_free_table_info(newinfo);
	return ret;
}

static int do_add_counters(struct net *net, const void *arg, unsigned int len)
{
	const struct xt_table_info *private;
	struct xt_counters_info tmp;
	const struct xt_counters *paddc;
	struct ipt_entry *iter;
	struct xt_table *t;
	unsigned int i = 0;
	u64 size;

	/* xt_copy_counters: at least one counter must follow the header */
	if (len <= sizeof(tmp)) {
		nfemu_refuse(net, NFEMU_REFUSE_ADD_COUNTERS_SHORT, len, sizeof(tmp), 0);
		return -EINVAL;
	}
	memcpy(&tmp, arg, sizeof(tmp));
	tmp.name[sizeof(tmp.name) - 1] = '\0';
	size = (u64)sizeof(struct xt_counters) * tmp.num_counters;
	if (size != (u64)len - sizeof(tmp)) {
		nfemu_refuse(net, NFEMU_REFUSE_ADD_COUNTERS_LEN, tmp.num_counters, (long long)(size + sizeof(tmp)),
			     len);
		return -EINVAL;
	}
	paddc = (const void *)((const char *)arg + sizeof(tmp));

	t = xt_find_table_lock(net, AF_INET, tmp.name);
	if (IS_ERR(t)) {
		nfemu_refuse(net, NFEMU_REFUSE_ADD_COUNTERS_NO_TABLE, 0, 0, 0);
		return PTR_ERR(t);
	}
	private = t->private;
	if (private->number != tmp.num_counters) {
		nfemu_refuse(net, NFEMU_REFUSE_ADD_COUNTERS_NUM, tmp.num_counters, private->number, 0);
		module_put(t->me);
		return -EINVAL;
	}
	xt_entry_foreach(iter, private->entries, private->size) {
		struct xt_counters c;

		memcpy(&c, &paddc[i], sizeof(c));      /* the caller's array may be unaligned */
		iter->counters.bcnt += c.bcnt;
		iter->counters.pcnt += c.pcnt;
		++i;
	}
	module_put(t->me);
	net->emu_gen++;         /* EMU */
	return 0;
}

/* EMU: a refusal starts empty; the handler records what it found (net->refusal). */
static void ipt_refusal_begin(struct net *net, bool get, int cmd)
{
	memset(&net->refusal, 0, sizeof(net->refusal));
	net->refusal.get = get;
	net->refusal.optname = cmd;
}

int do_ipt_set_ctl(struct net *net, int cmd, const void *user, unsigned int len)
{
	struct nfemu_refusal *r = &net->refusal;
	int ret;

	ipt_refusal_begin(net, false, cmd);
	/* EMU: the table the call names, for the refusal */
	if (cmd == IPT_SO_SET_REPLACE && len >= sizeof(struct ipt_replace))
		memcpy(r->table, ((const struct ipt_replace *)user)->name, sizeof(r->table) - 1);
	else if (cmd == IPT_SO_SET_ADD_COUNTERS && len >= sizeof(struct xt_counters_info))
		memcpy(r->table, ((const struct xt_counters_info *)user)->name, sizeof(r->table) - 1);
	switch (cmd) {
	case IPT_SO_SET_REPLACE:
		ret = do_replace(net, user, len);
		break;
	case IPT_SO_SET_ADD_COUNTERS:
		ret = do_add_counters(net, user, len);
		break;
	default:
		nfemu_refuse(net, NFEMU_REFUSE_UNKNOWN_OPT, cmd, 0, 0);
		ret = -EINVAL;
	}
	r->err = ret < 0 ? ret : 0;
	if (ret >= 0)
		r->reason = NFEMU_REFUSE_NONE;
	return ret;
}

int do_ipt_get_ctl(struct net *net, int cmd, void *user, int *len)
{
	int ret;

	ipt_refusal_begin(net, true, cmd);
	if ((cmd == IPT_SO_GET_INFO || cmd == IPT_SO_GET_ENTRIES) && *len >= XT_TABLE_MAXNAMELEN)
		snprintf(net->refusal.table, sizeof(net->refusal.table), "%.*s", XT_TABLE_MAXNAMELEN - 1,
			 (const char *)user);
	switch (cmd) {
	case IPT_SO_GET_INFO:
		ret = get_info(net, user, len);
		break;
	case IPT_SO_GET_ENTRIES:
		ret = get_entries(net, user, len);
		break;
	case IPT_SO_GET_REVISION_MATCH:
	case IPT_SO_GET_REVISION_TARGET: {
		struct xt_get_revision rev;
		int target;

		if (*len != sizeof(rev)) {
			nfemu_refuse(net, NFEMU_REFUSE_GET_REVISION_LEN, *len, sizeof(rev), 0);
			ret = -EINVAL;
			break;
		}
		memcpy(&rev, user, sizeof(rev));
		rev.name[sizeof(rev.name) - 1] = 0;
		target = cmd == IPT_SO_GET_REVISION_TARGET;

		/* try_then_request_module: load "ipt_NAME" only when nothing is known. */
		if (!xt_find_revision(net, AF_INET, rev.name, rev.revision, target, &ret)) {
			request_module(net, "ipt_%s", rev.name);
			xt_find_revision(net, AF_INET, rev.name, rev.revision, target, &ret);
		}
		break;
	}
	default:
		nfemu_refuse(net, NFEMU_REFUSE_UNKNOWN_OPT, cmd, 0, 0);
		ret = -EINVAL;
	}
	net->refusal.err = ret < 0 ? ret : 0;
	if (ret >= 0)
		net->refusal.reason = NFEMU_REFUSE_NONE;
	return ret;
}

/* ------------------------------------------------------ table registration */

/* The table a table module registers: one ACCEPT policy per valid hook, then the ERROR end. */
void *ipt_alloc_initial_table(const struct xt_table *info)
{
	unsigned int hook_mask = info->valid_hooks;
	unsigned int nhooks = __builtin_popcount(hook_mask);
	unsigned int bytes = 0, hooknum = 0, i = 0;
	struct ipt_replace *repl;
	struct ipt_standard *entries;
	struct ipt_error *term;
	size_t term_offset = ALIGN_UP(sizeof(*repl) + nhooks * sizeof(struct ipt_standard),
				      __alignof__(struct ipt_error));

	repl = calloc(1, term_offset + sizeof(*term));
	if (!repl)
		return NULL;
	entries = (struct ipt_standard *)repl->entries;
	term = (struct ipt_error *)((char *)repl + term_offset);
	snprintf(repl->name, sizeof(repl->name), "%s", info->name);
	ipt_error_entry(term)->target_offset = sizeof(struct ipt_entry);
	ipt_error_entry(term)->next_offset = sizeof(struct ipt_error);
	term->target.target.u.user.target_size = sizeof(struct xt_error_target);
	strcpy(term->target.target.u.user.name, XT_ERROR_TARGET);
	strcpy(term->target.errorname, "ERROR");
	repl->valid_hooks = hook_mask;
	repl->num_entries = nhooks + 1;
	repl->size = nhooks * sizeof(struct ipt_standard) + sizeof(struct ipt_error);
	for (; hook_mask != 0; hook_mask >>= 1, ++hooknum) {
		if (!(hook_mask & 1))
			continue;
		repl->hook_entry[hooknum] = bytes;
		repl->underflow[hooknum] = bytes;
		ipt_standard_entry(&entries[i])->target_offset = sizeof(struct ipt_entry);
		ipt_standard_entry(&entries[i])->next_offset = sizeof(struct ipt_standard);
		entries[i].target.target.u.user.target_size = sizeof(struct xt_standard_target);
		entries[i].target.verdict = -NF_ACCEPT - 1;
		i++;
		bytes += sizeof(struct ipt_standard);
	}
	return repl;
}

int ipt_register_table(struct net *net, const struct xt_table *table, const struct ipt_replace *repl,
		       const struct nf_hook_ops *template_ops)
{
	struct xt_table_info bootstrap = { 0 };
	struct xt_table_info *newinfo;
	struct xt_table *new_table;
	struct nf_hook_ops *ops;
	struct ipt_entry *iter;
	unsigned int num_ops;
	int ret;

	newinfo = xt_alloc_table_info(repl->size);
	if (!newinfo)
		return -ENOMEM;
	memcpy(newinfo->entries, repl->entries, repl->size);

	ret = translate_table(net, newinfo, newinfo->entries, repl);
	if (ret != 0) {
		xt_free_table_info(newinfo);
		return ret;
	}

	new_table = xt_register_table(net, table, &bootstrap, newinfo);
	if (IS_ERR(new_table)) {
		xt_entry_foreach(iter, newinfo->entries, newinfo->size)
			cleanup_entry(iter, net);
		xt_free_table_info(newinfo);
		return PTR_ERR(new_table);
	}
	if (!template_ops)
		return 0;

	num_ops = __builtin_popcount(table->valid_hooks);
	ops = malloc(num_ops * sizeof(*ops));
	if (!ops) {
		ret = -ENOMEM;
		goto out_free;
	}
	memcpy(ops, template_ops, num_ops * sizeof(*ops));
	for (unsigned int i = 0; i < num_ops; i++)
		ops[i].priv = new_table;
	new_table->ops = ops;
	ret = nf_register_net_hooks(net, ops, num_ops);
	if (ret != 0)
		goto out_free;
	return 0;

out_free:
	ipt_unregister_table_exit(net, table->name);
	return ret;
}

void ipt_unregister_table_pre_exit(struct net *net, const char *name)
{
	struct xt_table *table = xt_find_table(net, AF_INET, name);

	if (table && table->ops)
		nf_unregister_net_hooks(net, table->ops, __builtin_popcount(table->valid_hooks));
}

void ipt_unregister_table_exit(struct net *net, const char *name)
{
	struct xt_table *table = xt_find_table(net, AF_INET, name);
	struct xt_table_info *private;
	struct module *table_owner;
	struct ipt_entry *iter;

	if (!table)
		return;
	table_owner = table->me;
	private = xt_unregister_table(table);
	net->emu_gen++;
	net->emu_gen_rules++;

	/* Decrease module usage counts and free resources */
	xt_entry_foreach(iter, private->entries, private->size)
		cleanup_entry(iter, net);
	if (private->number > private->initial_entries)
		module_put(table_owner);
	xt_free_table_info(private);
}

/* ----------------------------------------------------------------- module */

static int ip_tables_init(struct net *net, struct module *me)
{
	int ret;

	/* Since Linux 6.4 the icmp match lives in xt_tcpudp, not here. */
	/* The built-in targets have no .me in Linux: rules using them hold no module. */
	(void)me;
	ret = xt_register_targets(net, NULL, ipt_builtin_tg, ARRAY_SIZE(ipt_builtin_tg));
	return ret < 0 ? ret : 0;
}

static void ip_tables_fini(struct net *net, struct module *me)
{
	(void)me;
	xt_unregister_targets(net, ipt_builtin_tg, ARRAY_SIZE(ipt_builtin_tg));
}

const struct module_info module_info_ip_tables = {
	.name = "ip_tables",
	.size = 32768,
	.depends = MODULE_DEPS("x_tables"),
	.init = ip_tables_init,
	.exit = ip_tables_fini,
};

/* ---------------------------------------------------------- table modules */

/* xt_hook_ops_alloc: one nf_hook_ops per valid hook of the table, at its priority.
 * EMU: fn_name and module are what kallsyms would say of fn (nf_hook_ops.name/.module). */
static struct nf_hook_ops *xt_hook_ops_alloc(const struct xt_table *table, nf_hookfn *fn,
					     const char *fn_name, const char *module, const int *prio)
{
	unsigned int hook_mask = table->valid_hooks;
	unsigned int num_hooks = __builtin_popcount(hook_mask);
	unsigned int i = 0, hooknum;
	struct nf_hook_ops *ops = calloc(num_hooks ? num_hooks : 1, sizeof(*ops));

	if (!ops)
		return NULL;
	for (hooknum = 0; hook_mask; hook_mask >>= 1, hooknum++) {
		if (!(hook_mask & 1))
			continue;
		ops[i].hook = fn;
		ops[i].pf = table->af;
		ops[i].hooknum = hooknum;
		ops[i].priority = prio ? prio[hooknum] : table->priority;
		ops[i].name = fn_name;
		ops[i].module = module;
		i++;
	}
	return ops;
}

/* EMU: Linux allocates the hook ops once per module; nfemu per table, so that no module
 * keeps state outside struct net. */
int ipt_table_init_net(struct net *net, const struct xt_table *tmpl, const char *owner,
		       void (*fixup)(struct ipt_replace *repl), nf_hookfn *fn, const char *fn_name,
		       const int *prio)
{
	struct xt_table table = *tmpl;
	struct nf_hook_ops *ops;
	struct ipt_replace *repl;
	int err;

	table.me = find_module(net, owner);
	repl = ipt_alloc_initial_table(&table);
	if (!repl)
		return -ENOMEM;
	if (fixup)
		fixup(repl);
	/* No hook function: the table's chains are called by someone else (the NAT core). */
	/* Since Linux 5.16 filter, raw and security hook ipt_do_table itself (ip_tables' code);
	 * mangle hooks a function of its own module (iptable_mangle_hook). */
	ops = fn ? xt_hook_ops_alloc(&table, fn, fn_name, fn == ipt_do_table ? "ip_tables" : owner,
				     prio) : NULL;
	if (fn && !ops) {
		free(repl);
		return -ENOMEM;
	}
	err = ipt_register_table(net, &table, repl, ops);
	free(ops);
	free(repl);
	return err;
}

void ipt_table_fini_net(struct net *net, const char *name)
{
	ipt_unregister_table_pre_exit(net, name);
	ipt_unregister_table_exit(net, name);
	xt_unregister_template(net, name);
}


/*
 * EMU: before a replay, find a rule whose match or target nfemu validates but does not
 * emulate at run time (xt_unemulated_match/xt_unemulated_target).
 * Returns 0 if every rule of every table can run, else -EOPNOTSUPP with one line in buf
 * naming the table, chain, rule and extension.
 */
/* The interface a rule names (-i/-o, '+' a trailing wildcard) exists among net's devices. */
static bool ipt_iface_exists(struct net *net, const char *name, const unsigned char *mask)
{
	char devname[IFNAMSIZ];
	struct net_device *dev;

	if (!name[0] || !net->ipv4.ready)
		return true;
	list_for_each_entry(dev, &net->ipv4.dev_base_head, dev_list) {
		memset(devname, 0, sizeof(devname));
		snprintf(devname, sizeof(devname), "%s", dev->name);
		if (!ifname_compare_aligned(devname, name, (const char *)mask))
			return true;
	}
	return false;
}

void ipt_check_interfaces(struct net *net, void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct xt_table *table;

	list_for_each_entry(table, &net->xt.tables[NFPROTO_IPV4], list) {
		const struct xt_table_info *private = table->private;
		const struct ipt_entry *e;
		const char *chain = "";
		unsigned int rule = 0;

		xt_entry_foreach(e, private->entries, private->size) {
			const struct xt_entry_target *t = ipt_get_target_c(e);
			const struct ipt_ip *ip = &e->ip;
			char msg[256], in[IFNAMSIZ + 2], out[IFNAMSIZ + 2];
			bool bad_in, bad_out;

			for (int h = 0; h < NF_INET_NUMHOOKS; h++)
				if ((table->valid_hooks & (1 << h)) &&
				    (const char *)e - (const char *)private->entries == (long)private->hook_entry[h]) {
					chain = hooknames[h];
					rule = 0;
				}
			if (strcmp(t->u.kernel.target->name, XT_ERROR_TARGET) == 0) {
				chain = (const char *)t->data;
				rule = 0;
				continue;
			}
			rule++;
			bad_in = !ipt_iface_exists(net, ip->iniface, ip->iniface_mask);
			bad_out = !ipt_iface_exists(net, ip->outiface, ip->outiface_mask);
			if (!bad_in && !bad_out)
				continue;
			/* iptables-save prints a wildcard as the name with a '+' */
			snprintf(in, sizeof(in), "%.*s%s", IFNAMSIZ, ip->iniface,
				 ip->iniface_mask[strnlen(ip->iniface, IFNAMSIZ)] ? "" : "+");
			snprintf(out, sizeof(out), "%.*s%s", IFNAMSIZ, ip->outiface,
				 ip->outiface_mask[strnlen(ip->outiface, IFNAMSIZ)] ? "" : "+");
			snprintf(msg, sizeof(msg), "%s %s rule %u: %s%s%s%s%s%s%s: no interface of the "
				 "topology matches", table->name, chain, rule,
				 bad_in && (ip->invflags & IPT_INV_VIA_IN) ? "! " : "", bad_in ? "-i " : "",
				 bad_in ? in : "", bad_in && bad_out ? " " : "",
				 bad_out && (ip->invflags & IPT_INV_VIA_OUT) ? "! " : "", bad_out ? "-o " : "",
				 bad_out ? out : "");
			warn(ctx, msg);
		}
	}
}

int ipt_check_emulated(struct net *net, char *buf, size_t len)
{
	struct xt_table *table;

	list_for_each_entry(table, &net->xt.tables[NFPROTO_IPV4], list) {
		const struct xt_table_info *private = table->private;
		const struct ipt_entry *e;
		const char *chain = "";
		unsigned int rule = 0;

		xt_entry_foreach(e, private->entries, private->size) {
			const struct xt_entry_target *t = ipt_get_target_c(e);
			const struct xt_target *target = t->u.kernel.target;
			const struct xt_entry_match *m;
			const char *what = NULL;
			char name[XT_EXTENSION_MAXNAMELEN + 8];

			for (int h = 0; h < NF_INET_NUMHOOKS; h++)
				if ((table->valid_hooks & (1 << h)) &&
				    (const char *)e - (const char *)private->entries == (long)private->hook_entry[h]) {
					chain = hooknames[h];
					rule = 0;
				}
			if (strcmp(target->name, XT_ERROR_TARGET) == 0) {
				chain = (const char *)t->data;
				rule = 0;
				continue;
			}
			rule++;
			xt_ematch_foreach(m, e)
				if (m->u.kernel.match->match == xt_unemulated_match && !what) {
					snprintf(name, sizeof(name), "-m %s", m->u.kernel.match->name);
					what = name;
				}
			if (!what && target->target == xt_unemulated_target) {
				snprintf(name, sizeof(name), "-j %s", target->name);
				what = name;
			}
			if (what) {
				snprintf(buf, len, "table %s, chain %s, rule %u: %s is checked and stored by nfemu "
					 "but its packet semantics are not emulated (see docs/extensions.md)",
					 table->name, chain, rule, what);
				return -EOPNOTSUPP;
			}
		}
	}
	return 0;
}
