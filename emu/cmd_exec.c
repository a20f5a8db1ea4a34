/* emu/cmd_exec.c - EMU: `nfemu exec [--state FILE] -- CMD ARGS...`: run a program against nfemu.
 *
 * No kernel counterpart: this is how unmodified iptables-legacy reaches the emulated kernel.
 * It points NFEMU_STATE at the state file (made absolute, so a chdir in CMD does not lose it),
 * moves the xtables lock next to it unless XTABLES_LOCKFILE is set, puts the sockopt shim
 * (sockopt_shim/shim.c) first in LD_PRELOAD, and execs CMD -- sealed in a network namespace
 * of its own (cmd_exec_seal), so nothing CMD does reaches the host's network configuration,
 * whether the shim sees it or not.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "emu/cli.h"
#include "emu/state.h"

#ifndef NFEMU_SHIM_INSTALLED
#define NFEMU_SHIM_INSTALLED "/usr/local/lib/nfemu/libnfemu_shim.so"
#endif

static void cmd_exec_usage(FILE *f)
{
	fprintf(f, "usage: nfemu exec [--state FILE] [--sockopt-trace[=TRACE]] [--] CMD [ARGS...]\n"
		   "  Run CMD with the nfemu shim preloaded: iptables-legacy, iptables-legacy-save and\n"
		   "  iptables-legacy-restore then work on the emulated kernel kept in FILE\n"
		   "  (default: $NFEMU_STATE, else ./nfemu.state).  CMD runs in an empty network\n"
		   "  namespace of its own: nothing it does reaches the host's network.\n"
		   "  --sockopt-trace[=TRACE]  print every getsockopt/setsockopt CMD makes and the\n"
		   "      kernel's answer, decoded, to stderr (or append it to the file TRACE)\n");
}

/* An absolute path for a file that may not exist yet: its directory must. */
static char *cmd_exec_abspath(const char *path)
{
	char *dir, *base, *slash, *real, *out = NULL;

	real = realpath(path, NULL);
	if (real || errno != ENOENT)
		return real;
	dir = strdup(path);
	if (!dir)
		return NULL;
	slash = strrchr(dir, '/');
	base = slash ? slash + 1 : dir;
	if (slash)
		*slash = '\0';
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		free(dir);
		errno = EISDIR;
		return NULL;
	}
	real = realpath(!slash ? "." : slash == dir ? "/" : dir, NULL);
	if (real && asprintf(&out, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base) < 0)
		out = NULL;
	free(real);
	free(dir);
	return out;
}

static bool cmd_exec_readable(const char *path)
{
	return path && path[0] && access(path, R_OK) == 0;
}

/* $NFEMU_SHIM, else next to this binary (the build tree), else where `meson install` put it. */
static char *cmd_exec_find_shim(void)
{
	const char *env = getenv("NFEMU_SHIM");
	char exe[PATH_MAX], *slash, *p;
	ssize_t n;

	if (env && env[0]) {
		if (!cmd_exec_readable(env)) {
			fprintf(stderr, "nfemu: exec: NFEMU_SHIM=%s: %s\n", env, strerror(errno));
			return NULL;
		}
		return cmd_exec_abspath(env);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			if (asprintf(&p, "%s/sockopt_shim/libnfemu_shim.so", exe) < 0)
				return NULL;
			if (cmd_exec_readable(p))
				return p;
			free(p);
		}
	}
	if (cmd_exec_readable(NFEMU_SHIM_INSTALLED))
		return strdup(NFEMU_SHIM_INSTALLED);
	fprintf(stderr, "nfemu: exec: cannot find libnfemu_shim.so (looked in %s/sockopt_shim and %s);"
		" set NFEMU_SHIM to its path\n", n > 0 ? exe : "<this binary's directory>",
		NFEMU_SHIM_INSTALLED);
	return NULL;
}

#if defined(__has_feature) && !defined(__SANITIZE_ADDRESS__)
#if __has_feature(address_sanitizer)          /* clang's spelling */
#define __SANITIZE_ADDRESS__ 1
#endif
#endif
#ifdef __SANITIZE_ADDRESS__
#include <dlfcn.h>
void __asan_init(void);

/* An ASan build of the shim only runs with the ASan runtime first in LD_PRELOAD; nfemu is then
 * an ASan build too, so hand on the runtime it runs with. */
static const char *cmd_exec_sanitizer_runtime(void)
{
	const char *base;
	Dl_info info;

	if (!dladdr((void *)__asan_init, &info) || !info.dli_fname)
		return NULL;
	base = strrchr(info.dli_fname, '/');
	base = base ? base + 1 : info.dli_fname;
	/* gcc's libasan.so, clang's libclang_rt.asan-ARCH.so (-shared-libasan) */
	return strncmp(base, "libasan", 7) && strncmp(base, "libclang_rt.asan", 16) ? NULL :
	       info.dli_fname;
}
#else
static const char *cmd_exec_sanitizer_runtime(void)
{
	return NULL;
}
#endif

static int cmd_exec_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * The seal: CMD runs in a network namespace of its own, empty (lo, down) and gone when CMD
 * ends.  The shim answers iptables-legacy; whatever it does not see -- a static binary,
 * iptables-nft/nft/conntrack over netlink, `ip link add`, a raw socket -- meets that empty
 * stack, never the host's.  As root: unshare(CLONE_NEWNET), and where that is refused (a
 * container without CAP_SYS_ADMIN), a user namespace with it; if neither can be had, CMD is
 * not run.  Not root: a user namespace mapping our uid and gid to themselves, plus the
 * network namespace; where unprivileged user namespaces are off, CMD runs unsealed, which is
 * safe (without CAP_NET_ADMIN it cannot change, nor list, the host's tables).
 * Returns 0, or -1 with the message printed.
 */
static int cmd_exec_seal(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (uid == 0 && unshare(CLONE_NEWNET) == 0)
		return 0;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
		if (uid != 0)
			return 0;
		fprintf(stderr, "nfemu: exec: cannot give the command a network namespace of its "
			"own (unshare: %s); not running it as root next to the host's network\n",
			strerror(errno));
		return -1;
	}
	/* the same ids inside: files the command creates are the caller's */
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned int)uid, (unsigned int)uid);
	if (cmd_exec_write("/proc/self/setgroups", "deny") && errno != ENOENT)
		goto fail;
	if (cmd_exec_write("/proc/self/uid_map", map))
		goto fail;
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned int)gid, (unsigned int)gid);
	if (cmd_exec_write("/proc/self/gid_map", map))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "nfemu: exec: user namespace id maps: %s\n", strerror(errno));
	return -1;
}

static int cmd_exec_setenv(const char *name, const char *value)
{
	if (setenv(name, value, 1) < 0) {
		fprintf(stderr, "nfemu: exec: setenv %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_exec(int argc, char **argv)
{
	const char *state_arg = NULL, *old_preload, *lock_env, *runtime, *trace = NULL;
	char *state = NULL, *shim = NULL, *buf = NULL;
	int i, err;

	for (i = 1; i < argc;) {
		if (cli_state_opt(argc, argv, &i, &state_arg))
			continue;
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			cmd_exec_usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--sockopt-trace") || !strncmp(argv[i], "--sockopt-trace=", 16)) {
			trace = argv[i][15] == '=' ? argv[i] + 16 : "-";
			i++;
			continue;
		}
		if (argv[i][0] == '-') {
			fprintf(stderr, "nfemu: exec: unknown option '%s'\n", argv[i]);
			cmd_exec_usage(stderr);
			return 2;
		}
		break;
	}
	if (i >= argc) {
		fprintf(stderr, "nfemu: exec: no command given\n");
		cmd_exec_usage(stderr);
		return 2;
	}

	state = cmd_exec_abspath(nfemu_state_path(state_arg));
	if (!state) {
		fprintf(stderr, "nfemu: exec: state file %s: %s\n", nfemu_state_path(state_arg),
			strerror(errno));
		goto fail;
	}
	shim = cmd_exec_find_shim();
	if (!shim)
		goto fail;

	if (cmd_exec_setenv("NFEMU_STATE", state))
		goto fail;
	/* sockopt_shim/sockopt_trace.c: "-" is stderr; a file is made absolute, as the state */
	if (trace && strcmp(trace, "-") && trace[0]) {
		buf = cmd_exec_abspath(trace);
		if (!buf || cmd_exec_setenv("NFEMU_SOCKOPT_TRACE", buf))
			goto fail;
		free(buf);
		buf = NULL;
	} else if (trace && cmd_exec_setenv("NFEMU_SOCKOPT_TRACE", "-")) {
		goto fail;
	}
	lock_env = getenv("XTABLES_LOCKFILE");
	if (!lock_env || !lock_env[0]) {
		if (asprintf(&buf, "%s.xtables.lock", state) < 0 ||
		    cmd_exec_setenv("XTABLES_LOCKFILE", buf))
			goto fail;
		free(buf);
		buf = NULL;
	}
	old_preload = getenv("LD_PRELOAD");
	runtime = cmd_exec_sanitizer_runtime();
	if (asprintf(&buf, "%s%s%s%s%s", runtime ? runtime : "", runtime ? ":" : "", shim,
		     old_preload && old_preload[0] ? ":" : "", old_preload ? old_preload : "") < 0 ||
	    cmd_exec_setenv("LD_PRELOAD", buf))
		goto fail;
	if (cmd_exec_seal())
		goto fail;

	execvp(argv[i], &argv[i]);
	err = errno;
	fprintf(stderr, "nfemu: exec: %s: %s\n", argv[i], strerror(err));
	free(buf);
	free(shim);
	free(state);
	return err == ENOENT ? 127 : 126;

fail:
	free(buf);
	free(shim);
	free(state);
	return 1;
}
