/* emu/explain_text.c - EMU: --explain's hook and rule-walk lines in the trace.
 * No kernel counterpart.  nf_hook_slow reports each hook function it calls (NFEMU_EV_HOOK_CALL
 * before, NFEMU_EV_HOOK with the verdict after) and ipt_do_table each step of its walk
 * (NFEMU_EV_WALK), all in binary; this says them, one short line each, indented by how deep
 * the packet is in hook functions (and, for the walk, in the jump stack):
 *   #   PREROUTING -200 ipv4_conntrack_in [nf_conntrack]
 *   #     ct: tcp 192.0.2.10:40000>203.0.113.5:80: new, on the unconfirmed list
 *   #   ipv4_conntrack_in: NF_ACCEPT
 *   #   FORWARD 0 ipt_do_table [ip_tables]
 *   #     ipt_do_table filter FORWARD
 *   #     filter:FORWARD:rule:1: jump lan_in (jumpstack push, depth 1)
 *   #       filter:lan_in:rule:2: ACCEPT: NF_ACCEPT
 * The rules are named as TRACE names them (table:chain:rule|policy|return:N).  Formats:
 * docs/replay.md.
 */
#include <string.h>
#include "emu/output_int.h"
#include "hooks/netfilter.h"
#include "xtables/ip_tables.h"
#include "xtables/x_tables.h"

#define EXPLAIN_LINE_MAX 256
#define EXPLAIN_INDENT_MAX 24   /* levels: deeper nesting is drawn at this depth */

unsigned int trace_explain_indent(const struct nfemu_output *o)
{
	return o->opts.explain_walk ? o->xdepth : 0;
}

static const char *verdict_name(unsigned int v)
{
	switch (v & NF_VERDICT_MASK) {
	case NF_DROP: return "NF_DROP";
	case NF_ACCEPT: return "NF_ACCEPT";
	case NF_STOLEN: return "NF_STOLEN";
	case NF_QUEUE: return "NF_QUEUE";
	case NF_REPEAT: return "NF_REPEAT";
	case NF_STOP: return "NF_STOP";
	default: return "?";
	}
}

/* "NF_ACCEPT", "NF_QUEUE num 3 bypass", "NF_DROP errno 113" */
static char *verdict_str(char *p, unsigned int v)
{
	p = fmt_str(p, verdict_name(v));
	if ((v & NF_VERDICT_MASK) == NF_QUEUE) {
		p = fmt_lit(p, " num ");
		p = fmt_u32(p, v >> NF_VERDICT_QBITS);
		if (v & NF_VERDICT_FLAG_QUEUE_BYPASS)
			p = fmt_lit(p, " bypass");
	} else if ((v & NF_VERDICT_MASK) == NF_DROP && (v >> NF_VERDICT_QBITS)) {
		p = fmt_lit(p, " errno ");
		p = fmt_u32(p, v >> NF_VERDICT_QBITS);
	}
	return p;
}

/* Start a line: "#   " and two spaces a level. */
static char *line_start(char *p, unsigned int level)
{
	p = fmt_lit(p, "#   ");
	if (level > EXPLAIN_INDENT_MAX)
		level = EXPLAIN_INDENT_MAX;
	memset(p, ' ', 2 * level);
	return p + 2 * level;
}

/* The entry at offset, as TRACE names it: "filter:FORWARD:rule:2" */
static char *entry_name(char *p, struct nfemu_output *o, const struct nfemu_walk_event *w, u32 offset)
{
	struct nfemu_verdict v = { .kind = NFEMU_VERDICT_RULE, .hook = w->hook, .offset = offset,
				   .table = w->table, .private = w->private };
	const char *name = out_verdict_name(o->names, &v);

	return fmt_str(p, name ? name : "?");
}

static const char *entry_chain(const struct nfemu_walk_event *w, u32 offset)
{
	const char *chain, *comment;
	unsigned int rulenum;

	ipt_verdict_location(w->private, w->hook, offset, &chain, &comment, &rulenum);
	return chain;
}

/* The target of the entry at offset: "LOG", "REJECT"; "" for a standard verdict. */
static const char *entry_target(const struct nfemu_walk_event *w, u32 offset)
{
	const struct ipt_entry *e = (const void *)((const char *)w->private->entries + offset);
	const struct xt_entry_target *t = (const void *)((const char *)e + e->target_offset);

	return t->u.kernel.target ? t->u.kernel.target->name : "";
}

static char *walk_line(char *p, struct nfemu_output *o, const struct nfemu_walk_event *w)
{
	const char *tg;

	switch (w->what) {
	case NFEMU_WALK_ENTER:
		p = line_start(p, o->xdepth);
		p = fmt_lit(p, "ipt_do_table ");
		p = fmt_str(p, w->table);
		*p++ = ' ';
		return fmt_str(p, out_hook_name(w->hook));
	case NFEMU_WALK_JUMP:
		p = line_start(p, o->xdepth + (w->depth ? w->depth - 1u : 0));
		p = entry_name(p, o, w, w->offset);
		p = fmt_lit(p, ": jump ");
		p = fmt_str(p, entry_chain(w, w->to));
		p = fmt_lit(p, " (jumpstack push, depth ");
		p = fmt_u32(p, w->depth);
		return fmt_lit(p, ")");
	case NFEMU_WALK_GOTO:
		p = line_start(p, o->xdepth + w->depth);
		p = entry_name(p, o, w, w->offset);
		p = fmt_lit(p, ": goto ");
		p = fmt_str(p, entry_chain(w, w->to));
		return fmt_lit(p, " (nothing pushed)");
	case NFEMU_WALK_RETURN:
		p = line_start(p, o->xdepth + w->depth + 1);
		p = entry_name(p, o, w, w->offset);
		p = fmt_lit(p, ": RETURN to ");
		p = entry_name(p, o, w, w->to);
		p = fmt_lit(p, " (depth ");
		p = fmt_u32(p, w->depth);
		return fmt_lit(p, ")");
	case NFEMU_WALK_CONTINUE:
		p = line_start(p, o->xdepth + w->depth);
		p = entry_name(p, o, w, w->offset);
		*p++ = ':';
		*p++ = ' ';
		p = fmt_str(p, entry_target(w, w->offset));
		return fmt_lit(p, ", continue");
	case NFEMU_WALK_VERDICT:
		p = line_start(p, o->xdepth + w->depth);
		p = entry_name(p, o, w, w->offset);
		p = fmt_lit(p, ": ");
		if (w->hotdrop)
			p = fmt_lit(p, "a match set hotdrop");
		else if ((tg = entry_target(w, w->offset))[0])
			p = fmt_str(p, tg);
		else
			p = fmt_lit(p, "verdict");
		p = fmt_lit(p, ": ");
		return verdict_str(p, w->verdict);
	default:        /* NFEMU_WALK_MATCH: the step that follows names the rule */
		return p;
	}
}

void trace_explain(struct nfemu_output *o, const struct nfemu_event *ev)
{
	struct obuf *b = &o->trace;
	char *start = obuf_reserve(b, EXPLAIN_LINE_MAX + 2 * EXPLAIN_INDENT_MAX), *p = start;
	const struct nf_hook_ops *ops;

	switch (ev->type) {
	case NFEMU_EV_HOOK_CALL:
		ops = ev->hook->ops;
		p = line_start(p, o->xdepth);
		p = fmt_str(p, out_hook_name(ops->hooknum));
		*p++ = ' ';
		p = fmt_int(p, ops->priority);
		*p++ = ' ';
		p = fmt_str(p, ops->name ? ops->name : "?");
		if (ops->module) {
			p = fmt_lit(p, " [");
			p = fmt_str(p, ops->module);
			*p++ = ']';
		}
		o->xdepth++;
		break;
	case NFEMU_EV_HOOK:
		ops = ev->hook->ops;
		if (o->xdepth)
			o->xdepth--;
		p = line_start(p, o->xdepth);
		p = fmt_str(p, ops->name ? ops->name : "?");
		p = fmt_lit(p, ": ");
		p = verdict_str(p, ev->hook->verdict);
		break;
	case NFEMU_EV_WALK:
		p = walk_line(p, o, ev->walk);
		break;
	default:
		break;
	}
	if (p == start)
		return;
	*p++ = '\n';
	obuf_commit(b, p);
}
