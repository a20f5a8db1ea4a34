/* emu/cli.h - EMU: the nfemu command's subcommands (not part of the emulated kernel). */
#ifndef NFEMU_EMU_CLI_H
#define NFEMU_EMU_CLI_H

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

#endif
