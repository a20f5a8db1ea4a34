/* emu/cmd_conntrack.c - EMU: `nfemu conntrack [--state FILE] -L [expect] | -F | -C`.
 *
 * conntrack-tools' conntrack for the emulated kernel kept in the state file: -L lists the
 * table as `conntrack -L` prints it (the summary line on stderr), `-L expect` the expectation
 * table as `conntrack -L expect` does, -F empties it and writes
 * the state back, -C prints nf_conntrack_count.  No kernel counterpart (Linux answers these
 * over ctnetlink).  EMU: a kernel without nf_conntrack loaded shows an empty table; Linux would
 * load the module for the netlink request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "emu/cli.h"
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "conntrack/nf_conntrack.h"
#include "conntrack/nf_conntrack_expect.h"

#define CONNTRACK_TOOL "conntrack v1.4.7 (conntrack-tools)"

static void cmd_conntrack_usage(FILE *f)
{
	fprintf(f, "usage: nfemu conntrack [--state FILE] -L|--dump [expect] | -F|--flush | -C|--count\n"
		   "  -L  list the connection tracking table, as `conntrack -L` prints it\n"
		   "      (-L expect: the expectation table, as `conntrack -L expect`)\n"
		   "  -F  flush the table (written back to the state file)\n"
		   "  -C  print the number of entries (nf_conntrack_count)\n");
}

int cmd_conntrack(int argc, char **argv)
{
	const char *state = NULL;
	enum { CT_NONE, CT_LIST, CT_LIST_EXPECT, CT_FLUSH, CT_COUNT } op = CT_NONE;
	struct nfemu_state st;
	struct net *net = NULL;
	char err[1024];
	int i = 1, rc = 0;

	while (i < argc) {
		if (cli_state_opt(argc, argv, &i, &state))
			continue;
		if (!strcmp(argv[i], "-L") || !strcmp(argv[i], "--dump")) {
			op = CT_LIST;
			/* conntrack -L [table]: conntrack (default) or expect */
			if (i + 1 < argc && (!strcmp(argv[i + 1], "expect") ||
					     !strcmp(argv[i + 1], "conntrack"))) {
				if (!strcmp(argv[i + 1], "expect"))
					op = CT_LIST_EXPECT;
				i++;
			}
		}
		else if (!strcmp(argv[i], "-F") || !strcmp(argv[i], "--flush"))
			op = CT_FLUSH;
		else if (!strcmp(argv[i], "-C") || !strcmp(argv[i], "--count"))
			op = CT_COUNT;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cmd_conntrack_usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "nfemu conntrack: unknown option '%s'\n", argv[i]);
			cmd_conntrack_usage(stderr);
			return 2;
		}
		i++;
	}
	if (op == CT_NONE) {
		cmd_conntrack_usage(stderr);
		return 2;
	}
	if (nfemu_state_open(&st, nfemu_state_path(state), &net, err, sizeof(err)) < 0) {
		fprintf(stderr, "nfemu conntrack: %s\n", err);
		return 1;
	}
	switch (op) {
	case CT_LIST: {
		unsigned int n = 0;
		char *text = nf_conntrack_show(net, NF_CT_PRINT_CONNTRACK_TOOL, &n);

		if (!text) {
			fprintf(stderr, "nfemu conntrack: out of memory\n");
			rc = 1;
			break;
		}
		fputs(text, stdout);
		fflush(stdout);
		free(text);
		fprintf(stderr, CONNTRACK_TOOL ": %u flow entries have been shown.\n", n);
		break;
	}
	case CT_LIST_EXPECT: {
		unsigned int n = 0;
		char *text = nf_ct_expect_show(net, false, &n);

		if (!text) {
			fprintf(stderr, "nfemu conntrack: out of memory\n");
			rc = 1;
			break;
		}
		fputs(text, stdout);
		fflush(stdout);
		free(text);
		fprintf(stderr, CONNTRACK_TOOL ": %u expectations have been shown.\n", n);
		break;
	}
	case CT_FLUSH:
		if (net->ct.ready)
			nf_conntrack_flush(net);
		if (nfemu_state_commit(&st, net, err, sizeof(err)) < 0) {
			fprintf(stderr, "nfemu conntrack: %s\n", err);
			rc = 1;
			break;
		}
		fprintf(stderr, CONNTRACK_TOOL ": connection tracking table has been emptied.\n");
		break;
	case CT_COUNT:
		printf("%u\n", nf_conntrack_count(net));
		break;
	case CT_NONE:
		break;
	}
	nfemu_state_close(&st);
	net_free(net);
	return rc;
}
