/* emu/cmd_dump.c - EMU: `nfemu dump [--state FILE] [--raw] TABLE`: a table as the kernel holds it.
 *
 * Its struct xt_table_info, then every struct ipt_entry at its offset: offsets, comefrom,
 * counters, the ipt_ip, each match and the target decoded (emu/xt_decode.c), jumps as offsets
 * and chains.  The bytes are IPT_SO_GET_ENTRIES' (do_ipt_get_ctl, emu/ipt_blob.c): the offsets
 * iptables sees.  --raw adds each entry's hex.  No kernel counterpart.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/refusal.h"
#include "emu/cli.h"
#include "emu/ipt_blob.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "emu/xt_decode.h"
#include "xtables/ip_tables.h"

static const char *const dump_hook_const[NF_INET_NUMHOOKS] = {
	"NF_INET_PRE_ROUTING", "NF_INET_LOCAL_IN", "NF_INET_FORWARD", "NF_INET_LOCAL_OUT",
	"NF_INET_POST_ROUTING",
};

static void cmd_dump_usage(FILE *f)
{
	fprintf(f, "usage: nfemu dump [--state FILE] [--raw] TABLE\n"
		   "  The table as the emulated kernel holds it: its struct xt_table_info, then every\n"
		   "  struct ipt_entry at its byte offset, with counters, comefrom, the ipt_ip, each match\n"
		   "  and the target decoded field by field (jumps as offsets and chains).  The bytes are\n"
		   "  what IPT_SO_GET_ENTRIES returns to iptables.\n"
		   "  --raw  also print each entry's bytes in hex\n");
}

static void dump_hookmask(unsigned int mask)
{
	const char *sep = "";

	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++)
		if (mask & (1u << h)) {
			printf("%s%s", sep, ipt_blob_hooknames[h]);
			sep = " ";
		}
	if (mask & ~((1u << NF_INET_NUMHOOKS) - 1))
		printf("%s0x%x", sep, mask & ~((1u << NF_INET_NUMHOOKS) - 1));
}

static void dump_table_info(const struct xt_table *t, const struct ipt_blob *b)
{
	const struct xt_table_info *private = t->private;

	printf("table %s: module %s, priority %d\n", t->name, t->me ? t->me->name : "-", t->priority);
	printf("struct xt_table_info: size %u, number %u, initial_entries %u, stacksize %u\n",
	       private->size, private->number, private->initial_entries, private->stacksize);
	printf("valid_hooks 0x%x: ", t->valid_hooks);
	dump_hookmask(t->valid_hooks);
	putchar('\n');
	for (unsigned int h = 0; h < NF_INET_NUMHOOKS; h++) {
		if (!(t->valid_hooks & (1u << h)))
			continue;
		printf("  hook_entry[%s] = %u, underflow = %u\n", dump_hook_const[h],
		       b->info.hook_entry[h], b->info.underflow[h]);
	}
}

/* "eth0", with the mask as the count of 0xff bytes when it is such a prefix, else in hex. */
static void dump_iface(const char *what, const char *name, const unsigned char *mask)
{
	unsigned int ff = 0, i;

	printf(".%s = \"%.*s\", .%s_mask = ", what, IFNAMSIZ, name, what);
	while (ff < IFNAMSIZ && mask[ff] == 0xff)
		ff++;
	for (i = ff; i < IFNAMSIZ && !mask[i]; i++)
		;
	if (i == IFNAMSIZ) {
		printf(ff ? "%u x 0xff" : "0", ff);
		return;
	}
	for (i = 0; i < IFNAMSIZ; i++)
		printf("%02x", mask[i]);
}

static void dump_ip(const struct ipt_ip *ip)
{
	static const struct { unsigned int bit; const char *name; } inv[] = {
		{ IPT_INV_VIA_IN, "IPT_INV_VIA_IN" }, { IPT_INV_VIA_OUT, "IPT_INV_VIA_OUT" },
		{ IPT_INV_TOS, "IPT_INV_TOS" }, { IPT_INV_SRCIP, "IPT_INV_SRCIP" },
		{ IPT_INV_DSTIP, "IPT_INV_DSTIP" }, { IPT_INV_FRAG, "IPT_INV_FRAG" },
		{ IPT_INV_PROTO, "IPT_INV_PROTO" },
	};
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	const char *sep = " /* ";

	inet_ntop(AF_INET, &ip->src, a, sizeof(a));
	inet_ntop(AF_INET, &ip->smsk, m, sizeof(m));
	printf("    ip: .src = %s, .smsk = %s, ", a, m);
	inet_ntop(AF_INET, &ip->dst, a, sizeof(a));
	inet_ntop(AF_INET, &ip->dmsk, m, sizeof(m));
	printf(".dst = %s, .dmsk = %s, .proto = %u\n        ", a, m, ip->proto);
	dump_iface("iniface", ip->iniface, ip->iniface_mask);
	printf(", ");
	dump_iface("outiface", ip->outiface, ip->outiface_mask);
	printf("\n        .flags = 0x%x", ip->flags);
	if (ip->flags)
		printf(" /* %s%s%s */", ip->flags & IPT_F_FRAG ? "IPT_F_FRAG" : "",
		       (ip->flags & IPT_F_FRAG) && (ip->flags & IPT_F_GOTO) ? "|" : "",
		       ip->flags & IPT_F_GOTO ? "IPT_F_GOTO" : "");
	printf(", .invflags = 0x%x", ip->invflags);
	for (size_t i = 0; i < ARRAY_SIZE(inv); i++)
		if (ip->invflags & inv[i].bit) {
			printf("%s%s", sep, inv[i].name);
			sep = "|";
		}
	printf("%s\n", ip->invflags ? " */" : "");
}

/* A standard target's verdict: a netfilter verdict, XT_RETURN, or an offset to jump to. */
static void dump_verdict(const struct ipt_blob *b, const struct ipt_blob_entry *x, int v)
{
	const struct ipt_blob_entry *to;

	printf("        .verdict = %d", v);
	if (v < 0) {
		switch (v) {
		case -NF_ACCEPT - 1: printf(" /* -NF_ACCEPT - 1: ACCEPT */\n"); return;
		case -NF_DROP - 1: printf(" /* -NF_DROP - 1: DROP */\n"); return;
		case -NF_QUEUE - 1: printf(" /* -NF_QUEUE - 1: QUEUE */\n"); return;
		case XT_RETURN: printf(" /* XT_RETURN: RETURN (pop the jumpstack, or the policy) */\n"); return;
		default: printf(" /* -verdict - 1 = %d */\n", -v - 1); return;
		}
	}
	if ((unsigned int)v == x->offset + x->e->next_offset) {
		printf(" /* the next entry: fall through */\n");
		return;
	}
	to = ipt_blob_at(b, (unsigned int)v);
	printf(" /* %s @%d", x->e->ip.flags & IPT_F_GOTO ? "goto" : "jump to", v);
	if (!to)
		printf(": not an entry boundary */\n");
	else if (to->rule == 1 || !to->tail)
		printf(": chain %s rule %u */\n", to->chain, to->rule);
	else
		printf(": chain %s's RETURN (the chain is empty) */\n", to->chain);
}

/* The kernel's own part of an extension's data, which GET_ENTRIES returns zeroed. */
static void dump_usersize(unsigned int usersize, unsigned int size)
{
	if (usersize && usersize < size)
		printf("        /* bytes %u..%u are the kernel's (usersize %u): GET_ENTRIES returns them as zero */\n",
		       usersize, size - 1, usersize);
}

static void dump_ext(const struct ipt_blob *b, const struct ipt_blob_entry *x, const void *kext,
		     unsigned int rel, bool target)
{
	const struct xt_entry_match *m = (const void *)((const char *)x->e + rel);
	unsigned int size = m->u.user.match_size, rev = m->u.user.revision;
	const unsigned char *data = m->data;
	size_t dlen = size - sizeof(*m), ssize = 0;
	char name[XT_EXTENSION_MAXNAMELEN + 1];
	const char *type;

	snprintf(name, sizeof(name), "%.*s", XT_EXTENSION_MAXNAMELEN, m->u.user.name);
	type = xt_decode_struct(target, name, rev, &ssize);
	printf("  +%u %s \"%s\" revision %u, %s_size %u", rel, target ? "target" : "match", name, rev,
	       target ? "target" : "match", size);
	if (target && !name[0]) {
		printf(": struct xt_standard_target\n");
		if (dlen >= sizeof(int)) {
			int v;

			memcpy(&v, data, sizeof(v));
			dump_verdict(b, x, v);
		}
		return;
	}
	if (target && !strcmp(name, XT_ERROR_TARGET)) {
		printf(": struct xt_error_target\n        .errorname = \"%.*s\" /* %s */\n",
		       XT_FUNCTION_MAXNAMELEN, (const char *)data,
		       x->end ? "the table's end" : "a user chain's head: its name");
		return;
	}
	if (type)
		printf(": %s (%zu bytes, %zu aligned)\n", type, ssize, (size_t)XT_ALIGN(ssize));
	else
		printf(": %zu bytes of data\n", dlen);
	if (!xt_decode_data(stdout, "        ", target, name, rev, data, dlen))
		xt_decode_hex(stdout, "        ", data, dlen, 0);
	if (kext) {
		/* the kernel's copy: the name's place holds the extension pointer */
		if (target) {
			const struct xt_target *kt = ((const struct xt_entry_target *)kext)->u.kernel.target;

			dump_usersize(kt->usersize, kt->targetsize);
		} else {
			const struct xt_match *km = ((const struct xt_entry_match *)kext)->u.kernel.match;

			dump_usersize(km->usersize, km->matchsize);
		}
	}
}

static void dump_entry(const struct ipt_blob *b, const struct ipt_blob_entry *x, unsigned int i,
		       const unsigned char *kentries, bool raw)
{
	const struct ipt_entry *e = x->e;
	const unsigned char *kent = kentries ? kentries + x->offset : NULL;
	unsigned int rel;

	printf("@%u [%u] ", x->offset, i);
	if (x->end)
		printf("the table's end");
	else if (x->head)
		printf("chain %s head", x->chain);
	else
		printf("%s rule %u", x->chain, x->rule);
	if (x->hook_entry) {
		printf(" <- hook_entry ");
		dump_hookmask(x->hook_entry);
	}
	if (x->underflow) {
		printf(" <- underflow ");
		dump_hookmask(x->underflow);
		printf(" (the policy)");
	} else if (x->tail && x->user) {
		printf(" (the chain's end: libiptc closes every user chain with a RETURN)");
	}
	putchar('\n');
	printf("    struct ipt_entry: target_offset %u, next_offset %u, comefrom 0x%x", e->target_offset,
	       e->next_offset, e->comefrom);
	if (e->comefrom) {
		printf(" (");
		dump_hookmask(e->comefrom);
		printf(")");
	}
	printf(", nfcache 0x%x\n    counters: pcnt %llu, bcnt %llu\n", e->nfcache,
	       (unsigned long long)e->counters.pcnt, (unsigned long long)e->counters.bcnt);
	dump_ip(&e->ip);
	for (rel = sizeof(*e); rel < e->target_offset;) {
		const struct xt_entry_match *m = (const void *)((const char *)e + rel);

		if (m->u.match_size < sizeof(*m) || rel + m->u.match_size > e->target_offset) {
			printf("  +%u match with a bad size %u\n", rel, m->u.match_size);
			break;
		}
		dump_ext(b, x, kent ? kent + rel : NULL, rel, false);
		rel += m->u.match_size;
	}
	dump_ext(b, x, kent ? kent + e->target_offset : NULL, e->target_offset, true);
	if (raw) {
		printf("    raw:\n");
		xt_decode_hex(stdout, "      ", (const unsigned char *)e, e->next_offset, x->offset);
	}
}

static int dump_table(struct net *net, const char *name, bool raw)
{
	struct xt_table *t = xt_find_table(net, NFPROTO_IPV4, name);
	const char *chain = NULL;
	struct ipt_blob b;
	int ret;

	if (!t) {
		char mod[64];

		snprintf(mod, sizeof(mod), "iptable_%s", name);
		if (!module_info_find(mod))
			fprintf(stderr, "nfemu dump: no table '%s': there is no module %s (the IPv4 tables "
				"are filter, mangle, raw, security and nat)\n", name, mod);
		else
			fprintf(stderr, "nfemu dump: no table '%s' in this kernel yet: a table is created on "
				"its first use (nfemu exec -- iptables-legacy -t %s -L)\n", name, name);
		return 1;
	}
	ret = ipt_blob_get(net, name, &b);
	if (ret < 0) {
		fprintf(stderr, "nfemu dump: %s: %s\n", name, nfemu_last_error(net)[0] ? nfemu_last_error(net) : strerror(-ret));
		return 1;
	}
	dump_table_info(t, &b);
	printf("entries: the %u bytes IPT_SO_GET_ENTRIES returns (copy_entries_to_user: the kernel's copy\n"
	       "holds pointers to its xt_match/xt_target where the names are)\n", b.info.size);
	for (unsigned int i = 0; i < b.n; i++) {
		const struct ipt_blob_entry *x = &b.idx[i];

		if (!x->end && (!chain || strcmp(chain, x->chain))) {
			chain = x->chain;
			printf("\nchain %s%s\n", chain, x->head ? " (user chain)" : " (built-in)");
		} else if (x->end) {
			putchar('\n');
		}
		dump_entry(&b, x, i, t->private->size == b.info.size ? t->private->entries : NULL, raw);
	}
	ipt_blob_free(&b);
	return 0;
}

int cmd_dump(int argc, char **argv)
{
	const char *state = NULL, *table = NULL;
	struct nfemu_state st;
	struct net *net = NULL;
	bool raw = false;
	char err[1024];
	int i = 1, rc;

	while (i < argc) {
		if (cli_state_opt(argc, argv, &i, &state))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cmd_dump_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--raw")) {
			raw = true;
		} else if (argv[i][0] == '-' || table) {
			fprintf(stderr, "nfemu dump: unexpected argument '%s'\n", argv[i]);
			cmd_dump_usage(stderr);
			return 2;
		} else {
			table = argv[i];
		}
		i++;
	}
	if (!table) {
		cmd_dump_usage(stderr);
		return 2;
	}
	if (nfemu_state_open_flags(&st, nfemu_state_path(state), NFEMU_STATE_LAZY_CT, &net, err, sizeof(err)) < 0) {
		fprintf(stderr, "nfemu dump: %s\n", err);
		return 1;
	}
	rc = dump_table(net, table, raw);
	nfemu_state_close(&st);
	net_free(net);
	return rc;
}
