/* emu/cmd_modules.c - EMU: nfemu lsmod, rmmod, modprobe, and proc.
 *
 * Each loads the emulated kernel from the state file under its lock, looks or changes,
 * and writes it back when it changed something, printing what kmod's tools and /proc
 * print on Linux.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "emu/cli.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "xtables/x_tables.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_expect.h"

int cli_state_opt(int argc, char **argv, int *i, const char **path)
{
	if (!strcmp(argv[*i], "--state") && *i + 1 < argc) {
		*path = argv[*i + 1];
		*i += 2;
		return 1;
	}
	if (!strncmp(argv[*i], "--state=", 8)) {
		*path = argv[*i] + 8;
		*i += 1;
		return 1;
	}
	return 0;
}

static const struct {
	const char *cmd, *usage;
} cli_usages[] = {
	{ "lsmod", "usage: nfemu lsmod [--state FILE]\n  the loaded modules, as lsmod prints them\n" },
	{ "rmmod", "usage: nfemu rmmod [--state FILE] NAME...\n  unload modules (refused while in use)\n" },
	{ "modprobe", "usage: nfemu modprobe [--state FILE] NAME...\n  load modules and what they depend on\n" },
	{ "proc", "usage: nfemu proc [--state FILE] PATH\n  print /proc/PATH: net/ip_tables_names, "
		  "net/ip_tables_matches,\n  net/ip_tables_targets, net/nf_conntrack, net/nf_conntrack_expect, "
		  "modules\n" },
};

/* Parse "[--state FILE] ARGS..." after the subcommand; returns the index of the first ARG,
 * or -1 when -h/--help asked for the usage (printed here; no state is touched). */
static int cli_args(int argc, char **argv, const char **state)
{
	int i = 1;

	while (i < argc && cli_state_opt(argc, argv, &i, state))
		;
	if (i < argc && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
		for (size_t k = 0; k < ARRAY_SIZE(cli_usages); k++)
			if (!strcmp(argv[0], cli_usages[k].cmd))
				fputs(cli_usages[k].usage, stdout);
		return -1;
	}
	if (i < argc && !strcmp(argv[i], "--"))
		i++;
	return i;
}

struct cli_kernel {
	struct nfemu_state st;
	struct net *net;
};

static int cli_kernel_open(struct cli_kernel *k, const char *state, const char *cmd)
{
	char err[512];
	int ret = nfemu_state_open_flags(&k->st, nfemu_state_path(state), NFEMU_STATE_LAZY_CT, &k->net, err,
					 sizeof(err));

	if (ret < 0) {
		fprintf(stderr, "nfemu %s: %s\n", cmd, err);
		return -1;
	}
	return 0;
}

static int cli_kernel_close(struct cli_kernel *k, bool changed, const char *cmd)
{
	char err[512];
	int ret = 0;

	if (changed && nfemu_state_commit(&k->st, k->net, err, sizeof(err)) < 0) {
		fprintf(stderr, "nfemu %s: %s\n", cmd, err);
		ret = -1;
	}
	nfemu_state_close(&k->st);
	net_free(k->net);
	return ret;
}

int cmd_lsmod(int argc, char **argv)
{
	const char *state = NULL;
	struct cli_kernel k;
	struct module *mod;

	if (cli_args(argc, argv, &state) < 0)
		return 0;
	if (cli_kernel_open(&k, state, "lsmod"))
		return 1;
	printf("%-19s %8s  %s\n", "Module", "Size", "Used by");
	list_for_each_entry(mod, &k.net->modules, list) {
		struct module_use *use;
		const char *sep = " ";

		printf("%-19s %8u  %d", mod->name, mod->info->size, module_refcount(mod));
		list_for_each_entry(use, &mod->source_list, source_list) {
			printf("%s%s", sep, use->source->name);
			sep = ",";
		}
		putchar('\n');
	}
	return cli_kernel_close(&k, false, "lsmod") ? 1 : 0;
}

/* Why a table module is held: its table has rules beyond the initial ones. */
static void explain_busy(struct net *net, struct module *mod)
{
	struct xt_table *t;

	list_for_each_entry(t, &net->xt.tables[NFPROTO_IPV4], list)
		if (t->me == mod && t->private->number > t->private->initial_entries)
			fprintf(stderr, "nfemu rmmod: the %s table holds it: it has %u entries beyond its "
				"built-in chains (iptables -t %s -F; iptables -t %s -X releases them)\n",
				t->name, t->private->number - t->private->initial_entries, t->name, t->name);
}

int cmd_rmmod(int argc, char **argv)
{
	const char *state = NULL;
	struct cli_kernel k;
	bool changed = false;
	int i = cli_args(argc, argv, &state), rc = 0;

	if (i < 0)
		return 0;
	if (i >= argc) {
		fprintf(stderr, "usage: nfemu rmmod [--state FILE] NAME...\n");
		return 2;
	}
	if (cli_kernel_open(&k, state, "rmmod"))
		return 1;
	for (; i < argc; i++) {
		struct module *mod = find_module(k.net, argv[i]);
		int err;

		if (!mod) {
			fprintf(stderr, "nfemu rmmod: ERROR: Module %s is not currently loaded\n", argv[i]);
			rc = 1;
			continue;
		}
		err = delete_module(k.net, argv[i]);
		if (err == -EBUSY) {
			struct module_use *use;

			if (!list_empty(&mod->source_list)) {
				fprintf(stderr, "nfemu rmmod: ERROR: Module %s is in use by:", mod->name);
				list_for_each_entry(use, &mod->source_list, source_list)
					fprintf(stderr, " %s", use->source->name);
				fputc('\n', stderr);
			} else {
				fprintf(stderr, "nfemu rmmod: ERROR: Module %s is in use (refcount %d)\n",
					mod->name, module_refcount(mod));
				explain_busy(k.net, mod);
			}
			rc = 1;
			continue;
		}
		if (err) {
			fprintf(stderr, "nfemu rmmod: ERROR: could not remove '%s': %s\n", argv[i], strerror(-err));
			rc = 1;
			continue;
		}
		changed = true;
	}
	if (cli_kernel_close(&k, changed, "rmmod"))
		rc = 1;
	return rc;
}

int cmd_modprobe(int argc, char **argv)
{
	const char *state = NULL;
	struct cli_kernel k;
	bool changed = false;
	int i = cli_args(argc, argv, &state), rc = 0;

	if (i < 0)
		return 0;
	if (i >= argc) {
		fprintf(stderr, "usage: nfemu modprobe [--state FILE] NAME...\n");
		return 2;
	}
	if (cli_kernel_open(&k, state, "modprobe"))
		return 1;
	for (; i < argc; i++) {
		int err = request_module(k.net, "%s", argv[i]);

		if (err == -ENOENT && !module_info_find(argv[i])) {
			fprintf(stderr, "nfemu modprobe: FATAL: Module %s not found (nfemu has no such module)\n", argv[i]);
			rc = 1;
		} else if (err) {
			fprintf(stderr, "nfemu modprobe: ERROR: could not insert '%s': %s\n", argv[i], strerror(-err));
			rc = 1;
		} else {
			changed = true;
		}
	}
	if (cli_kernel_close(&k, changed, "modprobe"))
		rc = 1;
	return rc;
}

int cmd_proc(int argc, char **argv)
{
	const char *state = NULL, *path;
	struct cli_kernel k;
	char *text = NULL;
	int i = cli_args(argc, argv, &state);

	if (i < 0)
		return 0;
	if (i >= argc) {
		fprintf(stderr, "usage: nfemu proc [--state FILE] net/ip_tables_names|net/ip_tables_matches|"
				"net/ip_tables_targets|modules\n");
		return 2;
	}
	path = argv[i];
	if (!strncmp(path, "/proc/", 6))
		path += 6;
	if (cli_kernel_open(&k, state, "proc"))
		return 1;
	if (!strncmp(path, "net/nf_conntrack", 16)) {  /* the one file that reads the entries */
		char err[512];

		if (nfemu_state_load_conntrack(&k.st, k.net, err, sizeof(err)) < 0) {
			fprintf(stderr, "nfemu proc: %s\n", err);
			cli_kernel_close(&k, false, "proc");
			return 1;
		}
	}
	if (!strcmp(path, "modules")) {
		text = proc_modules_show(k.net);
	} else if (!strncmp(path, "net/ip_tables_", 14) && find_module(k.net, "ip_tables")) {
		/* the files exist while ip_tables is loaded (xt_proto_init in ip_tables_net_init) */
		const char *what = path + 14;

		if (!strcmp(what, "names") || !strcmp(what, "matches") || !strcmp(what, "targets"))
			text = xt_proc_show(k.net, NFPROTO_IPV4, what);
	} else if (!strcmp(path, "net/nf_conntrack") && find_module(k.net, "nf_conntrack")) {
		text = nf_conntrack_show(k.net, NF_CT_PRINT_PROC, NULL);
	} else if (!strcmp(path, "net/nf_conntrack_expect") && find_module(k.net, "nf_conntrack")) {
		text = nf_ct_expect_show(k.net, true, NULL);
	}
	if (!text) {
		fprintf(stderr, "nfemu proc: /proc/%s: No such file or directory\n", path);
		cli_kernel_close(&k, false, "proc");
		return 1;
	}
	fputs(text, stdout);
	free(text);
	return cli_kernel_close(&k, false, "proc") ? 1 : 0;
}

/* One row per (kind, name): revisions, module, and whether every revision runs in replay. */
struct ext_row {
	char kind;              /* 'm' or 't' */
	char name[XT_EXTENSION_MAXNAMELEN];
	char revs[64];
	const char *module;
	bool runs, partial;
};

static int ext_row_cmp(const void *a, const void *b)
{
	const struct ext_row *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);

	return c ? c : x->kind - y->kind;
}

static void ext_add(struct ext_row *rows, size_t *n, char kind, const char *name, int rev,
		    const char *module, bool runs)
{
	struct ext_row *r = NULL;

	for (size_t i = 0; i < *n; i++)
		if (rows[i].kind == kind && !strcmp(rows[i].name, name))
			r = &rows[i];
	if (!r) {
		r = &rows[(*n)++];
		memset(r, 0, sizeof(*r));
		r->kind = kind;
		snprintf(r->name, sizeof(r->name), "%s", name);
		r->module = module;
		r->runs = runs;
	}
	if (r->runs != runs)
		r->partial = true;
	r->runs = r->runs || runs;
	{
		char buf[8];

		snprintf(buf, sizeof(buf), "%s%d", r->revs[0] ? "," : "", rev);
		strncat(r->revs, buf, sizeof(r->revs) - strlen(r->revs) - 1);
	}
}

/*
 * EMU: `nfemu extensions`: every IPv4 match and target nfemu's kernel can load, with its
 * revisions and module, and whether `nfemu replay` runs its packet semantics (a rule using
 * one that does not run is refused before a replay, never guessed).
 */
int cmd_extensions(int argc, char **argv)
{
	struct ext_row rows[512];
	size_t n = 0, nmods;
	const struct module_info *const *mods = module_info_all(&nmods);
	struct net *net = net_alloc();
	struct xt_match *m;
	struct xt_target *t;
	bool md = argc > 1 && !strcmp(argv[1], "--markdown");

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: nfemu extensions [--markdown]\n  every match and target nfemu can load, its "
		       "revisions and module, and\n  whether replay emulates its packet semantics\n");
		net_free(net);
		return 0;
	}
	if (!net)
		return 1;
	for (size_t i = 0; i < nmods; i++)
		request_module(net, "%s", mods[i]->name);
	for (int af = NFPROTO_UNSPEC; af <= NFPROTO_IPV4; af += NFPROTO_IPV4) {
		list_for_each_entry_reverse(m, &net->xt.match[af], list)
			if (n < ARRAY_SIZE(rows))
				ext_add(rows, &n, 'm', m->name, m->revision, m->me ? m->me->name : "ip_tables",
					m->match != xt_unemulated_match);
		list_for_each_entry_reverse(t, &net->xt.target[af], list)
			if (n < ARRAY_SIZE(rows))
				ext_add(rows, &n, 't', *t->name ? t->name : "(standard)", t->revision,
					t->me ? t->me->name : "ip_tables",
					t->target != xt_unemulated_target);
	}
	qsort(rows, n, sizeof(rows[0]), ext_row_cmp);
	if (md)
		printf("| name | kind | revisions | module | packet semantics in replay |\n|---|---|---|---|---|\n");
	else
		printf("%-14s %-6s %-10s %-18s %s\n", "NAME", "KIND", "REVISIONS", "MODULE", "REPLAY");
	for (size_t i = 0; i < n; i++) {
		const char *st = rows[i].partial ? "some revisions" : rows[i].runs ? "emulated" : "checked only";

		if (md)
			printf("| %s | %s | %s | %s | %s |\n", rows[i].name, rows[i].kind == 'm' ? "match" : "target",
			       rows[i].revs, rows[i].module, st);
		else
			printf("%-14s %-6s %-10s %-18s %s\n", rows[i].name, rows[i].kind == 'm' ? "match" : "target",
			       rows[i].revs, rows[i].module, st);
	}
	net_free(net);
	return 0;
}
