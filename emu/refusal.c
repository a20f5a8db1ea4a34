/* emu/refusal.c - EMU: the one line that says why the ABI refused a sockopt.
 * No kernel counterpart: Linux answers only with the errno.  The emulated kernel records which
 * check failed, on which entry, with which numbers (net->refusal, kernel/observe.h); this words
 * it, e.g. "SET_REPLACE filter: rule 3 (offset 304, chain INPUT rule 2): match 'tcp' rev 0:
 * xt_tcpudp: ... (EINVAL)".  The shim prints it beneath the iptables program's own message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/refusal.h"
#include "kernel/net.h"

static const char *refusal_errname(long long err)
{
	const char *n = strerrorname_np((int)-err);

	return n ? n : "error";
}

static const char *refusal_hook(long long h)
{
	static const char *const names[] = { "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" };

	return h >= 0 && h < (long long)(sizeof(names) / sizeof(names[0])) ? names[h] : "?";
}

/* The reason, without the operation or the entry; *self_prefixed when it names the operation
 * itself ("SET_REPLACE: num_counters is 0"). */
static int refusal_reason(const struct nfemu_refusal *r, char *buf, size_t len, bool *self_prefixed)
{
	const long long *a = r->a;

	*self_prefixed = false;
	switch (r->reason) {
	case NFEMU_REFUSE_ALIGN:
		return snprintf(buf, len, "entry is not aligned to %lld bytes", a[0]);
	case NFEMU_REFUSE_HEADER_PAST_END:
		return snprintf(buf, len, "entry header runs past the end of the blob (size %lld)", a[0]);
	case NFEMU_REFUSE_NEXT_PAST_END:
		return snprintf(buf, len, "next_offset %lld runs past the end of the blob (size %lld)", a[0], a[1]);
	case NFEMU_REFUSE_NEXT_TOO_SMALL:
		return snprintf(buf, len, "next_offset %lld is smaller than an entry with a target (%lld)",
				a[0], a[1]);
	case NFEMU_REFUSE_IP_FLAGS:
		return snprintf(buf, len, "unknown ip flags 0x%llx or invflags 0x%llx", a[0], a[1]);
	case NFEMU_REFUSE_TARGET_OFFSET:
		return snprintf(buf, len, "target_offset %lld outside the entry (next_offset %lld)", a[0], a[1]);
	case NFEMU_REFUSE_TARGET_SIZE:
		return snprintf(buf, len, "target_size %lld does not fit (target_offset %lld, next_offset %lld)",
				a[0], a[1], a[2]);
	case NFEMU_REFUSE_STD_TARGET_END:
		return snprintf(buf, len, "standard target: target_offset %lld + %lld does not end the entry "
				"(next_offset %lld)", a[0], a[1], a[2]);
	case NFEMU_REFUSE_STD_VERDICT:
		return snprintf(buf, len, "standard target: invalid verdict %lld", a[0]);
	case NFEMU_REFUSE_ERROR_TARGET:
		return snprintf(buf, len, "ERROR target: bad size %lld or unterminated chain name", a[0]);
	case NFEMU_REFUSE_MATCHES_TILE:
		return snprintf(buf, len, "matches do not tile the space before the target (bad match_size "
				"or alignment)");
	case NFEMU_REFUSE_UNDERFLOW_POLICY:
		return snprintf(buf, len, "policy of %s (underflow) is not an unconditional ACCEPT or DROP",
				refusal_hook(a[0]));
	case NFEMU_REFUSE_MATCH:
	case NFEMU_REFUSE_TARGET: {
		const char *why = r->klog[0] ? r->klog :
				  a[0] == -ENOENT ? "no such extension in this kernel (no module provides it)" :
				  a[0] == -EPROTOTYPE ? "revision not supported by this kernel" :
				  "refused by checkentry";

		return snprintf(buf, len, "%s '%s' rev %u: %s (%s)",
				r->reason == NFEMU_REFUSE_MATCH ? "match" : "target", r->ext, r->rev, why,
				refusal_errname(a[0]));
	}
	case NFEMU_REFUSE_NUM_ENTRIES_LARGE:
		return snprintf(buf, len, "num_entries %lld is too large", a[0]);
	case NFEMU_REFUSE_NUM_ENTRIES:
		return snprintf(buf, len, "num_entries is %lld but the blob holds %lld entries", a[0], a[1]);
	case NFEMU_REFUSE_HOOKS:
		return snprintf(buf, len, "%s at hook %lld (%s): hook_entry %lld, underflow %lld",
				r->str ? r->str : "bad hook", a[0], refusal_hook(a[0]), a[1], a[2]);
	case NFEMU_REFUSE_LOOP:
		return snprintf(buf, len, "chain loop, jump to a non-entry offset, or a chain that falls off "
				"the end of the table (ELOOP)");
	case NFEMU_REFUSE_GET_INFO_LEN:
		return snprintf(buf, len, "GET_INFO: optlen %lld != sizeof(struct ipt_getinfo) %lld", a[0], a[1]);
	case NFEMU_REFUSE_GET_ENTRIES_SHORT:
		return snprintf(buf, len, "GET_ENTRIES: optlen %lld < sizeof(struct ipt_get_entries) %lld",
				a[0], a[1]);
	case NFEMU_REFUSE_GET_ENTRIES_LEN:
		return snprintf(buf, len, "GET_ENTRIES: optlen %lld != %lld + size %lld", a[0], a[1], a[2]);
	case NFEMU_REFUSE_GET_ENTRIES_SIZE:
		return snprintf(buf, len, "GET_ENTRIES %s: size %lld but the table has %lld bytes (changed "
				"since GET_INFO)", r->table, a[0], a[1]);
	case NFEMU_REFUSE_NO_TABLE:
		return snprintf(buf, len, "no table '%s' in this kernel", r->table);
	case NFEMU_REFUSE_VALID_HOOKS:
		return snprintf(buf, len, "valid_hooks 0x%llx, but table '%s' has 0x%llx", a[0], r->table, a[1]);
	case NFEMU_REFUSE_NUM_COUNTERS:
		return snprintf(buf, len, "num_counters %lld but table '%s' has %lld entries: it changed since "
				"it was read", a[0], r->table, a[1]);
	case NFEMU_REFUSE_GET_REVISION_LEN:
		return snprintf(buf, len, "GET_REVISION: optlen %lld != sizeof(struct xt_get_revision) %lld",
				a[0], a[1]);
	case NFEMU_REFUSE_UNKNOWN_OPT:
		*self_prefixed = true;
		return snprintf(buf, len, "%s: unknown ip_tables optname %lld",
				r->get ? "getsockopt" : "setsockopt", a[0]);
	}
	*self_prefixed = true;
	switch (r->reason) {
	case NFEMU_REFUSE_REPLACE_SHORT:
		return snprintf(buf, len, "SET_REPLACE: optlen %lld < sizeof(struct ipt_replace) %lld", a[0], a[1]);
	case NFEMU_REFUSE_REPLACE_COUNTERS_LARGE:
		return snprintf(buf, len, "SET_REPLACE: num_counters %lld too large", a[0]);
	case NFEMU_REFUSE_REPLACE_COUNTERS_ZERO:
		return snprintf(buf, len, "SET_REPLACE: num_counters is 0");
	case NFEMU_REFUSE_REPLACE_LEN:
		return snprintf(buf, len, "SET_REPLACE: optlen %lld < sizeof(struct ipt_replace) + size %lld",
				a[0], a[1]);
	case NFEMU_REFUSE_REPLACE_NOMEM:
		return snprintf(buf, len, "SET_REPLACE %s: size %lld: cannot allocate", r->table, a[0]);
	case NFEMU_REFUSE_ADD_COUNTERS_SHORT:
		return snprintf(buf, len, "SET_ADD_COUNTERS: optlen %lld <= sizeof(struct xt_counters_info) "
				"%lld (no counters)", a[0], a[1]);
	case NFEMU_REFUSE_ADD_COUNTERS_LEN:
		return snprintf(buf, len, "SET_ADD_COUNTERS %s: %lld counters need optlen %lld, got %lld",
				r->table, a[0], a[1], a[2]);
	case NFEMU_REFUSE_ADD_COUNTERS_NO_TABLE:
		return snprintf(buf, len, "SET_ADD_COUNTERS: no table '%s'", r->table);
	case NFEMU_REFUSE_ADD_COUNTERS_NUM:
		return snprintf(buf, len, "SET_ADD_COUNTERS %s: %lld counters for %lld entries", r->table,
				a[0], a[1]);
	}
	*self_prefixed = false;
	buf[0] = '\0';
	return 0;
}

size_t nfemu_refusal_format(const struct nfemu_refusal *r, char *buf, size_t len)
{
	const char *op = r->optname == IPT_SO_SET_REPLACE ? "SET_REPLACE" : "SET_ADD_COUNTERS";
	char reason[384], where[128] = "";
	bool self;
	int n;

	if (!len)
		return 0;
	buf[0] = '\0';
	if (r->reason == NFEMU_REFUSE_NONE) {
		/* the errno says it all; a set names its operation */
		if (r->get || r->err >= 0)
			return 0;
		n = snprintf(buf, len, "%s %s: refused (%s)", op, r->table, refusal_errname(r->err));
		return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
	}
	refusal_reason(r, reason, sizeof(reason), &self);
	if (r->at_entry && r->in_chain)
		snprintf(where, sizeof(where), "rule %u (offset %u, chain %s rule %u): ", r->entry_idx,
			 r->entry_off, r->chain, r->chain_rule);
	else if (r->at_entry)
		snprintf(where, sizeof(where), "rule %u (offset %u): ", r->entry_idx, r->entry_off);
	if (r->get || self)
		n = snprintf(buf, len, "%s%s", where, reason);
	else
		n = snprintf(buf, len, "%s %s: %s%s", op, r->table, where, reason);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

const char *nfemu_last_error(const struct net *net)
{
	static char buf[512];

	nfemu_refusal_format(&net->refusal, buf, sizeof(buf));
	return buf;
}
