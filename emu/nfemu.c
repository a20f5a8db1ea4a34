/* emu/nfemu.c - EMU: the nfemu command: dispatch to subcommands.
 *
 * nfemu is the user's handle on an emulated kernel kept in a state file (emu/state.h):
 * `exec` runs the real iptables programs against it, `lsmod`/`rmmod`/`modprobe` and `proc`
 * show and change it as the kernel's own interfaces would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/cli.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "replay", cmd_replay, "replay --topology FILE (--rules FILE | --state FILE) [OPTIONS] CAPTURE\n"
				"                                       run a capture through the kernel (replay --help)" },
	{ "diff", cmd_diff, "diff --topology FILE (--rules A | --state A) (--rules B | --state B) CAPTURE\n"
			    "                                       packets whose fate differs between two rulesets (diff --help)" },
	{ "test", cmd_test, "test [--tap] [--junit FILE] [--record [--stdout]] SPEC...\n"
			    "                                       run a ruleset's tests: packets and what must become of them (test --help)" },
	{ "trace", cmd_trace, "trace --topology FILE (--rules FILE | --state FILE) [--json] 'PACKET'\n"
			      "                                       one packet, phase by phase (trace --help)" },
	{ "exec", cmd_exec, "exec [--state FILE] [--sockopt-trace[=TRACE]] -- CMD ARGS...\n"
			    "                                       run CMD (e.g. iptables-legacy) against the emulated kernel" },
	{ "lsmod", cmd_lsmod, "lsmod [--state FILE]                 loaded modules, as lsmod prints them" },
	{ "rmmod", cmd_rmmod, "rmmod [--state FILE] NAME...         unload modules (refused while in use)" },
	{ "modprobe", cmd_modprobe, "modprobe [--state FILE] NAME...      load modules and what they depend on" },
	{ "extensions", cmd_extensions, "extensions [--markdown]               every match/target, its revisions and module, and\n"
					"                                       whether replay emulates its packet semantics" },
	{ "conntrack", cmd_conntrack, "conntrack [--state FILE] -L|-F       the connection tracking table, as conntrack-tools' conntrack" },
	{ "hooks", cmd_hooks, "hooks [--state FILE] [-v]              nf_hooks[NFPROTO_IPV4][hook]: priority, function [module],\n"
			      "                                       as `nft list hooks ip` prints them" },
	{ "dump", cmd_dump, "dump [--state FILE] [--raw] TABLE     the table as the kernel holds it: xt_table_info and\n"
			    "                                       every ipt_entry, decoded (GET_ENTRIES' bytes)" },
	{ "proc", cmd_proc, "proc [--state FILE] PATH             print /proc/PATH: net/ip_tables_names, net/ip_tables_matches,\n"
			    "                                       net/ip_tables_targets, net/nf_conntrack,\n"
			    "                                       net/nf_conntrack_expect, modules" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nfemu [--state FILE] COMMAND [ARGS]   (nfemu --version, nfemu --help)\n"
		   "The emulated kernel lives in FILE (--state, else $NFEMU_STATE, else ./nfemu.state).\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  nfemu %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	const char *state = NULL;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if (cli_state_opt(argc, argv, &i, &state))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("nfemu %s (emulates Linux netfilter, iptables-legacy ABI, IPv4)\n",
			       NFEMU_VERSION);
			return 0;
		}
		fprintf(stderr, "nfemu: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return 2;
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	if (state)
		setenv("NFEMU_STATE", state, 1);
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++)
		if (!strcmp(argv[i], commands[c].name))
			return commands[c].fn(argc - i, argv + i);
	fprintf(stderr, "nfemu: unknown command '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
