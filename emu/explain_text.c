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
 * The rules are named as TRACE names them (table:chain:rule|policy|return:N).
 * nf_queue (NFEMU_EV_NF_QUEUE) and nf_log_packet (NFEMU_EV_NF_LOG) calls get a line where
 * they happen, and module loads and reference changes (NFEMU_EV_MODULE: kernel/module.c)
 * one each, those of the rule load before packet #1:
 *   #   nf_queue: queue 3, no listener (-ESRCH): NF_DROP, the packet is freed
 *   #         nf_log_packet: NF_LOG_TYPE_LOG level 4 prefix "web: ": logger nf_log_syslog
 *   #   try_module_get xt_tcpudp: refcount 0 -> 1
 * Formats: docs/replay.md.
 */
#include <string.h>
#include "emu/output_int.h"
#include "hooks/netfilter.h"
#include "xtables/ip_tables.h"
#include "xtables/x_tables.h"
#include "hooks/nf_log.h"

#define EXPLAIN_LINE_MAX 768    /* a log prefix (NF_LOG_PREFIXLEN) escaped is at most 512 */
#define EXPLAIN_INDENT_MAX 24   /* levels: deeper nesting is drawn at this depth */

unsigned int trace_explain_indent(const struct nfemu_output *o)
{
	return o->opts.explain_walk ? o->xdepth : 0;
}

const char *out_verdict_word(unsigned int v)
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
	p = fmt_str(p, out_verdict_word(v));
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

/* The offset of the entry after the one at offset (ipt_next_entry). */
static u32 entry_next(const struct nfemu_walk_event *w, u32 offset)
{
	const struct ipt_entry *e = (const void *)((const char *)w->private->entries + offset);

	return offset + e->next_offset;
}

static char *walk_line(char *p, struct nfemu_output *o, const struct nfemu_walk_event *w)
{
	const char *tg;

	/* a target runs one level below its rule: nf_log_packet's line goes there */
	o->xwalk = w->what == NFEMU_WALK_MATCH ? w->depth + 1u : 0;
	switch (w->what) {
	case NFEMU_WALK_ENTER:
		p = line_start(p, o->xdepth);
		p = fmt_lit(p, "ipt_do_table ");
		p = fmt_str(p, w->table);
		*p++ = ' ';
		return fmt_str(p, out_hook_name(w->hook));
	case NFEMU_WALK_JUMP:
		if (w->to == entry_next(w, w->offset)) {
			/* a rule without a target: its standard verdict is the next entry, and
			 * ipt_do_table pushes nothing for it */
			p = line_start(p, o->xdepth + w->depth);
			p = entry_name(p, o, w, w->offset);
			return fmt_lit(p, ": no target, continue");
		}
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

/* s between quotes, '"', '\\' and bytes outside printable ASCII as \xNN: one line whatever
 * the prefix holds.  At most 4 * n + 2 bytes. */
static char *quoted(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	*p++ = '"';
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		} else {
			*p++ = (char)c;
		}
	}
	*p++ = '"';
	return p;
}

/* "refcount 0 -> 1" */
static char *refcount(char *p, int before, int after)
{
	p = fmt_lit(p, "refcount ");
	p = fmt_int(p, before);
	p = fmt_lit(p, " -> ");
	return fmt_int(p, after);
}

/* kernel/module.c: load_module, delete_module, try_module_get, module_put, ref_module */
static char *module_line(char *p, const struct nfemu_output *o, const struct nfemu_module_event *m)
{
	p = line_start(p, o->xdepth + o->xwalk);
	switch (m->what) {
	case NFEMU_MODULE_LOAD:
		p = fmt_lit(p, "load_module ");
		p = fmt_str(p, m->name);
		if (m->user) {
			p = fmt_lit(p, " (needed by ");
			p = fmt_str(p, m->user);
			*p++ = ')';
		}
		return fmt_lit(p, ": init ran, live");
	case NFEMU_MODULE_UNLOAD:
		p = fmt_lit(p, "delete_module ");
		p = fmt_str(p, m->name);
		return fmt_lit(p, ": exit ran, unloaded");
	case NFEMU_MODULE_GET:
		p = fmt_lit(p, "try_module_get ");
		p = fmt_str(p, m->name);
		p = fmt_lit(p, ": ");
		return refcount(p, m->before, m->after);
	case NFEMU_MODULE_GET_FAILED:
		p = fmt_lit(p, "try_module_get ");
		p = fmt_str(p, m->name);
		return fmt_lit(p, ": refused, the module is going");
	case NFEMU_MODULE_PUT:
		p = fmt_lit(p, "module_put ");
		p = fmt_str(p, m->name);
		p = fmt_lit(p, ": ");
		return refcount(p, m->before, m->after);
	case NFEMU_MODULE_REF:
		p = fmt_lit(p, "ref_module ");
		p = fmt_str(p, m->user ? m->user : "?");
		p = fmt_lit(p, " uses ");
		p = fmt_str(p, m->name);
		p = fmt_lit(p, ": ");
		return refcount(p, m->before, m->after);
	case NFEMU_MODULE_UNREF:
		p = fmt_lit(p, "module_unload_free ");
		p = fmt_str(p, m->user ? m->user : "?");
		p = fmt_lit(p, " lets go of ");
		p = fmt_str(p, m->name);
		p = fmt_lit(p, ": ");
		return refcount(p, m->before, m->after);
	default:
		return p;
	}
}

/* hooks/nf_queue.c: nf_queue.  Said where nf_hook_slow handles the hook's NF_QUEUE verdict. */
static char *queue_line(char *p, const struct nfemu_output *o, const struct nfemu_queue_event *q)
{
	p = line_start(p, o->xdepth);
	p = fmt_lit(p, "nf_queue: queue ");
	p = fmt_u32(p, q->queuenum);
	if (q->bypass)
		p = fmt_lit(p, " bypass");
	if (q->listener) {
		p = fmt_lit(p, ", a listener: queued (NF_STOLEN) until its verdict is re-injected");
		return p;
	}
	p = fmt_lit(p, ", no listener (-ESRCH): ");
	p = fmt_str(p, out_verdict_word(q->verdict));
	if ((q->verdict & NF_VERDICT_MASK) == NF_ACCEPT)
		return fmt_lit(p, ", on to the next hook function");
	return fmt_lit(p, ", the packet is freed");
}

/* hooks/nf_log.c: nf_log_packet */
static char *log_line(char *p, const struct nfemu_output *o, const struct nfemu_log_event *l)
{
	p = line_start(p, o->xdepth + o->xwalk);
	p = fmt_lit(p, "nf_log_packet: ");
	if (!l->has_loginfo) {
		p = fmt_lit(p, "no loginfo (the logger bound to the family)");
	} else if (l->type == NF_LOG_TYPE_LOG) {
		p = fmt_lit(p, "NF_LOG_TYPE_LOG level ");
		p = fmt_u32(p, l->level);
		if (l->logflags) {
			p = fmt_lit(p, " flags 0x");
			*p++ = "0123456789abcdef"[(l->logflags >> 4) & 15];
			*p++ = "0123456789abcdef"[l->logflags & 15];
		}
	} else {
		p = fmt_lit(p, "NF_LOG_TYPE_ULOG group ");
		p = fmt_u32(p, l->group);
	}
	p = fmt_lit(p, " prefix ");
	p = quoted(p, l->prefix ? l->prefix : "", NF_LOG_PREFIXLEN);
	if (!l->logger)
		return fmt_lit(p, ": no logger registered, nothing logged");
	p = fmt_lit(p, ": logger ");
	return fmt_str(p, l->logger);
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
		o->xwalk = 0;
		break;
	case NFEMU_EV_HOOK:
		ops = ev->hook->ops;
		o->xwalk = 0;
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
	case NFEMU_EV_MODULE:
		p = module_line(p, o, ev->module);
		break;
	case NFEMU_EV_NF_QUEUE:
		p = queue_line(p, o, ev->queue);
		break;
	case NFEMU_EV_NF_LOG:
		p = log_line(p, o, ev->log);
		break;
	default:
		break;
	}
	if (p == start)
		return;
	*p++ = '\n';
	obuf_commit(b, p);
}
