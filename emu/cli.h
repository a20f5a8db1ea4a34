/* emu/cli.h - EMU: the nfemu command's subcommands (not part of the emulated kernel). */
#ifndef NFEMU_EMU_CLI_H
#define NFEMU_EMU_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Each takes argv[0] = the subcommand name and returns the process exit status. */
int cmd_exec(int argc, char **argv);
int cmd_lsmod(int argc, char **argv);
int cmd_rmmod(int argc, char **argv);
int cmd_modprobe(int argc, char **argv);
int cmd_proc(int argc, char **argv);
int cmd_extensions(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_conntrack(int argc, char **argv);
int cmd_hooks(int argc, char **argv);
int cmd_dump(int argc, char **argv);

/* "--state FILE" / "--state=FILE" at argv[*i]: consumes it, sets *path, returns 1. */
int cli_state_opt(int argc, char **argv, int *i, const char **path);
/* "--opt VALUE" or "--opt=VALUE" at argv[*i]: consumes it and sets *val; 0 = not this
 * option, 1 = taken, -1 = the value is missing (said on stderr as "nfemu: CMD: ..."). */
int cli_value_opt(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val);
/* s as a JSON string (quotes, escapes; NULL as ""). */
void cli_json_str(FILE *out, const char *s);

/* What a program run by nfemu_exec_capture printed, and how it ended. */
struct exec_capture {
	char *out;              /* malloc'd, NUL-terminated; free() it */
	size_t len;
	bool cut;               /* it printed more than out_max bytes: the rest was dropped */
	int status;             /* waitpid's */
};

/* Run `nfemu exec --state STATE -- PROG` in a child (the real program under the shim) with
 * stdin from in_fd (-1: /dev/null), collecting its stdout (and stderr with merge_stderr), at
 * most out_max bytes.  0 and *res filled (whatever the program's exit), or -1 and why in err
 * when it could not be run. */
int nfemu_exec_capture(const char *state, const char *prog, int in_fd, bool merge_stderr,
		       size_t out_max, struct exec_capture *res, char *err, size_t errlen);
/* It exited 0. */
bool exec_capture_ok(const struct exec_capture *res);
/* "exit status N" / "signal N" into buf. */
const char *exec_capture_how(const struct exec_capture *res, char *buf, size_t len);

/* A ruleset loaded into a temporary state by the real iptables-legacy-restore (replay --rules,
 * test's and diff's rulesets): $TMPDIR/nfemu-CMD.XXXXXX/state, which the kernel then opens. */
struct nfemu_rules_temp {
	char dir[PATH_MAX];             /* "" when there is none */
	char state[PATH_MAX + 16];
};

/* Run `nfemu exec --state T->state -- iptables-legacy-restore < RULES` into a fresh temporary
 * directory.  0, or -1 with the message printed and nothing left behind: CMD names the
 * command ("nfemu: CMD: ..." when the directory or the child cannot be made), LABEL the
 * ruleset as the user gave it ("LABEL: No such file or directory", "LABEL:
 * iptables-legacy-restore failed[ (exit status N)]:" and what it printed; with say_how, how
 * it ended). */
int nfemu_rules_temp_load(struct nfemu_rules_temp *t, const char *rules, const char *cmd,
			  const char *label, bool say_how);
/* Remove the temporary state and its directory (nothing if there is none). */
void nfemu_rules_temp_remove(struct nfemu_rules_temp *t);

#endif
