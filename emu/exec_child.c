/* emu/exec_child.c - EMU: small helpers of the nfemu command's subcommands: JSON strings on a
 * stream, and running a real iptables program against a state file, from inside the
 * nfemu command (replay --rules and test's `rules` load with iptables-legacy-restore;
 * --rules-text reads the tables back with iptables-legacy-save).  No kernel counterpart: the
 * program runs as `nfemu exec --state STATE -- PROG` in a child, under the shim, as a user
 * would run it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "emu/cli.h"

int nfemu_exec_capture(const char *state, const char *prog, int in_fd, bool merge_stderr,
		       size_t out_max, struct exec_capture *res, char *err, size_t errlen)
{
	size_t cap = out_max < 16384 ? out_max + 1 : 16384;
	char *buf = malloc(cap);
	int pipefd[2];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (!buf || pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "%s", buf ? strerror(errno) : "out of memory");
		free(buf);
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		free(buf);
		return -1;
	}
	if (pid == 0) {
		int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);

		if (in < 0 || dup2(in, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    (merge_stderr && dup2(pipefd[1], 2) < 0))
			_exit(126);
		execl("/proc/self/exe", "nfemu", "exec", "--state", state, "--", prog, (char *)NULL);
		dprintf(2, "nfemu: cannot run nfemu exec: %s\n", strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		char sink[4096];
		ssize_t n;

		if (res->len + 1 >= cap && cap <= out_max) {
			size_t ncap = cap * 2 > out_max + 1 ? out_max + 1 : cap * 2;
			char *v = realloc(buf, ncap);

			if (v) {
				buf = v;
				cap = ncap;
			} else {
				out_max = res->len;     /* keep what fits; drain the rest */
			}
		}
		if (res->len < out_max && res->len + 1 < cap)
			n = read(pipefd[0], buf + res->len, cap - res->len - 1);
		else
			n = read(pipefd[0], sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (res->len < out_max && res->len + 1 < cap)
			res->len += (size_t)n;
		else
			res->cut = true;
	}
	close(pipefd[0]);
	while (waitpid(pid, &res->status, 0) < 0 && errno == EINTR)
		;
	buf[res->len] = '\0';
	res->out = buf;
	return 0;
}

bool exec_capture_ok(const struct exec_capture *res)
{
	return WIFEXITED(res->status) && WEXITSTATUS(res->status) == 0;
}

const char *exec_capture_how(const struct exec_capture *res, char *buf, size_t len)
{
	snprintf(buf, len, "%s %d", WIFEXITED(res->status) ? "exit status" : "signal",
		 WIFEXITED(res->status) ? WEXITSTATUS(res->status) : WTERMSIG(res->status));
	return buf;
}

void cli_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}
